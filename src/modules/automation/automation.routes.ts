import { createRoute, z } from '@hono/zod-openapi';
import { type Deps, systemCtx } from '../../context.ts';
import { AppError } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import { crud } from '../../server/crud.ts';
import {
  CONFLICT,
  createRouter,
  ERRORS,
  IdParam,
  json,
  jsonBody,
  listOf,
  NO_CONTENT,
} from '../../server/env.ts';
import { getWorkspace, toRef } from '../workspaces/index.ts';
import {
  CreatePlaybook,
  CreateRule,
  Delivery,
  DryRun,
  DryRunInput,
  EffectivenessQuery,
  EffectivenessRow,
  InboundWebhook,
  ListPage,
  ListRules,
  Playbook,
  PlaybookDryRun,
  PlaybookDryRunInput,
  Rule,
  RuleWithSecret,
  Run,
  RunDetail,
  RunRulesInput,
  UpdatePlaybook,
  UpdateRule,
} from './automation.schemas.ts';
import { getEffectiveness } from './effectiveness.ts';
import {
  createPlaybook,
  deletePlaybook,
  dryRunPlaybook,
  getPlaybook,
  installDefaultPlaybooks,
  listPlaybooks,
  playbookRuns,
  updatePlaybook,
} from './playbooks.ts';
import {
  createRule,
  deleteRule,
  dryRunRule,
  getRule,
  getRuleRun,
  listRuleDeliveries,
  listRuleRuns,
  listRules,
  rotateRuleSecret,
  setRuleEnabled,
  triggerRuleWebhook,
  updateRule,
  WEBHOOK_SECRET_HEADER,
} from './rules.ts';
import { runRules } from './run-rules.ts';

const RunSummaryOut = z.object({
  ruleId: z.string(),
  name: z.string(),
  source: z.string(),
  slot: z.string(),
  ran: z.boolean().describe('false: this slot had already run, so nothing was done again'),
  matched: z.number(),
  acted: z.number(),
  skipped: z.record(z.string(), z.number()),
  errors: z.number(),
});
const RulesRunReport = z.object({ day: z.string(), dryRun: z.boolean(), rules: z.array(RunSummaryOut) });
const RunParams = IdParam.extend({
  runId: z
    .string()
    .min(1)
    .openapi({ param: { name: 'runId', in: 'path' } }),
});

/** The inbound webhook route authenticates by the rule's secret, not a user: see app.ts. */
export const INBOUND_WEBHOOK_PATH = /^\/api\/v1\/rules\/[^/]+\/webhook$/;

