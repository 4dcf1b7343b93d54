import { actions } from './actions.ts';
import { automation } from './automation.ts';
import { churn } from './churn.ts';
import { common } from './common.ts';
import { errors } from './errors.ts';
import { errorsAccounts } from './errors-accounts.ts';
import { errorsState } from './errors-state.ts';
import { events } from './events.ts';
import { health } from './health.ts';
import { list } from './list.ts';
import { names } from './names.ts';
import { notifications } from './notifications.ts';
import { requests } from './requests.ts';
import { sec } from './sec.ts';
import { tasks } from './tasks.ts';

/**
 * Every server text a person reads, as `key: [en, zh-CN]`. One file per area; add the area here.
 * `{name}` is a parameter; see message.ts for how values render.
 */
export const CATALOG = {
  ...actions,
  ...automation,
  ...churn,
  ...common,
  ...errors,
  ...errorsAccounts,
  ...errorsState,
  ...events,
  ...health,
  ...list,
  ...names,
  ...notifications,
  ...requests,
  ...sec,
  ...tasks,
} as const;
