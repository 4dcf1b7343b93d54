// Strings of the admin's access settings (issue 15): [en, zh-CN].
export const access = {
  accessSettings: ['Access', '访问权限'],
  readScopeTitle: ['Which accounts CSMs and viewers see', 'CSM 和只读成员可查看的客户'],
  readScopeHelp: [
    'Applied to every list, search, report, export, timeline and task. Managers see their groups’ accounts; admins see all.',
    '适用于所有列表、搜索、报表、导出、时间线和任务。经理查看其小组的客户；管理员查看全部客户。',
  ],
  readScopeBook: ['Their own book (owner or account team)', '自己负责的客户（负责人或客户团队成员）'],
  readScopeGroup: ['Their group’s accounts', '所在小组的客户'],
  readScopeAll: ['All accounts', '全部客户'],
  writeKeyRenamesTitle: ['Write keys may rename existing accounts', '写入密钥可修改已有客户的名称'],
  writeKeyRenamesHelp: [
    'Off: a tracking call’s group traits never change the name of an account that already exists, so a leaked write key cannot rename customers.',
    '关闭时，埋点中的客户属性调用不会修改已有客户的名称，即使写入密钥泄露也无法篡改客户名称。',
  ],
  serverUnreachable: ['The server cannot be reached', '无法连接服务器'],
} as const;
