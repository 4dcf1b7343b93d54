export {
  type BatchEnvOptions,
  batchEnv,
  changedByLookbacks,
  type History,
  type Lookbacks,
  lookbackToleranceDays,
  mergeLookbacks,
} from './batch-env.ts';
export { buildFacts, monthsBetween, recordMaker } from './build-facts.ts';
export { BASE_FACTS, FACT_PROVIDERS, loadCatalogue, ROSTER_PROVIDER } from './catalogue.ts';
export {
  type Catalogue,
  Condition,
  ConditionError,
  conditionFacts,
  type FactDef,
  type FactType,
  type Within,
} from './condition.ts';
export { checkCondition, compileCondition } from './condition-check.ts';
export { type ConditionEnv, evaluateCondition } from './condition-eval.ts';
export { conditionToText, parseCondition } from './condition-text.ts';
export {
  type EvaluationBatch,
  type EvaluationBatchOptions,
  loadEvaluationBatch,
  loadHistory,
} from './evaluation-batch.ts';
export { factsRoutes } from './facts.routes.ts';
export { getAccountFacts, getCatalogue } from './facts.ts';
export { percentileRankArray, percentileRanks } from './percentile.ts';
export { keepPopulations, type Populations } from './populations.ts';
export type {
  FactBatch,
  FactLoader,
  FactProvider,
  FactQuery,
  FactRoster,
  Facts,
  ScopedQuery,
} from './provider.ts';
export { EMPTY_STATE, loadStateFacts, STATE_FACT_KEYS, type StateFacts, stateFacts } from './state-facts.ts';
