import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { Tag, Tooltip } from 'antd';
import type { RiskDriver } from '../../api/churn.ts';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** A driver of one account: its label, up when it raises the risk, down when it lowers it. */
export function DriverTag({ driver }: { driver: RiskDriver }) {
  const { t, locale } = useI18n();
  const raises = driver.contribution > 0;
  const value = typeof driver.value === 'number' ? `: ${formatNumber(driver.value, locale, 2)}` : '';
  return (
    <Tooltip title={`${t(raises ? 'riskRaises' : 'riskLowers')}${value}`}>
      <Tag color={raises ? 'red' : 'green'} icon={raises ? <ArrowUpOutlined /> : <ArrowDownOutlined />}>
        {driver.label}
      </Tag>
    </Tooltip>
  );
}
