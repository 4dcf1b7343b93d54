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
} as const satisfies Catalog;
