import { BellOutlined } from '@ant-design/icons';
import { Badge, Button, Card, List, Popover, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type Notification, useNotificationMutations, useNotificationsQuery } from '../../api/tasks.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

function NotificationList({ items }: { items: Notification[] }) {
  const { locale } = useI18n();
  const { read } = useNotificationMutations();
  return (
    <List
      size="small"
      dataSource={items}
      renderItem={(n) => (
        <List.Item style={{ opacity: n.readAt ? 0.6 : 1 }} onClick={() => !n.readAt && read.mutate(n.id)}>
          <List.Item.Meta
            title={
              n.accountId ? (
                <Link to={`/accounts/${n.accountId}`}>{n.title}</Link>
              ) : (
                <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
              )
            }
            description={
              <>
                {n.body && <div>{n.body}</div>}
                <Typography.Text type="secondary">{formatDateTime(n.createdAt, locale)}</Typography.Text>
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}

/** The header's bell: unread count, the latest notifications, mark all read. */
export function NotificationsBell() {
  const { t } = useI18n();
  const notifications = useNotificationsQuery({ limit: 10 });
  const { readAll } = useNotificationMutations();
  const [open, setOpen] = useState(false);
  const unread = notifications.data?.unreadCount ?? 0;
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      placement="bottomRight"
      title={
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16 }}>
          {t('notifications')}
          <Button size="small" type="link" disabled={!unread} onClick={() => readAll.mutate()}>
            {t('markAllRead')}
          </Button>
        </div>
      }
      content={
        <div style={{ width: 'min(360px, 80vw)' }}>
          <div style={{ maxHeight: 420, overflow: 'auto' }}>
            <QueryView
              query={notifications}
              isEmpty={(d) => d.items.length === 0}
              empty={t('noNotifications')}
            >
              {(d) => <NotificationList items={d.items} />}
            </QueryView>
          </div>
          <div style={{ borderTop: '1px solid #f0f0f0', paddingTop: 8, textAlign: 'center' }}>
            <Link to="/notifications" onClick={() => setOpen(false)} data-testid="notifications-see-all">
              {t('seeAllNotifications')}
            </Link>
          </div>
        </div>
      }
    >
      <Badge count={unread} size="small">
        <Button
          aria-label={`${t('notifications')} (${unread})`}
          icon={<BellOutlined />}
          data-testid="notifications-bell"
        />
      </Badge>
    </Popover>
  );
}

/** The workbench's recent notifications. */
export function NotificationsCard() {
  const { t } = useI18n();
  const notifications = useNotificationsQuery({ limit: 10 });
  return (
    <Card title={t('recentNotifications')}>
      <QueryView query={notifications} isEmpty={(d) => d.items.length === 0} empty={t('noNotifications')}>
        {(d) => <NotificationList items={d.items} />}
      </QueryView>
    </Card>
  );
}
