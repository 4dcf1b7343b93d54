import { z } from '@hono/zod-openapi';
import { ConditionInput, Key, Name } from '../segments/index.ts';
import { TASK_TYPES } from '../tasks/index.ts';
import { MOVE_REASONS, UNPLACED_REASONS } from './assign.ts';
import { WEIGHTINGS } from './capacity.ts';

export const TierCapacity = z.object({
  accountsPerCsm: z.number().positive().max(100_000),
  hoursPerAccount: z.number().positive().max(1000).nullable().optional(),
});

const Weights = z
  .object({ outcome: z.number().min(0).max(1), process: z.number().min(0).max(1) })
  .refine((w) => Math.abs(w.outcome + w.process - 1) < 1e-9, { message: 'outcome + process must be 1' });

/** Which accounts CSMs and viewers may read (see TeamSettings.csmReadScope). */
export const READ_SCOPES = ['book', 'group', 'all'] as const;
export type ReadScope = (typeof READ_SCOPES)[number];

/** Everything a workspace tunes about its team; each field has a default (seeds 000, 002, 003). */
export const TeamSettings = z.object({
  /** Accounts one CSM carries per tier (seed 002: 80 small, 40 medium, 20 large, 5 very large). */
  capacities: z.record(z.string().min(1).max(200), TierCapacity),
  /** For tiers not listed, and accounts without a tier. */
  fallbackAccountsPerCsm: z.number().positive().max(100_000),
  weighting: z.enum(WEIGHTINGS),
  /** Hours a CSM spends on accounts per month (hours weighting). */
  hoursPerCsm: z.number().positive().max(744),
  /** CSMs per group for the headcount planner (seed 002: 5-10). */
  groupSize: z.number().int().min(1).max(50),
  /** Expected growth of the account base for the planner, as a fraction. */
  growth: z.number().min(-0.9).max(10),
  /** Days between touches (note, call, meeting, email) the playbook expects, per tier. */
  cadenceDays: z.record(z.string().min(1).max(200), z.number().int().min(1).max(365)),
  fallbackCadenceDays: z.number().int().min(1).max(365),
  /** Scorecard weights (seed 003: process 40%). */
  scorecardWeights: Weights,
  /**
   * Record-level read access: which accounts CSMs and viewers see. `book`: accounts they own or
   * hold a team role on; `group`: every account owned by or with a team role for someone in their
   * group (members and lead); `all`: every account. Managers see their groups' accounts unless
   * this is `all`; admins see everything. Only an admin changes it.
   */
  csmReadScope: z.enum(READ_SCOPES).openapi('CsmReadScope'),
});
export type TeamSettings = z.infer<typeof TeamSettings>;
export const UpdateTeamSettings = TeamSettings.partial();
export type UpdateTeamSettings = z.input<typeof UpdateTeamSettings>;

export const GroupMember = z.object({
  userId: z.string().min(1),
  /** 1 = full-time; 0.5 carries half the accounts (part-time, or also leading the group). */
  capacityFactor: z.number().min(0.05).max(2).default(1),
});

const groupFields = {
  key: Key,
  name: Name,
  leadId: z.string().min(1).nullable().optional(),
  /** Which accounts the group serves; null or absent: every account (a catch-all, put it last). */
  scope: ConditionInput.nullable().optional(),
  /** Accounts go to the first group, by position, whose scope matches; default: last. */
  position: z.number().int().min(0).max(100_000).optional(),
  members: z.array(GroupMember).max(500).optional(),
  /**
   * Work-content group (seed 002 method 6): task types it owns across accounts. Rule and playbook
   * tasks of these types go to its member with the lightest load instead of the account's owner.
   */
  taskTypes: z.array(z.enum(TASK_TYPES)).max(TASK_TYPES.length).nullable().optional(),
};
export const CreateGroup = z.object(groupFields);
export type CreateGroup = z.input<typeof CreateGroup>;
export const UpdateGroup = z.object(groupFields).omit({ key: true }).partial();
export type UpdateGroup = z.input<typeof UpdateGroup>;

