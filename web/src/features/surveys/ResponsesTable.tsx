import { Space, Table, Tag } from 'antd';
import { Link } from 'react-router-dom';
import type { SurveyResponse } from '../../api/surveys.ts';
import { formatDay } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const scoreColor = (kind: SurveyResponse['kind'], s: number) =>
  kind === 'nps' ? (s >= 9 ? 'green' : s >= 7 ? 'gold' : 'red') : s >= 4 ? 'green' : s === 3 ? 'gold' : 'red';

/** Survey answers, newest first: the surveys page's list and Account 360's latest five. */
export function ResponsesTable({ items, showAccount }: { items: SurveyResponse[]; showAccount?: boolean }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  return (
    <Table
      size="small"
      rowKey="id"
      dataSource={items}
      pagination={false}
      scroll={{ x: 640 }}
      locale={{ emptyText: t('surveyNoAnswers') }}
      columns={[
        { title: t('surveyAnsweredAt'), render: (_, r) => formatDay(r.answeredDay, locale), width: 110 },
        ...(showAccount
          ? [
              {
                title: t('surveyAccount'),
                render: (_: unknown, r: SurveyResponse) => (
                  <Link to={`/accounts/${r.accountId}`}>{r.accountName}</Link>
                ),
              },
            ]
          : []),
        {
          title: t('surveyScore'),
          width: 150,
          render: (_, r) => (
            <Space size={4} wrap>
              <Tag color={scoreColor(r.kind, r.score)}>
                {enumLabel('surveyKind', r.kind)} {r.score}
              </Tag>
              {r.category && <span>{enumLabel('npsCategory', r.category)}</span>}
            </Space>
          ),
        },
        { title: t('surveyContact'), render: (_, r) => r.contactEmail ?? '–' },
        { title: t('surveyComment'), dataIndex: 'comment', render: (c: string | null) => c ?? '' },
        { title: t('surveySource'), render: (_, r) => enumLabel('surveySource', r.source), width: 100 },
        {
          title: t('surveyFollowUp'),
          width: 100,
          render: (_, r) => (r.taskId ? <Tag color="blue">{t('surveyFollowUp')}</Tag> : ''),
        },
      ]}
    />
  );
}
