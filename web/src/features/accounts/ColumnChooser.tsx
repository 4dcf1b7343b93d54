import { SettingOutlined } from '@ant-design/icons';
import { Button, Checkbox, Popover } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';
import { ALL_COLUMNS, COLUMN_LABELS, type ColumnKey } from './columns.tsx';

export function ColumnChooser({
  columns,
  onChange,
}: {
  columns: ColumnKey[];
  onChange: (columns: ColumnKey[]) => void;
}) {
  const { t } = useI18n();
  return (
    <Popover
      trigger="click"
      title={t('columns')}
      content={
        <Checkbox.Group
          style={{ display: 'grid', gap: 4 }}
          value={columns}
          onChange={(v) => onChange(v as ColumnKey[])}
          options={ALL_COLUMNS.map((k) => ({ value: k, label: t(COLUMN_LABELS[k]) }))}
        />
      }
    >
      <Button icon={<SettingOutlined />}>{t('columns')}</Button>
    </Popover>
  );
}
