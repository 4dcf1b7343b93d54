import { common } from './common.ts';
import { errors } from './errors.ts';
import { errorsAccounts } from './errors-accounts.ts';
import { errorsState } from './errors-state.ts';
import { health } from './health.ts';
import { names } from './names.ts';
import { requests } from './requests.ts';

/**
 * Every server text a person reads, as `key: [en, zh-CN]`. One file per area; add the area here.
 * `{name}` is a parameter; see message.ts for how values render.
 */
export const CATALOG = {
  ...common,
  ...errors,
  ...errorsAccounts,
  ...errorsState,
  ...health,
  ...names,
  ...requests,
} as const;
