// The header dictionary: the column names Chinese and English CRMs (纷享销客, 销售易, Salesforce,
// HubSpot exports, Excel templates) use, and the field each means, per import. The guided import
// suggests these; a header named like the field itself (externalId, startDate) always maps.
import type { ImportEntity } from './import-entities.ts';

const DICTIONARY: Record<ImportEntity, Record<string, string[]>> = {
  accounts: {
    externalId: [
      '客户编号',
      '客户id',
      '客户代码',
      '客户编码',
      '账户编号',
      '账户id',
      '公司编号',
      'account id',
      'customer id',
      'account number',
      'customer number',
      'account_id',
      'id',
    ],
    name: [
      '客户名称',
      '客户',
      '客户全称',
      '公司名称',
      '企业名称',
      '账户名称',
      'account name',
      'customer name',
      'company',
      'company name',
      'account',
      'name',
    ],
    parentExternalId: [
      '上级客户编号',
      '母公司编号',
      '上级客户id',
      'parent id',
      'parent account id',
      'parent',
    ],
    owner: [
      '客户负责人',
      '负责人',
      '销售负责人',
      '客户经理',
      '客户成功经理',
      'csm',
      '所有人',
      '归属人',
      'owner',
      'account owner',
      'owner name',
    ],
    region: ['区域', '地区', '大区', '所属区域', '省份', '城市', 'region', 'territory', 'country'],
    industry: ['行业', '所属行业', '行业分类', 'industry', 'vertical'],
    productLines: ['产品线', '购买产品', '产品', 'product lines', 'products'],
    licensedSeats: [
      '席位数',
      '许可席位',
      '账号数',
      '授权数',
      '用户数',
      'seats',
      'licensed seats',
      'licenses',
    ],
    goLiveDate: [
      '上线日期',
      '上线时间',
      '开通日期',
      'go live date',
      'go-live date',
      'signup date',
      'onboarded',
    ],
    tags: ['标签', '客户标签', 'tags', 'labels'],
  },
  contacts: {
    accountExternalId: [
      '客户编号',
      '客户id',
      '客户代码',
      '客户编码',
      '账户编号',
      'account id',
      'customer id',
      'account_id',
    ],
    name: ['联系人', '联系人姓名', '姓名', '联系人名称', 'contact', 'contact name', 'full name', 'name'],
    externalUserId: ['用户id', '用户编号', '产品用户id', 'user id', 'user_id'],
    email: ['邮箱', '电子邮件', '电子邮箱', '联系人邮箱', 'email', 'e-mail', 'email address'],
    phone: ['手机', '手机号', '手机号码', '电话', '联系电话', '联系方式', 'mobile', 'phone', 'phone number'],
    title: ['职位', '职务', '岗位', 'title', 'job title'],
    role: ['角色', '联系人角色', 'role', 'contact role'],
    wechatId: ['微信', '微信号', '微信id', 'wechat', 'wechat id'],
  },
  contracts: {
    accountExternalId: [
      '客户编号',
      '客户id',
      '客户代码',
      '客户编码',
      '账户编号',
      'account id',
      'customer id',
      'account_id',
    ],
    externalId: [
      '合同编号',
      '合同号',
      '合同id',
      '合同编码',
      '订单编号',
      'contract id',
      'contract number',
      'contract no',
      'subscription id',
    ],
    startDate: [
      '合同开始日期',
      '开始日期',
      '起始日期',
      '生效日期',
      '合同起始日',
      '服务开始日期',
      'start date',
      'contract start',
      'start',
    ],
    endDate: [
      '合同结束日期',
      '结束日期',
      '到期日期',
      '截止日期',
      '合同到期日',
      '服务结束日期',
      'end date',
      'contract end',
      'end',
    ],
    amount: [
      '合同金额',
      '金额',
      '合同总额',
      '年费',
      '订阅金额',
      'amount',
      'contract amount',
      'contract value',
      'value',
      'mrr amount',
    ],
    currency: ['币种', '货币', '结算币种', 'currency'],
    billingPeriod: [
      '付费周期',
      '计费周期',
      '付款周期',
      '结算周期',
      'billing period',
      'billing cycle',
      'billing frequency',
    ],
    status: ['合同状态', '状态', 'status', 'contract status'],
    renewsExternalId: ['续约合同编号', '原合同编号', '续约自', 'renews', 'renews contract id', 'renewal of'],
    notes: ['备注', '说明', 'notes', 'note', 'comments', 'description'],
  },
  tickets: {
    externalId: [
      '工单编号',
      '工单号',
      '工单id',
      '工单ID',
      '编号',
      'ticket id',
      'ticket number',
      'ticket',
      'id',
    ],
    accountExternalId: [
      '客户编号',
      '客户id',
      '客户代码',
      '客户编码',
      '公司编号',
      'account id',
      'customer id',
      'organization id',
      'organization external id',
      'account external id',
    ],
    subject: ['主题', '标题', '工单标题', '工单主题', '问题', '问题描述', 'subject', 'title', 'summary'],
    status: ['状态', '工单状态', 'status', 'ticket status'],
    priority: ['优先级', '紧急程度', 'priority'],
    channel: ['渠道', '来源', '来源渠道', '提交渠道', 'channel', 'via', 'source'],
    requesterEmail: ['提交人邮箱', '联系人邮箱', '客户邮箱', '邮箱', 'requester email', 'email'],
    requesterName: ['提交人', '联系人', '请求人', '发起人', 'requester', 'requester name', 'contact'],
    createdAt: [
      '创建时间',
      '提交时间',
      '开始时间',
      '创建日期',
      'created',
      'created at',
      'opened',
      'created date',
    ],
    firstResponseAt: [
      '首次响应时间',
      '首次回复时间',
      '首响时间',
      'first response',
      'first reply',
      'first response at',
    ],
    solvedAt: [
      '解决时间',
      '关闭时间',
      '完成时间',
      'solved',
      'solved at',
      'resolved',
      'resolved at',
      'closed at',
    ],
    satisfaction: [
      '满意度',
      '满意度评价',
      '评分',
      '客户评分',
      'satisfaction',
      'csat',
      'rating',
      'satisfaction score',
    ],
    escalated: ['是否升级', '已升级', '升级', 'escalated', 'escalation'],
  },
};

