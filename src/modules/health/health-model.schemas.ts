// The health model: what a score is made of. Pure schemas and checks; the verbs that store models
// are in health-models.ts and the maths in score-maths.ts.
import { z } from 'zod';
import { zodText } from '../../errors.ts';
import { type Message, msg } from '../../i18n/index.ts';
import type { Catalogue, Condition } from '../facts/condition.ts';

const Key = z.string().regex(/^[a-z][a-z0-9_]{0,62}$/, { error: () => zodText('error.lowerSnakeKey') });
const Name = z.string().trim().min(1).max(200);
const Weight = z.number().positive('must be above 0').max(1000);
const Score = z.number().min(0).max(100);

export const DIRECTIONS = ['higher_better', 'lower_better'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * Bands map a raw value straight to a score: the first band whose `upTo` is at or above the value
 * wins (edges belong to the lower band), `upTo: null` is "everything above". The scores are taken
 * as written, so a lower-is-better fact simply lists falling scores; `direction` does not flip them.
 */
export const BandsNormalisation = z
  .object({
    kind: z.literal('bands'),
    bands: z
      .array(z.object({ upTo: z.number().nullable(), score: Score }))
      .min(1)
      .max(20),
  })
  .superRefine((n, ctx) => {
    n.bands.forEach((b, i) => {
      const prev = n.bands[i - 1];
      if (b.upTo === null && i !== n.bands.length - 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['bands', i, 'upTo'],
          message: zodText('health.error.openBand'),
        });
      }
      if (prev && prev.upTo !== null && b.upTo !== null && b.upTo <= prev.upTo) {
        ctx.addIssue({
          code: 'custom',
          path: ['bands', i, 'upTo'],
          message: zodText('health.error.bandOrder'),
        });
      }
    });
  });
/** Linear between min (score 0) and max (score 100), clamped; lower_better flips it. */
export const LinearNormalisation = z
  .object({ kind: z.literal('linear'), min: z.number(), max: z.number() })
  .refine((n) => n.max > n.min, { error: () => zodText('health.error.maxAboveMin'), path: ['max'] });
/** The value's percentile rank among the accounts the same model scores; lower_better flips it. */
export const PercentileNormalisation = z.object({ kind: z.literal('percentile') });
export const Normalisation = z.discriminatedUnion('kind', [
  BandsNormalisation,
  LinearNormalisation,
  PercentileNormalisation,
]);
export type Normalisation = z.infer<typeof Normalisation>;

export const Component = z.object({
  // Longer than other keys: the default model names components after metric keys plus a suffix.
  key: z.string().regex(/^[a-z][a-z0-9_]{0,99}$/, { error: () => zodText('error.lowerSnakeKey') }),
  name: Name,
  fact: z.string().min(1).max(200),
  weight: Weight,
  direction: z.enum(DIRECTIONS).default('higher_better'),
  normalisation: Normalisation,
});
export type Component = z.output<typeof Component>;

/** `sentiment` is the key of the CSM-sentiment part of the score, so no dimension may take it. */
export const SENTIMENT_KEY = 'sentiment';
export const SENTIMENT_FACT = 'health.sentiment';

export const Dimension = z
  .object({
    key: Key.refine((k) => k !== SENTIMENT_KEY, { error: () => zodText('health.error.reservedKey') }),
    name: Name,
    weight: Weight,
    components: z.array(Component).min(1).max(50),
  })
  .superRefine((d, ctx) => uniqueKeys(d.components, ['components'], ctx));
export type Dimension = z.output<typeof Dimension>;

/** A CSM's 1-5 sentiment (1 -> 0, 5 -> 100) counted as one more dimension until it expires. */
export const SentimentConfig = z.object({
  weight: Weight,
  expiresAfterDays: z.int().min(1).max(3660).default(90),
});
export type SentimentConfig = z.output<typeof SentimentConfig>;

