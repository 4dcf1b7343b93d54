import { z } from 'zod';
import { OUTBOUND_OUTCOMES } from '../../outbound.ts';
import { Limit } from '../../pagination.ts';
import { isValidDay } from '../../time.ts';
import { TEAM_ROLES } from '../accounts/index.ts';
import { CMP_OPS } from '../facts/condition.ts';
import { PRIORITIES, TASK_TYPES } from '../tasks/index.ts';

export const Key = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case, starting with a letter');
const Name = z.string().trim().min(1).max(200);
const MetricKey = z.string().min(1).max(100);
export const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');
/** Text (`arr >= 300000 and tier = "strategic"`) or the JSON tree, as everywhere conditions are taken. */
export const ConditionInput = z
  .union([z.string().trim().min(1).max(10_000), z.record(z.string(), z.unknown())])
  .describe('Text such as `tier = "strategic" and days_to_renewal <= 90`, or the JSON tree');

export const STATE_CHANGE_KINDS = [
  'health_status',
  'tier',
  'stage',
  'segment_enter',
  'segment_exit',
] as const;
export const CHANGE_PERIODS = ['wow', 'mom', 'yoy', 'last30_vs_prior30'] as const;

/**
 * What makes a rule look at accounts. Every trigger but `schedule` and `webhook` is evaluated once
 * a day, after the recompute of that day (or by `steward rules run`); the condition then narrows
 * the accounts the trigger yields.
 */
export const Trigger = z.discriminatedUnion('type', [
  z
    .object({ type: z.literal('schedule'), cron: z.string().min(9).max(100) })
    .describe('On a cron (workspace time zone): every account the condition matches'),
  z
    .object({ type: z.literal('daily') })
    .describe('Each day after the recompute: every account the condition matches'),
  z
    .object({
      type: z.literal('state_change'),
      kind: z.enum(STATE_CHANGE_KINDS),
      from: z.string().max(200).optional(),
      to: z.string().max(200).optional(),
    })
    .describe(
      'Health status, tier or stage changed that day (optionally from/to a value), or the account entered/left a segment (`to` = segment key)',
    ),
  z
    .object({
      type: z.literal('health_drop'),
      points: z.number().positive().max(100),
      days: z.int().min(1).max(365),
    })
    .describe('Health score at least `points` lower than `days` ago (stored snapshots)'),
  z
    .object({ type: z.literal('renewal_within'), days: z.int().min(0).max(730) })
    .describe('The renewal date is within `days` days (and not past)'),
  z
    .object({
      type: z.literal('metric_change'),
      metric: MetricKey,
      period: z.enum(CHANGE_PERIODS),
      cmp: z.enum(CMP_OPS),
      value: z.number().min(-1e6).max(1e6),
    })
    .describe('A metric changed beyond a threshold, e.g. mom <= -0.3 (a fraction: -0.3 is down 30%)'),
  z
    .object({
      type: z.literal('metric_rank'),
      metric: MetricKey,
      side: z.enum(['bottom', 'top']),
      percent: z.number().gt(0).max(100),
      within: z.enum(['all', 'tier']).default('all'),
    })
    .describe(
      "Bottom or top N% of accounts by a metric's 30-day total, overall or within the account's tier",
    ),
  z
    .object({ type: z.literal('no_value'), days: z.int().min(1).max(365) })
    .describe('No value behaviour (metrics marked value) for `days` days'),
  z
    .object({ type: z.literal('sentiment'), atMost: z.int().min(1).max(5) })
    .describe('A CSM recorded a sentiment of at most `atMost` (1-5) that day'),
  z
    .object({ type: z.literal('webhook') })
    .describe('POST /rules/{id}/webhook with the rule secret, for the account it names'),
  z
    .object({
      type: z.literal('milestone_late'),
      milestone: z
        .string()
        .regex(/^[a-z][a-z0-9_]{0,62}$/)
        .optional(),
    })
    .describe('A journey milestone (or the one named by key) is past its due day, not achieved'),
  z
    .object({
      type: z.literal('expansion_signal'),
      signal: z.enum(['seats', 'usage_growth', 'feature_shipped']),
    })
    .describe(
      'An expansion signal: seats (active users > 90% of licensed seats), usage_growth (events up 20%+ on the prior 30 days) or feature_shipped (a requested feature shipped in 30 days)',
    ),
]);
export type Trigger = z.infer<typeof Trigger>;
export type TriggerInput = z.input<typeof Trigger>;

const Role = z.enum(['owner', ...TEAM_ROLES]);
const Template = (max: number) => z.string().trim().min(1).max(max);

