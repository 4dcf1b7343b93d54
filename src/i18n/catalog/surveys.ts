import type { Catalog } from './catalog.ts';

/** NPS/CSAT surveys: timeline entries, the follow-up task, the email, the public page, errors. */
export const surveys = {
  'survey.kind.nps': ['NPS', 'NPS（净推荐值）'],
  'survey.kind.csat': ['CSAT', 'CSAT（满意度）'],
  'survey.category.promoter': ['promoter', '推荐者'],
  'survey.category.passive': ['passive', '被动者'],
  'survey.category.detractor': ['detractor', '贬损者'],
  'survey.timeline.answered': [
    '{kind} answer {score} from {who} ({category})',
    '{who} 的 {kind} 评分 {score}（{category}）',
  ],
  'survey.timeline.answeredCsat': ['{kind} answer {score}/5 from {who}', '{who} 的 {kind} 评分 {score}/5'],
  'survey.timeline.sent': ['{kind} survey sent to {who}', '已向 {who} 发送 {kind} 调查'],
  'survey.anonymous': ['a contact', '一位联系人'],
  'survey.task.title': [
    'Follow up NPS detractor {who} (score {score})',
    '跟进 NPS 贬损者 {who}（评分 {score}）',
  ],
  'survey.task.description': [
    '{who} answered {score} to the NPS survey on {day}. Comment: {comment}',
    '{who} 于 {day} 在 NPS 调查中打了 {score} 分。留言：{comment}',
  ],
  'survey.task.noComment': ['(none)', '（无）'],
  'survey.mail.subject.nps': [
    '{company}: how likely are you to recommend us?',
    '{company}：您有多大可能向他人推荐我们？',
  ],
  'survey.mail.subject.csat': [
    '{company}: how satisfied are you with us?',
    '{company}：您对我们的服务满意吗？',
  ],
  'survey.mail.body': [
    'Hello {name},\n\nWe would value one minute of your time: please answer our short survey at\n{link}\n\nThe link works once and until {until}.\n\nThank you.',
    '{name}，您好：\n\n诚邀您花一分钟填写我们的简短调查：\n{link}\n\n该链接仅可使用一次，有效期至 {until}。\n\n谢谢！',
  ],
  'survey.page.title': ['Customer survey', '客户调查'],
  'survey.page.question.nps': [
    'How likely are you to recommend us to a friend or colleague?',
    '您有多大可能向朋友或同事推荐我们？',
  ],
  'survey.page.question.csat': ['How satisfied are you with our service?', '您对我们的服务满意吗？'],
  'survey.page.low.nps': ['0 = not at all likely', '0 = 完全不可能'],
  'survey.page.high.nps': ['10 = extremely likely', '10 = 非常可能'],
  'survey.page.low.csat': ['1 = very dissatisfied', '1 = 非常不满意'],
  'survey.page.high.csat': ['5 = very satisfied', '5 = 非常满意'],
  'survey.page.comment': [
    'Anything you would like to tell us? (optional)',
    '还有什么想告诉我们的吗？（选填）',
  ],
  'survey.page.submit': ['Send answer', '提交'],
  'survey.page.thanks': ['Thank you! Your answer was recorded.', '谢谢！您的回答已记录。'],
  'survey.page.used': ['This survey link has already been used. Thank you!', '该调查链接已被使用。谢谢！'],
  'survey.page.expired': ['This survey link has expired.', '该调查链接已过期。'],
  'survey.page.invalid': ['This survey link is not valid.', '该调查链接无效。'],
  'survey.page.pickScore': ['Please choose a score.', '请选择一个分数。'],
  'survey.page.for': ['For {account}', '客户：{account}'],
  'survey.error.noAccount': ['no such account', '没有这个客户'],
  'survey.error.noSuchContact': ['not a contact of this account', '不是该客户的联系人'],
  'survey.error.future': ['must not be in the future', '不能晚于当前时间'],
  'survey.error.nothingToSend': [
    'No contact of this account has an email to send the survey to',
    '该客户没有可发送调查的联系人邮箱',
  ],
} as const satisfies Catalog;
