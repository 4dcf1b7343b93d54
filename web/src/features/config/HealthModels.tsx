import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import {
  useCalibrationQuery,
  useCatalogueQuery,
  useFitWeightsQuery,
  useHealthModelMutations,
  useHealthModelsQuery,
} from '../../api/hooks.ts';
import type { Band, HealthModel, HealthPreview } from '../../api/types.ts';
import { Chart, statusColor } from '../../components/Chart.tsx';
import { DataKey } from '../../components/DataKey.tsx';
import { ErrorState, QueryView } from '../../components/States.tsx';
import { formatNumber, formatPercent } from '../../format.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

interface ComponentForm {
  key: string;
  name: string;
  fact: string;
  weight: number;
  direction: 'higher_better' | 'lower_better';
  kind: 'percentile' | 'linear' | 'bands';
  min?: number;
  max?: number;
  /** A bands normalisation (the default model's last touch, tickets) is kept as it is. */
  bands?: { upTo: number | null; score: number }[];
}
interface ModelForm {
  key: string;
  name: string;
  hysteresis: number;
  dimensions: { key: string; name: string; weight: number; components: ComponentForm[] }[];
  bands: { key: string; zh: string; en: string; color: string; min: number }[];
}

function toForm(m: HealthModel): ModelForm {
  return {
    key: m.key,
    name: m.name,
    hysteresis: m.hysteresis,
    dimensions: m.dimensions.map((d) => ({
      key: d.key,
      name: d.name,
      weight: d.weight,
      components: d.components.map((c) => {
        const n = c.normalisation as {
          kind: string;
          min?: number;
          max?: number;
          bands?: ComponentForm['bands'];
        };
        return {
          key: c.key,
          name: c.name,
          fact: c.fact,
          weight: c.weight,
          direction: (c.direction as ComponentForm['direction']) ?? 'higher_better',
          kind: n.kind === 'linear' ? 'linear' : n.kind === 'bands' ? 'bands' : 'percentile',
          min: n.min,
          max: n.max,
          bands: n.bands,
        };
      }),
    })),
    bands: m.bands.map((b) => ({
      key: b.key,
      zh: b.label['zh-CN'],
      en: b.label.en,
      color: b.color,
      min: b.min,
    })),
  };
}

/** A starting point for a new model: one usage dimension, and the bands in force today. */
function starter(bands: Band[]): ModelForm {
  return {
    key: 'custom',
    name: 'Custom health model',
    hysteresis: 3,
    dimensions: [
      {
        key: 'usage',
        name: 'Usage',
        weight: 1,
        components: [
          {
            key: 'active_users',
            name: 'Active users (30 days)',
            fact: 'active_users_30d',
            weight: 1,
            direction: 'higher_better',
            kind: 'percentile',
          },
        ],
      },
    ],
    bands: bands.map((b) => ({
      key: b.key,
      zh: b.label['zh-CN'],
      en: b.label.en,
      color: b.color,
      min: b.min,
    })),
  };
}

function toBody(v: ModelForm) {
  return {
    key: v.key,
    name: v.name,
    hysteresis: v.hysteresis,
    dimensions: v.dimensions.map((d) => ({
      key: d.key,
      name: d.name,
      weight: d.weight,
      components: d.components.map((c) => ({
        key: c.key,
        name: c.name,
        fact: c.fact,
        weight: c.weight,
        direction: c.direction,
        normalisation:
          c.kind === 'linear'
            ? { kind: 'linear', min: c.min ?? 0, max: c.max ?? 1 }
            : c.kind === 'bands' && c.bands
              ? { kind: 'bands', bands: c.bands }
              : { kind: 'percentile' },
      })),
    })),
    bands: v.bands.map((b) => ({
      key: b.key,
      label: { 'zh-CN': b.zh, en: b.en },
      color: b.color,
      min: b.min,
    })),
  };
}

