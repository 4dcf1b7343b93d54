import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { chooseEncoding, type Encoding } from './compress.ts';

/** Where `npm run build` (vite build with web/vite.config.ts) writes the web app. */
export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Types the build writes .br and .gz copies of (web/precompress.ts). */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.ico']);
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * One file of the build: the build's brotli or gzip copy when the client accepts it (brotli first),
 * else the file itself; Vary: Accept-Encoding on every compressible type, Content-Length always.
 */
function sendFile(acceptEncoding: string | undefined, file: string, cacheControl: string) {
  const type = extname(file);
  const headers: Record<string, string> = {
    'content-type': TYPES[type] ?? 'application/octet-stream',
    'cache-control': cacheControl,
  };
  let body: Buffer | undefined;
  if (COMPRESSIBLE.has(type)) {
    headers.vary = 'Accept-Encoding';
    const offered = (['br', 'gzip'] as const).filter((e) => existsSync(file + SUFFIX[e]));
    const encoding = chooseEncoding(acceptEncoding, offered);
    if (encoding) {
      body = readFileSync(file + SUFFIX[encoding]);
      headers['content-encoding'] = encoding;
    }
  }
  body ??= readFileSync(file);
  headers['content-length'] = String(body.length);
  return new Response(new Uint8Array(body), { status: 200, headers });
}

/** Paths the server answers itself: an unknown one there is a JSON 404, never the app's page. */
const SERVER_PREFIXES = ['/api/', '/v1/', '/batch', '/capture', '/healthz', '/s/'];

/**
 * Serves the built web app at `/`: files from the build output, and index.html for any other GET
 * that accepts HTML (the app routes in the browser). Vite's hashed `/assets/*` files never change,
 * so they are cached for a year; index.html is revalidated so a new build shows at once. Without a
 * build, `/` keeps pointing at the API docs.
 */
export function mountWeb(app: Hono<never>, dist = WEB_DIST) {
  const index = join(dist, 'index.html');
  const built = () => existsSync(index);

  app.get('*', async (c, next) => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return next();
    }
    if (SERVER_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return next();
    if (!built()) return path === '/' ? c.redirect('/api/docs') : next();

    const file = normalize(join(dist, path));
    if (file.startsWith(dist + sep) && existsSync(file) && statSync(file).isFile()) {
      const immutable = path.startsWith('/assets/');
      return sendFile(
        c.req.header('accept-encoding'),
        file,
        immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    }
    // A missing hashed asset is a real 404 (an old tab after a deploy), not the app's page; so is
    // an unknown path asked for by anything but a browser navigating (scripts get the JSON 404).
    if (path.startsWith('/assets/') || !(c.req.header('accept') ?? '').includes('text/html')) return next();
    return sendFile(c.req.header('accept-encoding'), index, 'no-cache');
  });
}