/** Automation rules, runs, deliveries, playbooks and their effectiveness. */
export function automationRoutes(deps: Deps) {
  const app = createRouter();
  const tags = ['Automation'];
  const id = (c: { req: { valid: (t: 'param') => { id: string } } }) => c.req.valid('param').id;

  app.openapi(
    createRoute({
      method: 'post',
      path: '/rules/run',
      tags,
      summary:
        'Run every enabled rule and playbook for a day (default today) now; a second run of the same day creates nothing',
      description:
        'With `dryRun: true`, reports per rule how many accounts match and would be acted on, changing nothing. Managers and admins.',
      request: { body: jsonBody(RunRulesInput) },
      responses: { 200: json(RulesRunReport, 'What each rule did'), ...ERRORS },
    }),
    async (c) => c.json(await runRules({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/rules',
      tags,
      summary: 'List automation rules',
      request: { query: ListRules },
      responses: { 200: json(listOf(Rule), 'The rules'), ...ERRORS },
    }),
    async (c) => c.json(await listRules({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/rules',
      tags,
      summary: 'Create a rule: trigger + condition + actions + limits (managers and admins)',
      description:
        'The condition (text or JSON) is checked against the fact catalogue; task titles, email and timeline texts may name facts as `{{name}}`, `{{metrics.active_users.mom | percent}}` (filters: percent, round, money). The response carries the rule secret once.',
      request: { body: jsonBody(CreateRule) },
      responses: { 201: json(RuleWithSecret, 'Created, with its secret'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => c.json(await createRule({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/rules/{id}',
      tags,
      summary: 'One rule (by id or key)',
      request: { params: IdParam },
      responses: { 200: json(Rule, 'Found'), ...ERRORS },
    }),
    async (c) => c.json(await getRule({ ctx: c.get('ctx'), id: id(c) }), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/rules/{id}',
      tags,
      summary: 'Change a rule (managers and admins)',
      request: { params: IdParam, body: jsonBody(UpdateRule) },
      responses: { 200: json(Rule, 'Updated'), ...ERRORS },
    }),
    async (c) => c.json(await updateRule({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'delete',
      path: '/rules/{id}',
      tags,
      summary: 'Delete a rule; its runs, log and tasks stay',
      request: { params: IdParam },
      responses: { ...NO_CONTENT, ...ERRORS },
    }),
    async (c) => {
      await deleteRule({ ctx: c.get('ctx'), id: id(c) });
      return c.body(null, 204);
    },
  );
  for (const [verb, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/rules/{id}/${verb}`,
        tags,
        summary: `${verb === 'enable' ? 'Enable' : 'Disable'} a rule`,
        request: { params: IdParam },
        responses: { 200: json(Rule, 'The rule'), ...ERRORS },
      }),
      async (c) => c.json(await setRuleEnabled({ ctx: c.get('ctx'), id: id(c), enabled }), 200),
    );
  }
  app.openapi(
    createRoute({
      method: 'post',
      path: '/rules/{id}/rotate-secret',
      tags,
      summary: 'Replace the rule secret (outbound signatures, inbound trigger); shown once',
      request: { params: IdParam },
      responses: { 200: json(RuleWithSecret, 'The rule with its new secret'), ...ERRORS },
    }),
    async (c) => c.json(await rotateRuleSecret({ ctx: c.get('ctx'), id: id(c) }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/rules/{id}/dry-run',
      tags,
      summary:
        'Which accounts match now (or on a past day) and what would happen, changing nothing (managers and admins)',
      request: { params: IdParam, body: jsonBody(DryRunInput) },
      responses: { 200: json(DryRun, 'The dry run'), ...ERRORS },
    }),
    async (c) => c.json(await dryRunRule({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/rules/{id}/runs',
      tags,
      summary:
        'The rule’s runs, newest first: accounts matched, acted on, skipped (dedupe, cooldown, limit), errors',
      request: { params: IdParam, query: ListPage },
      responses: { 200: json(listOf(Run), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(await listRuleRuns({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/rules/{id}/runs/{runId}',
      tags,
      summary: 'One run with each action it took per account',
      request: { params: RunParams },
      responses: { 200: json(RunDetail, 'The run'), ...ERRORS },
    }),
    async (c) => {
      const p = c.req.valid('param');
      return c.json(await getRuleRun({ ctx: c.get('ctx'), id: p.id, runId: p.runId }), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/rules/{id}/deliveries',
      tags,
      summary: 'Outbound webhook deliveries of the rule, with every attempt’s status code',
      request: { params: IdParam, query: ListPage },
      responses: { 200: json(listOf(Delivery), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(await listRuleDeliveries({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/rules/{id}/webhook',
      tags,
      summary:
        'Inbound webhook trigger: evaluate the rule for the account named (authenticated by the rule secret)',
      description: `No user credentials: send the rule secret in the \`${WEBHOOK_SECRET_HEADER}\` header. \`eventId\` makes retries idempotent; \`data\` fields are readable in the condition and templates as \`webhook.<key>\`.`,
      security: [],
      request: { params: IdParam, body: jsonBody(InboundWebhook) },
      responses: { 200: json(RunSummaryOut, 'What the rule did'), ...ERRORS, ...CONFLICT },
    }),
    async (c) => {
      const ruleId = id(c);
      const rule = await deps.db
        .selectFrom('automation_rules')
        .select('workspace_id')
        .where('id', '=', ruleId)
        .executeTakeFirst();
      if (!rule)
        throw new AppError(
          'not_found',
          msg('error.notFoundId', { what: msg('automation.what.rule'), id: ruleId }),
        );
      const workspace = await getWorkspace(deps, rule.workspace_id);
      const ctx = { ...systemCtx(deps, toRef(workspace), 'webhook'), requestId: c.get('requestId') };
      const result = await triggerRuleWebhook({
        ctx,
        id: ruleId,
        secret: c.req.header(WEBHOOK_SECRET_HEADER),
        input: c.req.valid('json'),
      });
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/playbooks/defaults',
      tags,
      summary: 'Install the seed playbooks (strategic, growth, nurture) that do not exist yet',
      request: { body: jsonBody(z.object({})) },
      responses: { 200: json(listOf(Playbook), 'Those created'), ...ERRORS },
    }),
    async (c) => c.json(await installDefaultPlaybooks({ ctx: c.get('ctx') }), 200),
  );
  crud(app, {
    path: '/playbooks',
    tag: 'Automation',
    plural: 'playbooks',
    schema: Playbook,
    create: CreatePlaybook,
    update: UpdatePlaybook,
    verbs: {
      list: listPlaybooks,
      create: createPlaybook,
      get: getPlaybook,
      update: updatePlaybook,
      remove: deletePlaybook,
    },
    what: 'playbook: cadences per tier and stage (changes: managers and admins; deleting keeps its runs and tasks)',
  });
  app.openapi(
    createRoute({
      method: 'post',
      path: '/playbooks/{id}/dry-run',
      tags,
      summary: 'What the playbook (or unsaved edits to it) would do on a day, play by play, changing nothing',
      request: { params: IdParam, body: jsonBody(PlaybookDryRunInput) },
      responses: { 200: json(PlaybookDryRun, 'Per play: accounts matched and what would happen'), ...ERRORS },
    }),
    async (c) =>
      c.json(await dryRunPlaybook({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('json') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/playbooks/{id}/runs',
      tags,
      summary: 'The runs of the playbook’s plays, newest first',
      request: { params: IdParam, query: ListPage },
      responses: { 200: json(listOf(Run), 'A page'), ...ERRORS },
    }),
    async (c) =>
      c.json(await playbookRuns({ ctx: c.get('ctx'), id: id(c), input: c.req.valid('query') }), 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/automation/effectiveness',
      tags,
      summary:
        'Per rule and playbook: health change after 30 and 90 days of the accounts acted on vs accounts eligible in the same run (same tier, stage, score band) not acted on (hold-out, cooldown, limit), with the lift and its 95% interval',
      request: { query: EffectivenessQuery },
      responses: {
        200: json(
          z.object({
            from: z.string(),
            items: z.array(EffectivenessRow),
            nextCursor: z.null(),
            computedAt: z
              .string()
              .describe(
                'When the report was computed: kept after the last full recompute and its rules, or for this request',
              ),
          }),
          'The report',
        ),
        ...ERRORS,
      },
    }),
    async (c) => c.json(await getEffectiveness({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200),
  );
  return app;
}