export function HealthModelsPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const models = useHealthModelsQuery();
  const calibration = useCalibrationQuery();
  const { copy, remove } = useHealthModelMutations();
  const [editing, setEditing] = useState<HealthModel | 'new' | null>(null);
  const [copying, setCopying] = useState<HealthModel | null>(null);
  const [copyForm] = Form.useForm<{ key: string; name: string }>();
  // The backtest and fit-weights cards follow the model being edited (as the list has it now, so an
  // applied proposal shows at once), else the first model.
  const selected =
    editing && editing !== 'new'
      ? (models.data?.items.find((m) => m.id === editing.id) ?? editing)
      : models.data?.items[0];
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={t('healthModels')}
        extra={
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} disabled={!calibration.data}>
            {t('create')}
          </Button>
        }
      >
        <QueryView query={models}>
          {(d) => (
            <>
              <Alert type="info" showIcon title={t('hmCatchAll')} style={{ marginBottom: 12 }} />
              <Table<HealthModel>
                size="small"
                scroll={{ x: 'max-content' }}
                rowKey="id"
                pagination={false}
                dataSource={d.items}
                data-testid="health-models"
                columns={[
                  { title: t('position'), dataIndex: 'position', width: 70 },
                  {
                    title: t('name'),
                    render: (_, m) => (
                      <Space size={4}>
                        {m.name}
                        {m.builtin && <Tag color="blue">{t('hmBuiltIn')}</Tag>}
                        {m.customised && <Tag color="gold">{t('hmCustomised')}</Tag>}
                      </Space>
                    ),
                  },
                  { title: t('key'), dataIndex: 'key', render: (k: string) => <DataKey value={k} /> },
                  {
                    title: t('dimensions'),
                    render: (_, m) => m.dimensions.map((x) => <Tag key={x.key}>{x.name}</Tag>),
                  },
                  {
                    title: '',
                    width: 260,
                    render: (_, m) => (
                      <Space size={4}>
                        <Button size="small" onClick={() => setEditing(m)} data-testid={`edit-${m.key}`}>
                          {t('edit')}
                        </Button>
                        <Button
                          size="small"
                          data-testid={`copy-${m.key}`}
                          onClick={() => {
                            copyForm.setFieldsValue({ key: `${m.key}_copy`, name: m.name });
                            setCopying(m);
                          }}
                        >
                          {t('hmCopy')}
                        </Button>
                        {m.builtin && m.customised && (
                          <Popconfirm
                            title={t('hmResetConfirm')}
                            onConfirm={() =>
                              remove.mutate(m.id, {
                                onSuccess: () => {
                                  void message.success(t('hmResetDone'));
                                  setEditing(null);
                                },
                              })
                            }
                          >
                            <Button size="small" data-testid="reset-default">
                              {t('hmReset')}
                            </Button>
                          </Popconfirm>
                        )}
                      </Space>
                    ),
                  },
                ]}
              />
            </>
          )}
        </QueryView>
      </Card>
      <Modal
        open={!!copying}
        forceRender
        title={copying ? t('hmCopyTitle', { name: copying.name }) : ''}
        okText={t('hmCopy')}
        confirmLoading={copy.isPending}
        onCancel={() => setCopying(null)}
        onOk={() =>
          copyForm.validateFields().then((v) =>
            copy.mutate(
              { id: copying!.id, key: v.key, name: v.name },
              {
                onSuccess: () => {
                  void message.success(t('hmCopied'));
                  setCopying(null);
                },
                onError: (e) => void message.error(e.message),
              },
            ),
          )
        }
      >
        <Form form={copyForm} layout="vertical" name="copy-model">
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
        </Form>
      </Modal>
      {editing && calibration.data && (
        <ModelEditor
          key={editing === 'new' ? 'new' : `${editing.id}-${editing.updatedAt}`}
          model={editing === 'new' ? undefined : editing}
          bands={calibration.data.currentBands}
          onClose={() => setEditing(null)}
        />
      )}
      {selected && <Backtest model={selected} />}
      {selected && <FitWeightsCard model={selected} />}
    </Space>
  );
}

