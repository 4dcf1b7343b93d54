import { App, Button, DatePicker, Form, Input, Segmented, Select, Space, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useAddTimelineMutation, useTimelineQuery, useUsersQuery } from '../../api/hooks.ts';
import type { Account } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';

const TYPE_LABELS: Record<string, MessageKey> = {
  note: 'note',
  call: 'call',
  meeting: 'meeting',
  email: 'emailEntry',
};
const TYPE_COLORS: Record<string, string> = { note: 'blue', call: 'green', meeting: 'purple', email: 'cyan' };

export function TimelinePanel({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const { can } = useSession();
  const [type, setType] = useState<string | undefined>(undefined);
  const timeline = useTimelineQuery(account.id, type);
  const users = useUsersQuery();
  const name = (id: string | null) => (id ? users.data?.items.find((u) => u.id === id)?.name : undefined);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {can('notes:write') && <AddEntry accountId={account.id} />}
      <Select
        aria-label={t('entryType')}
        style={{ width: 200 }}
        value={type ?? ''}
        onChange={(v) => setType(v || undefined)}
        options={[
          { value: '', label: t('allTypes') },
          ...Object.entries(TYPE_LABELS).map(([k, v]) => ({ value: k, label: t(v) })),
        ]}
      />
      <QueryView query={timeline} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Timeline
            data-testid="timeline"
            items={d.items.map((e) => ({
              key: e.id,
              color: TYPE_COLORS[e.type] ?? 'gray',
              children: (
                <div>
                  <Space size="small" wrap>
                    <Typography.Text strong>
                      {TYPE_LABELS[e.type] ? t(TYPE_LABELS[e.type]!) : t('system')}
                    </Typography.Text>
                    <Typography.Text type="secondary">{formatDateTime(e.occurredAt, locale)}</Typography.Text>
                    {name(e.actorId) && (
                      <Typography.Text type="secondary">· {name(e.actorId)}</Typography.Text>
                    )}
                  </Space>
                  {e.title && <div>{e.title}</div>}
                  {e.body && e.body !== e.title && (
                    <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }} type="secondary">
                      {e.body}
                    </Typography.Paragraph>
                  )}
                </div>
              ),
            }))}
          />
        )}
      </QueryView>
    </Space>
  );
}

function AddEntry({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const add = useAddTimelineMutation(accountId);
  const [kind, setKind] = useState('note');
  return (
    <Form
      name="timeline-entry"
      form={form}
      layout="vertical"
      aria-label={t('addEntry')}
      onFinish={(v: { title?: string; body: string; occurredAt?: Dayjs }) =>
        add.mutate(
          { type: kind, title: v.title || undefined, body: v.body, occurredAt: v.occurredAt?.toISOString() },
          {
            onSuccess: () => {
              form.resetFields();
              void message.success(t('saved'));
            },
            onError: (e) => void message.error(e.message),
          },
        )
      }
    >
      <Space wrap align="start">
        <Segmented
          aria-label={t('entryType')}
          value={kind}
          onChange={(v) => setKind(String(v))}
          options={['note', 'call', 'meeting'].map((k) => ({ value: k, label: t(TYPE_LABELS[k]!) }))}
        />
        <Form.Item name="title" noStyle>
          <Input aria-label={t('title')} placeholder={t('title')} style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="occurredAt" noStyle>
          <DatePicker showTime aria-label={t('occurredAt')} placeholder={t('occurredAt')} />
        </Form.Item>
      </Space>
      <Form.Item name="body" rules={[{ required: true }]} style={{ marginTop: 8 }} label={t('body')}>
        <Input.TextArea rows={3} />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={add.isPending}>
        {t('addEntry')}
      </Button>
    </Form>
  );
}
