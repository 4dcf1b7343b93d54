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
    'Task {id} changed while you were editing it; reload and try again',
    '任务 {id} 在你编辑时已被更改，请刷新后重试',
  ],
  'task.error.transition': ['A task that is {from} cannot become {to}', '{from}的任务不能改为{to}'],
} as const satisfies Catalog;
