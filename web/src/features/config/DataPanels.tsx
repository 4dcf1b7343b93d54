import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import {
  useCustomFieldMutations,
  useCustomFieldsQuery,
  useMetricDefMutations,
  useMetricDefsQuery,
} from '../../api/hooks.ts';
import type { CustomField, MetricDef } from '../../api/types.ts';
import { DataKey } from '../../components/DataKey.tsx';
import { QueryView } from '../../components/States.tsx';
import { listSeparator } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';

const splitList = (s?: string) =>
  (s ?? '')
    .split(/[,，\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function MetricsPanel() {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const metrics = useMetricDefsQuery();
  const { create, remove } = useMetricDefMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  return (
    <Card
      title={t('metricDefinitions')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('create')}
        </Button>
      }
    >
      <QueryView query={metrics} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<MetricDef>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              { title: t('key'), dataIndex: 'key', render: (k: string) => <DataKey value={k} /> },
              {
                title: t('aggregation'),
                dataIndex: 'aggregation',
                render: (v: string) => enumLabel('aggregation', v),
              },
              {
                title: t('behaviour'),
                dataIndex: 'behaviour',
                render: (v: string) => <Tag>{enumLabel('behaviour', v)}</Tag>,
              },
              { title: t('eventNames'), dataIndex: 'eventNames', render: (v: string[]) => v.join(', ') },
              {
                title: t('metricHistory'),
                dataIndex: 'rebuild',
                render: (r: MetricDef['rebuild']) =>
                  r?.status === 'queued' ? (
                    <Tag>{t('rebuildQueued')}</Tag>
                  ) : r?.status === 'running' ? (
                    <Tag color="processing">{t('rebuilding', { n: Math.floor(r.progress * 100) })}</Tag>
                  ) : r?.status === 'failed' ? (
                    <Tag color="error" title={r.error ?? undefined}>
                      {t('rebuildFailed')}
                    </Tag>
                  ) : null,
              },
              {
                title: '',
                width: 90,
                render: (_, m) => (
                  <Popconfirm
                    title={t('confirmDelete')}
                    onConfirm={() => remove.mutate(m.id, { onError: (e) => void message.error(e.message) })}
                  >
                    <Button size="small" danger>
                      {t('delete')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <Modal
        open={open}
        title={t('create')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Form
          name="metric"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ aggregation: 'count', behaviour: 'basic' }}
          onFinish={(v: {
            key: string;
            name: string;
            aggregation: MetricDef['aggregation'];
            behaviour: MetricDef['behaviour'];
            events: string;
            description?: string;
          }) =>
            create.mutate(
              {
                key: v.key,
                name: v.name,
                aggregation: v.aggregation,
                behaviour: v.behaviour,
                eventNames: splitList(v.events),
                description: v.description || null,
              },
              { onSuccess: () => setOpen(false), onError: (e) => void message.error(e.message) },
            )
          }
        >
          <Form.Item
            name="key"
            label={t('key')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,62}$/ }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('description')}>
            <Input />
          </Form.Item>
          <Form.Item name="aggregation" label={t('aggregation')}>
            <Select
              options={['count', 'distinct_users', 'sum', 'max'].map((v) => ({
                value: v,
                label: enumLabel('aggregation', v),
              }))}
            />
          </Form.Item>
          <Form.Item name="behaviour" label={t('behaviour')}>
            <Select
              options={['basic', 'value'].map((v) => ({ value: v, label: enumLabel('behaviour', v) }))}
            />
          </Form.Item>
          <Form.Item
            name="events"
            label={t('eventNames')}
            extra={t('optionsHelp')}
            rules={[{ required: true }]}
          >
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

export function CustomFieldsPanel() {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const fields = useCustomFieldsQuery();
  const { create, remove } = useCustomFieldMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  return (
    <Card
      title={t('customFields')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('create')}
        </Button>
      }
    >
      <QueryView query={fields} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<CustomField>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('name'), dataIndex: 'label' },
              { title: t('key'), dataIndex: 'key', render: (k: string) => <DataKey value={k} /> },
              { title: t('type'), dataIndex: 'type', render: (v: string) => enumLabel('fieldType', v) },
              {
                title: t('options'),
                dataIndex: 'options',
                render: (v: string[]) => v.join(listSeparator(locale)),
              },
              {
                title: t('required'),
                dataIndex: 'required',
                render: (v: boolean) => (v ? t('yes') : t('no')),
              },
              {
                title: '',
                width: 90,
                render: (_, f) => (
                  <Popconfirm
                    title={t('confirmDelete')}
                    onConfirm={() => remove.mutate(f.id, { onError: (e) => void message.error(e.message) })}
                  >
                    <Button size="small" danger>
                      {t('delete')}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
        )}
      </QueryView>
      <Modal
        open={open}
        title={t('create')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Form
          name="custom-field"
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ type: 'text', required: false }}
          onFinish={(v: {
            key: string;
            label: string;
            type: CustomField['type'];
            options?: string;
            required: boolean;
          }) =>
            create.mutate(
              {
                key: v.key,
                label: v.label,
                type: v.type,
                options: splitList(v.options),
                required: v.required,
              },
              { onSuccess: () => setOpen(false), onError: (e) => void message.error(e.message) },
            )
          }
        >
          <Form.Item
            name="key"
            label={t('key')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,62}$/ }]}
          >
            <Input />
          </Form.Item>
          <Form.Item name="label" label={t('name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
          <Form.Item name="type" label={t('type')}>
            <Select
              options={['text', 'number', 'date', 'boolean', 'single_select', 'multi_select'].map((v) => ({
                value: v,
                label: v,
              }))}
            />
          </Form.Item>
          <Form.Item name="options" label={t('options')} extra={t('optionsHelp')}>
            <Input />
          </Form.Item>
          <Form.Item name="required" valuePropName="checked">
            <Checkbox>{t('required')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
