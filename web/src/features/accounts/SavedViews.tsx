import { SaveOutlined } from '@ant-design/icons';
import { Button, Dropdown, Input, Popover, Space } from 'antd';
import { useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { ColumnKey } from './columns.tsx';
import type { Filters } from './filters.ts';

export interface SavedView {
  name: string;
  filters: Filters;
  columns: ColumnKey[];
}

/** The user's saved filter + column sets (kept in this browser), and saving the current one. */
export function SavedViews({
  views,
  onApply,
  onSave,
}: {
  views: SavedView[];
  onApply: (view: SavedView) => void;
  onSave: (name: string) => void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Dropdown
        menu={{
          items: views.length
            ? views.map((v, i) => ({ key: String(i), label: v.name, onClick: () => onApply(v) }))
            : [{ key: 'none', label: t('empty'), disabled: true }],
        }}
      >
        <Button>{t('savedViews')}</Button>
      </Dropdown>
      <Popover
        trigger="click"
        open={open}
        onOpenChange={setOpen}
        title={t('saveView')}
        content={
          <Space.Compact>
            <Input
              aria-label={t('viewName')}
              placeholder={t('viewName')}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <Button
              type="primary"
              disabled={!name.trim()}
              onClick={() => {
                onSave(name.trim());
                setName('');
                setOpen(false);
              }}
            >
              {t('save')}
            </Button>
          </Space.Compact>
        }
      >
        <Button icon={<SaveOutlined />}>{t('saveView')}</Button>
      </Popover>
    </>
  );
}
