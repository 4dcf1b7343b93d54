import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.ico']);
const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * After `vite build`: a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside every text
 * file of the output, kept only when smaller. The server sends the best one the client accepts
 * (src/server/web.ts), so nothing is compressed per request.
 */
export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'steward-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      const files: string[] = [];
      const walk = async (dir: string) => {
        for (const entry of await readdir(dir, { withFileTypes: true })) {
          const path = join(dir, entry.name);
          if (entry.isDirectory()) {
            if (entry.name !== '.vite') await walk(path);
          } else if (COMPRESSIBLE.has(extname(entry.name))) files.push(path);
        }
      };
      await walk(outDir);
      let before = 0;
      let after = 0;
      await Promise.all(
        files.map(async (file) => {
          const data = await readFile(file);
          const [br, gzipped] = await Promise.all([
            brotli(data, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: 11,
                [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
              },
            }),
            gz(data, { level: 9 }),
          ]);
          if (br.length < data.length) await writeFile(`${file}.br`, br);
          if (gzipped.length < data.length) await writeFile(`${file}.gz`, gzipped);
          before += (await stat(file)).size;
          after += Math.min(br.length, data.length);
        }),
      );
      this.info?.(`precompressed ${files.length} files: ${before} bytes -> ${after} bytes with brotli`);
    },
  };
}
