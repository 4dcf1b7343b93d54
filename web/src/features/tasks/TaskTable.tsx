import { Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { Task } from '../../api/tasks.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { PRIORITY_COLORS, statusLabel, TaskRowActions, typeLabel } from './TaskActions.tsx';

export function TaskTable({
  tasks,
  loading,
  showAccount = true,
  canWrite,
  today,
  testId,
}: {
  tasks: Task[];
  loading?: boolean;
  showAccount?: boolean;
  canWrite: boolean;
  today: string;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <Table<Task>
      data-testid={testId}
      size="small"
      rowKey="id"
      loading={loading}
      pagination={false}
      dataSource={tasks}
      scroll={{ x: 'max-content' }}
      columns={[
        {
          title: t('priority'),
          dataIndex: 'priority',
          width: 70,
          render: (p: string) => <Tag color={PRIORITY_COLORS[p]}>{p}</Tag>,
        },
        { title: t('taskTitle'), dataIndex: 'title' },
        ...(showAccount
          ? [
              {
                title: t('accounts'),
                dataIndex: 'accountName',
                render: (v: string, task: Task) => <Link to={`/accounts/${task.accountId}`}>{v}</Link>,
              },
            ]
          : []),
        { title: t('taskType'), dataIndex: 'type', render: (v: string) => typeLabel(t, v) },
        {
          title: t('dueDate'),
          dataIndex: 'dueDate',
          render: (v: string | null, task: Task) =>
            v ? (
              <Typography.Text
                type={
                  v < today && task.status !== 'done' && task.status !== 'cancelled' ? 'danger' : undefined
                }
              >
                {v}
              </Typography.Text>
            ) : (
              '—'
            ),
        },
        {
          title: t('assignee'),
          dataIndex: 'assigneeName',
          render: (v: string | null) => v ?? t('unassigned'),
        },
        { title: t('status'), dataIndex: 'status', render: (v: string) => <Tag>{statusLabel(t, v)}</Tag> },
        { title: t('source'), dataIndex: 'source', render: (v: string) => t(`source_${v}` as MessageKey) },
        ...(canWrite
          ? [
              {
                title: '',
                key: 'actions',
                render: (_: unknown, task: Task) => <TaskRowActions task={task} />,
              },
            ]
          : []),
      ]}
    />
  );
}
