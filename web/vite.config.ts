import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

// `npm run build` (also run by postinstall and, when the output is missing, by `npm start`) writes
// web/dist, which the Steward server serves at `/`. `npx vite --config web/vite.config.ts` is a dev
// server that proxies the API to a Steward on :3000.
export default defineConfig({
  root: 'web',
  base: '/',
  // precompress: .br and .gz copies of every text file, which the server sends as they are.
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // bench/web.ts reads the manifest to size each route's initial JavaScript.
    manifest: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across releases.
        manualChunks(id: string) {
          if (!id.includes('node_modules')) return undefined;
          if (/[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/.test(id)) return 'react';
          return undefined;
        },
      },
    },
  },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
