import { z } from 'zod';
import { isValidDay } from '../../time.ts';
import { Label } from './labels.ts';

// Pages of a list read the same everywhere: the state module's shape.
export { ListPage } from '../state/index.ts';

export const Key = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, 'must be lower_snake_case, starting with a letter');
export const Name = z.string().trim().min(1).max(200);
/** A tier as people name it; composite tiers join labels with "/". */
export const TierLabel = z.string().trim().min(1).max(200);
export const Day = z.string().refine(isValidDay, 'must be a date as YYYY-MM-DD');
const FactKey = z.string().min(1).max(200);

/**
 * A condition as the API takes it: the text form (`arr >= 300000 and region = "华东"`) or the JSON
 * tree. Verbs compile it against the fact catalogue and store the tree.
 */
export const ConditionInput = z
  .union([z.string().trim().min(1).max(10_000), z.record(z.string(), z.unknown())])
  .describe('Text such as `arr >= 300000 and region = "华东"`, or the JSON tree');
/** A stored condition: always the JSON tree. */
export const ConditionJson = z.record(z.string(), z.unknown());

export const Band = z.object({ label: TierLabel, below: z.number().optional() });
export const Bands = z
  .array(Band)
  .min(1)
  .max(20)
  .superRefine((bands, ctx) => {
    bands.forEach((band, i) => {
      const last = i === bands.length - 1;
      if (last && band.below !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'below'],
          message: 'the last band is open-ended: leave below out',
        });
      }
      if (!last && band.below === undefined) {
        ctx.addIssue({ code: 'custom', path: [i, 'below'], message: 'every band but the last needs below' });
      }
      const before = bands[i - 1]?.below;
      if (before !== undefined && band.below !== undefined && band.below <= before) {
        ctx.addIssue({ code: 'custom', path: [i, 'below'], message: 'must be greater than the band before' });
      }
    });
  });

export const CompositePart = z.union([FactKey, z.object({ fact: FactKey, bands: Bands })]);

/** One rule as the API takes it: `{ tier, when }` or `{ composite, when?, missing? }`. */
export const TierRuleInput = z
  .object({
    tier: TierLabel.optional(),
    when: ConditionInput.optional(),
    composite: z.array(CompositePart).min(1).max(6).optional(),
    missing: TierLabel.optional(),
  })
  .superRefine((r, ctx) => {
    if (r.tier !== undefined && r.composite !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['composite'],
        message: 'a rule has either tier or composite, not both',
      });
    } else if (r.tier === undefined && r.composite === undefined) {
      ctx.addIssue({ code: 'custom', path: ['tier'], message: 'needs a tier (or a composite label)' });
    } else if (r.tier !== undefined && r.when === undefined) {
      ctx.addIssue({ code: 'custom', path: ['when'], message: 'a tier rule needs a condition' });
    }
    if (r.tier !== undefined && r.missing !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['missing'], message: 'only composite rules have missing' });
    }
  });
export type TierRuleInput = z.infer<typeof TierRuleInput>;

export const TierRuleOut = z.object({
  tier: z.string().optional(),
  composite: z.array(z.union([z.string(), z.object({ fact: z.string(), bands: z.array(Band) })])).optional(),
  missing: z.string().optional(),
  when: ConditionJson.optional(),
  /** The condition in its text form. */
  whenText: z.string().optional(),
});