export const Group = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  leadId: z.string().nullable(),
  scope: z.record(z.string(), z.unknown()).nullable(),
  scopeText: z.string().nullable(),
  position: z.number(),
  taskTypes: z.array(z.string()),
  members: z.array(
    z.object({ userId: z.string(), name: z.string(), active: z.boolean(), capacityFactor: z.number() }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Group = z.infer<typeof Group>;

const bool = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true'));

export const CapacityQuery = z.object({
  growth: z.coerce.number().min(-0.9).max(10).optional(),
  groupSize: z.coerce.number().int().min(1).max(50).optional(),
});
export type CapacityQuery = z.output<typeof CapacityQuery>;

export const WhatIf = z.object({
  capacities: z.record(z.string().min(1).max(200), TierCapacity).optional(),
  weighting: z.enum(WEIGHTINGS).optional(),
  hoursPerCsm: z.number().positive().max(744).optional(),
  growth: z.number().min(-0.9).max(10).optional(),
  groupSize: z.number().int().min(1).max(50).optional(),
  /** Other tier rules: counts come from applying them to today's facts (as the tiering preview does). */
  tiering: z
    .object({
      rules: z.array(z.record(z.string(), z.unknown())).max(100),
      defaultTier: z.string().trim().min(1).max(200),
    })
    .optional(),
});
export type WhatIf = z.input<typeof WhatIf>;

export const TierPlanOut = z.object({
  tier: z.string(),
  accounts: z.number(),
  projectedAccounts: z.number(),
  accountsPerCsm: z.number(),
  csmsNeeded: z.number(),
  groups: z.number(),
  groupSizes: z.array(z.number()),
  currentCsms: z.number(),
  gap: z.number(),
});
export const PlanOut = z.object({
  tiers: z.array(TierPlanOut),
  totals: z.object({
    accounts: z.number(),
    projectedAccounts: z.number(),
    csmsNeeded: z.number(),
    groups: z.number(),
    currentCsms: z.number(),
    gap: z.number(),
  }),
});

export const Capacity = z.object({
  day: z.string(),
  growth: z.number(),
  groupSize: z.number(),
  weighting: z.enum(WEIGHTINGS),
  plan: PlanOut,
  team: z.object({
    activeCsms: z.number(),
    /** Full-time equivalents (capacity factors summed). */
    fte: z.number(),
    /** FTE of CSMs who carry no accounts yet (not counted in any tier's current CSMs). */
    unallocatedFte: z.number(),
    groups: z.number(),
    unownedAccounts: z.number(),
    capacityUsed: z.number().nullable(),
  }),
});
export type Capacity = z.infer<typeof Capacity>;

export const WhatIfOut = z.object({
  baseline: Capacity,
  whatIf: Capacity,
  change: z.array(
    z.object({ tier: z.string(), accounts: z.number(), csmsNeeded: z.number(), groups: z.number() }),
  ),
});

export const AssignmentInput = z.object({
  mode: z.enum(['unowned', 'rebalance']).default('unowned'),
  keepFamilies: z.boolean().default(true),
  /** Moves and unplaced accounts listed in the answer (all are counted). */
  limit: z.number().int().min(0).max(100_000).default(200),
  /** Apply only: the fingerprint of the preview you approved; 409 if the plan has changed since. */
  fingerprint: z.string().optional(),
});
export type AssignmentInput = z.input<typeof AssignmentInput>;

export const MoveOut = z.object({
  accountId: z.string(),
  accountName: z.string(),
  from: z.string().nullable(),
  fromName: z.string().nullable(),
  to: z.string(),
  toName: z.string(),
  groupId: z.string(),
  reason: z.enum(MOVE_REASONS),
});
export const UnplacedOut = z.object({
  accountId: z.string(),
  accountName: z.string(),
  ownerId: z.string().nullable(),
  groupId: z.string().nullable(),
  reason: z.enum(UNPLACED_REASONS),
});
export const LoadOut = z.object({
  userId: z.string(),
  name: z.string(),
  groupId: z.string(),
  capacity: z.number(),
  loadBefore: z.number(),
  loadAfter: z.number(),
  accountsBefore: z.number(),
  accountsAfter: z.number(),
});
export const AssignmentPlanOut = z.object({
  day: z.string(),
  mode: z.enum(['unowned', 'rebalance']),
  fingerprint: z.string(),
  applied: z.boolean(),
  summary: z.object({
    accounts: z.number(),
    moves: z.number(),
    byReason: z.record(z.string(), z.number()),
    unplaced: z.record(z.string(), z.number()),
  }),
  moves: z.array(MoveOut),
  unplaced: z.array(UnplacedOut),
  loads: z.array(LoadOut),
});
export type AssignmentPlanOut = z.infer<typeof AssignmentPlanOut>;

export const OffboardInput = z.object({
  /** Also deactivate the user (needs users:manage, i.e. an admin). */
  deactivate: z.boolean().default(false),
  keepFamilies: z.boolean().default(true),
  limit: z.number().int().min(0).max(100_000).default(200),
  fingerprint: z.string().optional(),
});
export type OffboardInput = z.input<typeof OffboardInput>;

export const OffboardOut = z.object({
  userId: z.string(),
  applied: z.boolean(),
  deactivated: z.boolean(),
  fingerprint: z.string(),
  accounts: z.number(),
  /** Accounts no teammate had room for: they go to the group lead, flagged here. */
  toLead: z.number(),
  moves: z.array(MoveOut),
  openTasks: z.number().nullable(),
  tasksReassigned: z.number().nullable(),
});

export const LoadQuery = z.object({ groupId: z.string().optional(), overloaded: bool });
export type LoadQuery = z.output<typeof LoadQuery>;

export const CsmLoadOut = z.object({
  userId: z.string(),
  name: z.string(),
  active: z.boolean(),
  groupId: z.string().nullable(),
  groupName: z.string().nullable(),
  capacityFactor: z.number().nullable(),
  accounts: z.number(),
  arr: z.number(),
  byTier: z.array(z.object({ tier: z.string(), accounts: z.number(), arr: z.number() })),
  /** Share of one CSM's capacity the accounts take (capacity.ts accountCost), summed. */
  load: z.number(),
  /** load / capacityFactor; null for owners outside any group. */
  capacityUsed: z.number().nullable(),
  openTasks: z.number().nullable(),
  overdueTasks: z.number().nullable(),
});
export const LoadView = z.object({
  day: z.string(),
  items: z.array(CsmLoadOut),
  unowned: z.object({ accounts: z.number(), arr: z.number() }),
  nextCursor: z.null(),
});
