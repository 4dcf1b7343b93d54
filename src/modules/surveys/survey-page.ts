// The public survey page at /s/<token>: plain server-rendered HTML, no script (the CSP allows
// none inline) and one inline style block (allowed for styles), readable at 390 px. The score is
// a row of radio buttons styled as tiles, so it works without JavaScript; the form posts back to
// the same address. Texts come from the catalog in the send's language, or ?lang=.
import { type Context, Hono } from 'hono';
import type { Deps } from '../../context.ts';
import { LOCALES, type Locale, msg, render } from '../../i18n/index.ts';
import type { AppEnv } from '../../server/env.ts';
import { answerSurvey, openSurveyLink } from './sends.ts';
import { SCALE, type SurveyKind } from './survey-maths.ts';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans SC",sans-serif;background:#f5f7fa;color:#1f2329;line-height:1.5}
main{max-width:640px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:12px;padding:24px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:20px;margin:0 0 4px}
.for{color:#646a73;margin:0 0 20px;font-size:14px}
.q{font-size:17px;font-weight:600;margin:0 0 12px;border:0;padding:0}
fieldset{border:0;margin:0;padding:0}
.scale{display:flex;flex-wrap:wrap;gap:8px}
.scale label{flex:1 0 40px;max-width:56px}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale span{display:block;text-align:center;padding:10px 0;border:1px solid #d0d3d6;border-radius:8px;font-size:16px;font-weight:600;cursor:pointer;background:#fff}
.scale input:checked+span{background:#1677ff;border-color:#1677ff;color:#fff}
.scale input:focus-visible+span{outline:2px solid #1677ff;outline-offset:2px}
.ends{display:flex;justify-content:space-between;gap:12px;color:#646a73;font-size:13px;margin:8px 0 20px}
textarea{width:100%;min-height:96px;border:1px solid #d0d3d6;border-radius:8px;padding:10px;font:inherit}
label.c{display:block;margin:0 0 6px;font-size:14px}
button{margin-top:16px;width:100%;padding:12px;border:0;border-radius:8px;background:#1677ff;color:#fff;font-size:16px;font-weight:600;cursor:pointer}
.msg{font-size:17px;margin:8px 0}
.err{color:#cf1322;margin:0 0 12px}
nav{text-align:right;font-size:14px;margin-bottom:8px}
nav a{color:#1677ff;margin-left:12px}
`;

function page(locale: Locale, body: string, switcher = ''): string {
  const t = (k: Parameters<typeof msg>[0]) => esc(render(locale, msg(k)));
  return `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${t('survey.page.title')}</title>
<style>${STYLE}</style></head>
<body><main>${switcher}<div class="card">${body}</div></main></body></html>`;
}

const pickLocale = (asked: string | undefined, fallback: string): Locale =>
  (LOCALES as readonly string[]).includes(asked ?? '')
    ? (asked as Locale)
    : (LOCALES as readonly string[]).includes(fallback)
      ? (fallback as Locale)
      : 'en';

function languageLinks(token: string, current: Locale) {
  const names: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };
  return `<nav>${LOCALES.filter((l) => l !== current)
    .map((l) => `<a href="/s/${esc(token)}?lang=${l}" lang="${l}">${names[l]}</a>`)
    .join('')}</nav>`;
}

function form(
  token: string,
  locale: Locale,
  kind: SurveyKind,
  accountName: string,
  error?: string,
  comment = '',
): string {
  const t = (k: Parameters<typeof msg>[0], p?: Record<string, string>) => esc(render(locale, msg(k, p)));
  const { min, max } = SCALE[kind];
  const tiles: string[] = [];
  for (let s = min; s <= max; s++)
    tiles.push(`<label><input type="radio" name="score" value="${s}" required><span>${s}</span></label>`);
  return `<h1>${t('survey.page.title')}</h1>
<p class="for">${t('survey.page.for', { account: accountName })}</p>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="/s/${esc(token)}">
<input type="hidden" name="lang" value="${locale}">
<fieldset><legend class="q">${t(`survey.page.question.${kind}`)}</legend>
<div class="scale">${tiles.join('')}</div>
<div class="ends"><span>${t(`survey.page.low.${kind}`)}</span><span>${t(`survey.page.high.${kind}`)}</span></div>
</fieldset>
<label class="c" for="comment">${t('survey.page.comment')}</label>
<textarea id="comment" name="comment" maxlength="4000">${esc(comment)}</textarea>
<button type="submit">${t('survey.page.submit')}</button>
</form>`;
}

const notice = (locale: Locale, key: Parameters<typeof msg>[0]) =>
  page(
    locale,
    `<h1>${esc(render(locale, msg('survey.page.title')))}</h1><p class="msg">${esc(render(locale, msg(key)))}</p>`,
  );

/** The page for a link that cannot be answered: unknown (404), used or expired (410). */
const closed = (c: Context, locale: Locale, status: 'invalid' | 'used' | 'expired') =>
  c.body(notice(locale, `survey.page.${status}`), status === 'invalid' ? 404 : 410, HTML);

const HTML = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };

/** GET and POST /s/:token, outside /api (no session, no API token: the link is the credential). */
export function surveyPageRoutes(deps: Deps) {
  const app = new Hono<AppEnv>();
  app.get('/s/:token', async (c) => {
    const token = c.req.param('token');
    const link = await openSurveyLink(deps, token);
    const locale = pickLocale(
      c.req.query('lang'),
      link.status === 'invalid' ? c.get('locale') : link.send.locale,
    );
    if (link.status !== 'open') return closed(c, locale, link.status);
    const body = form(token, locale, link.send.kind as SurveyKind, link.accountName);
    return c.body(page(locale, body, languageLinks(token, locale)), 200, HTML);
  });
  app.post('/s/:token', async (c) => {
    const token = c.req.param('token');
    const data = await c.req.parseBody();
    const link = await openSurveyLink(deps, token);
    const locale = pickLocale(
      typeof data.lang === 'string' ? data.lang : undefined,
      link.status === 'invalid' ? 'en' : link.send.locale,
    );
    if (link.status !== 'open') return closed(c, locale, link.status);
    const comment = typeof data.comment === 'string' ? data.comment.slice(0, 4000) : undefined;
    const score =
      typeof data.score === 'string' && /^\d{1,2}$/.test(data.score) ? Number(data.score) : Number.NaN;
    const result = await answerSurvey(link, { score, comment });
    if (result.status === 'bad_score') {
      const body = form(
        token,
        locale,
        link.send.kind as SurveyKind,
        link.accountName,
        render(locale, msg('survey.page.pickScore')),
        comment,
      );
      return c.body(page(locale, body, languageLinks(token, locale)), 400, HTML);
    }
    if (result.status !== 'answered')
      return c.body(notice(locale, `survey.page.${result.status}`), 410, HTML);
    return c.body(notice(locale, 'survey.page.thanks'), 200, HTML);
  });
  return app;
}
