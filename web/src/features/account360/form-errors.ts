import type { FormInstance } from 'antd';
import { fieldErrors } from '../../api/actions.ts';

/**
 * Puts the API's 400 issues beside the fields they name (`details.issues[].path`, e.g. `email` or
 * `actions.tier`); `names` maps an API path to the form's field where they differ. Answers whether
 * any issue found a field, so the caller shows the message as a toast only when none did.
 */
export function showFieldErrors(
  form: FormInstance,
  error: unknown,
  names: Record<string, string> = {},
): boolean {
  const known = new Set(
    Object.keys(form.getFieldsValue() as Record<string, unknown>).concat(Object.values(names)),
  );
  const byField = new Map<string, string[]>();
  for (const issue of fieldErrors(error)) {
    const name = names[issue.path] ?? issue.path.split('.')[0]!;
    if (!known.has(name)) continue;
    byField.set(name, [...(byField.get(name) ?? []), issue.message]);
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })));
  return byField.size > 0;
}
