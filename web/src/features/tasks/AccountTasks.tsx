import { Segmented, Space } from 'antd';
import { useState } from 'react';
import { type Task, useTasksQuery } from '../../api/tasks.ts';
import type { Account } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { CreateTaskButton, statusLabel } from './TaskActions.tsx';
import { TaskTable } from './TaskTable.tsx';

/** The account 360's tasks: open ones by due date, or the closed ones; create, complete, follow up. */
export function AccountTasks({ account }: { account: Account }) {
  const { t } = useI18n();
  const { can, today } = useSession();
  const [view, setView] = useState<'open' | 'closed'>('open');
  const tasks = useTasksQuery({
    accountId: account.id,
    status: view === 'open' ? 'open,in_progress,snoozed' : 'done,cancelled',
    sort: view === 'open' ? 'due' : 'updated',
    limit: 100,
  });
  const canWrite = can('notes:write');
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space>
        {canWrite && <CreateTaskButton accountId={account.id} />}
        <Segmented
          value={view}
          onChange={(v) => setView(v as 'open' | 'closed')}
          options={[
            { value: 'open', label: `${statusLabel(t, 'open')} / ${statusLabel(t, 'in_progress')}` },
            { value: 'closed', label: statusLabel(t, 'done') },
          ]}
        />
      </Space>
      <QueryView query={tasks} isEmpty={(d) => d.items.length === 0} empty={t('noTasks')}>
        {(d) => (
          <TaskTable
            tasks={d.items as Task[]}
            showAccount={false}
            canWrite={canWrite}
            today={today}
            testId="account-tasks"
          />
        )}
      </QueryView>
    </Space>
  );
}
