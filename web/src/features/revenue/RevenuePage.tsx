import { Col, Row, Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { ArrPanel } from './ArrPanel.tsx';
import { ChurnPanel } from './ChurnPanel.tsx';
import { ForecastPanel } from './ForecastPanel.tsx';
import { MovementPanel } from './MovementPanel.tsx';
import { RetentionPanel } from './RetentionPanel.tsx';

const TABS = ['arr', 'retention', 'movement', 'churn', 'forecast'] as const;
type Tab = (typeof TABS)[number];

/**
 * Revenue and retention (issue 16 part 2): ARR by group, GRR/NRR with cohorts, the monthly ARR
 * movement, churn reasons and the renewal forecast. Every figure is over the accounts the reader
 * may read (the API scopes each report); the tab is in the URL so a view can be linked.
 */
export default function RevenuePage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'arr';
  const label: Record<Tab, string> = {
    arr: t('rev.tabArr'),
    retention: t('rev.tabRetention'),
    movement: t('rev.tabMovement'),
    churn: t('rev.tabChurn'),
    forecast: t('rev.tabForecast'),
  };
  const body: Record<Tab, React.ReactNode> = {
    arr: <ArrPanel />,
    retention: <RetentionPanel />,
    movement: <MovementPanel />,
    churn: <ChurnPanel />,
    forecast: <ForecastPanel />,
  };
  return (
    <div data-testid="revenue-page">
      <Row justify="space-between" align="bottom" gutter={[8, 8]} style={{ marginBottom: 8 }}>
        <Col>
          <Typography.Title level={2} style={{ margin: 0 }}>
            {t('rev.title')}
          </Typography.Title>
        </Col>
        <Col>
          <Typography.Text type="secondary">
            {t('rev.scopeNote', { currency: me.workspace.baseCurrency })}
          </Typography.Text>
        </Col>
      </Row>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={TABS.map((k) => ({ key: k, label: label[k], children: body[k] }))}
      />
    </div>
  );
}
