import { Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { AssignmentPanel } from './AssignmentPanel.tsx';
import { CapacityPanel } from './CapacityPanel.tsx';
import { GroupsPanel } from './GroupsPanel.tsx';
import { LoadPanel } from './LoadPanel.tsx';
import { OffboardPanel } from './OffboardPanel.tsx';

const TABS: { key: string; label: MessageKey; element: React.ReactNode }[] = [
  { key: 'load', label: 'teamLoad', element: <LoadPanel /> },
  { key: 'groups', label: 'teamGroups', element: <GroupsPanel /> },
  { key: 'capacity', label: 'teamCapacity', element: <CapacityPanel /> },
  { key: 'assignment', label: 'teamAssignment', element: <AssignmentPanel /> },
  { key: 'offboarding', label: 'teamOffboarding', element: <OffboardPanel /> },
];

/** The manager's team screen: load, groups, the headcount planner, assignment and offboarding. */
export default function TeamPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = TABS.some((x) => x.key === params.get('tab')) ? params.get('tab')! : 'load';
  return (
    <div>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('teamTitle')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams({ tab: key })}
        items={TABS.map((x) => ({
          key: x.key,
          label: t(x.label),
          children: <ErrorBoundary what={x.label}>{x.element}</ErrorBoundary>,
        }))}
        destroyOnHidden
      />
    </div>
  );
}
