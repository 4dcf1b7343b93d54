import type { Catalog } from './catalog.ts';

/**
 * Errors of renewals, the team (groups, assignment), metrics, ingest, lists, bulk actions, stages,
 * scorecards, tokens and contacts that were plain English sentences before (issue 12).
 */
export const errorsModules = {
  // Renewals (src/modules/renewals/renewals.ts).
  'renewals.error.closed': [
    'The renewal of contract {id} is closed; it can no longer change',
    '合同 {id} 的续约已关闭，不能再修改',
  ],
  'renewals.error.alreadyClosed': [
    'The renewal of contract {id} is already closed',
    '合同 {id} 的续约已经关闭',
  ],
  'renewals.error.noRate': ['No exchange rate from {from} to {to}', '没有从 {from} 到 {to} 的汇率'],
  'renewals.error.noActiveUser': ['No active user {id}', '没有启用的用户 {id}'],
  'renewals.error.noSuchActiveUser': ['no such active user', '没有这个启用的用户'],
  'renewals.error.expansionNeedsMore': [
    'An expansion needs more ARR than the contract it renews',
    '增购续约的 ARR 须高于所续合同',
  ],
  'renewals.error.notAbove': ['ARR {next} is not above {previous}', 'ARR {next} 不高于 {previous}'],
  'renewals.error.downgradeNeedsLess': [
    'A downgrade needs less ARR than the contract it renews',
    '降级续约的 ARR 须低于所续合同',
  ],
  'renewals.error.notBelow': ['ARR {next} is not below {previous}', 'ARR {next} 不低于 {previous}'],

  // Rule checks (src/modules/automation/rules.ts, template.ts).
  'automation.error.unknownMetric': [
    'unknown metric "{metric}" (known: {known})',
    '未知指标 "{metric}"（已有：{known}）',
  ],
  'automation.error.noMetrics': ['none', '无'],
  'automation.error.notCron': ['not a cron pattern: {reason}', '不是有效的 cron 表达式：{reason}'],
  'automation.error.unknownTemplateFact': [
    'unknown fact "{fact}" in {{{fact}}}',
    '{{{fact}}} 中的字段 "{fact}" 不存在',
  ],
  'automation.error.unknownTemplateFilter': [
    'unknown filter "{filter}" (use {filters})',
    '未知的格式 "{filter}"（可用：{filters}）',
  ],
  'automation.error.addressRefused': [
    'refused: {why} address (allow on-premise receivers with STEWARD_OUTBOUND_ALLOW)',
    '已拒绝：{why} 地址（本地部署的接收方可用 STEWARD_OUTBOUND_ALLOW 放行）',
  ],
  'automation.error.unknownStage': ['unknown lifecycle stage "{stage}"', '未知的生命周期阶段 "{stage}"'],
  'automation.error.noSuchUser': ['no such user in this workspace', '本工作区没有这个用户'],

  // CSM groups and assignment (src/modules/team/).
  'team.error.scope': ['{problem} (a group scope may read {facts})', '{problem}（小组范围只能读取 {facts}）'],
  'team.error.listedTwice': ['a user is listed twice', '有用户被列出了两次'],
  'team.error.inOtherGroup': [
    'User {user} is already in group {group}; remove them there first',
    '用户 {user} 已在小组 {group} 中，请先从那里移出',
  ],
  'team.error.assignmentChanged': [
    'The assignment plan changed since the preview; preview again and apply the new plan',
    '分配方案在预览之后已变化，请重新预览后应用新方案',
  ],
  'team.error.offboardingChanged': [
    'The offboarding plan changed since the preview; preview again',
    '交接方案在预览之后已变化，请重新预览',
  ],
  'team.error.stuck': [
    '{count} accounts have no teammate with room and no group lead to take them; add a lead or CSMs first',
    '{count} 个客户没有尚有余量的同事或组长可以接手，请先添加组长或客户成功经理',
  ],

  // Metrics (src/modules/metrics/).
  'metrics.error.needsValue': [
    'sum and max need valueProperty',
    '求和（sum）与最大值（max）需要 valueProperty',
  ],
  'metrics.error.seriesTooLong': ['a series covers at most {days} days', '一个序列最多覆盖 {days} 天'],

  // Account lists, custom fields, contacts, bulk actions (src/modules/accounts/, bulk/).
  'list.error.unknownCustomField': ['no such custom field', '没有这个自定义字段'],
  'list.error.multiSelectEquality': [
    'multi-select fields only filter by equality',
    '多选字段只能按“等于”筛选',
  ],
  'list.error.notANumber': ['not a number', '不是数字'],
  'customFields.error.notSelect': ['not a select field', '不是选择类字段'],
  'contacts.error.externalUserIdTaken': [
    'A contact with external user id {id} already exists in this workspace',
    '本工作区已有外部用户 ID 为 {id} 的联系人',
  ],
  'part.filter': ['filter', '筛选条件'],
  'part.path': ['path', '路径'],

  // Lifecycle stages (src/modules/lifecycle/preview.ts).
  'stages.error.keyTwice': ['{key} appears twice', '{key} 出现了两次'],

  // Scorecards and the team overview (src/modules/reports/).
  'reports.error.scorecardsRole': ['Role {role} may not read scorecards', '{role}角色无权查看成绩卡'],
  'reports.error.scorecardHidden': ['You may not read this scorecard', '你无权查看这张成绩卡'],
  'reports.error.teamOverview': [
    'Only managers and admins see the team overview',
    '只有主管和管理员可以查看团队概览',
  ],

  // API tokens (src/modules/auth/keys.ts).
  'keys.error.systemNeedsUser': [
    'A token created by the system must name the user it acts as (userId)',
    '由系统创建的令牌必须指明它代表的用户（userId）',
  ],

  // Surveys.
  'entity.surveyResponse': ['Survey response', '问卷回复'],

  // Ingest (src/modules/ingest/): answers to SDKs and scripts, in the caller's language too.
  'ingest.error.missingWriteKey': [
    'Missing write key: send it as the Basic auth username, or as writeKey or api_key in the first 512 KB of the body',
    '缺少写入密钥：请作为 Basic 认证的用户名发送，或放在请求体前 512 KB 内的 writeKey 或 api_key 字段中',
  ],
  'ingest.error.batchArray': ['The body must have a "batch" array', '请求体须包含 "batch" 数组'],
  'ingest.error.bodyTooLarge': ['Request body is larger than {size}', '请求体超过 {size}'],
  'ingest.error.noSource': ['No source with write key {key}', '没有写入密钥为 {key} 的数据源'],
  'ingest.error.noKey': ['(none)', '（无）'],
  'ingest.error.overloaded': [
    'Ingest is overloaded; retry after the Retry-After delay',
    '数据接收繁忙，请在 Retry-After 指定的时间后重试',
  ],
  'ingest.error.notObject': ['The body must be a JSON object', '请求体须为 JSON 对象'],
  'ingest.error.badGzip': [
    'The body is gzip-compressed but not valid gzip',
    '请求体声明为 gzip 压缩，但不是有效的 gzip 数据',
  ],

  // CSV imports' issues (src/csv/read.ts).
  'csv.issue.unknownField': ['unknown field', '未知字段'],
  'csv.issue.requiredNoColumn': ['required field has no column', '必填字段没有对应的列'],
  'csv.issue.noColumn': ['no such column', '没有这一列'],
  'csv.issue.nameValue': ['expected name=value', '应为 name=value 格式'],
  'csv.error.notPair': ['"{part}" in {what} is not name=value', '{what} 中的"{part}"不是 name=value 格式'],

  // Text Steward will not store (src/text.ts).
  'text.nul': ['contains a NUL character', '包含 NUL 字符'],
  'text.loneSurrogate': [
    'contains an unpaired UTF-16 surrogate (not valid Unicode)',
    '包含不成对的 UTF-16 代理字符（不是有效的 Unicode）',
  ],
  'text.inName': ['name {reason}', '名称{reason}'],
} as const satisfies Catalog;