export const Action = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('create_task'),
    /** `{{name}} MoM {{metrics.active_users.mom | percent}}`: facts by key, optional filter. */
    title: Template(300),
    description: Template(5000).optional(),
    taskType: z.enum(TASK_TYPES).default('other'),
    assignee: z
      .union([z.object({ role: Role }), z.object({ userId: z.string().min(1) })])
      .default({ role: 'owner' }),
    priority: z.enum(PRIORITIES).default('P2'),
    dueInDays: z.int().min(0).max(365).optional(),
  }),
  z.object({ type: z.literal('add_tag'), tag: z.string().trim().min(1).max(100) }),
  z.object({ type: z.literal('remove_tag'), tag: z.string().trim().min(1).max(100) }),
  z.object({
    type: z.literal('set_tier'),
    tier: z.string().trim().min(1).max(200),
    /** The override lasts this many days (inclusive of today); absent: until removed. */
    days: z.int().min(1).max(3650).optional(),
  }),
  z.object({
    type: z.literal('set_stage'),
    stage: Key,
    days: z.int().min(1).max(3650).optional(),
  }),
  z.object({ type: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).max(2000) }),
  z.object({
    type: z.literal('email'),
    /** The account's owner or a team role, fixed addresses, or the account's contacts (all or one contact role). */
    to: z.union([
      z.object({ role: Role }),
      z.object({ emails: z.array(z.email()).min(1).max(20) }),
      z.object({ contacts: z.string().min(1).max(50) }),
    ]),
    subject: Template(300),
    body: Template(20_000),
  }),
  z.object({ type: z.literal('timeline'), title: Template(300), body: Template(5000).optional() }),
  z
    .object({
      type: z.literal('alert'),
      /** A subscription (WeCom / Feishu / DingTalk group bot, or webhook): GET /alert-destinations. */
      destinationId: z.string().trim().min(1).max(100),
      /** Each account's line in the message; default "<account>: <reason>". Facts by key, as in titles. */
      text: Template(500).optional(),
    })
    .describe(
      "Alert a chat group: one message per run listing the accounts, in the destination's format, language and signing",
    ),
]);
export type Action = z.infer<typeof Action>;

/** A hold-out percentage: whole percent, 0 to 50 (more would leave most eligible accounts untreated). */
export const HoldoutPct = z.int().min(0).max(50);

const Limits = {
  /** Days after acting on an account before this rule may act on it again (0: no cooldown). */
  cooldownDays: z.int().min(0).max(3650).default(7),
  /** Accounts acted on per run at most (largest ARR first); the rest are logged as skipped. */
  maxActionsPerRun: z.int().min(1).max(100_000).default(200),
  /** Skip an account that still has an open task from this rule. */
  dedupe: z.boolean().default(true),
  /**
   * Percent of accounts held out at random (a fixed set per rule): eligible, never acted on, the
   * control that measures the rule's effect. 0 = none; at most 50.
   */
  holdoutPct: HoldoutPct.default(0),
};

export const CreateRule = z.object({
  key: Key,
  name: Name,
  description: z.string().trim().max(2000).nullable().optional(),
  trigger: Trigger,
  condition: ConditionInput.nullable().optional(),
  actions: z.array(Action).min(1).max(10),
  ...Limits,
  enabled: z.boolean().default(true),
});
export type CreateRule = z.input<typeof CreateRule>;

export const UpdateRule = z
  .object({
    name: Name,
    description: z.string().trim().max(2000).nullable(),
    trigger: Trigger,
    condition: ConditionInput.nullable(),
    actions: z.array(Action).min(1).max(10),
    cooldownDays: Limits.cooldownDays.unwrap(),
    maxActionsPerRun: Limits.maxActionsPerRun.unwrap(),
    dedupe: z.boolean(),
    holdoutPct: HoldoutPct,
    enabled: z.boolean(),
  })
  .partial();
export type UpdateRule = z.input<typeof UpdateRule>;

export const Rule = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  trigger: z.record(z.string(), z.unknown()),
  condition: z.record(z.string(), z.unknown()).nullable(),
  conditionText: z.string().nullable(),
  actions: z.array(z.record(z.string(), z.unknown())),
  cooldownDays: z.number(),
  maxActionsPerRun: z.number(),
  dedupe: z.boolean(),
  holdoutPct: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rule = z.infer<typeof Rule>;
export const RuleWithSecret = Rule.extend({
  secret: z
    .string()
    .describe(
      'Shown once: signs outbound webhooks (HMAC-SHA256) and authenticates the inbound webhook trigger',
    ),
});

