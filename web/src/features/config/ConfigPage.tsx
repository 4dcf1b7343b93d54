import { Grid, Menu, Typography } from 'antd';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';
import { AccessPanel } from './AccessPanel.tsx';
import { TokensPanel, UsersPanel, WriteKeysPanel } from './AdminPanels.tsx';
import { CustomFieldsPanel, MetricsPanel } from './DataPanels.tsx';
import { HealthModelsPanel } from './HealthModels.tsx';
import { QbrSettingsPanel } from './QbrSettingsPanel.tsx';
import { RulesPanel } from './RulesEditor.tsx';
import { SegmentsPanel, StagesPanel, TieringPanel } from './RulesPanels.tsx';

const SECTIONS: { key: string; label: MessageKey; admin?: boolean; element: React.ReactNode }[] = [
  { key: 'health', label: 'healthModels', element: <HealthModelsPanel /> },
  { key: 'tiers', label: 'tieringSchemes', element: <TieringPanel /> },
  { key: 'segments', label: 'segments', element: <SegmentsPanel /> },
  { key: 'stages', label: 'lifecycleStages', element: <StagesPanel /> },
  { key: 'rules', label: 'automationRules', element: <RulesPanel /> },
  { key: 'metrics', label: 'metricDefinitions', element: <MetricsPanel /> },
  { key: 'custom-fields', label: 'customFields', element: <CustomFieldsPanel /> },
  // Managers see it read-only: only admins change what every customer's QBR says.
  { key: 'qbr', label: 'qbrSettings', element: <QbrSettingsPanel /> },
  { key: 'users', label: 'usersRoles', admin: true, element: <UsersPanel /> },
  { key: 'tokens', label: 'apiTokens', admin: true, element: <TokensPanel /> },
  { key: 'write-keys', label: 'writeKeys', admin: true, element: <WriteKeysPanel /> },
  { key: 'access', label: 'accessSettings', admin: true, element: <AccessPanel /> },
];

export default function ConfigPage() {
  const { t } = useI18n();
  const { user } = useSession();
  const location = useLocation();
  const sections = SECTIONS.filter((s) => !s.admin || user.role === 'admin');
  const current = location.pathname.split('/')[2] ?? sections[0]!.key;
  // On a phone the sections sit above the panel as a horizontal menu, so the panel keeps the full width.
  const narrow = !Grid.useBreakpoint().md;
  return (
    <div
      style={{
        display: 'flex',
        flexDirection: narrow ? 'column' : 'row',
        gap: narrow ? 8 : 24,
        alignItems: narrow ? 'stretch' : 'flex-start',
      }}
    >
      <nav aria-label={t('configuration')} style={narrow ? { minWidth: 0 } : { width: 200, flex: 'none' }}>
        <Typography.Title level={4}>{t('configuration')}</Typography.Title>
        <Menu
          mode={narrow ? 'horizontal' : 'inline'}
          selectedKeys={[current]}
          items={sections.map((s) => ({
            key: s.key,
            label: <Link to={`/config/${s.key}`}>{t(s.label)}</Link>,
          }))}
        />
      </nav>
      <div style={{ flex: 1, minWidth: 0 }}>
        <Routes>
          <Route index element={<Navigate to={sections[0]!.key} replace />} />
          {sections.map((s) => (
            <Route key={s.key} path={s.key} element={s.element} />
          ))}
        </Routes>
      </div>
    </div>
  );
}
