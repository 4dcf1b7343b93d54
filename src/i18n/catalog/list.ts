import type { Catalog } from './catalog.ts';

/** The accounts list's query, saved views and global search. */
export const list = {
  'list.badCondition': ['Invalid condition in {path}: {problem}', '{path} 中的条件无效：{problem}'],
  'list.notACondition': ['not a condition', '不是条件'],
  'list.badConditionJson': [
    '{path}: not valid JSON (a condition tree starts with "{"; text conditions do not)',
    '{path}：不是有效的 JSON（条件树以 "{" 开头，文本条件不以它开头）',
  ],
  'list.viewNotFound': ['Saved view {id} not found', '未找到保存的视图 {id}'],
  'list.viewNotYours': [
    'Only the owner of a saved view may change or delete it',
    '只有视图的创建者可以修改或删除它',
  ],
  'list.shareNeedsManager': [
    'Only managers and admins may share a view with the workspace',
    '只有经理和管理员可以把视图共享给整个工作区',
  ],
  'list.viewNameTaken': ['You already have a view named "{name}"', '你已经有名为“{name}”的视图'],
} as const satisfies Catalog;
