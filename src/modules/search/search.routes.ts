import { createRoute } from '@hono/zod-openapi';
import { createRouter, ERRORS, json } from '../../server/env.ts';
import { SearchQuery, SearchResults, search } from './search.ts';

export function searchRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/search',
      tags: ['Search'],
      summary: 'Search accounts, contacts, tasks and requests you may read',
      description:
        'Accounts by name or external id; contacts by name, email, phone (digits alone match too), WeChat id, or the pinyin and pinyin initials of a Chinese name (`zw` and `zhangwei` find 张伟); tasks and requests by title (requests also by `#number`). Grouped, at most `limit` per group.',
      request: { query: SearchQuery },
      responses: { 200: json(SearchResults, 'Results by group'), ...ERRORS },
    }),
    async (c) => c.json(await search({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  return app;
}
