import type { Catalog } from './catalog.ts';

/** Texts of the reports module (scorecard drill-down, the manager's team overview). */
export const reports = {
  'error.unknownScorecardUser': ['is not a user of this workspace', '不是本工作区的用户'],
  'error.unknownScorecardGroup': ['is not a CSM group of this workspace', '不是本工作区的 CSM 小组'],
} satisfies Catalog;
