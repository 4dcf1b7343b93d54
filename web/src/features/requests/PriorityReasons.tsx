import { Table, Tag, Typography } from 'antd';
import type { PriorityFactor, RequestPriority } from '../../api/requests.ts';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { factorLabel } from './labels.ts';

/** Each factor of a priority score with its points and the server's detail, adding up to the score. */
export function PriorityReasons({ priority, testId }: { priority: RequestPriority; testId?: string }) {
  const { t, locale } = useI18n();
  return (
    <Table<PriorityFactor>
      data-testid={testId}
      size="small"
      rowKey="key"
      pagination={false}
      dataSource={priority.factors}
      columns={[
        {
          title: t('whyRanked'),
          dataIndex: 'key',
          render: (k: string) => <strong>{factorLabel(t, k)}</strong>,
        },
        {
          title: t('points'),
          dataIndex: 'points',
          align: 'right',
          render: (v: number) => <Tag color="blue">+{formatNumber(v, locale, 1)}</Tag>,
        },
        {
          title: t('details'),
          dataIndex: 'detail',
          render: (v: string) => <Typography.Text type="secondary">{v}</Typography.Text>,
        },
      ]}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0}>{t('score')}</Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            <strong>{formatNumber(priority.score, locale, 1)}</strong>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={2} />
        </Table.Summary.Row>
      )}
    />
  );
}
