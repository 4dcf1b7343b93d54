// What a rule did to one account, as a sentence in the reader's language that names the account
// (and the task it made), never an id fragment. Details are stored as JSON when the action runs;
// their reasons and titles are messages since event texts became messages, plain text before.
import { CATALOG } from '../../i18n/catalog/index.ts';
import { isMessage, type Locale, type MessageKey, msg, type Param, render } from '../../i18n/index.ts';
import { valueParam } from '../timeline/index.ts';

type Detail = Record<string, unknown> | null;

const text = (v: unknown): Param => {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (isMessage(v)) return v;
  return null;
};

/** The action type's name (`automation.action.<type>`, keys the web can use too). */
export function actionName(locale: Locale, action: string): string {
  const key = `automation.action.${action}`;
  return key in CATALOG ? render(locale, msg(key as MessageKey)) : action;
}

/** The reason the rule acted (a message, or the English of runs logged before messages). */
export function detailReason(locale: Locale, detail: Detail): string | null {
  const r = detail?.reason;
  if (isMessage(r)) return render(locale, r);
  return typeof r === 'string' ? r : null;
}

export function summarizeAction(
  locale: Locale,
  a: { action: string; status: string; accountName: string | null; detail: Detail },
): string {
  const d = a.detail ?? {};
  const account = a.accountName ?? msg('common.missing');
  if (a.status === 'failed')
    return render(locale, msg('automation.done.failed', { account, error: text(d.error) }));
  switch (a.action) {
    case 'create_task':
      return render(locale, msg('automation.done.create_task', { account, title: text(d.title) }));
    case 'add_tag':
    case 'remove_tag':
      return render(
        locale,
        a.status === 'noop'
          ? msg('automation.done.tagNoop', { account, tag: text(d.tag) })
          : msg(`automation.done.${a.action}`, { account, tag: text(d.tag) }),
      );
    case 'set_tier':
    case 'set_stage': {
      const value =
        typeof d.value === 'string' ? valueParam(a.action === 'set_tier' ? 'tier' : 'stage', d.value) : null;
      return render(locale, msg(`automation.done.${a.action}`, { account, value }));
    }
    case 'webhook':
      return render(locale, msg('automation.done.webhook', { account, url: text(d.url) }));
    case 'email': {
      if (a.status === 'noop' && !d.to)
        return render(locale, msg('automation.done.noRecipient', { account }));
      const to = Array.isArray(d.to) ? d.to.join(', ') : text(d.to);
      const key = a.status === 'noop' ? 'automation.done.emailLogged' : 'automation.done.email';
      return render(locale, msg(key, { account, subject: text(d.subject), to }));
    }
    case 'timeline':
      return render(locale, msg('automation.done.timeline', { account, title: text(d.title) }));
    case 'alert':
      return render(
        locale,
        a.status === 'noop'
          ? msg('automation.done.alertNoop', { account, destination: text(d.destination) })
          : msg('automation.done.alert', { account, destination: text(d.destination) }),
      );
    default:
      return render(locale, msg('automation.done.other', { account, action: actionName(locale, a.action) }));
  }
}
