import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';

// Swagger UI is served from the installed package, so the docs page works with no network.
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Steward API</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
</head>
<body>
  <div id="docs"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

// validatorUrl: null: no badge fetched from validator.swagger.io (the CSP allows only this server).
const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true, validatorUrl: null });`;

export function mountDocs(app: Hono<never>) {
  // The package's own entry point evaluates the whole browser bundle (~40 MB of server memory)
  // just to say where its files are; the files are all we need.
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const cache = new Map<string, string>();
  app.get('/api/docs', (c) => c.html(PAGE));
  app.get('/api/docs/init.js', (c) =>
    c.body(INIT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  for (const [file, type] of Object.entries(ASSETS)) {
    app.get(`/api/docs/${file}`, (c) => {
      let body = cache.get(file);
      if (body === undefined) {
        body = readFileSync(join(dir, file), 'utf8');
        cache.set(file, body);
      }
      return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
    });
  }
}
