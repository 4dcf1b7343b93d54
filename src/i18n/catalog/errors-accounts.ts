import type { Catalog } from './catalog.ts';

/** Errors of accounts, contracts, owners and currency rates. */
export const errorsAccounts = {
  'accounts.error.cycle': [
    'parentId would make the account its own ancestor',
    '上级客户会使该客户成为自己的上级',
  ],
  'accounts.error.cycleIssue': ['creates a cycle in the account hierarchy', '会在客户层级中形成循环'],
  'accounts.error.noAccount': ['no account {id}', '没有客户 {id}'],
  'accounts.error.externalIdTaken': [
    'An account with external id {id} already exists',
    '外部 ID 为 {id} 的客户已存在',
  ],
  'accounts.error.hasChildren': [
    'The account has child accounts; move or delete them first',
    '该客户有下级客户，请先移走或删除它们',
  ],
  'accounts.error.accountsNotFound': ['Accounts not found: {ids}', '未找到这些客户：{ids}'],
  'accounts.error.noRate': [
    'No exchange rate from {from} to {to}; add one under /api/v1/currency-rates',
    '没有从 {from} 到 {to} 的汇率，请在 /api/v1/currency-rates 中添加',
  ],
  'accounts.error.noRateIssue': ['no rate for {currency}', '没有 {currency} 的汇率'],
  'accounts.error.renewsItself': ['A contract cannot renew itself', '合同不能续约自身'],
  'accounts.error.renewsItselfIssue': ['is this contract', '就是这份合同'],
  'accounts.error.renewsOtherAccount': [
    'renewsContractId must name a contract of the same account',
    'renewsContractId 必须是同一客户的合同',
  ],
  'accounts.error.noContractOnAccount': [
    'no contract {contract} on account {account}',
    '客户 {account} 没有合同 {contract}',
  ],
  'accounts.error.contractExternalIdTaken': [
    'A contract with external id {id} already exists',
    '外部 ID 为 {id} 的合同已存在',
  ],
  'accounts.error.endBeforeStart': ['must be on or after startDate', '不能早于开始日期（startDate）'],
  'accounts.error.movesTwice': ['Each account may appear once in moves', '每个客户在 moves 中只能出现一次'],
  'accounts.error.noActiveUser': ['no active user {id}', '没有启用的用户 {id}'],
  'accounts.error.baseCurrency': ['The base currency always converts at 1', '本位币的汇率始终为 1'],
  'accounts.error.isBaseCurrency': ['is the base currency', '是本位币'],
  'accounts.error.rateNeeded': [
    'Contracts in {currency} need an exchange rate; add another {currency} rate before deleting this one',
    '有以 {currency} 计价的合同需要汇率，请先添加另一个 {currency} 汇率再删除这一个',
  ],
} as const satisfies Catalog;