export const ListRules = z.object({
  enabled: z.enum(['true', 'false']).optional(),
  trigger: z.string().optional(),
});
export type ListRules = z.infer<typeof ListRules>;

export const DryRunInput = z.object({
  /** Evaluate as of this day (default today); changes nothing either way. */
  day: Day.optional(),
  /** For webhook-triggered rules: the account to evaluate. */
  accountId: z.string().optional(),
  limit: z.int().min(0).max(500).default(50),
});
export type DryRunInput = z.input<typeof DryRunInput>;

export const PlannedAction = z.object({ type: z.string(), summary: z.string() });
export const DryRunAccount = z.object({
  accountId: z.string(),
  name: z.string(),
  reason: z.string(),
  /** act, or why not: held out (the rule's random hold-out), dedupe (an open task from this rule), cooldown, limit. */
  outcome: z.enum(['act', 'holdout', 'dedupe', 'cooldown', 'limit']),
  actions: z.array(PlannedAction),
});
export const DryRun = z.object({
  day: z.string(),
  accounts: z.number(),
  matched: z.number(),
  wouldAct: z.number(),
  skipped: z.object({ holdout: z.number(), dedupe: z.number(), cooldown: z.number(), limit: z.number() }),
  items: z.array(DryRunAccount),
});
export type DryRun = z.infer<typeof DryRun>;

