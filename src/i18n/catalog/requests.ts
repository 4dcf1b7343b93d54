import type { Catalog } from './catalog.ts';

/** Customer requests: the priority factors' reasoning, and requests' errors. */
export const requests = {
  'requests.join2': ['{a}, {b}', '{a}，{b}'],
  'requests.join3': ['{a}, {b}, {c}', '{a}，{b}，{c}'],
  'requests.reason.tier': ['tier {tier}', '分层为{tier}'],
  'requests.reason.arr': ['ARR {arr} >= {threshold}', 'ARR {arr} ≥ {threshold}'],
  'requests.reason.tagged': ['tagged {tag}', '带有标签“{tag}”'],
  'requests.factor.highValue': ['High-value account ({reasons})', '高价值客户（{reasons}）'],
  'requests.factor.accountArr': [
    'ARR {arr} at {per} per million, at most {cap}',
    'ARR {arr}，每百万计 {per} 分，最多 {cap} 分',
  ],
  'requests.factor.flagship': ['Reference customer ({tag})', '标杆客户（{tag}）'],
  'requests.factor.showcase': ['Showcase value: would make a success story', '示范效应：可成为成功案例'],
  'requests.factor.askingAccount': [
    '1 account asking at {per} each, at most {cap}{note}',
    '1 个客户提出，每个客户计 {per} 分，最多 {cap} 分{note}',
  ],
  'requests.factor.askingAccounts': [
    '{count} accounts asking at {per} each, at most {cap}{note}',
    '{count} 个客户提出，每个客户计 {per} 分，最多 {cap} 分{note}',
  ],
  'requests.factor.askingArr': [
    'Combined ARR {arr} at {per} per 100,000, at most {cap}{note}',
    '提出客户的 ARR 合计 {arr}，每 10 万计 {per} 分，最多 {cap} 分{note}',
  ],
  'requests.factor.shareNote': [', x{share} for a high-value account', '，高价值客户按 ×{share} 计'],
  'requests.factor.renewalWindow': [
    'Renews in {days} days (window {window})',
    '{days} 天后续约（续约窗口 {window} 天）',
  ],
  'requests.factor.renewalAtRisk': ['Renewal at risk: health {status}', '续约有风险：健康度为{status}'],
  'requests.error.noSuchAccount': ['no such account', '没有这个客户'],
  'requests.error.contactNotOfAccount': [
    'Contact {contact} is not a contact of account {account}',
    '联系人 {contact} 不是客户 {account} 的联系人',
  ],
  'requests.error.notThisAccountsContact': ['not a contact of this account', '不是该客户的联系人'],
  'requests.error.noSuchRequests': ['No such requests', '没有这些需求'],
  'requests.error.mergeNeedsTwo': ['A merge needs at least two requests', '合并至少需要两条需求'],
  'requests.error.notInGroup': ['Not in this group', '不在这个分组中'],
  'requests.error.noSuchGroup': ['no such group', '没有这个分组'],
} as const satisfies Catalog;