const normalise = (s: string) => s.toLowerCase().replace(/[\s_\-:：()（）*]/g, '');

const INDEX: Record<ImportEntity, Map<string, string>> = Object.fromEntries(
  Object.entries(DICTIONARY).map(([entity, fields]) => {
    const index = new Map<string, string>();
    for (const [field, names] of Object.entries(fields)) {
      index.set(normalise(field), field);
      for (const name of names) if (!index.has(normalise(name))) index.set(normalise(name), field);
    }
    return [entity, index];
  }),
) as Record<ImportEntity, Map<string, string>>;

/**
 * column -> field for the headers the dictionary knows (each field at most once, the first column
 * wins); `cf.<key>` for a header equal to a custom field's key or label.
 */
export function suggestMapping(
  entity: ImportEntity,
  headers: string[],
  customFields: { key: string; label: string }[] = [],
  fields: string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  const taken = new Set<string>();
  const exact = new Map(fields.map((f) => [normalise(f), f]));
  const custom = new Map<string, string>();
  for (const f of customFields) {
    custom.set(normalise(f.key), `cf.${f.key}`);
    custom.set(normalise(f.label), `cf.${f.key}`);
    custom.set(normalise(`cf.${f.key}`), `cf.${f.key}`);
  }
  for (const header of headers) {
    const n = normalise(header);
    const field = exact.get(n) ?? INDEX[entity].get(n) ?? (entity === 'accounts' ? custom.get(n) : undefined);
    if (field && !taken.has(field)) {
      out[header] = field;
      taken.add(field);
    }
  }
  return out;
}
