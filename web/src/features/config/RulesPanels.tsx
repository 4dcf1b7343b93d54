import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  InputNumber,
  List,
  Popconfirm,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  useSegmentMutations,
  useSegmentPreviewQuery,
  useSegmentsQuery,
  useStageMutations,
  useStagesQuery,
  useTieringMutations,
  useTieringSchemesQuery,
} from '../../api/hooks.ts';
import type { Segment, SegmentPreview, Stage, TieringScheme } from '../../api/types.ts';
import { DataKey } from '../../components/DataKey.tsx';
import { ErrorState, QueryView } from '../../components/States.tsx';
import { formatNumber } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConditionInput } from './ConditionInput.tsx';

export function TieringPanel() {
  const { t } = useI18n();
  const schemes = useTieringSchemesQuery();
  return (
    <Card title={t('tieringSchemes')}>
      <QueryView query={schemes} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Space orientation="vertical" style={{ width: '100%' }} size="large">
            {d.items.map((s) => (
              <SchemeEditor key={s.id} scheme={s} />
            ))}
          </Space>
        )}
      </QueryView>
    </Card>
  );
}

function SchemeEditor({ scheme }: { scheme: TieringScheme }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const { preview, save } = useTieringMutations();
  const read = () => {
    const v = form.getFieldsValue() as { rules: { tier: string; when: string }[]; defaultTier: string };
    return { rules: (v.rules ?? []).filter((r) => r?.tier && r?.when), defaultTier: v.defaultTier };
  };
  return (
    <div>
      <Typography.Title level={5}>
        {scheme.name} {scheme.active && <Tag color="green">{t('active')}</Tag>}
      </Typography.Title>
      <Form
        name={`tiering-${scheme.key}`}
        form={form}
        layout="vertical"
        initialValues={{
          rules: scheme.rules.filter((r) => r.tier).map((r) => ({ tier: r.tier, when: r.whenText ?? '' })),
          defaultTier: scheme.defaultTier,
        }}
      >
        <Typography.Text strong>{t('rules')}</Typography.Text>
        <Form.List name="rules">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Row key={f.key} gutter={8} align="top">
                  <Col flex="40px" style={{ paddingTop: 6 }}>
                    {i + 1}.
                  </Col>
                  <Col flex="160px">
                    <Form.Item name={[f.name, 'tier']} rules={[{ required: true }]} label={t('tier')}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col flex="auto">
                    <Form.Item name={[f.name, 'when']} rules={[{ required: true }]} label={t('condition')}>
                      <ConditionInput />
                    </Form.Item>
                  </Col>
                  <Col flex="40px" style={{ paddingTop: 30 }}>
                    <Button
                      aria-label={t('delete')}
                      icon={<DeleteOutlined />}
                      onClick={() => remove(f.name)}
                    />
                  </Col>
                </Row>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ tier: '', when: '' })}>
                {t('addRule')}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item
          name="defaultTier"
          label={t('defaultTier')}
          rules={[{ required: true }]}
          style={{ marginTop: 12, maxWidth: 240 }}
        >
          <Input />
        </Form.Item>
        <Space>
          <Button onClick={() => preview.mutate({ ...read(), limit: 50 })} loading={preview.isPending}>
            {t('preview')}
          </Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() =>
              form.validateFields().then(() =>
                save.mutate(
                  { id: scheme.id, ...read() },
                  {
                    onSuccess: () => void message.success(t('saved')),
                    onError: (e) => void message.error(e.message),
                  },
                ),
              )
            }
          >
            {t('save')}
          </Button>
        </Space>
      </Form>
      {preview.error && <ErrorState error={preview.error} />}
      {preview.data && (
        <Row gutter={16} style={{ marginTop: 16 }}>
          <Col span={10}>
            <Table
              size="small"
              rowKey="tier"
              pagination={false}
              dataSource={preview.data.counts}
              columns={[
                { title: t('tier'), dataIndex: 'tier', render: (v: string) => enumLabel('tier', v) },
                {
                  title: t('count'),
                  dataIndex: 'count',
                  align: 'right',
                  render: (v: number) => formatNumber(v, locale),
                },
              ]}
            />
          </Col>
          <Col span={14}>
            <Typography.Text strong>
              {t('movers')}: {formatNumber(preview.data.moves.total, locale)}
            </Typography.Text>
            <Table
              size="small"
              rowKey="accountId"
              pagination={{ pageSize: 8 }}
              dataSource={preview.data.moves.items}
              columns={[
                { title: t('name'), dataIndex: 'name' },
                { title: t('from'), dataIndex: 'from' },
                { title: t('to'), dataIndex: 'to' },
              ]}
            />
          </Col>
        </Row>
      )}
    </div>
  );
}