export const TieringScheme = z.object({
  id: z.string(),
  key: z.string(),
  /** In the reader's language. */
  name: z.string(),
  /** The name in both languages, for editing. */
  label: Label,
  /**
   * Every tier the scheme can assign, in rule order then the default, each with its name in the
   * reader's language (empty for composite rules, whose tiers depend on the data: use tierLabel).
   */
  tiers: z.array(z.object({ key: z.string(), name: z.string(), label: Label })),
  /** The scheme's own tier names (tier key -> label); built-in tier keys have names without one. */
  tierLabels: z.record(z.string(), Label),
  /** Tried in order; the first that matches decides. */
  rules: z.array(TierRuleOut),
  defaultTier: z.string(),
  /** The one scheme that assigns the `tier` fact. */
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TieringScheme = z.infer<typeof TieringScheme>;

const Rules = z.array(TierRuleInput).max(100);

const TierLabels = z.record(TierLabel, Label);
export const CreateTieringScheme = z.object({
  key: Key,
  name: Name,
  label: Label.nullable().optional(),
  tierLabels: TierLabels.optional(),
  rules: Rules,
  defaultTier: TierLabel,
  /** Activating a scheme deactivates the others. */
  active: z.boolean().default(false),
});
export type CreateTieringScheme = z.input<typeof CreateTieringScheme>;

export const UpdateTieringScheme = z
  .object({
    name: Name,
    label: Label.nullable(),
    tierLabels: TierLabels,
    rules: Rules,
    defaultTier: TierLabel,
    active: z.boolean(),
  })
  .partial();
export type UpdateTieringScheme = z.input<typeof UpdateTieringScheme>;

export const SchemeTemplateOut = z.object({
  key: z.string(),
  /** In the reader's language. */
  name: z.string(),
  label: Label,
  description: z.string(),
  rules: z.array(TierRuleOut),
  defaultTier: z.string(),
});

const PreviewLimit = z.number().int().min(0).max(500).default(50);

export const PreviewTieringScheme = z.object({
  rules: Rules,
  defaultTier: TierLabel,
  /** How many of the accounts that would move to list. */
  limit: PreviewLimit,
});
export type PreviewTieringScheme = z.input<typeof PreviewTieringScheme>;

const AccountRef = z.object({ accountId: z.string(), name: z.string() });
export const TierMove = AccountRef.extend({ from: z.string().nullable(), to: z.string() });

export const TieringPreview = z.object({
  day: z.string(),
  /** Accounts evaluated: every account of the workspace. */
  accounts: z.number(),
  /** Accounts per tier if this scheme were active; manual overrides still win. */
  counts: z.array(z.object({ tier: z.string(), count: z.number() })),
  /** Accounts whose tier a valid manual override holds (counted under the override). */
  overridden: z.number(),
  /** Accounts whose tier would change from the current one (account_states.tier). */
  moves: z.object({ total: z.number(), items: z.array(TierMove) }),
});
export type TieringPreview = z.infer<typeof TieringPreview>;

/** A saved segment's definition (what the audit log records). */
export const SegmentDefinition = z.object({
  id: z.string(),
  key: z.string(),
  /** In the reader's language. */
  name: z.string(),
  /** The name in both languages, for editing. */
  label: Label,
  description: z.string().nullable(),
  condition: ConditionJson,
  conditionText: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SegmentDefinition = z.infer<typeof SegmentDefinition>;
export const Segment = SegmentDefinition.extend({
  /**
   * Accounts in the segment now. Saving a segment through the API computes its membership in the
   * same request, so a new segment is not empty until the hourly recompute.
   */
  memberCount: z.number(),
});
export type Segment = z.infer<typeof Segment>;

export const CreateSegment = z.object({
  key: Key,
  /** The name in the writer's language; `label` sets both languages. */
  name: Name,
  label: Label.nullable().optional(),
  description: z.string().trim().max(2000).nullable().optional(),
  condition: ConditionInput,
});
export type CreateSegment = z.input<typeof CreateSegment>;
export const UpdateSegment = CreateSegment.omit({ key: true }).partial();
export type UpdateSegment = z.input<typeof UpdateSegment>;

export const PreviewSegment = z.object({
  condition: ConditionInput,
  /** A saved segment (id or key) to compare with: who would enter and leave it. */
  segment: z.string().min(1).optional(),
  limit: PreviewLimit,
});
export type PreviewSegment = z.input<typeof PreviewSegment>;

export const SegmentPreview = z.object({
  day: z.string(),
  accounts: z.number(),
  /** Accounts matching the condition now. */
  count: z.number(),
  sample: z.array(AccountRef),
  /** Against the saved segment's current members (all members when no segment is given). */
  entering: z.object({ total: z.number(), items: z.array(AccountRef) }),
  leaving: z.object({ total: z.number(), items: z.array(AccountRef) }),
});
export type SegmentPreview = z.infer<typeof SegmentPreview>;

export const SegmentMember = z.object({
  accountId: z.string(),
  externalId: z.string(),
  name: z.string(),
  since: z.string(),
});
export const Reason = z.string().trim().min(1).max(2000);
export const SetTierOverride = z.object({
  tier: TierLabel,
  reason: Reason,
  expiresOn: Day.nullable().optional(),
});
export type SetTierOverride = z.input<typeof SetTierOverride>;
