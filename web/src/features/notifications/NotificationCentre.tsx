import {
  App,
  Badge,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  List,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import {
  type CentreNotification,
  type NotificationSettings,
  useNotificationCentreQuery,
  useNotificationSettingsMutation,
  useNotificationSettingsQuery,
} from '../../api/actions.ts';
import { digestFrequencyValues, notificationKindValues } from '../../api/schema.gen.ts';
import { useNotificationMutations } from '../../api/tasks.ts';
import { ErrorBoundary } from '../../components/ErrorBoundary.tsx';
import { ErrorState, QueryView } from '../../components/States.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { enumLabel } from '../account360/labels.ts';
import { TeamDigestsCard } from './TeamDigests.tsx';

const PAGE = 20;
type Filters = { unread: boolean; kinds: string[]; range: [Dayjs, Dayjs] | null };

/** Every notification of the signed-in user, paged and filtered, and their notification settings. */
export default function NotificationCentre() {
  const { t } = useI18n();
  const { can } = useSession();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('notificationCentre')}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <ErrorBoundary what="notifications">
            <NotificationsList />
          </ErrorBoundary>
        </Col>
        <Col xs={24} xl={8}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <ErrorBoundary what="notifications">
              <SettingsCard />
            </ErrorBoundary>
            {can('settings:write') && (
              <ErrorBoundary what="notifications">
                <TeamDigestsCard />
              </ErrorBoundary>
            )}
          </Space>
        </Col>
      </Row>
    </Space>
  );
}

function NotificationsList() {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState<Filters>({ unread: false, kinds: [], range: null });
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const { read, readAll } = useNotificationMutations();
  const change = (f: Partial<Filters>) => {
    setFilters({ ...filters, ...f });
    setCursors([undefined]);
  };
  const list = useNotificationCentreQuery({
    limit: PAGE,
    cursor: cursors.at(-1),
    includeTotal: 'true',
    ...(filters.unread ? { unread: 'true' as const } : {}),
    ...(filters.kinds.length ? { kind: filters.kinds.join(',') } : {}),
    ...(filters.range
      ? { from: filters.range[0].format('YYYY-MM-DD'), to: filters.range[1].format('YYYY-MM-DD') }
      : {}),
  });
  if (list.error) return <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  const total = list.data?.total ?? 0;
  const unread = list.data?.unreadCount ?? 0;
  const next = list.data?.nextCursor;
  return (
    <Card
      title={
        <Space>
          {t('notifications')}
          <Badge count={unread} data-testid="centre-unread" />
        </Space>
      }
      extra={
        <Button
          size="small"
          disabled={!unread}
          loading={readAll.isPending}
          onClick={() => readAll.mutate()}
          data-testid="centre-read-all"
        >
          {t('markAllRead')}
        </Button>
      }
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Space>
          <Switch
            checked={filters.unread}
            onChange={(unread) => change({ unread })}
            aria-label={t('ncUnreadOnly')}
            data-testid="centre-unread-only"
          />
          {t('ncUnreadOnly')}
        </Space>
        <Select
          mode="multiple"
          allowClear
          style={{ minWidth: 220 }}
          placeholder={t('ncType')}
          aria-label={t('ncType')}
          data-testid="centre-kind"
          value={filters.kinds}
          onChange={(kinds) => change({ kinds })}
          options={notificationKindValues.map((k) => ({
            value: k,
            label: enumLabel(t, 'notificationKind', k),
          }))}
        />
        <DatePicker.RangePicker
          aria-label={t('ncDates')}
          value={filters.range}
          onChange={(r) => change({ range: r?.[0] && r[1] ? [r[0], r[1]] : null })}
        />
      </Space>
      <Typography.Paragraph type="secondary" data-testid="centre-total">
        {t('ncTotal', { n: formatNumber(total, locale) })}
      </Typography.Paragraph>
      <QueryView query={list} isEmpty={(d) => d.items.length === 0} empty={t('noNotifications')}>
        {(d) => (
          <List<CentreNotification>
            data-testid="centre-list"
            dataSource={d.items}
            renderItem={(n) => (
              <List.Item
                data-testid="centre-item"
                data-read={n.readAt ? 'true' : 'false'}
                style={{ opacity: n.readAt ? 0.65 : 1 }}
                actions={[
                  n.readAt ? (
                    <Typography.Text key="state" type="secondary">
                      {t('ncRead')}
                    </Typography.Text>
                  ) : (
                    <Button key="read" size="small" type="link" onClick={() => read.mutate(n.id)}>
                      {t('ncMarkRead')}
                    </Button>
                  ),
                ]}
              >
                <List.Item.Meta
                  title={
                    <Space wrap>
                      {!n.readAt && <Badge status="processing" />}
                      <Typography.Text strong={!n.readAt}>{n.title}</Typography.Text>
                      <Tag>{enumLabel(t, 'notificationKind', n.kind)}</Tag>
                    </Space>
                  }
                  description={
                    <>
                      {n.body && <div>{n.body}</div>}
                      <Space>
                        <Typography.Text type="secondary">
                          {formatDateTime(n.createdAt, locale)}
                        </Typography.Text>
                        {n.accountId && <Link to={`/accounts/${n.accountId}`}>{t('ncOpenAccount')}</Link>}
                      </Space>
                    </>
                  }
                />
              </List.Item>
            )}
          />
        )}
      </QueryView>
      <Space style={{ marginTop: 12, display: 'flex', justifyContent: 'flex-end' }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t('prevPage')}
        </Button>
        <Typography.Text data-testid="centre-page">
          {cursors.length} / {Math.max(1, Math.ceil(total / PAGE))}
        </Typography.Text>
        <Button
          disabled={!next}
          onClick={() => next && setCursors([...cursors, next])}
          data-testid="centre-next"
        >
          {t('nextPage')}
        </Button>
      </Space>
    </Card>
  );
}

