// Server texts in the reader's language (Accept-Language): errors, health explanations, request
// priority factors, stage names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  client,
  createTestApp,
  createTestWorkspace,
  type TestApp,
  type TestWorkspace,
} from '../helpers/test-app.ts';

let t: TestApp;
let ws: TestWorkspace;
const HAN = /\p{Script=Han}/u;

beforeAll(async () => {
  t = await createTestApp();
  ws = await createTestWorkspace(t.deps, 'I18n');
});
afterAll(async () => t?.close());

const as = (lang: 'en' | 'zh-CN', token: string | null = ws.users.admin.token) =>
  client(t.app, token, { 'accept-language': lang });

describe('errors', () => {
  it('says a failed sign-in in the language asked for', async () => {
    const body = { email: ws.users.csm.email, password: 'not-the-password-1' };
    const en = await as('en', null).post('/api/v1/auth/login', body);
    expect(en.status).toBe(401);
    expect(en.body.error.message).toBe('Email or password is incorrect');
    const zh = await as('zh-CN', null).post('/api/v1/auth/login', body);
    expect(zh.body.error.message).toBe('邮箱或密码不正确');
  });

  it('renders validation errors, zod’s own and ours, with each issue in the reader’s language', async () => {
    const en = await as('en').post('/api/v1/accounts', { externalId: 'x1', name: '' });
    expect(en.status).toBe(400);
    expect(en.body.error.message).toMatch(/^Invalid body: name: Too small/);
    const zh = await as('zh-CN').post('/api/v1/accounts', { externalId: 'x1', name: '' });
    expect(zh.status).toBe(400);
    expect(zh.body.error.message).toMatch(/^请求体无效：name：/);
    expect(HAN.test(zh.body.error.details.issues[0].message)).toBe(true);

    const weak = { email: 'weak@example.com', name: 'W', role: 'csm', password: 'password123' };
    const enWeak = await as('en').post('/api/v1/users', weak);
    expect(enWeak.body.error.details.issues[0]).toEqual({
      path: 'password',
      message: 'is too common: it appears in lists of the most used passwords',
    });
    const zhWeak = await as('zh-CN').post('/api/v1/users', weak);
    expect(zhWeak.body.error.details.issues[0].message).toBe('过于常见：出现在最常用密码列表中');
  });

  it('names what was not found and what a role may not do', async () => {
    const zh = await as('zh-CN').get('/api/v1/accounts/nope');
    expect(zh.status).toBe(404);
    expect(zh.body.error.message).toBe('未找到客户 nope');
    const en = await as('en').get('/api/v1/accounts/nope');
    expect(en.body.error.message).toBe('Account nope not found');
    const denied = await as('zh-CN', ws.users.viewer.token).post('/api/v1/lifecycle-stages/defaults', {});
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toBe('只读成员角色无权修改设置');
  });
});
