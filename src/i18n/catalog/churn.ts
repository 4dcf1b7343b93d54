import type { Catalog } from './catalog.ts';

/** The churn model: why a model is not published, what the card says, and driver labels. */
export const churn = {
  'churn.snapshot.unreadable': ['The file is not a readable CSV: {reason}', '文件不是可读取的 CSV：{reason}'],
  'churn.snapshot.noRows': ['The file has no rows', '文件没有数据行'],
  'churn.snapshot.noColumn': [
    '{option}: no column "{column}" (columns: {columns})',
    '{option}：没有"{column}"列（文件的列为：{columns}）',
  ],
  'churn.snapshot.noPositive': [
    '--outcome: no row is "{value}" in {column}; both outcomes are needed',
    '--outcome：{column} 列中没有一行是"{value}"；两种结果都需要有',
  ],
  'churn.snapshot.allPositive': [
    '--outcome: every row is "{value}" in {column}; both outcomes are needed',
    '--outcome：{column} 列中每一行都是"{value}"；两种结果都需要有',
  ],
  'churn.snapshot.folds': [
    '--folds must be between 2 and 20 (and at most the number of rows)',
    '--folds 应在 2 到 20 之间（且不超过行数）',
  ],
  'churn.reason.noHistory': [
    'No contract has ended long enough ago to know its outcome ({graceDays} days after the term).',
    '还没有合同结束满 {graceDays} 天，无法得知续约结果。',
  ],
  'churn.reason.tooFewOutcomes': [
    'Too few outcomes to learn from: {churned} churned and {stayed} stayed; at least {minimum} of each are needed.',
    '可学习的结果太少：流失 {churned} 个，留存 {stayed} 个；每类至少需要 {minimum} 个。',
  ],
  'churn.reason.intervalIncludesHalf': [
    'The model does no better than chance on held-out accounts: ROC-AUC {auc}, 95% interval {low} to {high} includes 0.5.',
    '模型在留出客户上并不比随机猜测更好：ROC-AUC {auc}，95% 区间 {low} 至 {high} 包含 0.5。',
  ],
  'churn.reason.noPublishedHorizon': [
    'No horizon has a model good enough to publish; see each horizon for the reason.',
    '没有任何预测窗口的模型达到发布标准；原因见各窗口。',
  ],
  'churn.reason.notTrained': ['No churn model has been trained yet.', '尚未训练流失模型。'],
  'churn.note.synthetic': [
    'This workspace is the synthetic demo: its churn was generated from usage, engagement and support signals, so these figures show how the model works, not how it will score your customers.',
    '本工作区是合成的演示数据：流失由使用、互动和支持信号按概率生成，这些数字只说明模型如何工作，不代表它在您的客户上的表现。',
  ],
  'churn.fact.arr': ['ARR', '年度经常性收入'],
  'churn.fact.mrr': ['MRR', '月度经常性收入'],
  'churn.fact.licensed_seats': ['Licensed seats', '授权席位'],
  'churn.fact.days_since_go_live': ['Days since go-live', '上线天数'],
  'churn.fact.months_since_go_live': ['Months since go-live', '上线月数'],
  'churn.fact.days_since_renewal': ['Days since the last renewal', '距上次续约天数'],
  'churn.fact.region': ['Region', '区域'],
  'churn.fact.industry': ['Industry', '行业'],
  'churn.fact.active_users_7d': ['Active users (7 days)', '近 7 天活跃用户'],
  'churn.fact.active_users_30d': ['Active users (30 days)', '近 30 天活跃用户'],
  'churn.fact.breadth': ['Seat adoption (active users / seats)', '席位使用率（活跃用户/席位）'],
  'churn.fact.features_used_30d': ['Features used (30 days)', '近 30 天使用功能数'],
  'churn.fact.depth': ['Feature depth (used / defined)', '功能深度（已用/全部）'],
  'churn.fact.days_since_last_touch': ['Days since the last touch', '距上次触达天数'],
  'churn.fact.health.score': ['Health score', '健康分'],
  'churn.fact.health.trend_7d': ['Health change (7 days)', '健康分 7 天变化'],
  'churn.fact.health.trend_30d': ['Health change (30 days)', '健康分 30 天变化'],
  'churn.fact.health.sentiment': ['CSM sentiment', 'CSM 主观评价'],
  'churn.fact.tier': ['Tier', '分层'],
  'churn.fact.stage': ['Lifecycle stage', '生命周期阶段'],
  'churn.fact.days_in_stage': ['Days in stage', '处于当前阶段天数'],
  'churn.fact.customField': ['Custom field {name}', '自定义字段 {name}'],
  'churn.fact.metric.total_7d': ['{metric}: last 7 days', '{metric}：近 7 天'],
  'churn.fact.metric.total_30d': ['{metric}: last 30 days', '{metric}：近 30 天'],
  'churn.fact.metric.total_90d': ['{metric}: last 90 days', '{metric}：近 90 天'],
  'churn.fact.metric.wow': ['{metric}: week-over-week change', '{metric}：周环比'],
  'churn.fact.metric.mom': ['{metric}: month-over-month change', '{metric}：月环比'],
  'churn.fact.metric.last30_vs_prior30': [
    '{metric}: last 30 days vs the 30 before',
    '{metric}：近 30 天对比前 30 天',
  ],
  'churn.fact.metric.yoy': ['{metric}: year-over-year change', '{metric}：同比'],
  'churn.fact.other': ['{key}', '{key}'],
} as const satisfies Catalog;