function SettingsCard() {
  const { t } = useI18n();
  const settings = useNotificationSettingsQuery();
  return (
    <Card title={t('ncSettings')}>
      <QueryView query={settings}>{(s) => <SettingsForm settings={s} />}</QueryView>
    </Card>
  );
}

/** Each change is saved at once (digest on/off, how often, which kinds). */
function SettingsForm({ settings }: { settings: NotificationSettings }) {
  const { t } = useI18n();
  const save = useNotificationSettingsMutation();
  const { message } = App.useApp();
  const put = (input: Parameters<typeof save.mutate>[0]) =>
    save.mutate(input, {
      onSuccess: () => void message.success(t('ncSaved')),
      onError: (e) => void message.error(e.message),
    });
  const enabled = settings.kinds.filter((k) => !settings.mutedKinds.includes(k));
  return (
    <Form layout="vertical" name="notification-settings">
      <Form.Item label={t('ncDigest')} extra={t('ncDigestHelp', { email: settings.email })}>
        <Switch
          checked={settings.dailyDigest}
          loading={save.isPending}
          onChange={(dailyDigest) => put({ dailyDigest })}
          aria-label={t('ncDigest')}
          data-testid="digest-switch"
        />
      </Form.Item>
      <Form.Item label={t('ncFrequency')}>
        <Radio.Group
          value={settings.digestFrequency}
          disabled={!settings.dailyDigest}
          onChange={(e) => put({ digestFrequency: e.target.value })}
          data-testid="digest-frequency"
        >
          {digestFrequencyValues.map((f) => (
            <Radio key={f} value={f}>
              {enumLabel(t, 'digest', f)}
            </Radio>
          ))}
        </Radio.Group>
      </Form.Item>
      <Form.Item label={t('ncKinds')}>
        <Checkbox.Group
          value={enabled}
          onChange={(on) => put({ mutedKinds: settings.kinds.filter((k) => !on.includes(k)) })}
          style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
          options={settings.kinds.map((k) => ({ value: k, label: enumLabel(t, 'notificationKind', k) }))}
        />
      </Form.Item>
    </Form>
  );
}
