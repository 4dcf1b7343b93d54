import type { Catalog } from './catalog.ts';

/** Account actions: bulk changes, password resets, notification settings. */
export const actions = {
  'actions.bulkTooMany': [
    '{n} accounts selected; at most {max} can be changed at once. Narrow the selection.',
    '已选择 {n} 个客户，一次最多可修改 {max} 个，请缩小选择范围。',
  ],
  'actions.bulkNothingSelected': [
    'Select accounts: give ids or a filter',
    '请选择客户：提供客户 ID 或筛选条件',
  ],
  'actions.bulkBothSelections': ['Give either ids or a filter, not both', '客户 ID 与筛选条件只能二选一'],
  'actions.bulkAccountsNotFound': ['{n} accounts not found, e.g. {ids}', '有 {n} 个客户不存在，例如 {ids}'],
  'actions.bulkUnknownUser': ['No active user {id}', '没有 ID 为 {id} 的在职用户'],
  'actions.bulkUnknownTier': [
    'Unknown tier "{tier}": the active scheme assigns {tiers}',
    '未知分层「{tier}」：当前分层方案只有 {tiers}',
  ],
  'actions.bulkRepeatedAction': ['Each kind of action may appear once', '每种操作只能出现一次'],
  'actions.bulkDone': ['Bulk change of {n} accounts: {summary}', '批量修改 {n} 个客户：{summary}'],
  'actions.resetSelf': ['Change your own password in your profile', '请在个人资料中修改自己的密码'],
  'actions.unknownNotificationKind': ['Unknown notification type "{kind}"', '未知的通知类型「{kind}」'],
} as const satisfies Catalog;
