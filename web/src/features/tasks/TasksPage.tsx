import { Card, Col, Row, Segmented, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useUsersQuery } from '../../api/hooks.ts';
import {
  TASK_STATUSES,
  type Task,
  type TaskStatus,
  useTaskMutations,
  useTasksQuery,
} from '../../api/tasks.ts';
import { ErrorState, QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { PRIORITY_COLORS, statusLabel, TaskRowActions } from './TaskActions.tsx';
import { TaskTable } from './TaskTable.tsx';

const BOARD: TaskStatus[] = ['open', 'in_progress', 'snoozed', 'done'];

/** Tasks: mine or the team's (one assignee, unassigned, or everyone), as a list or a board by status. */
export default function TasksPage() {
  const { t } = useI18n();
  const { user, isManager, can, today } = useSession();
  const users = useUsersQuery({ active: 'true' });
  const [assignee, setAssignee] = useState<string>('me');
  const [view, setView] = useState<'list' | 'board'>('list');
  const [due, setDue] = useState<'' | 'overdue' | 'today' | 'upcoming'>('');
  const [status, setStatus] = useState<string>('open,in_progress,snoozed');
  const query = {
    assigneeId: assignee === 'all' ? undefined : assignee,
    status: view === 'board' ? BOARD.join(',') : status || undefined,
    due: due || undefined,
    sort: 'due' as const,
    limit: 200,
  };
  const tasks = useTasksQuery(query);
  const canWrite = can('notes:write');
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', flexWrap: 'wrap', gap: 8 }}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('tasks')}
        </Typography.Title>
        <Space wrap>
          <Select
            aria-label={t('assignee')}
            style={{ width: 200 }}
            value={assignee}
            onChange={setAssignee}
            showSearch={{ optionFilterProp: 'label' }}
            options={[
              { value: 'me', label: t('myTasks') },
              ...(isManager
                ? [
                    { value: 'all', label: t('teamTasks') },
                    { value: 'none', label: t('unassigned') },
                    ...(users.data?.items ?? [])
                      .filter((u) => u.id !== user.id && u.role !== 'viewer')
                      .map((u) => ({ value: u.id, label: u.name })),
                  ]
                : []),
            ]}
          />
          <Segmented
            aria-label={t('dueDate')}
            value={due}
            onChange={(v) => setDue(v as typeof due)}
            options={[
              { value: '', label: t('all') },
              { value: 'overdue', label: t('overdue') },
              { value: 'today', label: t('dueToday') },
              { value: 'upcoming', label: t('upcoming') },
            ]}
          />
          {view === 'list' && (
            <Select
              aria-label={t('status')}
              style={{ width: 200 }}
              value={status}
              onChange={setStatus}
              options={[
                {
                  value: 'open,in_progress,snoozed',
                  label: `${statusLabel(t, 'open')} / ${statusLabel(t, 'in_progress')} / ${statusLabel(t, 'snoozed')}`,
                },
                ...TASK_STATUSES.map((s) => ({ value: s, label: statusLabel(t, s) })),
                { value: '', label: t('all') },
              ]}
            />
          )}
          <Segmented
            value={view}
            onChange={(v) => setView(v as 'list' | 'board')}
            options={[
              { value: 'list', label: t('list') },
              { value: 'board', label: t('board') },
            ]}
          />
        </Space>
      </div>
      {tasks.error ? (
        <ErrorState error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : view === 'list' ? (
        <Card size="small">
          <QueryView query={tasks} isEmpty={(d) => d.items.length === 0} empty={t('noTasks')}>
            {(d) => (
              <TaskTable
                tasks={d.items}
                loading={tasks.isFetching}
                canWrite={canWrite}
                today={today}
                testId="tasks-table"
              />
            )}
          </QueryView>
        </Card>
      ) : (
        <QueryView query={tasks}>{(d) => <Board tasks={d.items} canWrite={canWrite} />}</QueryView>
      )}
    </Space>
  );
}

function Board({ tasks, canWrite }: { tasks: Task[]; canWrite: boolean }) {
  const { t } = useI18n();
  const { update } = useTaskMutations();
  return (
    <Row gutter={12} data-testid="tasks-board">
      {BOARD.map((s) => {
        const column = tasks.filter((x) => x.status === s);
        return (
          <Col key={s} xs={24} md={12} xl={6}>
            <Card
              size="small"
              title={`${statusLabel(t, s)} (${column.length})`}
              styles={{ body: { background: '#fafafa', minHeight: 200 } }}
            >
              <Space orientation="vertical" style={{ width: '100%' }}>
                {column.map((task) => (
                  <Card key={task.id} size="small">
                    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
                      <Space>
                        <Tag color={PRIORITY_COLORS[task.priority]}>{task.priority}</Tag>
                        <Typography.Text strong>{task.title}</Typography.Text>
                      </Space>
                      <Link to={`/accounts/${task.accountId}`}>{task.accountName}</Link>
                      <Typography.Text type="secondary">
                        {task.dueDate ?? '—'} · {task.assigneeName ?? t('unassigned')}
                      </Typography.Text>
                      {canWrite && (
                        <Space wrap>
                          <Select<TaskStatus>
                            size="small"
                            aria-label={`${t('moveTo')} ${task.title}`}
                            value={task.status}
                            style={{ width: 130 }}
                            onChange={(status) =>
                              update.mutate(
                                status === 'snoozed'
                                  ? { id: task.id, status, snoozedUntil: nextWeek() }
                                  : { id: task.id, status },
                              )
                            }
                            options={[...BOARD, 'cancelled' as const].map((x) => ({
                              value: x,
                              label: statusLabel(t, x),
                            }))}
                          />
                          <TaskRowActions task={task} />
                        </Space>
                      )}
                    </Space>
                  </Card>
                ))}
              </Space>
            </Card>
          </Col>
        );
      })}
    </Row>
  );
}

/** Snoozing from the board: back in a week (the list's PATCH takes any later day). */
function nextWeek() {
  const d = new Date();
  d.setDate(d.getDate() + 7);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