function ModelEditor({ model, bands, onClose }: { model?: HealthModel; bands: Band[]; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ModelForm>();
  const catalogue = useCatalogueQuery();
  const { preview, save, remove } = useHealthModelMutations();
  const factOptions = (catalogue.data ?? [])
    .filter((f) => f.type === 'number' && !f.key.startsWith('health.'))
    .map((f) => ({ value: f.key, label: `${f.key} — ${f.description}` }));
  // getFieldsValue(true): also the values no field shows (a bands normalisation kept as it is).
  const values = () => form.validateFields().then(() => toBody(form.getFieldsValue(true) as ModelForm));
  const run = () => values().then((body) => preview.mutate({ ...body, sentiment: model?.sentiment }));
  return (
    <Card title={model ? model.name : t('create')} extra={<Button onClick={onClose}>{t('close')}</Button>}>
      <Form
        name="health-model"
        form={form}
        layout="vertical"
        initialValues={model ? toForm(model) : starter(bands)}
      >
        <Row gutter={8}>
          <Col span={8}>
            <Form.Item
              name="key"
              label={t('key')}
              rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,62}$/ }]}
            >
              <Input disabled={!!model} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="name" label={t('name')} rules={[{ required: true }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item
              name="hysteresis"
              label={t('hmHysteresis')}
              tooltip={t('hmHysteresisHint')}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} max={20} step={0.5} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        {model?.builtin && (
          <Typography.Paragraph type="secondary">
            {t('condition')}: {t('hmSelectorLocked')}
          </Typography.Paragraph>
        )}
        <Typography.Title level={5}>{t('dimensions')}</Typography.Title>
        <Form.List name="dimensions">
          {(dims, { add: addDim, remove: removeDim }) => (
            <>
              {dims.map((d) => (
                <Card key={d.key} size="small" style={{ marginBottom: 8 }}>
                  <Row gutter={8}>
                    <Col span={6}>
                      <Form.Item name={[d.name, 'key']} label={t('key')} rules={[{ required: true }]}>
                        <Input />
                      </Form.Item>
                    </Col>
                    <Col span={10}>
                      <Form.Item name={[d.name, 'name']} label={t('name')} rules={[{ required: true }]}>
                        <Input />
                      </Form.Item>
                    </Col>
                    <Col span={6}>
                      <Form.Item name={[d.name, 'weight']} label={t('weight')} rules={[{ required: true }]}>
                        <InputNumber min={0.001} max={1000} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col span={2} style={{ paddingTop: 30 }}>
                      <Button
                        aria-label={t('delete')}
                        icon={<DeleteOutlined />}
                        onClick={() => removeDim(d.name)}
                      />
                    </Col>
                  </Row>
                  <Form.List name={[d.name, 'components']}>
                    {(comps, { add, remove: removeComp }) => (
                      <>
                        {comps.map((c) => (
                          <Row gutter={8} key={c.key}>
                            <Col span={4}>
                              <Form.Item name={[c.name, 'key']} label={t('key')} rules={[{ required: true }]}>
                                <Input />
                              </Form.Item>
                            </Col>
                            <Col span={5}>
                              <Form.Item
                                name={[c.name, 'name']}
                                label={t('name')}
                                rules={[{ required: true }]}
                              >
                                <Input />
                              </Form.Item>
                            </Col>
                            <Col span={6}>
                              <Form.Item
                                name={[c.name, 'fact']}
                                label={t('fact')}
                                rules={[{ required: true }]}
                              >
                                <Select showSearch options={factOptions} />
                              </Form.Item>
                            </Col>
                            <Col span={3}>
                              <Form.Item
                                name={[c.name, 'weight']}
                                label={t('weight')}
                                rules={[{ required: true }]}
                              >
                                <InputNumber min={0.001} style={{ width: '100%' }} />
                              </Form.Item>
                            </Col>
                            <Col span={5}>
                              <Form.Item name={[c.name, 'kind']} label="normalisation">
                                <Select
                                  options={[
                                    { value: 'percentile', label: 'percentile' },
                                    { value: 'linear', label: 'linear' },
                                    ...(form.getFieldValue([
                                      'dimensions',
                                      d.name,
                                      'components',
                                      c.name,
                                      'bands',
                                    ])
                                      ? [{ value: 'bands', label: t('hmNormBands') }]
                                      : []),
                                  ]}
                                />
                              </Form.Item>
                              <Form.Item noStyle shouldUpdate>
                                {() =>
                                  form.getFieldValue(['dimensions', d.name, 'components', c.name, 'kind']) ===
                                  'linear' ? (
                                    <Space.Compact>
                                      <Form.Item name={[c.name, 'min']} noStyle>
                                        <InputNumber aria-label="min" placeholder="min" />
                                      </Form.Item>
                                      <Form.Item name={[c.name, 'max']} noStyle>
                                        <InputNumber aria-label="max" placeholder="max" />
                                      </Form.Item>
                                    </Space.Compact>
                                  ) : null
                                }
                              </Form.Item>
                              <Form.Item name={[c.name, 'direction']} noStyle>
                                <Select
                                  size="small"
                                  style={{ marginTop: 4, width: '100%' }}
                                  options={[
                                    { value: 'higher_better', label: 'higher_better' },
                                    { value: 'lower_better', label: 'lower_better' },
                                  ]}
                                />
                              </Form.Item>
                            </Col>
                            <Col span={1} style={{ paddingTop: 30 }}>
                              <Button
                                aria-label={t('delete')}
                                size="small"
                                icon={<DeleteOutlined />}
                                onClick={() => removeComp(c.name)}
                              />
                            </Col>
                          </Row>
                        ))}
                        <Button
                          size="small"
                          icon={<PlusOutlined />}
                          onClick={() => add({ weight: 1, kind: 'percentile', direction: 'higher_better' })}
                        >
                          {t('components')}
                        </Button>
                      </>
                    )}
                  </Form.List>
                </Card>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => addDim({ weight: 1, components: [] })}>
                {t('dimensions')}
              </Button>
            </>
          )}
        </Form.List>
        <Typography.Title level={5} style={{ marginTop: 16 }}>
          {t('bands')}
        </Typography.Title>
        <Form.List name="bands">
          {(items, { add, remove: removeBand }) => (
            <>
              {items.map((b) => (
                <Row gutter={8} key={b.key}>
                  {(['key', 'zh', 'en', 'color'] as const).map((f) => (
                    <Col span={5} key={f}>
                      <Form.Item
                        name={[b.name, f]}
                        rules={[{ required: true }]}
                        label={f === 'key' ? t('key') : f === 'color' ? 'color' : f}
                      >
                        <Input />
                      </Form.Item>
                    </Col>
                  ))}
                  <Col span={3}>
                    <Form.Item name={[b.name, 'min']} label={t('minScore')} rules={[{ required: true }]}>
                      <InputNumber min={0} max={100} />
                    </Form.Item>
                  </Col>
                  <Col span={1} style={{ paddingTop: 30 }}>
                    <Button
                      aria-label={t('delete')}
                      icon={<DeleteOutlined />}
                      onClick={() => removeBand(b.name)}
                    />
                  </Col>
                </Row>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ color: 'blue', min: 0 })}>
                {t('bands')}
              </Button>
            </>
          )}
        </Form.List>
        <Space style={{ marginTop: 16 }}>
          <Button onClick={() => void run()} loading={preview.isPending}>
            {t('preview')}
          </Button>
          <Button
            type="primary"
            loading={save.isPending}
            data-testid="save-model"
            onClick={() =>
              values().then((body) =>
                save.mutate(
                  { id: model?.id, model: body },
                  {
                    onSuccess: () => {
                      void message.success(t('saved'));
                      onClose();
                    },
                    onError: (e) => void message.error(e.message),
                  },
                ),
              )
            }
          >
            {t('save')}
          </Button>
          {model && !model.builtin && (
            <Popconfirm
              title={t('confirmDelete')}
              onConfirm={() => remove.mutate(model.id, { onSuccess: onClose })}
            >
              <Button danger>{t('delete')}</Button>
            </Popconfirm>
          )}
        </Space>
      </Form>
      {preview.error && <ErrorState error={preview.error} />}
      {preview.data && <PreviewResult preview={preview.data} />}
    </Card>
  );
}

/** A preview's status distribution and the accounts whose status would change. */
function PreviewResult({ preview }: { preview: HealthPreview }) {
  const { t, locale } = useI18n();
  const label = useLabel();
  return (
    <Row gutter={16} style={{ marginTop: 16 }} data-testid="model-preview">
      <Col span={12}>
        <Typography.Text strong>{t('distribution')}</Typography.Text>
        <Chart
          label={t('distribution')}
          style={{ height: 220 }}
          option={{
            tooltip: {},
            grid: { left: 40, right: 16, top: 16, bottom: 24 },
            xAxis: {
              type: 'category',
              data: preview.distribution.map((d) => label(d.label, d.status ?? t('noStatus'))),
            },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              {
                type: 'bar',
                label: { show: true, position: 'top' },
                data: preview.distribution.map((d) => ({
                  value: d.count,
                  itemStyle: { color: statusColor(d.color) },
                })),
              },
            ],
          }}
        />
      </Col>
      <Col span={12}>
        <Typography.Text strong>
          {t('movers')}: {formatNumber(preview.changes.total, locale)}
        </Typography.Text>
        <Table
          size="small"
          scroll={{ x: 'max-content' }}
          rowKey="accountId"
          pagination={{ pageSize: 6 }}
          dataSource={preview.changes.items}
          columns={[
            { title: t('name'), dataIndex: 'name' },
            {
              title: t('from'),
              render: (_, r) => `${r.before.status ?? '—'} ${formatNumber(r.before.score, locale)}`,
            },
            {
              title: t('to'),
              render: (_, r) => `${r.after.status ?? '—'} ${formatNumber(r.after.score, locale)}`,
            },
          ]}
        />
      </Col>
    </Row>
  );
}