function PreviewResult({ data, showMoves }: { data: SegmentPreview; showMoves?: boolean }) {
  const { t, locale } = useI18n();
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('previewCounts', { n: formatNumber(data.count, locale) })} />
      {showMoves && (
        <Row gutter={16}>
          {(['entering', 'leaving'] as const).map((k) => (
            <Col span={12} key={k}>
              <List
                size="small"
                header={`${t(k)}: ${data[k].total}`}
                dataSource={data[k].items.slice(0, 8)}
                renderItem={(i) => <List.Item>{i.name}</List.Item>}
              />
            </Col>
          ))}
        </Row>
      )}
    </Space>
  );
}

/** Edits one named condition (a segment or a stage) with a live count of the accounts it matches. */
function ConditionEditor<T extends { id: string; key: string; name: string; conditionText: string }>({
  item,
  extra,
  onSave,
  saving,
  segmentKey,
}: {
  item?: T;
  extra?: React.ReactNode;
  onSave: (v: {
    key: string;
    name: string;
    condition: string;
    description?: string;
    position?: number;
  }) => void;
  saving: boolean;
  segmentKey?: string;
}) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [condition, setCondition] = useState<string | undefined>(item?.conditionText);
  // A saved segment's preview compares with its current members; a new one has none yet.
  const preview = useSegmentPreviewQuery(
    condition,
    50,
    segmentKey && segmentKey !== 'new' ? segmentKey : undefined,
  );
  return (
    <Form
      name="condition"
      form={form}
      layout="vertical"
      // The item's own fields first: its `condition` is the JSON form, and the box edits the text.
      initialValues={{
        ...(item as object),
        key: item?.key,
        name: item?.name,
        condition: item?.conditionText,
      }}
      onFinish={onSave}
    >
      <Row gutter={8}>
        <Col span={8}>
          <Form.Item
            name="key"
            label={t('key')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,62}$/ }]}
          >
            <Input disabled={!!item} />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
            <Input />
          </Form.Item>
        </Col>
      </Row>
      {extra}
      <Form.Item name="condition" label={t('condition')} rules={[{ required: true }]}>
        <ConditionInput />
      </Form.Item>
      <Space>
        <Button
          onClick={() => setCondition(form.getFieldValue('condition') as string)}
          loading={preview.isFetching}
        >
          {t('preview')}
        </Button>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('save')}
        </Button>
        {saving && segmentKey && (
          <Typography.Text type="secondary" data-testid="segment-computing">
            {t('segmentComputing')}
          </Typography.Text>
        )}
      </Space>
      <div style={{ marginTop: 12 }}>
        {preview.error ? (
          <ErrorState error={preview.error} />
        ) : preview.data ? (
          <PreviewResult data={preview.data} showMoves={!!segmentKey} />
        ) : null}
      </div>
    </Form>
  );
}

