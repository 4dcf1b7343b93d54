import type { Catalog } from './catalog.ts';

/** The built-in default health model's labels and the parts of a health explanation. */
export const health = {
  'health.model.default': ['Default health model', '默认健康度模型'],
  'health.dim.usage': ['Usage', '使用情况'],
  'health.dim.engagement': ['Engagement', '互动'],
  'health.dim.sentiment': ['Sentiment', '客户情绪'],
  'health.comp.volume': ['{metric}: last 30 days (percentile)', '{metric}：近 30 天（百分位）'],
  'health.comp.trend': ['{metric}: change vs the previous 30 days', '{metric}：较前 30 天的变化'],
  'health.comp.breadth': ['Active users / licensed seats', '活跃用户数 / 授权席位数'],
  'health.comp.depth': ['Features used / features defined', '已使用功能数 / 已定义功能数'],
  'health.comp.lastTouch': [
    'Days since the last note, call, meeting or email',
    '距上次记录、通话、会议或邮件的天数',
  ],
  'health.comp.activeUsers': ['Active users, last 30 days (percentile)', '近 30 天活跃用户数（百分位）'],
  'health.comp.nps': ['NPS from survey answers, last 365 days', '近 365 天调查答复的 NPS'],
  'health.comp.sentiment': ['CSM sentiment', '客户成功经理评价的客户情绪'],
  'health.error.percentiles': ['needs {count} values for {bands} bands', '{bands} 个状态档需要 {count} 个值'],
  'health.error.percentilesOrder': [
    'must fall from one value to the next, each between 0 and 100',
    '须逐个递减，且每个值都在 0 到 100 之间',
  ],
  'health.error.openBand': ['only the last band may be open (null)', '只有最后一档可以不设上限（null）'],
  'health.error.bandOrder': ['must be above the previous band’s upTo', '须大于上一档的 upTo'],
  'health.error.maxAboveMin': ['max must be above min', 'max 须大于 min'],
  'health.error.bestFirst': ['bands go best first: min must fall', '状态档从最好到最差排列：min 须递减'],
  'health.error.unknownFact': [
    'unknown fact {fact}; see GET /facts/catalogue',
    '未知的指标事实 {fact}；参见 GET /facts/catalogue',
  ],
  'health.error.notNumber': ['{fact} is a {type}, not a number', '{fact} 的类型是 {type}，不是数字'],
  'health.error.healthFact': [
    'a health score cannot be made of health facts',
    '健康度评分不能由健康度事实组成',
  ],
  'health.error.reservedKey': [
    '"sentiment" is reserved for the sentiment component',
    '"sentiment" 保留给客户情绪部分',
  ],
  'health.error.defaultKey': [
    '"default" is the built-in default model’s key; edit it or copy it under another key',
    '"default" 是内置默认模型的标识；请直接编辑它，或以其他标识复制',
  ],
  'health.error.defaultSelector': [
    'the default model scores every account no other model matches: it has no selector (copy it to give one)',
    '默认模型为其他模型都不匹配的客户评分，不能设置适用条件（如需条件，请复制后再设置）',
  ],
  'health.error.defaultKeyChange': ['the default model’s key cannot change', '默认模型的标识不可更改'],
  'health.fit.tooFew': [
    'Too few outcomes to fit weights: {renewed} renewed and {churned} churned with a score of this model (at least {min} of each needed)',
    '结果太少，无法拟合权重：有本模型评分的续约 {renewed} 个、流失 {churned} 个（各至少需要 {min} 个）',
  ],
  'health.fit.noSignal': [
    'No component told renewals from churn in these outcomes: the current weights are kept',
    '在这些结果中，没有任何组成部分能区分续约与流失：保留当前权重',
  ],
  'health.fit.noComponents': [
    'None of this model’s components has a value in the stored scores before these outcomes',
    '在这些结果之前存储的评分中，本模型的组成部分都没有数值',
  ],
} as const satisfies Catalog;
