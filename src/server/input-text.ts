// One check at the edge for text Steward will not store (a NUL byte, a lone UTF-16 surrogate) in
// any API request's JSON body, query string or path, so every schema need not repeat it and both
// engines answer the same 400 (PostgreSQL would refuse a NUL with an error, SQLite would keep it).
import type { MiddlewareHandler } from 'hono';
import { invalidField } from '../errors.ts';
import { type Message, msg } from '../i18n/index.ts';
import { findBadText } from '../text.ts';

const JSON_TYPE = /^application\/([\w.-]+\+)?json/i;

const refuse = (where: 'path' | 'query' | 'body', found: { path: string; message: string | Message }) =>
  invalidField(found.path || '(root)', found.message, where === 'path' ? msg('part.path') : where);

export const rejectUnstorableText: MiddlewareHandler = async (c, next) => {
  if (/%00/.test(new URL(c.req.url).pathname)) {
    throw refuse('path', { path: 'path', message: msg('text.nul') });
  }
  const query = findBadText(c.req.queries());
  if (query) throw refuse('query', { ...query, path: query.path.replace(/\.\d+$/, '') });
  if (
    c.req.method !== 'GET' &&
    c.req.method !== 'HEAD' &&
    JSON_TYPE.test(c.req.header('content-type') ?? '')
  ) {
    // Malformed JSON is left to the route's validator, which reads the same cached parse.
    const body: unknown = await c.req.json().catch(() => undefined);
    const found = findBadText(body);
    if (found) throw refuse('body', found);
  }
  await next();
};
