import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hono } from 'hono';
import swaggerUi from 'swagger-ui-dist';

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

const INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true });`;

export function mountDocs(app: Hono<never>) {
  const dir = swaggerUi.getAbsoluteFSPath();
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
