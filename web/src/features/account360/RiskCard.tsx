import { Card, Col, Row, Space, Statistic, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useAccountRiskQuery } from '../../api/churn.ts';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { formatPercent } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { DriverTag } from '../risk/DriverTag.tsx';

/**
 * The account's churn probability by the model's horizon and what moves it. Nothing at all while
 * no model is published (the risk page says why), nor while it loads or if it fails.
 */
export function RiskCard({ accountId }: { accountId: string }) {
  const risk = useAccountRiskQuery(accountId);
  const r = risk.data;
  if (!r || r.probability === null || r.horizonDays === null) return null;
  return (
    <Col xs={24}>
      <ErrorBoundary what="riskCard">
        <RiskBody probability={r.probability} horizonDays={r.horizonDays} drivers={r.drivers} />
      </ErrorBoundary>
    </Col>
  );
}

function RiskBody({
  probability,
  horizonDays,
  drivers,
}: {
  probability: number;
  horizonDays: number;
  drivers: NonNullable<ReturnType<typeof useAccountRiskQuery>['data']>['drivers'];
}) {
  const { t, locale } = useI18n();
  return (
    <Card
      title={t('riskCard')}
      data-testid="account-risk"
      extra={<Link to="/risk">{t('riskModelCard')}</Link>}
    >
      <Row gutter={[24, 12]} align="middle">
        <Col xs={24} sm={8}>
          <Statistic
            title={t('riskWithin', { n: horizonDays })}
            value={formatPercent(probability, locale)}
            valueStyle={{
              color: probability >= 0.5 ? '#cf1322' : probability >= 0.25 ? '#d48806' : undefined,
            }}
          />
        </Col>
        <Col xs={24} sm={16}>
          <Typography.Text type="secondary">{t('riskTopDrivers')}</Typography.Text>
          <div style={{ marginTop: 8 }}>
            <Space size={[0, 8]} wrap>
              {drivers.map((d) => (
                <DriverTag key={d.fact} driver={d} />
              ))}
            </Space>
          </div>
        </Col>
      </Row>
    </Card>
  );
}
