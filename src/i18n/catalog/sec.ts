import type { Catalog } from './catalog.ts';

/** Fair load, record-level access and hardening (issue 15). */
export const sec = {
  'sec.busyUser': [
    'You already have {running} heavy requests running (reports, large lists, exports, previews); retry in {seconds} s',
    '你已有 {running} 个耗时请求在运行（报表、大列表、导出、预览），请 {seconds} 秒后重试',
  ],
  'sec.busyWorkspace': [
    'This workspace already has {running} heavy requests running; retry in {seconds} s',
    '本工作区已有 {running} 个耗时请求在运行，请 {seconds} 秒后重试',
  ],
  'sec.inUse': [
    '{what} {key} is in use by {count} {users}; remove it from them first',
    '{what} {key} 正被 {count} 个{users}使用，请先从中移除',
  ],
  'sec.metric': ['Metric', '指标'],
  'sec.customField': ['Custom field', '自定义字段'],
  'sec.users': [
    'rules, segments, health models, tiering schemes or stages',
    '规则、分群、健康模型、分层方案或阶段',
  ],
  'sec.emailTaken': ['This email cannot be used for a new user here', '此邮箱无法用于在本工作区创建新用户'],
  'sec.tokenThrottled': [
    'Too many API tokens created; retry in {seconds} s',
    '创建 API 令牌过于频繁，请 {seconds} 秒后重试',
  ],
  'sec.readScopeAdminOnly': [
    'Only an admin changes which accounts CSMs see',
    '只有管理员可以修改客户成功经理可见的客户范围',
  ],
} as const satisfies Catalog;
