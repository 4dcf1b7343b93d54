import type { Catalog } from './catalog.ts';

/** Errors of state, stages, tiers, segments and the shared edges (cursors, CSV bodies, text). */
export const errorsState = {
  'error.expiresOnPast': ['must be today ({day}) or later', '须为今天（{day}）或之后'],
  'error.unknownStage': [
    'Unknown stage "{value}": this workspace has {stages}',
    '未知阶段“{value}”：本工作区的阶段为 {stages}',
  ],
  'error.noStages': [
    'Unknown stage "{value}": this workspace has no lifecycle stages yet',
    '未知阶段“{value}”：本工作区还没有生命周期阶段',
  ],
  'error.unknownTier': [
    'Unknown tier "{value}": the active scheme {scheme} assigns {tiers}',
    '未知分层“{value}”：当前启用的分层方案 {scheme} 只分配 {tiers}',
  ],
  'error.stageHeld': [
    'Stage {stage} is the manual stage of {count} account(s); remove those overrides first',
    '阶段 {stage} 是 {count} 个客户的手动阶段，请先移除这些手动设置',
  ],
  'error.stagesRace': [
    'Lifecycle stages were being installed at the same time; try again',
    '生命周期阶段正在被同时安装，请重试',
  ],
  'error.badCursor': [
    'Invalid cursor: pass back the nextCursor of a previous page',
    '无效的分页游标：请传回上一页返回的 nextCursor',
  ],
  'error.notACursor': ['not a cursor this list issued', '不是此列表发出的游标'],
  'error.csvContentType': [
    'Send the CSV file as the body with Content-Type: text/csv',
    '请以请求体发送 CSV 文件，并设置 Content-Type: text/csv',
  ],
  'error.csvEmpty': ['The request has no CSV body', '请求中没有 CSV 内容'],
} as const satisfies Catalog;
