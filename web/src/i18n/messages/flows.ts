// Strings of the renewals, segment editor and demo-preparation flows (issue 12): [en, zh-CN].
export const flows = {
  segmentComputing: ['Saving and computing who is in the segment…', '正在保存并计算分群成员…'],
  demoPreparing: ['Preparing the demo workspace: {pct}%', '正在准备演示工作区：{pct}%'],
  demoPreparingHint: [
    'You can sign in now; demo accounts appear when it is done.',
    '现在即可登录；准备完成后演示客户会陆续出现。',
  ],
  demoFailed: ['The demo workspace could not be prepared: {reason}', '演示工作区准备失败：{reason}'],
} as const;