export function SegmentsPanel() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const segments = useSegmentsQuery();
  const { save, remove } = useSegmentMutations();
  const [editing, setEditing] = useState<Segment | 'new' | null>(null);
  return (
    <Card
      title={t('segments')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('create')}
        </Button>
      }
    >
      {editing && (
        <Card
          size="small"
          style={{ marginBottom: 16 }}
          title={editing === 'new' ? t('create') : editing.name}
          extra={<Button onClick={() => setEditing(null)}>{t('close')}</Button>}
        >
          <ConditionEditor<Segment>
            key={editing === 'new' ? 'new' : editing.id}
            item={editing === 'new' ? undefined : editing}
            segmentKey={editing === 'new' ? 'new' : editing.key}
            saving={save.isPending}
            extra={
              <Form.Item name="description" label={t('description')}>
                <Input />
              </Form.Item>
            }
            onSave={(v) =>
              save.mutate(
                {
                  id: editing === 'new' ? undefined : editing.id,
                  ...v,
                  key: editing === 'new' ? v.key : undefined,
                },
                {
                  onSuccess: () => {
                    void message.success(t('saved'));
                    setEditing(null);
                  },
                  onError: (e) => void message.error(e.message),
                },
              )
            }
          />
        </Card>
      )}
      <QueryView query={segments} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<Segment>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('name'), dataIndex: 'name' },
              { title: t('key'), dataIndex: 'key', render: (k: string) => <DataKey value={k} /> },
              { title: t('condition'), dataIndex: 'conditionText', render: (v: string) => <code>{v}</code> },
              {
                title: t('accountCount'),
                dataIndex: 'memberCount',
                align: 'right',
                render: (v: number, s) => (
                  <span data-testid={`segment-members-${s.key}`}>{formatNumber(v, locale)}</span>
                ),
              },
              {
                title: '',
                width: 160,
                render: (_, s) => (
                  <Space>
                    <Button size="small" onClick={() => setEditing(s)}>
                      {t('edit')}
                    </Button>
                    <Popconfirm title={t('confirmDelete')} onConfirm={() => remove.mutate(s.id)}>
                      <Button size="small" danger>
                        {t('delete')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}

export function StagesPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const stages = useStagesQuery();
  const { save, remove } = useStageMutations();
  const [editing, setEditing] = useState<Stage | 'new' | null>(null);
  return (
    <Card
      title={t('lifecycleStages')}
      extra={
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('position')}: 1 → n</Typography.Paragraph>
      {editing && (
        <Card
          size="small"
          style={{ marginBottom: 16 }}
          title={editing === 'new' ? t('create') : editing.name}
          extra={<Button onClick={() => setEditing(null)}>{t('close')}</Button>}
        >
          <ConditionEditor<Stage>
            key={editing === 'new' ? 'new' : editing.id}
            item={editing === 'new' ? undefined : editing}
            saving={save.isPending}
            extra={
              <Form.Item name="position" label={t('position')}>
                <InputNumber min={1} max={1000} />
              </Form.Item>
            }
            onSave={(v) =>
              save.mutate(
                {
                  id: editing === 'new' ? undefined : editing.id,
                  ...v,
                  key: editing === 'new' ? v.key : undefined,
                },
                {
                  onSuccess: () => {
                    void message.success(t('saved'));
                    setEditing(null);
                  },
                  onError: (e) => void message.error(e.message),
                },
              )
            }
          />
        </Card>
      )}
      <QueryView query={stages} isEmpty={(d) => d.items.length === 0}>
        {(d) => (
          <Table<Stage>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.items}
            columns={[
              { title: t('position'), dataIndex: 'position', width: 70 },
              { title: t('name'), dataIndex: 'name' },
              { title: t('key'), dataIndex: 'key', render: (k: string) => <DataKey value={k} /> },
              { title: t('condition'), dataIndex: 'conditionText', render: (v: string) => <code>{v}</code> },
              {
                title: '',
                width: 160,
                render: (_, s) => (
                  <Space>
                    <Button size="small" onClick={() => setEditing(s)}>
                      {t('edit')}
                    </Button>
                    <Popconfirm title={t('confirmDelete')} onConfirm={() => remove.mutate(s.id)}>
                      <Button size="small" danger>
                        {t('delete')}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryView>
    </Card>
  );
}
