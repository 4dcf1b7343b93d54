import { actions } from './actions.ts';
import { automation } from './automation.ts';
import { churn } from './churn.ts';
import { common } from './common.ts';
import { conditions } from './conditions.ts';
import { errors } from './errors.ts';
import { errorsAccounts } from './errors-accounts.ts';
import { errorsModules } from './errors-modules.ts';
import { errorsState } from './errors-state.ts';
import { events } from './events.ts';
import { health } from './health.ts';
import { imports } from './imports.ts';
import { integrations } from './integrations.ts';
import { list } from './list.ts';
import { names } from './names.ts';
import { notifications } from './notifications.ts';
import { qbr } from './qbr.ts';
import { reports } from './reports.ts';
import { requests } from './requests.ts';
import { sec } from './sec.ts';
import { surveys } from './surveys.ts';
import { tasks } from './tasks.ts';
import { value } from './value.ts';

/**
 * Every server text a person reads, as `key: [en, zh-CN]`. One file per area; add the area here.
 * `{name}` is a parameter; see message.ts for how values render.
 */
export const CATALOG = {
  ...actions,
  ...automation,
  ...churn,
  ...common,
  ...conditions,
  ...errors,
  ...errorsAccounts,
  ...errorsModules,
  ...errorsState,
  ...events,
  ...health,
  ...imports,
  ...integrations,
  ...list,
  ...names,
  ...notifications,
  ...reports,
  ...requests,
  ...qbr,
  ...sec,
  ...surveys,
  ...tasks,
  ...value,
} as const;
