import type { Catalog } from './catalog.ts';

/** Error messages (the `message` of our error shape). Keys name the situation, not the status. */
export const errors = {
  'error.internal': [
    'Internal error; the request id identifies it in the server log',
    '服务器内部错误；可凭请求 ID 在服务器日志中查找',
  ],
  'error.unavailable': ['The database is briefly unavailable; retry shortly', '数据库暂时不可用，请稍后重试'],
  'error.payloadTooLarge': ['Request body is too large', '请求体过大'],
  'error.malformedJson': ['Malformed JSON in request body', '请求体不是有效的 JSON'],
  'error.signInFirst': ['Sign in first', '请先登录'],
  'error.noRoute': ['No route for {method} {path}', '没有 {method} {path} 这个接口'],
  'error.notFound': ['{what} not found', '未找到{what}'],
  'error.notFoundId': ['{what} {id} not found', '未找到{what} {id}'],
  'error.forbidden': ['Your role does not allow this action', '你的角色无权执行此操作'],
  'error.invalidInput': ['Invalid {what}: {path}: {problem}', '{what}无效：{path}：{problem}'],
  'error.invalidInputBare': ['Invalid {what}', '{what}无效'],
  'error.input': ['input', '输入'],
  'error.duplicateKey': ['{what} with key {key} already exists', '已存在键为 {key} 的{what}'],

  // Signing in and being signed in (src/server/auth-middleware.ts, auth/).
  'error.bearerFormat': [
    'Authorization header must be "Bearer <token>"',
    'Authorization 请求头须为 "Bearer <令牌>"',
  ],
  'error.tokenUnknown': ['API token is unknown, revoked or expired', 'API 令牌不存在、已吊销或已过期'],
  'error.sessionExpired': ['Your session has expired; sign in again', '登录已过期，请重新登录'],
  'error.signInOrToken': [
    'Sign in, or send an API token as "Authorization: Bearer <token>"',
    '请先登录，或以 "Authorization: Bearer <令牌>" 发送 API 令牌',
  ],
  'error.csrf': [
    'Missing or wrong x-csrf-token header (use the csrfToken that login returned)',
    '缺少或错误的 x-csrf-token 请求头（请使用登录时返回的 csrfToken）',
  ],
  'error.loginFailed': ['Email or password is incorrect', '邮箱或密码不正确'],
  'error.loginThrottled': [
    'Too many failed sign-in attempts; try again in {seconds} seconds',
    '登录失败次数过多，请 {seconds} 秒后再试',
  ],
  'error.readOnlyToken': ['This API token has only the read scope', '此 API 令牌只有读取权限'],
  'error.roleMayNot': ['Role {role} may not {permission} ({key})', '{role}角色无权{permission}（{key}）'],
  'error.roleMayOnlyOnTeam': [
    'Role {role} may {permission} only on accounts whose team you are on ({key})',
    '{role}角色只能对自己所在团队的客户{permission}（{key}）',
  ],
  'error.profileNeedsUser': ['Only a signed-in user has a profile', '只有已登录的用户才有个人资料'],
  'error.mustNotBeAfterTo': ['must not be after to', '不能晚于结束日期（to）'],
  'error.atMostDaysAtATime': ['at most {days} days at a time', '一次最多 {days} 天'],
  'error.notInFuture': ['cannot be in the future', '不能是将来的日期'],
  'error.lowerSnakeKey': [
    'must be lower_snake_case, starting with a letter',
    '须为小写字母、数字和下划线，并以字母开头',
  ],
  'error.duplicateKeyIssue': ['duplicate key {key}', '键 {key} 重复'],
  'error.dayFormat': ['must be a date as YYYY-MM-DD', '须为 YYYY-MM-DD 格式的日期'],
  'error.nameOrLabel': ['give a name or a label', '请填写名称或双语名称（label）'],
  'error.fieldProblem': ['{path}: {problem}', '{path}：{problem}'],
  'error.userEmailTaken': ['A user with email {email} already exists', '邮箱 {email} 已被其他用户使用'],
  'error.lastAdmin': [
    'A workspace must keep at least one active admin',
    '工作区必须至少保留一名启用的管理员',
  ],
  'password.tooShort': ['must be at least {min} characters', '至少需要 {min} 个字符'],
  'password.isEmail': ['must not be your email address or its name part', '不能是你的邮箱地址或其用户名部分'],
  'password.repeated': [
    'must not be one character or a short pattern repeated',
    '不能是同一个字符或一小段字符的重复',
  ],
  'password.sequence': [
    'must not be a sequence of letters, digits or keyboard keys',
    '不能是连续的字母、数字或键盘按键',
  ],
  'password.common': [
    'is too common: it appears in lists of the most used passwords',
    '过于常见：出现在最常用密码列表中',
  ],
  'password.currentRequired': ['is required to change the password', '修改密码时必须填写'],
  'password.currentWrong': ['is incorrect', '不正确'],
  'error.factUser': ['{kind} “{name}”', '{kind}“{name}”'],
  'error.factInUse': [
    '{what} “{name}” is read by {user}: change that first',
    '{what}“{name}”正被{user}使用，请先修改后者',
  ],
  'error.factInUseMore': [
    '{what} “{name}” is read by {user} and {more} more: change those first',
    '{what}“{name}”正被{user}及另外 {more} 处定义使用，请先修改它们',
  ],
  'factUser.segment': ['segment', '分群'],
  'factUser.tieringScheme': ['tiering scheme', '分层方案'],
  'factUser.stage': ['lifecycle stage', '生命周期阶段'],
  'factUser.rule': ['rule', '规则'],
  'factUser.healthModel': ['health model', '健康度模型'],
} as const satisfies Catalog;
