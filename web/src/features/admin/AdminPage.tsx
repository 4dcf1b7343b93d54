import { Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n.tsx';
import { AuditLog } from './AuditLog.tsx';
import { CurrencyRates } from './CurrencyRates.tsx';
import { Deliveries } from './Deliveries.tsx';
import { IngestPanel } from './IngestPanel.tsx';

const TABS = ['audit', 'ingest', 'deliveries', 'rates'] as const;
type Tab = (typeof TABS)[number];

/**
 * Admin screens (issue 16 part 6), for admins only (the route checks the role): the audit log,
 * ingest statistics and rejected events, webhook deliveries (read-only) and currency rates.
 * Import history is left out: the API keeps no record of past imports yet.
 */
export default function AdminPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'audit';
  const label: Record<Tab, string> = {
    audit: t('adm.tabAudit'),
    ingest: t('adm.tabIngest'),
    deliveries: t('adm.tabDeliveries'),
    rates: t('adm.tabRates'),
  };
  const body: Record<Tab, React.ReactNode> = {
    audit: <AuditLog />,
    ingest: <IngestPanel />,
    deliveries: <Deliveries />,
    rates: <CurrencyRates />,
  };
  return (
    <div data-testid="admin-page">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('adm.title')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={TABS.map((k) => ({ key: k, label: label[k], children: body[k] }))}
      />
    </div>
  );
}
