import type { Catalog } from './catalog.ts';

/**
 * The condition language's errors (facts/condition-text.ts parses, condition-check.ts checks). The
 * language's own words (and, or, not, percentile, within, changed by, fact keys) stay as written:
 * they are what a person types.
 */
export const conditions = {
  'cond.at': ['{message} at {where}', '{message}（{where}）'],
  'cond.atHint': ['{message} at {where} ({hint})', '{message}（{where}；{hint}）'],
  'cond.lineColumn': ['line {line}, column {column}', '第 {line} 行第 {column} 列'],
  'cond.atPath': ['at {path}', '位于 {path}'],
  'cond.atTop': ['at the top level', '位于最外层'],
  'cond.orList': ['{items} or {last}', '{items} 或 {last}'],

  // the text form
  'cond.notText': ['A condition in text form must be a string', '文本形式的条件必须是字符串'],
  'cond.empty': ['Empty condition', '条件为空'],
  'cond.unexpected': ['Unexpected {text}', '此处不应出现 {text}'],
  'cond.unexpectedEnd': ['Unexpected end of condition', '条件意外结束'],
  'cond.unexpectedChar': ['Unexpected character {char}', '无法识别的字符 {char}'],
  'cond.invalidNumber': ['Invalid number "{text}"', '无效的数字 "{text}"'],
  'cond.numberOutOfRange': ['Number {text} is out of range', '数字 {text} 超出范围'],
  'cond.unknownEscape': ['Unknown escape "\\{text}"', '未知的转义 "\\{text}"'],
  'cond.unterminated': ['Unterminated string', '字符串缺少结尾的引号'],
  'cond.nestedText': ['Condition nested more than {max} levels deep', '条件嵌套超过 {max} 层'],
  'cond.nested': ['Condition is nested more than {max} levels deep', '条件嵌套超过 {max} 层'],
  'cond.nestedAt': [
    'Condition is nested more than {max} levels deep at {path}',
    '条件嵌套超过 {max} 层（位于 {path}）',
  ],
  'cond.badWindow': ['{text} is not a usable window', '{text} 不是可用的时间窗口'],
  'cond.keyTooLong': ['Fact key is longer than {max} characters', '事实键超过 {max} 个字符'],
  'cond.invalidKey': ['Invalid fact key "{key}"', '无效的事实键 "{key}"'],
  'cond.emptyList': ['Empty list', '列表为空'],
  'cond.emptyGroup': ['An "{word}" needs at least one condition', '“{word}”至少需要一个条件'],
  'cond.emptyGroupAt': [
    'An "{word}" needs at least one condition at {path}',
    '“{word}”至少需要一个条件（位于 {path}）',
  ],
  'cond.unwritable': ['{value} cannot be written in a condition', '{value} 无法写入条件'],
  'cond.notANumber': ['Not a number: {text}', '不是数字：{text}'],

  // hints for the text form
  'cond.hint.keyEndsWithDot': ['a fact key cannot end with "."', '事实键不能以 "." 结尾'],
  'cond.hint.useEquals': ['use = to compare', '比较相等请用 ='],
  'cond.hint.useNotEqual': ['use != for "not equal"', '“不等于”请用 !='],
  'cond.hint.use': ['use {what}', '请用 {what}'],
  'cond.hint.escapes': ['inside quotes only \\" and \\\\ are escapes', '引号内只有 \\" 和 \\\\ 是转义'],
  'cond.hint.closeQuote': ['close it with "', '请用 " 结束字符串'],
  'cond.hint.writeComparison': [
    'write a comparison such as arr >= 100000',
    '请写一个比较，例如 arr >= 100000',
  ],
  'cond.hint.operator': [
    'expected an operator: =, !=, <, <=, >, >=, in, not in, between, is empty, is not empty, contains, not contains or changed by',
    '此处应为运算符：=、!=、<、<=、>、>=、in、not in、between、is empty、is not empty、contains、not contains 或 changed by',
  ],
  'cond.hint.noOpenParen': ['no "(" to close', '没有可闭合的 "("'],
  'cond.hint.andOrEnd': ['expected and, or or the end', '此处应为 and、or 或条件结尾'],
  'cond.hint.closeParen': ['expected ) to close the ( at {at}', '需要 ) 闭合{at}的 ('],
  'cond.hint.atomStart': ['expected a fact, not, percentile or (', '此处应为事实、not、percentile 或 ('],
  'cond.hint.percentileParen': [
    'expected ( after percentile, as in percentile(arr within tier) <= 10',
    'percentile 后应为 (，例如 percentile(arr within tier) <= 10',
  ],
  'cond.hint.withinScope': ['expected all or tier after within', 'within 后应为 all 或 tier'],
  'cond.hint.closeOrWithin': ['expected ) or within', '此处应为 ) 或 within'],
  'cond.hint.afterNot': ['expected in or contains after not', 'not 后应为 in 或 contains'],
  'cond.hint.betweenAnd': [
    'expected and between the two bounds, as in arr between 1 and 10',
    '两个边界之间应为 and，例如 arr between 1 and 10',
  ],
  'cond.hint.empty': ['expected empty', '此处应为 empty'],
  'cond.hint.emptyOrNotEmpty': ['expected empty or not empty', '此处应为 empty 或 not empty'],
  'cond.hint.changedBy': [
    'expected by, as in health.score changed by <= -10 in 7d',
    '此处应为 by，例如 health.score changed by <= -10 in 7d',
  ],
  'cond.hint.changedIn': [
    'expected in and a number of days, as in changed by <= -10 in 7d',
    '此处应为 in 和天数，例如 changed by <= -10 in 7d',
  ],
  'cond.hint.days': ['expected a number of days such as 7d', '此处应为天数，例如 7d'],
  'cond.hint.windowRange': ['use 1d to {max}d', '请用 1d 到 {max}d'],
  'cond.hint.fact': ['expected a fact', '此处应为事实'],
  'cond.hint.lowerCase': ['fact keys are lower case: {key}', '事实键为小写：{key}'],
  'cond.hint.isEmpty': [
    'use is empty or is not empty to test for a missing value',
    '判断缺失值请用 is empty 或 is not empty',
  ],
  'cond.hint.value': ['expected a number or a "string"', '此处应为数字或 "字符串"'],
  'cond.hint.listValue': ['a list needs at least one value', '列表至少需要一个值'],
  'cond.hint.list': ['expected a list such as ["a", "b"]', '此处应为列表，例如 ["a", "b"]'],
  'cond.hint.listNext': ['expected , or ] in the list', '列表中此处应为 , 或 ]'],
  'cond.hint.string': ['expected a "string"', '此处应为 "字符串"'],
  'cond.hint.number': ['expected a number', '此处应为数字'],
  'cond.hint.comparison': ['expected <, <=, > or >=', '此处应为 <、<=、> 或 >='],

  // the tree (JSON) and the catalogue checks
  'cond.badJson': ['Condition is not valid JSON: {detail}', '条件不是有效的 JSON：{detail}'],
  'cond.opMissing': ['Operator is missing {where} (use one of {ops})', '缺少运算符，{where}（可用：{ops}）'],
  'cond.opUnknown': [
    'Operator "{op}" is unknown {where} (use one of {ops})',
    '未知运算符 "{op}"，{where}（可用：{ops}）',
  ],
  'cond.opNotString': [
    'Operator must be a string {where} (use one of {ops})',
    '运算符必须是字符串，{where}（可用：{ops}）',
  ],
  'cond.expectedCondition': [
    'Expected a condition {where}: an object with and, or, not, fact or percentile',
    '此处应为条件，{where}：一个含 and、or、not、fact 或 percentile 的对象',
  ],
  'cond.unexpectedKey': ['Unexpected key {keys} {where}', '多余的键 {keys}，{where}'],
  'cond.unexpectedKeys': ['Unexpected keys {keys} {where}', '多余的键 {keys}，{where}'],
  'cond.invalid': ['Invalid condition {where}: {detail}', '条件无效，{where}：{detail}'],
  'cond.kind.number': ['a number', '数字'],
  'cond.kind.string': ['a string', '字符串'],
  'cond.kind.boolean': ['a boolean', '布尔值'],
  'cond.kind.date': ['a date', '日期'],
  'cond.kind.list': ['a list of strings', '字符串列表'],
  'cond.typeName.boolean': ['true or false', 'true 或 false'],
  'cond.typeName.date': ['a date "YYYY-MM-DD"', '日期 "YYYY-MM-DD"'],
  'cond.percentileNeedsNumber': [
    'percentile needs a number fact, but {key} is {kind}',
    'percentile 需要数值型事实，但 {key} 是{kind}',
  ],
  'cond.percentileRange': [
    'Percentile {value} for {key} is outside 0 to 100',
    '{key} 的百分位 {value} 不在 0 到 100 之间',
  ],
  'cond.unknownFact': ['Unknown fact "{key}"', '未知的事实 "{key}"'],
  'cond.hint.didYouMean': ['did you mean {keys}?', '是否要写 {keys}？'],
  'cond.opNotForType': [
    'Operator "{op}" does not apply to {key}, which is {kind}',
    '运算符 "{op}" 不适用于 {key}，它是{kind}',
  ],
  'cond.emptyRange': ['Range {lo} to {hi} for {key} is empty', '{key} 的范围 {lo} 到 {hi} 为空'],
  'cond.hint.lowerFirst': ['write the lower bound first', '请先写下限'],
  'cond.valueType': ['Value {value} for {key} is not {type}', '{key} 的值 {value} 不是{type}'],
  'cond.hint.quote': ['write it in quotes: "{value}"', '请加引号："{value}"'],
  'cond.valueDate': ['Value {value} for {key} is not a valid date', '{key} 的值 {value} 不是有效日期'],
  'cond.hint.dateForm': ['write dates as "YYYY-MM-DD"', '日期请写成 "YYYY-MM-DD"'],
  'cond.valueOption': ['Value {value} is not an option of {key}', '值 {value} 不是 {key} 的选项'],
  'cond.hint.options': ['options: {options}', '可选值：{options}'],
  'cond.cannotRead': ['{why} (it reads {key})', '{why}（它读取了 {key}）'],
  'cond.cannotReadKey': ['cannot read {key}', '不能读取 {key}'],
  'cond.why.segment': ['A segment cannot be defined by segment membership', '分群不能以分群成员身份来定义'],
  'cond.why.tier': [
    'Tier rules run before stage and segments are assigned and cannot read them or the tier itself',
    '分层规则在阶段和分群确定之前运行，不能读取它们或分层本身',
  ],
  'cond.why.stage': [
    'Stage conditions run before segments are assigned and cannot read them or the stage itself',
    '阶段条件在分群确定之前运行，不能读取分群或阶段本身',
  ],
  'cond.withHint': ['{message} ({hint})', '{message}（{hint}）'],
  'cond.bandsNeedNumber': [
    'Bands need a number fact, but {key} is {kind}',
    '分档需要数值型事实，但 {key} 是{kind}',
  ],
  'cond.compositeList': [
    'A composite part needs a single value, but {key} is a list',
    '组合分层的每一部分需要单个值，但 {key} 是列表',
  ],
} as const satisfies Catalog;