export const Run = z.object({
  id: z.string(),
  ruleId: z.string(),
  source: z.string(),
  slot: z.string(),
  day: z.string(),
  cause: z.string(),
  status: z.string(),
  matched: z.number(),
  acted: z.number(),
  skipped: z.record(z.string(), z.number()),
  errors: z.number(),
  error: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type Run = z.infer<typeof Run>;
export const RunAction = z.object({
  id: z.string(),
  accountId: z.string(),
  /** The account's name now (null once the account is deleted). */
  accountName: z.string().nullable(),
  action: z.string(),
  /** The action type's name in the reader's language. */
  actionLabel: z.string(),
  status: z.string(),
  /** What was done, naming the account (and the task), in the reader's language. */
  summary: z.string(),
  /** Why the rule acted on the account, in the reader's language. */
  reason: z.string().nullable(),
  detail: z.unknown().nullable(),
  createdAt: z.string(),
});
export const RunDetail = Run.extend({ actions: z.array(RunAction) });

export const Delivery = z.object({
  id: z.string(),
  ruleId: z.string(),
  runId: z.string(),
  accountId: z.string(),
  url: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  lastStatusCode: z.number().nullable(),
  nextAttemptAt: z.string().nullable(),
  log: z.array(
    z.object({
      at: z.string(),
      statusCode: z.number().nullable(),
      // A category, never raw error text or timings (they would map the network behind the server).
      outcome: z
        .enum(OUTBOUND_OUTCOMES)
        .describe(
          'rejected: the receiver answered 2xx with its own error code (a group bot refusing the message); blocked_address: the URL or what its name resolves to is a loopback, private, link-local or other local address not in STEWARD_OUTBOUND_ALLOW; redirect_refused: the receiver answered 3xx (redirects are not followed)',
        ),
    }),
  ),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
});
export type Delivery = z.infer<typeof Delivery>;

export const ListPage = z.object({ cursor: z.string().optional(), limit: Limit });
export type ListPage = z.infer<typeof ListPage>;

export const InboundWebhook = z.object({
  /** Steward id of the account, or its external id. */
  accountId: z.string().min(1).optional(),
  externalId: z.string().min(1).optional(),
  /** Makes retries idempotent: a second call with the same event id does nothing. */
  eventId: z.string().min(1).max(200).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});
export type InboundWebhook = z.infer<typeof InboundWebhook>;

export const RunRulesInput = z.object({
  day: Day.optional(),
  dryRun: z.boolean().default(false),
});
export type RunRulesInput = z.input<typeof RunRulesInput>;

// --- playbooks ----------------------------------------------------------------------------------

export const Play = z.object({
  key: Key,
  name: Name,
  /** Repeat for each covered account every N days (a cadence); absent: whenever `when` holds. */
  everyDays: z.int().min(1).max(3650).optional(),
  /** Only when this condition holds too (e.g. `breadth < 0.3 or depth < 0.3`). */
  when: ConditionInput.optional(),
  action: Action,
});
export type Play = z.infer<typeof Play>;

export const CreatePlaybook = z.object({
  key: Key,
  name: Name,
  description: z.string().trim().max(2000).nullable().optional(),
  tier: z.string().trim().min(1).max(200).nullable().optional(),
  stages: z.array(Key).max(20).default([]),
  touchEveryDays: z.int().min(1).max(3650).nullable().optional(),
  plays: z.array(Play).max(20).default([]),
  /** Percent of covered accounts held out of every play (a fixed set per playbook), 0-50. */
  holdoutPct: HoldoutPct.default(0),
  enabled: z.boolean().default(true),
});
export type CreatePlaybook = z.input<typeof CreatePlaybook>;
// Spelled out rather than CreatePlaybook.partial(): a partial of a field with a default would
// still fill the default in, and an edit of one field would reset the others.
export const UpdatePlaybook = z
  .object({
    name: Name,
    description: z.string().trim().max(2000).nullable(),
    tier: z.string().trim().min(1).max(200).nullable(),
    stages: z.array(Key).max(20),
    touchEveryDays: z.int().min(1).max(3650).nullable(),
    plays: z.array(Play).max(20),
    holdoutPct: HoldoutPct,
    enabled: z.boolean(),
  })
  .partial();
export type UpdatePlaybook = z.input<typeof UpdatePlaybook>;

export const PlaybookDryRunInput = z.object({
  /** Evaluate as of this day (default today); changes nothing either way. */
  day: Day.optional(),
  /** How many accounts to list per play (all are counted). */
  limit: z.int().min(0).max(200).default(20),
  /** Unsaved edits to try instead of the stored playbook (same fields as an update). */
  draft: UpdatePlaybook.optional(),
});
export type PlaybookDryRunInput = z.input<typeof PlaybookDryRunInput>;
export const PlaybookDryRun = z.object({
  day: z.string(),
  playbookId: z.string(),
  /** Active accounts the playbook covers (its tier and stages) on the day. */
  covered: z.number(),
  plays: z.array(
    DryRun.extend({
      /** The play's key; `touch` is the touch cadence. */
      play: z.string(),
      name: z.string(),
    }),
  ),
});

export const Playbook = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  tier: z.string().nullable(),
  stages: z.array(z.string()),
  touchEveryDays: z.number().nullable(),
  plays: z.array(z.record(z.string(), z.unknown())),
  holdoutPct: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Playbook = z.infer<typeof Playbook>;

export const EffectivenessQuery = z.object({
  /** Runs on or after this day (default: 180 days ago). */
  from: Day.optional(),
  /** Width of a score band in points: accounts are compared within the same band (0-10, 10-20, ...). */
  band: z.coerce.number().int().min(1).max(50).default(10),
});
export type EffectivenessQuery = z.infer<typeof EffectivenessQuery>;

const Outcome = z.object({
  /** Acted-on accounts (per run) with a health snapshot on the run's day and `days` later. */
  n: z.number(),
  /** Those with at least one control in their stratum (same run, tier, stage and score band). */
  pairs: z.number(),
  /** Mean health change of the paired acted-on accounts. */
  acted: z.number().nullable(),
  /**
   * Mean change of the control: accounts eligible for the same rule or playbook in the same run,
   * same tier, stage and score band, not acted on (held out, cooldown, limit); each pair's stratum
   * mean, averaged over the pairs.
   */
  control: z.number().nullable(),
  /** Control observations and distinct control accounts behind `control`. */
  controlN: z.number(),
  controlAccounts: z.number(),
  /** The control observations by why they were not acted on. */
  reasons: z.object({ holdout: z.number(), cooldown: z.number(), limit: z.number() }),
  /** acted - control; null when withheld. */
  lift: z.number().nullable(),
  /**
   * The lift's 95% interval: a percentile bootstrap resampling accounts (seeded, 500 draws).
   */
  low: z.number().nullable(),
  high: z.number().nullable(),
  /**
   * Why no lift is given: `no_control` (no eligible account went untreated beside an acted one),
   * `few_controls` (fewer than 20 control accounts), `few_pairs` (fewer than 5 acted-on accounts
   * with a control). Null when the lift is given.
   */
  withheld: z.enum(['no_control', 'few_controls', 'few_pairs']).nullable(),
});
export const EffectivenessRow = z.object({
  ruleId: z.string(),
  source: z.enum(['rule', 'playbook']),
  name: z.string(),
  /** The rule's (or playbook's) hold-out percentage now. */
  holdoutPct: z.number(),
  accounts: z.number(),
  actions: z.number(),
  after30: Outcome,
  after90: Outcome,
});
export type EffectivenessRow = z.infer<typeof EffectivenessRow>;
