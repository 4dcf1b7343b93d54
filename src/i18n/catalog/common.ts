import type { Catalog } from './catalog.ts';

/** Words shared by many messages: missing values, yes/no, enum values seen across modules. */
export const common = {
  'common.missing': ['not recorded', '暂无记录'],
  'common.never': ['never', '从未'],
  'common.yes': ['yes', '是'],
  'common.no': ['no', '否'],
  'common.listSeparator': [', ', '、'],
} as const satisfies Catalog;
