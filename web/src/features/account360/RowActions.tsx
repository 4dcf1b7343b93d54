import { App, Button, Popconfirm, Space } from 'antd';
import { useI18n } from '../../i18n/i18n.tsx';

/** Edit and delete (after a confirmation) for one row of an Account 360 list. */
export function RowActions({ onEdit, onDelete }: { onEdit: () => void; onDelete: () => Promise<unknown> }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return (
    <Space size="small">
      <Button size="small" type="link" onClick={onEdit}>
        {t('actEdit')}
      </Button>
      <Popconfirm
        title={t('actDeleteConfirm')}
        okText={t('actDelete')}
        cancelText={t('cancel')}
        onConfirm={() =>
          onDelete().then(
            () => void message.success(t('actDeleted')),
            (e: Error) => void message.error(e.message),
          )
        }
      >
        <Button size="small" type="link" danger>
          {t('actDelete')}
        </Button>
      </Popconfirm>
    </Space>
  );
}
