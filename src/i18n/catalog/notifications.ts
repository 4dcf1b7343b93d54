import type { Catalog } from './catalog.ts';

/** In-app notifications and the daily digest email, in the recipient's language. */
export const notifications = {
  'notification.taskAssigned': ['New task: {title}', '新任务：{title}'],
  'notification.taskAssignedBody': ['{account} · {priority}', '{account} · {priority}'],
  'notification.taskAssignedBodyDue': [
    '{account} · {priority}, due {date}',
    '{account} · {priority}，截止 {date}',
  ],
  'notification.taskReassignedBody': [
    '{account} · {priority} (reassigned)',
    '{account} · {priority}（转派）',
  ],
  'notification.taskReassignedBodyDue': [
    '{account} · {priority}, due {date} (reassigned)',
    '{account} · {priority}，截止 {date}（转派）',
  ],
  'notification.enteredDanger': ['{name} entered danger', '{name} 健康度进入危险'],
  'notification.enteredDangerBody': [
    'Health status {from} → {to} on {date}',
    '健康状态 {from} → {to}（{date}）',
  ],
  'notification.renewalUpcoming': ['{name} renews in {days} days', '{name} {days} 天后续约'],
  'notification.renewalUpcomingBody': ['Renewal date {date}', '续约日期 {date}'],
  'notification.what': ['Notification', '通知'],
  'notification.what.user': ['User', '用户'],
  'notification.error.personal': ['Notifications belong to a signed-in user', '通知属于已登录的用户'],
  'digest.hello': ['Hello {name},', '{name}，你好：'],
  'digest.overdue': ['Overdue tasks ({count})', '逾期任务（{count}）'],
  'digest.dueToday': ['Tasks due today ({count})', '今天到期的任务（{count}）'],
  'digest.unread': ['Unread notifications ({count})', '未读通知（{count}）'],
  'digest.more': ['... and {count} more', '……还有 {count} 条'],
  'digest.taskLine': ['- [{priority}] {title} · {account}', '- [{priority}] {title} · {account}'],
  'digest.taskLineDue': [
    '- [{priority}] {title} · {account} (due {date})',
    '- [{priority}] {title} · {account}（截止 {date}）',
  ],
  'digest.footer': [
    '(Turn the daily digest off in your Steward notification settings.)',
    '（可在 Steward 的通知设置中关闭每日摘要。）',
  ],
  'digest.subject': [
    'Steward daily digest {date}: {overdue} overdue, {today} due today, {unread} unread',
    'Steward 每日摘要 {date}：逾期 {overdue}，今天到期 {today}，未读 {unread}',
  ],
} as const satisfies Catalog;
