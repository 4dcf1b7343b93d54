// Turning facts into a numeric design matrix: numbers standardised (mean 0, sd 1 on the training
// rows), categoricals one-hot (levels seen in training; an unseen level is all zeros), a blank
// number imputed at the mean with its own 0/1 "missing" column. Every encoded column, one-hot and
// indicators included, is then centred and scaled too, so a coefficient times a row's value is the
// row's contribution against the average training row: the per-row drivers sum exactly to the
// logit minus the intercept (drivers.ts relies on this).

/** One sample's raw features: numbers, categories (strings, booleans), or blank. */
export type FeatureRow = Record<string, unknown>;

export type NumericFeature = { kind: 'numeric'; name: string; mean: number; sd: number; missing: boolean };
export type CategoricalFeature = { kind: 'categorical'; name: string; levels: string[] };
export type FeatureSpec = NumericFeature | CategoricalFeature;

/** One encoded column: its source feature, what it is, and the centring used. */
export type EncodedColumn = {
  feature: string;
  part: 'value' | 'missing' | 'level';
  level?: string;
  mean: number;
  sd: number;
};

export type Encoder = { features: FeatureSpec[]; columns: EncodedColumn[] };

/** A categorical with more levels than this is treated as an identifier or free text and left out. */
export const MAX_LEVELS = 50;

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '');

/** The number a raw value stands for, or null when it is blank or not a number. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

const level = (v: unknown) => (typeof v === 'string' ? v.trim() : String(v));

/**
 * Decides each feature's kind from the training rows: numeric when every non-blank value is a
 * number (booleans count as 0/1), else categorical. Features with one value only, or categoricals
 * with more than MAX_LEVELS levels, carry no usable signal and are dropped.
 */
export function inferFeatures(rows: readonly FeatureRow[], names: readonly string[]): FeatureSpec[] {
  const specs: FeatureSpec[] = [];
  for (const name of names) {
    let numeric = true;
    let blanks = 0;
    const seen = new Set<string>();
    let sum = 0;
    let count = 0;
    for (const r of rows) {
      const v = r[name];
      if (isBlank(v)) {
        blanks++;
        continue;
      }
      if (seen.size <= MAX_LEVELS) seen.add(level(v));
      const n = toNumber(v);
      if (n === null || Array.isArray(v)) numeric = false;
      else {
        sum += n;
        count++;
      }
    }
    if (numeric && count > 0) {
      const mean = sum / count;
      let ss = 0;
      for (const r of rows) {
        const n = toNumber(r[name]);
        if (n !== null) ss += (n - mean) ** 2;
      }
      const sd = Math.sqrt(ss / count);
      if (sd > 0 || (blanks > 0 && count > 0))
        specs.push({ kind: 'numeric', name, mean, sd, missing: blanks > 0 });
    } else if (!numeric && seen.size > 1 && seen.size <= MAX_LEVELS) {
      specs.push({ kind: 'categorical', name, levels: [...seen].sort() });
    }
  }
  return specs;
}

const levelIndexes = new WeakMap<CategoricalFeature, Map<string, number>>();
function levelIndex(f: CategoricalFeature): Map<string, number> {
  let m = levelIndexes.get(f);
  if (!m) {
    m = new Map(f.levels.map((l, i) => [l, i]));
    levelIndexes.set(f, m);
  }
  return m;
}

/** Raw (uncentred) encoded values of one row, in column order. */
function rawEncode(features: readonly FeatureSpec[], row: FeatureRow, out: Float64Array) {
  out.fill(0);
  let c = 0;
  for (const f of features) {
    const v = row[f.name];
    if (f.kind === 'numeric') {
      const n = toNumber(v);
      out[c++] = n === null ? 0 : f.sd > 0 ? (n - f.mean) / f.sd : 0;
      if (f.missing) out[c++] = n === null ? 1 : 0;
    } else {
      const at = isBlank(v) ? undefined : levelIndex(f).get(level(v));
      if (at !== undefined) out[c + at] = 1;
      c += f.levels.length;
    }
  }
}

function columnsOf(features: readonly FeatureSpec[]): Omit<EncodedColumn, 'mean' | 'sd'>[] {
  const cols: Omit<EncodedColumn, 'mean' | 'sd'>[] = [];
  for (const f of features) {
    if (f.kind === 'numeric') {
      cols.push({ feature: f.name, part: 'value' });
      if (f.missing) cols.push({ feature: f.name, part: 'missing' });
    } else {
      for (const lv of f.levels) cols.push({ feature: f.name, part: 'level', level: lv });
    }
  }
  return cols;
}

/** Fits the encoder on training rows (kinds, means, levels, then each column's centring). */
export function fitEncoder(rows: readonly FeatureRow[], names: readonly string[]): Encoder {
  const features = inferFeatures(rows, names);
  const shapes = columnsOf(features);
  const d = shapes.length;
  const sum = new Float64Array(d);
  const sq = new Float64Array(d);
  const buf = new Float64Array(d);
  for (const r of rows) {
    rawEncode(features, r, buf);
    for (let j = 0; j < d; j++) {
      sum[j] += buf[j];
      sq[j] += buf[j] * buf[j];
    }
  }
  const n = Math.max(1, rows.length);
  const columns = shapes.map((s, j) => {
    const mean = sum[j] / n;
    const variance = Math.max(0, sq[j] / n - mean * mean);
    const sd = Math.sqrt(variance);
    return { ...s, mean, sd: sd > 1e-12 ? sd : 1 };
  });
  return { features, columns };
}

/** Encodes rows into a row-major matrix (n × columns), centred and scaled as fitted. */
export function encodeRows(encoder: Encoder, rows: readonly FeatureRow[]): Float64Array {
  const d = encoder.columns.length;
  const x = new Float64Array(rows.length * d);
  const buf = new Float64Array(d);
  for (let i = 0; i < rows.length; i++) {
    rawEncode(encoder.features, rows[i], buf);
    for (let j = 0; j < d; j++) {
      const c = encoder.columns[j];
      x[i * d + j] = (buf[j] - c.mean) / c.sd;
    }
  }
  return x;
}
