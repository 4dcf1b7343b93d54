import { Table, Tag } from 'antd';
import { Link } from 'react-router-dom';
import type { AssignmentPlan } from '../../api/team.ts';
import { TableExport } from '../../components/TableExport.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { byText } from './sort.ts';

export type MoveRow = AssignmentPlan['moves'][number];

export function useReasonLabel() {
  const { t } = useI18n();
  return (reason: string) => {
    const key = `moveReason.${reason}` as MessageKey;
    return t(key) ?? reason;
  };
}

/** The moves of an assignment or offboarding plan: account, from, to, why; exportable. */
export function MovesTable({
  moves,
  groupName,
  filename,
  testId,
}: {
  moves: MoveRow[];
  groupName: (id: string) => string;
  filename: string;
  testId: string;
}) {
  const { t } = useI18n();
  const reason = useReasonLabel();
  return (
    <>
      <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 8 }}>
        <TableExport
          filename={filename}
          columns={[
            { key: 'accountName', title: t('account') },
            { key: 'fromName', title: t('moveFrom') },
            { key: 'toName', title: t('moveToWhom') },
            { key: 'group', title: t('teamGroup') },
            { key: 'reason', title: t('moveReason') },
          ]}
          rows={moves.map((m) => ({ ...m, group: groupName(m.groupId), reason: reason(m.reason) }))}
        />
      </div>
      <Table<MoveRow>
        data-testid={testId}
        size="small"
        rowKey="accountId"
        dataSource={moves}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('account'),
            dataIndex: 'accountName',
            sorter: byText<MoveRow>((m) => m.accountName),
            render: (v: string, m) => <Link to={`/accounts/${m.accountId}`}>{v}</Link>,
          },
          {
            title: t('moveFrom'),
            dataIndex: 'fromName',
            render: (v: string | null) => v ?? '—',
            sorter: byText<MoveRow>((m) => m.fromName),
          },
          { title: t('moveToWhom'), dataIndex: 'toName', sorter: byText<MoveRow>((m) => m.toName) },
          { title: t('teamGroup'), dataIndex: 'groupId', render: (v: string) => groupName(v) },
          {
            title: t('moveReason'),
            dataIndex: 'reason',
            sorter: byText<MoveRow>((m) => m.reason),
            render: (v: string) => <Tag>{reason(v)}</Tag>,
          },
        ]}
      />
    </>
  );
}