const Color = z.string().regex(/^(#[0-9a-fA-F]{6}|[a-z]{3,20})$/, 'must be #rrggbb or a colour name');
export const StatusBand = z.object({
  key: Key,
  label: z.object({ 'zh-CN': z.string().trim().min(1).max(50), en: z.string().trim().min(1).max(50) }),
  color: Color,
  min: Score,
});
export type StatusBand = z.output<typeof StatusBand>;

/**
 * Best first, each with the lowest score that reaches it; a score below every `min` falls in the
 * last band. Seed 004's three statuses by default; the thresholds are meant to be replaced by the
 * ones calibration proposes from accounts that renewed.
 */
export const DEFAULT_BANDS: StatusBand[] = [
  { key: 'excellent', label: { 'zh-CN': '优秀', en: 'Excellent' }, color: 'green', min: 70 },
  { key: 'fair', label: { 'zh-CN': '一般', en: 'Fair' }, color: 'orange', min: 40 },
  { key: 'danger', label: { 'zh-CN': '危险', en: 'Danger' }, color: 'red', min: 0 },
];

export const StatusBands = z
  .array(StatusBand)
  .min(1)
  .max(10)
  .superRefine((bands, ctx) => {
    uniqueKeys(bands, [], ctx);
    bands.forEach((b, i) => {
      const prev = bands[i - 1];
      if (prev && b.min >= prev.min) {
        ctx.addIssue({ code: 'custom', path: [i, 'min'], message: zodText('health.error.bestFirst') });
      }
    });
  });

/**
 * Score points by which an account must pass a band's boundary before its status leaves the band
 * it had (0: none). Against the previous status only: a first score takes its band as it falls.
 */
export const Hysteresis = z.number().min(0).max(20);
export const DEFAULT_HYSTERESIS = 3;

/** What scoring needs: a model without its identity and timestamps (the default model is one). */
export type HealthModelSpec = {
  key: string;
  name: string;
  position: number;
  selector: Condition | null;
  dimensions: Dimension[];
  sentiment: SentimentConfig | null;
  bands: StatusBand[];
  /** Absent: no hysteresis (the status is the score's band). */
  hysteresis?: number;
};

/** The key and id of the built-in default model: the catch-all tried after every stored model. */
export const DEFAULT_MODEL_KEY = 'default';

export const HealthModel = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  position: z.number(),
  /** The condition tree (null: every account); see /facts/catalogue for the facts. */
  selector: z.unknown().nullable(),
  dimensions: z.array(Dimension),
  sentiment: SentimentConfig.nullable(),
  bands: z.array(StatusBand),
  hysteresis: z.number(),
  /** The built-in default: the catch-all (selector null) tried after every stored model. */
  builtin: z.boolean(),
  /** The built-in default as this workspace edited it (false: built from its metrics on each read). */
  customised: z.boolean(),
  /** null for the built-in default the workspace never edited. */
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type HealthModel = Omit<z.output<typeof HealthModel>, 'selector'> & { selector: Condition | null };

const modelFields = {
  key: Key,
  name: Name,
  position: z.int().min(0).max(10_000),
  /** Text (`arr > 100000 and region = "华东"`) or the JSON tree; null matches every account. */
  selector: z.unknown().nullable(),
  dimensions: z
    .array(Dimension)
    .min(1)
    .max(20)
    .superRefine((ds, ctx) => uniqueKeys(ds, [], ctx)),
  sentiment: SentimentConfig.nullable(),
  bands: StatusBands,
  hysteresis: Hysteresis,
};

export const CreateHealthModel = z.object({
  ...modelFields,
  key: Key.refine((k) => k !== DEFAULT_MODEL_KEY, { error: () => zodText('health.error.defaultKey') }),
  position: modelFields.position.optional(),
  selector: modelFields.selector.optional(),
  sentiment: modelFields.sentiment.optional(),
  bands: modelFields.bands.optional(),
  hysteresis: modelFields.hysteresis.optional(),
});
export type CreateHealthModel = z.input<typeof CreateHealthModel>;
export const UpdateHealthModel = z.object(modelFields).omit({ key: true }).partial();
export type UpdateHealthModel = z.input<typeof UpdateHealthModel>;
/** A stored copy of a model (the built-in default included), to edit as a model of its own. */
export const CopyHealthModel = z.object({
  key: CreateHealthModel.shape.key,
  name: Name.optional(),
  selector: modelFields.selector.optional(),
  position: modelFields.position.optional(),
});
export type CopyHealthModel = z.input<typeof CopyHealthModel>;

function uniqueKeys(items: readonly { key: string }[], path: (string | number)[], ctx: z.RefinementCtx) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.key))
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'key'],
        message: zodText('error.duplicateKeyIssue', { key: item.key }),
      });
    seen.add(item.key);
  });
}

export type ModelIssue = { path: string; message: string | Message };

/** Every component must read a numeric fact the workspace has: a typo would silently score nothing. */
export function checkComponentFacts(dimensions: readonly Dimension[], catalogue: Catalogue): ModelIssue[] {
  const issues: ModelIssue[] = [];
  dimensions.forEach((d, i) => {
    d.components.forEach((c, j) => {
      const path = `dimensions.${i}.components.${j}.fact`;
      const def = catalogue.get(c.fact);
      if (!def) issues.push({ path, message: msg('health.error.unknownFact', { fact: c.fact }) });
      else if (def.type !== 'number')
        issues.push({ path, message: msg('health.error.notNumber', { fact: c.fact, type: def.type }) });
      else if (c.fact.startsWith('health.')) issues.push({ path, message: msg('health.error.healthFact') });
    });
  });
  return issues;
}
