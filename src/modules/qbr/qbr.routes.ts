import { createRoute, z } from '@hono/zod-openapi';
import { createRouter, ERRORS, IdParam, json, jsonBody } from '../../server/env.ts';
import { isValidDay } from '../../time.ts';
import { assembleQbr } from './qbr-data.ts';
import { qbrHtml } from './qbr-html.ts';
import { qbrPdf } from './qbr-pdf.ts';
import { getQbrSettings, QbrSettings, updateQbrSettings } from './qbr-settings.ts';
import { qbrView } from './qbr-view.ts';
import { QBR_SECTIONS, QBR_TEMPLATES } from './templates.ts';

const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');
export const QbrQuery = z.object({
  /** Default: 89 days before `to`. */
  from: Day.optional(),
  /** Default: today. */
  to: Day.optional(),
  format: z.enum(['html', 'pdf']).default('html'),
  /** Default: the reader's language. */
  locale: z.enum(['zh-CN', 'en']).optional(),
  /** Default: the workspace's QBR settings for the account's tier (GET /qbr/settings). */
  template: z.enum(QBR_TEMPLATES).optional(),
  /** Comma-separated sections instead of the template's (the summary is always first). */
  sections: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(QBR_SECTIONS)).min(1))
    .optional()
    .openapi({ type: 'string', example: 'kpis,roi,nextQuarter' }),
  /** The cost of one working hour in the workspace's currency: values the hours saved in the ROI. Default: the QBR settings' hourlyCost. */
  hourlyCost: z.coerce.number().positive().max(1_000_000).optional(),
});

/** The QBR report of an account (GET /accounts/{id}/reports/qbr), as an HTML page or a PDF; the workspace's QBR settings. */
export function qbrRoutes() {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/accounts/{id}/reports/qbr',
      tags: ['Reports'],
      summary: 'Quarterly business review of an account for a period, as HTML or PDF (zh-CN or en)',
      description:
        'Seed 001’s QBR: account summary; success-plan KPIs against baseline and target (value at the period’s start and end, on track or behind); ROI computed from the KPIs (a KPI measured in money, e.g. CNY/month or 万元, or in working time, e.g. hours/month, is valued by its improvement on the baseline, annualised when its unit has a period; hours are valued at `hourlyCost`, else at the workspace’s QBR settings’ hourly cost when one is set; the total set against ARR, with every step of the arithmetic; in words when nothing can be valued); value behaviours over time against the period before; breadth and depth at the start and end; health history with what holds it up and pulls it down; journey milestones (achieved, due, late); support tickets (opened, solved, open at the end, median time to solve, open ones first); the account’s requests (shipped first); NPS and CSAT with the monthly trend and comments; next quarter’s plan (open objectives of active plans and the steps due in the 90 days after `to`, with their tasks’ status). Templates: `strategic` (every section, longest lists), `standard` (every section, shorter lists), `light` (summary, KPIs, ROI, usage, health, NPS, next quarter); the account’s tier picks one through the workspace’s QBR settings (`GET /qbr/settings`; by default strategic accounts get `strategic`, nurture accounts `light`, others and accounts with no tier `standard`); `template` or `sections` override. The PDF embeds Noto Sans SC (subset), so Chinese renders without fonts on the reader’s machine.',
      request: { params: IdParam, query: QbrQuery },
      responses: {
        200: {
          description: 'The report',
          content: {
            'text/html': { schema: z.string() },
            'application/pdf': { schema: z.string().openapi({ format: 'binary' }) },
          },
        },
        ...ERRORS,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const id = c.req.valid('param').id;
      const report = await assembleQbr({ ctx: c.get('ctx'), accountId: id, input: q });
      const view = qbrView(report);
      const file = `qbr-${report.account.externalId.replace(/[^\w.-]+/g, '_')}-${report.period.from}-${report.period.to}`;
      if (q.format === 'pdf') {
        const pdf = await qbrPdf(view);
        return c.body(new Uint8Array(pdf), 200, {
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="${file}.pdf"`,
          'cache-control': 'no-store',
        });
      }
      return c.body(qbrHtml(view), 200, {
        'content-type': 'text/html; charset=utf-8',
        'content-disposition': `inline; filename="${file}.html"`,
        'cache-control': 'no-store',
      });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/qbr/settings',
      tags: ['Reports'],
      summary: 'QBR settings: the template per tier and the hourly cost the ROI values hours at',
      description:
        'What the QBR report uses when a request gives no `template` or `hourlyCost`. `tierTemplates` maps tier keys to templates; a tier not listed, and an account with no tier, gets `defaultTemplate`. `hourlyCost` is in the workspace’s base currency, null when hours are not valued. Until an admin saves them: `{ strategic: strategic, nurture: light }`, `standard`, null. Any signed-in role may read them.',
      responses: { 200: json(QbrSettings, 'The settings'), ...ERRORS },
    }),
    async (c) => c.json(await getQbrSettings({ ctx: c.get('ctx') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/qbr/settings',
      tags: ['Reports'],
      summary: 'Replace the QBR settings (admins)',
      description:
        'The whole document: every field is required and the mapping is replaced, not merged. Tier keys must be tiers the active tiering scheme assigns (400 naming `tierTemplates.<key>`); a scheme with composite tiers, or none active, accepts any key. Templates are `strategic`, `standard` or `light`; `hourlyCost` is a number > 0 or null. Audited as `qbr_settings.updated`.',
      request: { body: jsonBody(QbrSettings) },
      responses: { 200: json(QbrSettings, 'The settings now'), ...ERRORS },
    }),
    async (c) => c.json(await updateQbrSettings({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  return app;
}
