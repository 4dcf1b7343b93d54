// Text in the wrong script: Latin words on a zh-CN page, Han characters on an en page. Data
// values (names, emails, notes, tags: anything the API sent as it was stored) may be in either
// script; so may product names and units. Everything else a person reads must be in the page's
// language, and a raw enum key such as `strategic` is a Latin word on a zh-CN page.

export type TextProblem = { where: string; kind: 'latin' | 'han'; word: string; text: string };

/** Product names, units and abbreviations Chinese users read as they are. */
export const LATIN_ALLOWED = new Set([
  'Steward',
  'ARR',
  'MRR',
  'CSM',
  'CSMs',
  'NPS',
  'CSAT',
  'GRR',
  'NRR',
  'FTE',
  'Webhook',
  'QBR',
  'API',
  'CSV',
  'Excel',
  'ROI',
  'AUC',
  // The churn model card's metrics, named as Chinese papers and tools name them ("Brier 分数").
  'ROC-AUC',
  'PR-AUC',
  'Brier',
  'SaaS',
  'ID',
  'id',
  'URL',
  'SMTP',
  'JSON',
  'UTC',
  'PostHog',
  'Segment',
  'RudderStack',
  'WeChat',
  // File formats and text encodings named in the import page.
  'xlsx',
  'UTF',
  'GBK',
  'Unicode',
  'KB',
  'MB',
  'GB',
  'AND',
  'OR',
  'NOT',
  'and',
  'or',
  'not',
  'English', // the language switch names each language in itself
  // ISO currency codes and the prefixes Intl puts before amounts (US$, HK$).
  'USD',
  'CNY',
  'EUR',
  'GBP',
  'JPY',
  'HKD',
  'SGD',
  'US',
  'HK',
  'SG',
]);

/** Han text that may stand on an en page besides data values: each language named in itself. */
const HAN_ALLOWED = ['简体中文'];

/**
 * Texts the server composes around the workspace's own words, which the API never sends alone, so
 * they cannot be found among the data values: a health component named after a metric ("审批完成:
 * change vs the previous 30 days", the English part rendered for the reader), and task titles the
 * demo's rules wrote from their Chinese templates (a rule's template is its author's words; the task
 * keeps the title it was given). Server texts of our own are message keys: none belongs here.
 */
export const COMPOSED_OF_DATA: RegExp[] = [
  /^(Top reason: )?[^:]+: (change vs the previous 30 days|last 30 days \(percentile\))/,
  /^(健康度转为|健康度 .*天变化|活跃账号已超过开通席位|近一周接口报错量)/,
];

const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
const URL_RE = /\bhttps?:\/\/\S+/g;
const LATIN_WORD = /[A-Za-z][A-Za-z'’-]*[A-Za-z]/g;
// With the Chinese punctuation (、，。：（）…): a list joined with 、 on an en page is the page's own
// words in the wrong language, though no Han character shows it.
const HAN = /[\p{Script=Han}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gu;

export function findWrongScript(
  texts: { text: string; data: boolean }[],
  locale: 'en' | 'zh-CN',
  data: Set<string>,
  where: string,
): TextProblem[] {
  const problems: TextProblem[] = [];
  const offending = locale === 'en' ? HAN : LATIN_WORD;
  for (const { text, data: marked } of texts) {
    if (marked || data.has(text)) continue;
    offending.lastIndex = 0;
    if (!offending.test(text)) continue;
    // Take out every data value the text contains (longest first), then emails and URLs.
    let rest = text;
    const inText = [...data]
      .filter((d) => d.length >= 2 && rest.includes(d))
      .sort((a, b) => b.length - a.length);
    for (const d of inText) rest = rest.replaceAll(d, ' ');
    rest = rest.replace(EMAIL, ' ').replace(URL_RE, ' ');
    if (locale === 'en') for (const h of HAN_ALLOWED) rest = rest.replaceAll(h, ' ');
    for (const word of rest.match(offending) ?? []) {
      if (locale === 'zh-CN' && LATIN_ALLOWED.has(word)) continue;
      problems.push({ where, kind: locale === 'en' ? 'han' : 'latin', word, text: text.slice(0, 160) });
    }
  }
  return problems;
}

/**
 * The data values of one API answer: strings the API stored as given. Left out: texts the server
 * writes for the reader (labels in both languages, reasons, explanations, messages: those must be
 * in the reader's language) and enum keys (`strategic`, `churned`: the page must show them in words).
 */
export function collectDataValues(value: unknown, into: Set<string>, key = '', path = ''): void {
  if (typeof value === 'string') {
    if (value.length === 0 || value.length > 2000) return;
    // A custom field's label is the workspace's own word, like an account name.
    const own = key === 'label' && path.startsWith('/api/v1/custom-fields');
    if (!own && (SERVER_TEXT_KEYS.has(key) || SERVER_TEXT_PATH.test(path))) return;
    if (/^[a-z][a-z0-9_]*$/.test(value)) return; // an enum key or identifier
    into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectDataValues(v, into, key, path);
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    // A label in both languages: the page picks one; neither is a data value.
    if ('en' in o && 'zh-CN' in o) return;
    // A system timeline entry's title is written by the server; its body may be a person's words
    // (the description of the task or request it records), so the body counts as data.
    const systemEntry =
      path.includes('/timeline') && typeof o.type === 'string' && !PEOPLE_ENTRIES.has(o.type);
    for (const [k, v] of Object.entries(o)) {
      if (systemEntry && k === 'title') continue;
      collectDataValues(v, into, k, `${path}.${k}`);
    }
  }
}

const PEOPLE_ENTRIES = new Set(['note', 'call', 'meeting', 'email']);
/** Keys whose strings the server writes for the reader (rendered message keys). */
const SERVER_TEXT_KEYS = new Set([
  'label',
  'reason',
  'reasons',
  'message',
  'summary',
  'detail',
  'details',
  'explanation',
  'dimensionName',
]);
/** Paths inside which `name`/`title` are server texts too (health components, priority factors). */
const SERVER_TEXT_PATH = /\.(components|movedBy|missing|factors|dimensions)\./;
