import type { Catalog } from './catalog.ts';

/**
 * Rules and playbooks: built-in task templates, trigger reasons, trigger and action type names
 * (`automation.trigger.<type>`, `automation.action.<type>`: the web may use the same keys), run details.
 */
export const automation = {
  'automation.touch.title': ['{name}: no touch for {days} days', '{name}：已 {days} 天未触达'],
  'automation.touch.titleNever': ['{name}: never contacted', '{name}：从未联系'],
  'automation.touch.description': [
    'The {tier} tier expects a touch (note, call, meeting or email) at least every {every} days.',
    '{tier}客户至少每 {every} 天需要一次触达（笔记、电话、会议或邮件）。',
  ],
  'automation.touch.name': ['{playbook} · touch every {every} days', '{playbook} · 每 {every} 天触达'],
  'automation.template.qbr.title': ['{name} quarterly business review (QBR)', '{name} 季度业务回顾（QBR）'],
  'automation.template.qbr.description': [
    'Review usage and ROI (active users {activeUsers}, health {score}); discuss the roadmap and expansion.',
    '回顾使用数据与 ROI（活跃用户 {activeUsers}，健康度 {score}），讨论路线图与扩展。',
  ],
  'automation.template.review.title': ['{name} half-yearly business review', '{name} 半年业务回顾'],
  'automation.template.review.description': [
    'Show the ROI; explore expansion and add-on modules.',
    '展示 ROI，探讨扩展方案与附加模块。',
  ],
  'automation.template.adoption.title': [
    '{name} adoption guidance: breadth {breadth}, depth {depth}',
    '{name} 使用引导：广度 {breadth}，深度 {depth}',
  ],
  'automation.template.adoption.description': [
    'The share of active seats or of features used is low: plan feature training and use cases.',
    '活跃账号比例或活跃功能比例偏低，安排功能培训与场景赋能。',
  ],
  'automation.template.risk.title': [
    '{name} health risk: {score} ({trend} over 30 days)',
    '{name} 健康度风险：{score}（30 天 {trend}）',
  ],
  'automation.template.risk.description': [
    'Nurture accounts get a person only at risk: find out why usage dropped and follow up.',
    '培育型客户仅在风险时介入：确认使用下降原因，安排回访。',
  ],
  'automation.why.playbook': ['Playbook {name}: {reason}', '剧本 {name}：{reason}'],
  'automation.why.rule': ['Rule {name}: {reason}', '规则 {name}：{reason}'],
  'automation.reason.daily': ['daily check', '每日检查'],
  'automation.reason.schedule': ['scheduled', '定时'],
  'automation.reason.webhook': ['inbound webhook', '入站 Webhook'],
  'automation.reason.segmentEnter': ['entered segment {segment}', '进入分群 {segment}'],
  'automation.reason.segmentExit': ['left segment {segment}', '离开分群 {segment}'],
  'automation.reason.healthStatus': ['health status {from} → {to}', '健康状态 {from} → {to}'],
  'automation.reason.tier': ['tier {from} → {to}', '分层 {from} → {to}'],
  'automation.reason.stage': ['stage {from} → {to}', '阶段 {from} → {to}'],
  'automation.reason.healthDrop': ['health {from} → {to} in {days} days', '健康度 {days} 天内 {from} → {to}'],
  'automation.reason.renewal': ['renews in {days} days', '{days} 天后续约'],
  'automation.reason.metricChange': ['{metric} {period} {change}', '{metric} {period} {change}'],
  'automation.reason.metricRankBottom': [
    'bottom {percent}% by {metric} (percentile {rank})',
    '{metric} 后 {percent}%（百分位 {rank}）',
  ],
  'automation.reason.metricRankTop': [
    'top {percent}% by {metric} (percentile {rank})',
    '{metric} 前 {percent}%（百分位 {rank}）',
  ],
  'automation.reason.metricRankBottomTier': [
    'bottom {percent}% by {metric} (percentile {rank} in its tier)',
    '{metric} 在同层中后 {percent}%（百分位 {rank}）',
  ],
  'automation.reason.metricRankTopTier': [
    'top {percent}% by {metric} (percentile {rank} in its tier)',
    '{metric} 在同层中前 {percent}%（百分位 {rank}）',
  ],
  'automation.reason.noValue': ['no value behaviour for {days} days', '{days} 天没有价值行为'],
  'automation.reason.sentiment': ['sentiment {score}/5 recorded', '记录了 CSM 评价 {score}/5'],
  'automation.reason.smtpUnset': [
    'STEWARD_SMTP_URL is not set: logged, not sent',
    '未设置 STEWARD_SMTP_URL：已记录，未发送',
  ],
  'automation.reason.noRecipient': ['no recipient', '没有收件人'],
  'automation.trigger.schedule': ['On a schedule', '定时'],
  'automation.trigger.daily': ['Daily check', '每日检查'],
  'automation.trigger.state_change': ['State change', '状态变化'],
  'automation.trigger.health_drop': ['Health drop', '健康度下降'],
  'automation.trigger.renewal_within': ['Renewal approaching', '临近续约'],
  'automation.trigger.metric_change': ['Metric change', '指标变化'],
  'automation.trigger.metric_rank': ['Metric rank', '指标排名'],
  'automation.trigger.no_value': ['No value behaviour', '无价值行为'],
  'automation.trigger.sentiment': ['Low CSM sentiment', 'CSM 评价偏低'],
  'automation.trigger.webhook': ['Inbound webhook', '入站 Webhook'],
  'automation.action.create_task': ['Create a task', '创建任务'],
  'automation.action.add_tag': ['Add a tag', '添加标签'],
  'automation.action.remove_tag': ['Remove a tag', '移除标签'],
  'automation.action.set_tier': ['Set the tier', '设置分层'],
  'automation.action.set_stage': ['Set the stage', '设置阶段'],
  'automation.action.webhook': ['Send a webhook', '发送 Webhook'],
  'automation.action.email': ['Send an email', '发送邮件'],
  'automation.action.timeline': ['Add a timeline entry', '添加时间线记录'],
  'automation.action.actions': ['Actions', '动作'],
  'automation.done.create_task': ['Created task "{title}" on {account}', '为 {account} 创建任务「{title}」'],
  'automation.done.add_tag': ['Added tag {tag} to {account}', '为 {account} 添加标签 {tag}'],
  'automation.done.remove_tag': ['Removed tag {tag} from {account}', '从 {account} 移除标签 {tag}'],
  'automation.done.tagNoop': [
    'Nothing to change on {account} (tag {tag})',
    '{account} 无需更改（标签 {tag}）',
  ],
  'automation.done.set_tier': ['Set the tier of {account} to {value}', '将 {account} 的分层设为 {value}'],
  'automation.done.set_stage': ['Set the stage of {account} to {value}', '将 {account} 的阶段设为 {value}'],
  'automation.done.webhook': [
    'Queued a webhook to {url} for {account}',
    '已为 {account} 排队发送 Webhook 到 {url}',
  ],
  'automation.done.email': [
    'Emailed "{subject}" about {account} to {to}',
    '已就 {account} 发送邮件「{subject}」给 {to}',
  ],
  'automation.done.emailLogged': [
    'Logged, not sent (STEWARD_SMTP_URL is not set): "{subject}" about {account} to {to}',
    '已记录但未发送（未设置 STEWARD_SMTP_URL）：就 {account} 给 {to} 的邮件「{subject}」',
  ],
  'automation.done.timeline': [
    'Added timeline entry "{title}" to {account}',
    '为 {account} 添加时间线记录「{title}」',
  ],
  'automation.done.noRecipient': ['No recipient for {account}', '{account} 没有收件人'],
  'automation.done.failed': ['Failed on {account}: {error}', '{account} 执行失败：{error}'],
  'automation.done.other': ['{action} on {account}', '{account}：{action}'],
} as const satisfies Catalog;
