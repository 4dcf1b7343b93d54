import type { Catalog } from './catalog.ts';

/** Imports of accounts, contacts and contracts: file errors, row errors, the dry run's sentences. */
export const imports = {
  'imports.error.empty': [
    'The file is empty: it needs a header row and at least one data row',
    '文件为空：需要一行表头和至少一行数据',
  ],
  'imports.error.noTarget': [
    'Imports of {entity} are not available in this process',
    '此进程不支持导入 {entity}',
  ],
  'imports.row.notTime': [
    '"{value}" is not a time (expected YYYY-MM-DD HH:mm in the workspace time zone, or ISO 8601 with an offset)',
    '"{value}" 不是时间（应为工作区时区的 YYYY-MM-DD HH:mm，或带时区偏移的 ISO 8601）',
  ],
  'imports.row.notSatisfaction': [
    '"{value}" is not a rating (expected 1-5, good or bad, or the Chinese words for satisfied or dissatisfied)',
    '"{value}" 不是满意度（应为 1-5、good/bad、满意或不满意）',
  ],
  'imports.error.xls': [
    'Old Excel .xls files cannot be read; save the sheet as .xlsx or CSV UTF-8 and upload that',
    '无法读取旧版 Excel .xls 文件；请另存为 .xlsx 或 CSV UTF-8 后再上传',
  ],
  'imports.error.malformed': [
    'The file is malformed at line {line}: {reason}',
    '文件第 {line} 行格式有误：{reason}',
  ],
  'imports.error.malformedAt': [
    'The file is malformed at line {line}, column {column}: {reason}',
    '文件第 {line} 行第 {column} 列格式有误：{reason}',
  ],
  'imports.error.unclosedQuote': [
    'a quoted field starting after line {line} is never closed',
    '第 {line} 行之后开始的带引号字段没有闭合',
  ],
  'imports.error.tooManyCells': [
    'the row has {cells} cells but the header has {columns} columns',
    '该行有 {cells} 个单元格，但表头只有 {columns} 列',
  ],
  'imports.error.badXlsx': ['The .xlsx file could not be read: {reason}', '无法读取 .xlsx 文件：{reason}'],
  'imports.error.badHeader': ['Column {column} of the header row {reason}', '表头第 {column} 列{reason}'],
  'imports.error.unknownField': [
    'Unknown {what} field "{field}" in {where}; known fields: {known}',
    '{where} 中有未知的{what}字段"{field}"；可用字段：{known}',
  ],
  'imports.error.noColumn': [
    'Column "{column}" in the map is not in the file; its columns are: {columns}',
    '映射中的列"{column}"不在文件中；文件的列为：{columns}',
  ],
  'imports.error.requiredUnmapped': [
    'The file maps no column to required field(s): {fields}',
    '文件没有列对应到必填字段：{fields}',
  ],
  'imports.error.rejected': [
    '{invalid} of {rows} rows are invalid; nothing was imported (first: line {line}: {field} {message})',
    '{rows} 行中有 {invalid} 行无效，未导入任何数据（第一处：第 {line} 行 {field} {message}）',
  ],
  'imports.error.contentType': [
    'Send the file as the body: text/csv, text/plain, application/octet-stream or the .xlsx type',
    '请把文件作为请求体发送：text/csv、text/plain、application/octet-stream 或 .xlsx 类型',
  ],
  'imports.row.required': ['is required but empty', '为必填项，但为空'],
  'imports.row.badText': ['{reason}', '{reason}'],
  'imports.row.notDate': [
    '"{value}" is not a date (expected {expected})',
    '"{value}" 不是日期（应为 {expected}）',
  ],
  'imports.row.notNumber': [
    '"{value}" is not a number (expected e.g. 1200, 1,200.50 or an amount in ten-thousands written with its Chinese unit)',
    '"{value}" 不是数字（应为 1200、1,200.50 或 8.8万 这样的形式）',
  ],
  'imports.row.notWholeNumber': [
    '"{value}" is not a whole number (expected e.g. 25 or 1,200)',
    '"{value}" 不是整数（应为 25 或 1,200 这样的形式）',
  ],
  'imports.row.notBool': [
    '"{value}" is not true or false (expected true/false, yes/no, 1/0 or the Chinese yes/no)',
    '"{value}" 不是是/否（应为 true/false、yes/no、1/0、是/否）',
  ],
  'imports.row.notAmount': [
    '"{value}" is not an amount (expected e.g. 88000, ¥500,000.00, USD 5,000, (1,200) or an amount in ten-thousands written with its Chinese unit)',
    '"{value}" 不是金额（应为 88000、8.8万、¥500,000.00、USD 5,000 或 (1,200) 这样的形式）',
  ],
  'imports.row.notCurrency': [
    '"{value}" is not a currency (expected an ISO code such as CNY or USD, or its Chinese name)',
    '"{value}" 不是币种（应为 CNY、USD 等 ISO 代码，或 人民币、美元、港币、欧元、日元）',
  ],
  'imports.row.currencyConflict': [
    'the amount is in {inAmount} but column "{column}" says {currency} (expected one currency, or an empty currency column)',
    '金额是 {inAmount}，但"{column}"列为 {currency}（两者应一致，或币种列留空）',
  ],
  'imports.row.conflict': [
    'repeats the record of line {line} with a different value (line {line} has "{there}"; expected identical rows for the same record)',
    '与第 {line} 行是同一条记录，但取值不同（第 {line} 行为"{there}"；同一记录的重复行应完全相同）',
  ],
  'imports.row.noOwner': [
    '"{value}" is no active user\'s email, name or saved owner alias',
    '"{value}" 不是任何在职用户的邮箱、姓名或已保存的负责人别名',
  ],
  'imports.row.noOwnerEmail': ['no active user with email {value}', '没有邮箱为 {value} 的在职用户'],
  'imports.row.ownerAmbiguous': [
    '{count} active users are named "{value}" (expected an email, or a saved owner alias)',
    '有 {count} 位在职用户名为"{value}"（请改用邮箱或已保存的负责人别名）',
  ],
  'imports.row.noParent': [
    'no account with external id {value} in the workspace or the file',
    '工作区和文件中都没有外部 ID 为 {value} 的客户',
  ],
  'imports.row.ownParent': ['an account cannot be its own parent', '客户不能是自己的上级'],
  'imports.row.noAccount': [
    'no account with external id {value} (expected an account imported before)',
    '没有外部 ID 为 {value} 的客户（应先导入该客户）',
  ],
  'imports.row.noContract': ['no contract with external id {value}', '没有外部 ID 为 {value} 的合同'],
  'imports.row.noContact': [
    'no contact with email {email} on account {account}',
    '客户 {account} 下没有邮箱为 {email} 的联系人',
  ],
  'imports.row.needsAccount': [
    'each row needs accountExternalId or contractExternalId',
    '每行都需要 accountExternalId 或 contractExternalId',
  ],
  'imports.row.future': ['must not be in the future', '不能是将来的日期'],
  'imports.row.countRange': ['must be between 0 and {max}', '应在 0 到 {max} 之间'],
  'imports.row.repeatSame': [
    'id {id} repeats line {line} with the same values: stored once',
    'ID {id} 与第 {line} 行重复且取值相同：只存一次',
  ],
  'imports.row.repeatDifferent': [
    'id {id} repeats line {line} with different values: stored as its own row',
    'ID {id} 与第 {line} 行重复但取值不同：作为单独一行存储',
  ],
  'imports.row.renewsItself': ['a contract cannot renew itself', '合同不能续约自身'],
  'imports.row.renewsOtherAccount': [
    'contract {value} belongs to another account',
    '合同 {value} 属于其他客户',
  ],
  'imports.row.noRate': [
    'no exchange rate from {currency}; add one under /api/v1/currency-rates first',
    '没有 {currency} 的汇率；请先在 /api/v1/currency-rates 中添加',
  ],
  'imports.what.accounts': ['account', '客户'],
  'imports.what.contacts': ['contact', '联系人'],
  'imports.what.contracts': ['contract', '合同'],
  'imports.what.tickets': ['ticket', '工单'],
  'imports.what.usageDaily': ['daily usage', '按天用量'],
  'imports.what.usageEvents': ['usage event', '用量事件'],
  'imports.what.requests': ['request', '需求'],
  'imports.what.surveyResponses': ['survey response', '调研回答'],
  'imports.entity.mapping': ['Saved mapping', '已保存的映射'],
  'imports.entity.ownerAlias': ['Owner alias', '负责人别名'],
  'imports.entity.run': ['Import', '导入记录'],
} as const satisfies Catalog;