/** The model as a preview body with some parts replaced (proposed bands or dimensions). */
const previewBody = (m: HealthModel, over: Partial<Pick<HealthModel, 'bands' | 'dimensions'>>) => ({
  key: m.key,
  name: m.name,
  selector: m.selector,
  dimensions: over.dimensions ?? m.dimensions,
  bands: over.bands ?? m.bands,
  sentiment: m.sentiment,
  hysteresis: m.hysteresis,
});

/** A proposed change to the model: preview who would move, then apply it. */
function PreviewThenApply({
  model,
  change,
  what,
  labels: [previewLabel, applyLabel, appliedLabel],
}: {
  model: HealthModel;
  change: Partial<Pick<HealthModel, 'bands' | 'dimensions'>>;
  what: 'thresholds' | 'weights';
  labels: [MessageKey, MessageKey, MessageKey];
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { preview, save } = useHealthModelMutations();
  return (
    <>
      <Space wrap style={{ marginTop: 12 }}>
        <Button
          data-testid={`preview-${what}`}
          loading={preview.isPending}
          onClick={() => preview.mutate(previewBody(model, change))}
        >
          {t(previewLabel)}
        </Button>
        <Button
          type="primary"
          data-testid={`apply-${what}`}
          disabled={!preview.data}
          loading={save.isPending}
          onClick={() =>
            save.mutate(
              { id: model.id, model: change },
              {
                onSuccess: () => {
                  preview.reset();
                  void message.success(t(appliedLabel));
                },
                onError: (e) => void message.error(e.message),
              },
            )
          }
        >
          {t(applyLabel)}
        </Button>
      </Space>
      {preview.error && <ErrorState error={preview.error} />}
      {preview.data && <PreviewResult preview={preview.data} />}
    </>
  );
}

function Backtest({ model }: { model: HealthModel }) {
  const { t, locale } = useI18n();
  const label = useLabel();
  const calibration = useCalibrationQuery({ model: model.id });
  return (
    <Card title={t('backtest')} data-testid="backtest">
      <QueryView query={calibration}>
        {(c) => (
          <>
            <Row gutter={16}>
              <Col xs={24} md={10}>
                <Descriptions size="small" column={1}>
                  <Descriptions.Item label={t('hmModel')}>{c.model.name}</Descriptions.Item>
                  <Descriptions.Item label={t('renewed')}>{c.backtest.renewed}</Descriptions.Item>
                  <Descriptions.Item label={t('churned')}>{c.backtest.churned}</Descriptions.Item>
                  <Descriptions.Item label="AUC">{formatNumber(c.backtest.auc, locale, 2)}</Descriptions.Item>
                </Descriptions>
              </Col>
              <Col xs={24} md={14}>
                <Table
                  size="small"
                  scroll={{ x: 'max-content' }}
                  pagination={false}
                  rowKey="k"
                  dataSource={[
                    { k: 'current', name: t('currentBands'), bands: c.currentBands, ...c.backtest.current },
                    {
                      k: 'proposed',
                      name: t('proposedBands'),
                      bands: c.proposedBands,
                      ...c.backtest.proposed,
                    },
                  ]}
                  columns={[
                    { title: '', dataIndex: 'name' },
                    {
                      title: t('bands'),
                      // No proposal without enough renewal outcomes.
                      render: (_, r) =>
                        (r.bands ?? []).map((b: Band) => (
                          <Tag key={b.key} color={statusColor(b.color)}>
                            {label(b.label, b.key)} ≥ {b.min}
                          </Tag>
                        )),
                    },
                    { title: t('flagged'), dataIndex: 'flagged', align: 'right' },
                    {
                      title: t('precision'),
                      dataIndex: 'precision',
                      align: 'right',
                      render: (v: number | null) => formatPercent(v, locale),
                    },
                    {
                      title: t('recall'),
                      dataIndex: 'recall',
                      align: 'right',
                      render: (v: number | null) => formatPercent(v, locale),
                    },
                  ]}
                />
              </Col>
            </Row>
            {c.proposedBands && (
              <PreviewThenApply
                model={model}
                change={{ bands: c.proposedBands }}
                what="thresholds"
                labels={['hmPreviewThresholds', 'hmApplyThresholds', 'hmThresholdsApplied']}
              />
            )}
          </>
        )}
      </QueryView>
    </Card>
  );
}

function FitWeightsCard({ model }: { model: HealthModel }) {
  const { t, locale } = useI18n();
  const [daysBefore, setDaysBefore] = useState(90);
  const fit = useFitWeightsQuery({ model: model.id, daysBefore });
  const pct = (v: number | null) => formatPercent(v, locale);
  return (
    <Card
      title={t('hmFitWeights')}
      data-testid="fit-weights"
      extra={
        <Space>
          {t('hmDaysBefore')}
          <Select
            size="small"
            value={daysBefore}
            onChange={setDaysBefore}
            options={[30, 60, 90, 180].map((d) => ({ value: d, label: d }))}
          />
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('hmFitWeightsHint')}</Typography.Paragraph>
      <QueryView query={fit}>
        {(f) => (
          <>
            {f.reason && <Alert type="warning" showIcon title={f.reason} data-testid="fit-reason" />}
            <Table
              size="small"
              scroll={{ x: 'max-content' }}
              pagination={false}
              rowKey={(r) => `${r.dimension}/${r.key}`}
              dataSource={f.components}
              style={{ marginTop: 8 }}
              columns={[
                { title: t('hmComponent'), dataIndex: 'name' },
                { title: t('hmObserved'), dataIndex: 'observed', align: 'right' },
                { title: t('hmCurrentShare'), dataIndex: 'currentShare', align: 'right', render: pct },
                { title: t('hmProposedShare'), dataIndex: 'proposedShare', align: 'right', render: pct },
                {
                  title: t('hmCoefficient'),
                  dataIndex: 'coefficient',
                  align: 'right',
                  render: (v: number | null) => formatNumber(v, locale, 4),
                },
              ]}
            />
            <Table
              size="small"
              scroll={{ x: 'max-content' }}
              pagination={false}
              rowKey="k"
              style={{ marginTop: 12 }}
              data-testid="fit-backtest"
              dataSource={[
                {
                  k: 'before',
                  name: t('hmBefore'),
                  cv: f.backtest.crossValidated.before,
                  ...f.backtest.before,
                },
                ...(f.backtest.after
                  ? [
                      {
                        k: 'after',
                        name: t('hmAfter'),
                        cv: f.backtest.crossValidated.after,
                        ...f.backtest.after,
                      },
                    ]
                  : []),
              ]}
              columns={[
                {
                  title: `${t('hmOutcomes')}: ${f.outcomes.renewed} / ${f.outcomes.churned}`,
                  dataIndex: 'name',
                },
                { title: 'AUC', dataIndex: 'auc', align: 'right', render: (v) => formatNumber(v, locale, 3) },
                {
                  title: t('hmAucCv'),
                  dataIndex: 'cv',
                  align: 'right',
                  render: (v) => formatNumber(v, locale, 3),
                },
                { title: t('flagged'), dataIndex: 'flagged', align: 'right' },
                { title: t('precision'), dataIndex: 'precision', align: 'right', render: pct },
                { title: t('recall'), dataIndex: 'recall', align: 'right', render: pct },
              ]}
            />
            {f.proposed && (
              <PreviewThenApply
                model={model}
                change={{ dimensions: f.proposed.dimensions }}
                what="weights"
                labels={['hmPreviewWeights', 'hmApplyWeights', 'hmWeightsApplied']}
              />
            )}
          </>
        )}
      </QueryView>
    </Card>
  );
}
