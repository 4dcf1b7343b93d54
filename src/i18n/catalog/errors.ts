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
} as const satisfies Catalog;
