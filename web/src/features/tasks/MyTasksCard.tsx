import { Badge, Card, Col, Row, Segmented, Space, Statistic } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTaskSummaryQuery, useTasksQuery } from '../../api/tasks.ts';
import { QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { TaskTable } from './TaskTable.tsx';

/** The workbench's "my tasks": overdue, due today and the next 7 days, with the tasks of each. */
export function MyTasksCard({ assigneeId, ready }: { assigneeId: string; ready: boolean }) {
  const { t } = useI18n();
  const { can, today } = useSession();
  const [due, setDue] = useState<'overdue' | 'today' | 'upcoming'>('overdue');
  const summary = useTaskSummaryQuery(assigneeId, ready);
  const tasks = useTasksQuery({ assigneeId, due, sort: 'due', limit: 20 }, ready);
  return (
    <Card title={t('myTasks')} extra={<Link to="/tasks">{t('tasks')}</Link>}>
      <QueryView query={summary}>
        {(s) => (
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Row gutter={16}>
              <Col span={8}>
                <Statistic
                  title={t('overdue')}
                  value={s.overdue}
                  valueStyle={{ color: s.overdue ? '#cf1322' : undefined }}
                />
              </Col>
              <Col span={8}>
                <Statistic title={t('dueToday')} value={s.dueToday} />
              </Col>
              <Col span={8}>
                <Statistic title={t('upcoming')} value={s.upcoming} />
              </Col>
            </Row>
            <Segmented
              value={due}
              onChange={(v) => setDue(v as typeof due)}
              options={[
                {
                  value: 'overdue',
                  label: (
                    <Badge count={s.overdue} size="small" offset={[8, -2]}>
                      {t('overdue')}
                    </Badge>
                  ),
                },
                { value: 'today', label: t('dueToday') },
                { value: 'upcoming', label: t('upcoming') },
              ]}
            />
            <QueryView query={tasks} isEmpty={(d) => d.items.length === 0} empty={t('noTasks')}>
              {(d) => (
                <TaskTable tasks={d.items} canWrite={can('notes:write')} today={today} testId="my-tasks" />
              )}
            </QueryView>
          </Space>
        )}
      </QueryView>
    </Card>
  );
}
