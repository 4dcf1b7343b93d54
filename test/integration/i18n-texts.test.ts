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
    expect(denied.body.error.message).toBe('只读成员角色无权修改设置（settings:write）');
  });
});

describe('health explanation', () => {
  it('names the default model’s dimensions, components and missing inputs in the reader’s language', async () => {
    const created = await as('en').post('/api/v1/accounts', { externalId: 'h-1', name: '健康客户' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const labels = (h: any) => [
      ...h.components.map((c: any) => `${c.dimensionName}: ${c.name}`),
      ...h.missing.map((m: any) => `- ${m.name}`),
    ];
    const en = await as('en').get(`/api/v1/accounts/${id}/health`);
    expect(en.status).toBe(200);
    const enText = labels(en.body).join('\n');
    expect(enText).toContain('Active users, last 30 days (percentile)');
    expect(enText).toContain('Days since the last note, call, meeting or email');
    expect(HAN.test(enText)).toBe(false);
    const zh = await as('zh-CN').get(`/api/v1/accounts/${id}/health`);
    const zhText = labels(zh.body).join('\n');
    expect(zhText).toContain('近 30 天活跃用户数（百分位）');
    expect(zhText).not.toMatch(/[A-Za-z]{4,}/);
    expect(zh.body.model.name).toBe('默认健康度模型');
  });
});

describe('request priority', () => {
  it('gives each factor’s reasoning in the reader’s language, with its key', async () => {
    const account = await as('en').post('/api/v1/accounts', { externalId: 'r-1', name: '需求客户' });
    const created = await as('en').post('/api/v1/requests', {
      accountId: account.body.id,
      title: '导出 PDF',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    const en = await as('en').get(`/api/v1/requests/${id}`);
    expect(en.body.priority.factors.map((f: any) => [f.key, f.detail])).toEqual([
      ['asking_accounts', '1 account asking at 6 each, at most 60'],
    ]);
    const zh = await as('zh-CN').get(`/api/v1/requests/${id}`);
    expect(zh.body.priority.factors.map((f: any) => [f.key, f.detail])).toEqual([
      ['asking_accounts', '1 个客户提出，每个客户计 6 分，最多 60 分'],
    ]);
  });
});

describe('stage names', () => {
  it('lists the default stages named in the reader’s language, with their journey order', async () => {
    expect((await as('en').post('/api/v1/lifecycle-stages/defaults', {})).status).toBe(200);
    const en = await as('en').get('/api/v1/lifecycle-stages');
    const journey = (res: any) =>
      [...res.body.items]
        .sort((a: any, b: any) => a.journeyPosition - b.journeyPosition)
        .map((s: any) => s.name);
    expect(journey(en)).toEqual(['Onboarding', 'Adoption', 'Advanced', 'Renewal', 'Expansion', 'Churned']);
    const zh = await as('zh-CN').get('/api/v1/lifecycle-stages');
    expect(journey(zh)).toEqual(['熟悉期', '使用期', '进阶期', '续约期', '增值期', '已流失']);
    // Rule order (position) is unchanged: churned is still tried first.
    expect(zh.body.items[0]).toMatchObject({ key: 'churned', position: 1, journeyPosition: 6 });
  });

  it('renames a stage in the writer’s language only, and takes both with a label', async () => {
    const renamed = await as('en').patch('/api/v1/lifecycle-stages/adoption', { name: 'Getting value' });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.label).toEqual({ en: 'Getting value', 'zh-CN': '使用期' });
    const zh = await as('zh-CN').get('/api/v1/lifecycle-stages/adoption');
    expect(zh.body.name).toBe('使用期');
    const created = await as('zh-CN').post('/api/v1/lifecycle-stages', {
      key: 'paused',
      label: { en: 'Paused', 'zh-CN': '暂停' },
      condition: 'arr = 0',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: '暂停', journeyPosition: 7 });
    expect((await as('en').get('/api/v1/lifecycle-stages/paused')).body.name).toBe('Paused');
  });

  it('names the default scheme’s tiers in the reader’s language', async () => {
    const scheme = await as('en').post('/api/v1/tiering-schemes', {
      key: 'sgn',
      name: '战略型 / 成长型 / 培育型',
      rules: [{ tier: 'strategic', when: 'arr >= 1000000' }],
      defaultTier: 'nurture',
    });
    expect(scheme.status, JSON.stringify(scheme.body)).toBe(201);
    expect(scheme.body.tiers.map((x: any) => x.name)).toEqual(['Strategic', 'Nurture']);
    const zh = await as('zh-CN').get(`/api/v1/tiering-schemes/${scheme.body.id}`);
    expect(zh.body.tiers.map((x: any) => x.name)).toEqual(['战略型客户', '培育型客户']);
  });
});
