// Snapshot mode: a table without history (a CSV of accounts with feature columns and an outcome
// column) turned into a dataset: one sample per row, grouped by its id, no times.
import { parse } from 'csv-parse/sync';
import { invalid } from '../../errors.ts';
import { msg } from '../../i18n/index.ts';
import type { FeatureRow } from './encode.ts';
import { type CrossValidation, type Dataset, type ModelKind, selectModel } from './model.ts';

export type SnapshotInput = {
  csv: string;
  idColumn: string;
  outcomeColumn: string;
  /** Rows whose outcome cell equals this (trimmed, case-insensitive) are positives. */
  outcomeValue: string;
};

export function snapshotDataset(input: SnapshotInput): Dataset {
  let records: Record<string, string>[];
  try {
    records = parse(input.csv, { columns: true, skip_empty_lines: true, bom: true, trim: false });
  } catch (error) {
    throw invalid(msg('churn.snapshot.unreadable', { reason: (error as Error).message }));
  }
  if (records.length === 0) throw invalid(msg('churn.snapshot.noRows'));
  const header = Object.keys(records[0]);
  for (const [what, col] of [
    ['--id', input.idColumn],
    ['--outcome', input.outcomeColumn],
  ] as const) {
    if (!header.includes(col)) {
      throw invalid(
        msg('churn.snapshot.noColumn', { option: what, column: col, columns: header.join(', ') }),
      );
    }
  }
  const want = input.outcomeValue.trim().toLowerCase();
  const features = header.filter((h) => h !== input.idColumn && h !== input.outcomeColumn);
  const rows: FeatureRow[] = [];
  const y = new Uint8Array(records.length);
  const groups: string[] = [];
  records.forEach((r, i) => {
    const row: FeatureRow = {};
    for (const f of features) row[f] = r[f];
    rows.push(row);
    y[i] = (r[input.outcomeColumn] ?? '').trim().toLowerCase() === want ? 1 : 0;
    groups.push(r[input.idColumn] || `row-${i}`);
  });
  return { rows, y, groups, times: null, features };
}

export type SnapshotEvaluation = {
  auc: number | null;
  aucLow: number | null;
  aucHigh: number | null;
  prAuc: number | null;
  prAucLow: number | null;
  prAucHigh: number | null;
  brier: number | null;
  brierLow: number | null;
  brierHigh: number | null;
  n: number;
  positives: number;
  folds: number;
  features: number;
  reliability: CrossValidation['metrics']['reliability'];
  /** The model the metrics are of: the one asked for, or the cross-validation's choice. */
  model: ModelKind;
  /** Each model tried, on the same folds. */
  candidates: {
    kind: ModelKind;
    auc: number | null;
    aucLow: number | null;
    aucHigh: number | null;
    brier: number | null;
  }[];
};

export function evaluateSnapshot(
  input: SnapshotInput,
  folds = 5,
  model: ModelKind | 'auto' = 'auto',
): SnapshotEvaluation {
  const data = snapshotDataset(input);
  let positives = 0;
  for (const v of data.y) positives += v;
  if (positives === 0 || positives === data.y.length) {
    throw invalid(
      msg(positives === 0 ? 'churn.snapshot.noPositive' : 'churn.snapshot.allPositive', {
        value: input.outcomeValue,
        column: input.outcomeColumn,
      }),
    );
  }
  if (folds < 2 || folds > Math.min(20, data.y.length)) {
    throw invalid(msg('churn.snapshot.folds'));
  }
  const selection = selectModel(data, folds, model);
  const cv = selection.results[selection.chosen]!;
  const m = cv.metrics;
  return {
    auc: m.auc.value,
    aucLow: m.auc.low,
    aucHigh: m.auc.high,
    prAuc: m.prAuc.value,
    prAucLow: m.prAuc.low,
    prAucHigh: m.prAuc.high,
    brier: m.brier.value,
    brierLow: m.brier.low,
    brierHigh: m.brier.high,
    n: m.n,
    positives: m.positives,
    folds: cv.folds.length,
    features: data.features.length,
    reliability: m.reliability,
    model: selection.chosen,
    candidates: Object.entries(selection.results).map(([kind, r]) => ({
      kind: kind as ModelKind,
      auc: r.metrics.auc.value,
      aucLow: r.metrics.auc.low,
      aucHigh: r.metrics.auc.high,
      brier: r.metrics.brier.value,
    })),
  };
}
