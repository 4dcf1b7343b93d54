import type { Catalog } from './catalog.ts';

/** Tasks and follow-ups: timeline titles, enum values and the errors the tasks module raises. */
export const tasks = {
  'task.created': ['Task created: {title}', '创建任务：{title}'],
  'task.statusChanged': ['Task {status}: {title}', '任务{status}：{title}'],
  'task.snoozedUntil': ['Task snoozed until {date}: {title}', '任务已暂缓至 {date}：{title}'],
  'task.reassigned': ['Task reassigned to {who}: {title}', '任务转派给 {who}：{title}'],
  'task.updated': ['Task updated: {title}', '更新任务：{title}'],
  'task.backFromSnooze': ['Task back from snooze: {title}', '任务暂缓结束：{title}'],
  'task.followUp': ['Follow-up on {title}', '跟进：{title}'],
  'task.lines': ['{a}\n{b}', '{a}\n{b}'],
  'task.followUpOutcome': ['Outcome: {text}', '结果：{text}'],
  'task.followUpNextStep': ['Next step: {text}', '下一步：{text}'],
  'task.status.open': ['reopened', '重新打开'],
  'task.status.in_progress': ['in progress', '进行中'],
  'task.status.done': ['done', '已完成'],
  'task.status.cancelled': ['cancelled', '已取消'],
  'task.status.snoozed': ['snoozed', '已暂缓'],
  'task.what': ['Task', '任务'],
  'task.whatFollowUp': ['Follow-up', '跟进记录'],
  'task.error.noActiveUser': ['No active user {id} in this workspace', '此工作区没有启用的用户 {id}'],
  'task.error.notActiveUser': ['not an active user of this workspace', '不是此工作区启用的用户'],
  'task.error.changed': [
    'The task was changed by someone else meanwhile; reload it and try again',
    '任务已被他人更改，请刷新后重试',
  ],
  'task.error.transition': ['A {from} task cannot become {to}', '{from}的任务不能改为{to}'],
  'task.error.transitionReopen': [
    'A {from} task cannot become {to}: reopen it first',
    '{from}的任务不能改为{to}：请先重新打开',
  ],
  'task.error.snoozeNeedsDay': ['Snoozing needs snoozedUntil', '暂缓需要填写暂缓至哪天（snoozedUntil）'],
  'task.error.snoozeAfterToday': [
    'snoozedUntil must be after today ({date})',
    '暂缓日期必须晚于今天（{date}）',
  ],
  'task.error.snoozeOnlyWhenSnoozed': [
    'snoozedUntil goes only with status snoozed',
    '只有状态为已暂缓时才能填写暂缓日期（snoozedUntil）',
  ],
  'task.error.followUpByPerson': [
    'A follow-up is recorded by a person, not by the system',
    '跟进记录只能由人填写，不能由系统记录',
  ],
  'task.error.meNeedsUser': ['`me` needs a signed-in user', '`me` 需要已登录的用户'],
  'task.error.noUser': ['no user', '没有用户'],
  'task.statusName.open': ['open', '待办'],
  'task.statusName.in_progress': ['in_progress', '进行中'],
  'task.statusName.done': ['done', '已完成'],
  'task.statusName.cancelled': ['cancelled', '已取消'],
  'task.statusName.snoozed': ['snoozed', '已暂缓'],
} as const satisfies Catalog;
