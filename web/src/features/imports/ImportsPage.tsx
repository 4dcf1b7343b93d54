import { InboxOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Input,
  Progress,
  Result,
  Select,
  Space,
  Steps,
  Table,
  Tabs,
  Tag,
  Typography,
  Upload,
} from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, api, apiUpload, get } from '../../api/client.ts';
import type { Schemas } from '../../api/types.ts';
import { ErrorState, QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

type Entity = Schemas['ImportRun']['entity'];
type Preview = Schemas['ImportPreview'];
type Report = NonNullable<Schemas['ImportReport']>;
type Run = Schemas['ImportRun'];
type Mapping = Schemas['ImportMapping'];

const ENTITIES: Entity[] = ['accounts', 'contacts', 'contracts', 'tickets'];

/** The file's format and encoding as a sentence: "UTF-8 with BOM, comma-separated". */
function useFileLabel() {
  const { t } = useI18n();
  return (file: Report['file']) => {
    if (file.format === 'xlsx') return t('importsFormatXlsx');
    const enc = t(`importsEnc_${(file.encoding ?? 'utf-8').replace(/-/g, '')}` as MessageKey);
    const delim =
      file.delimiter === '\t'
        ? t('importsDelimTab')
        : file.delimiter === ';'
          ? t('importsDelimSemicolon')
          : t('importsDelimComma');
    return `CSV · ${enc} · ${delim}`;
  };
}

/** Guided import: upload, map columns, dry run, import with progress, summary; and the history. */
export default function ImportsPage() {
  const { t } = useI18n();
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('importsTitle')}
        </Typography.Title>
      }
    >
      <Tabs
        items={[
          { key: 'new', label: t('importsTabNew'), children: <GuidedImport /> },
          { key: 'history', label: t('importsTabHistory'), children: <History /> },
        ]}
      />
    </Card>
  );
}

function GuidedImport() {
  const { t } = useI18n();
  const [step, setStep] = useState(0);
  const [entity, setEntity] = useState<Entity>('accounts');
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<Preview>();
  const [map, setMap] = useState<Record<string, string>>({});
  const [dateFormat, setDateFormat] = useState<'DMY' | 'MDY' | undefined>();
  const [dry, setDry] = useState<Report>();
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [runId, setRunId] = useState<string>();
  const [error, setError] = useState<unknown>();

  const query = () => ({
    map: Object.entries(map)
      .filter(([, f]) => f)
      .map(([c, f]) => `${c}=${f}`)
      .join(','),
    ...(dateFormat ? { dateFormat } : {}),
    fileName: file?.name ?? '',
  });

  const upload = useMutation({
    mutationFn: (f: File) => apiUpload<Preview>(`/imports/${entity}/preview`, f),
    onSuccess: (p) => {
      setPreview(p);
      setMap(Object.fromEntries(p.headers.map((h) => [h.column, h.suggested ?? ''])));
      setError(undefined);
      setStep(1);
    },
    onError: setError,
  });
  const dryRun = useMutation({
    mutationFn: () => apiUpload<Report>(`/imports/${entity}`, file!, { ...query(), dryRun: 'true' }),
    onSuccess: (r) => {
      setDry(r);
      setError(undefined);
      setStep(2);
    },
    onError: setError,
  });
  const run = useMutation({
    mutationFn: () =>
      apiUpload<{ runId: string }>(`/imports/${entity}`, file!, {
        ...query(),
        async: 'true',
        ...(skipInvalid ? { skipInvalid: 'true' } : {}),
      }),
    onSuccess: (r) => {
      setRunId(r.runId);
      setError(undefined);
      setStep(3);
    },
    onError: setError,
  });

  const restart = () => {
    setStep(0);
    setFile(undefined);
    setPreview(undefined);
    setDry(undefined);
    setRunId(undefined);
    setSkipInvalid(false);
    setError(undefined);
  };

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Steps
        current={step}
        size="small"
        responsive
        items={[
          { title: t('importsStepUpload') },
          { title: t('importsStepMap') },
          { title: t('importsStepCheck') },
          { title: t('importsStepImport') },
          { title: t('importsStepDone') },
        ]}
      />
      {error !== undefined && <ErrorState error={error} />}
      {step === 0 && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Typography.Text>{t('importsWhat')}</Typography.Text>
            <Select
              aria-label={t('importsWhat')}
              value={entity}
              onChange={setEntity}
              style={{ minWidth: 160 }}
              options={ENTITIES.map((e) => ({ value: e, label: t(`importsEntity_${e}` as MessageKey) }))}
            />
          </Space>
          <Upload.Dragger
            accept=".xlsx,.csv,.txt,.tsv"
            multiple={false}
            showUploadList={false}
            beforeUpload={(f) => {
              setFile(f);
              upload.mutate(f);
              return false;
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('importsDrop')}</p>
            <p className="ant-upload-hint">{t('importsDropHint')}</p>
          </Upload.Dragger>
        </Space>
      )}
      {step === 1 && preview && (
        <MapStep
          entity={entity}
          preview={preview}
          fileName={file?.name ?? ''}
          map={map}
          setMap={setMap}
          dateFormat={dateFormat}
          setDateFormat={setDateFormat}
          onBack={restart}
          onNext={() => dryRun.mutate()}
          busy={dryRun.isPending}
        />
      )}
      {step === 2 && dry && (
        <Space direction="vertical" style={{ width: '100%' }}>
          <ReportView report={dry} />
          {dry.invalid > 0 && (
            <Checkbox checked={skipInvalid} onChange={(e) => setSkipInvalid(e.target.checked)}>
              {t('importsSkipInvalid')}
            </Checkbox>
          )}
          <Space wrap>
            <Button onClick={() => setStep(1)}>{t('importsBack')}</Button>
            <Button
              type="primary"
              loading={run.isPending}
              disabled={dry.invalid > 0 && !skipInvalid}
              onClick={() => run.mutate()}
            >
              {t('importsRun')}
            </Button>
          </Space>
        </Space>
      )}
      {step >= 3 && runId && <RunProgress runId={runId} onDone={() => setStep(4)} onRestart={restart} />}
    </Space>
  );
}

function MapStep(props: {
  entity: Entity;
  preview: Preview;
  fileName: string;
  map: Record<string, string>;
  setMap: (m: Record<string, string>) => void;
  dateFormat: 'DMY' | 'MDY' | undefined;
  setDateFormat: (d: 'DMY' | 'MDY' | undefined) => void;
  onBack: () => void;
  onNext: () => void;
  busy: boolean;
}) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const fileLabel = useFileLabel();
  const client = useQueryClient();
  const [saveName, setSaveName] = useState('');
  const { entity, preview, map, setMap } = props;
  const mappings = useQuery({
    queryKey: ['import-mappings', entity],
    queryFn: () => get<{ items: Mapping[] }>('/imports/mappings', { entity }),
  });
  const save = useMutation({
    mutationFn: () =>
      api<Mapping>('POST', '/imports/mappings', {
        body: {
          entity,
          name: saveName.trim(),
          map: Object.fromEntries(Object.entries(map).filter(([, f]) => f)),
          ...(props.dateFormat ? { dateFormat: props.dateFormat } : {}),
        },
      }),
    onSuccess: () => {
      void message.success(t('importsSaved'));
      void client.invalidateQueries({ queryKey: ['import-mappings'] });
    },
    onError: (e) => void message.error(e instanceof ApiError ? e.message : String(e)),
  });
  const fieldLabel = (f: Preview['fields'][number]) =>
    f.field.startsWith('cf.') ? f.help : t(`imf_${entity}_${f.field}` as MessageKey);
  const options = [
    { value: '', label: t('importsIgnore') },
    ...preview.fields.map((f) => ({
      value: f.field,
      label: `${fieldLabel(f)}${f.required ? ` (${t('importsRequired')})` : ''}`,
    })),
  ];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered>
        <Descriptions.Item label={t('importsFile')}>{props.fileName}</Descriptions.Item>
        <Descriptions.Item label={t('importsRows')}>
          {fileLabel(preview.file)} · {t('importsRowsFound', { n: preview.rows })}
        </Descriptions.Item>
      </Descriptions>
      <Space wrap>
        <Select
          allowClear
          placeholder={t('importsApplyMapping')}
          aria-label={t('importsApplyMapping')}
          style={{ minWidth: 220 }}
          options={(mappings.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))}
          onChange={(id) => {
            const m = mappings.data?.items.find((x) => x.id === id);
            if (!m) return;
            setMap(Object.fromEntries(preview.headers.map((h) => [h.column, m.map[h.column] ?? ''])));
            props.setDateFormat(m.dateFormat);
          }}
        />
        <Space.Compact>
          <Input
            placeholder={t('importsSaveAs')}
            aria-label={t('importsSaveAs')}
            value={saveName}
            onChange={(e) => setSaveName(e.target.value)}
            style={{ width: 200 }}
          />
          <Button disabled={!saveName.trim()} loading={save.isPending} onClick={() => save.mutate()}>
            {t('importsSave')}
          </Button>
        </Space.Compact>
      </Space>
      <Table
        size="small"
        rowKey="column"
        pagination={false}
        scroll={{ x: 560 }}
        dataSource={preview.headers}
        columns={[
          { title: t('importsColumn'), dataIndex: 'column', width: 180 },
          {
            title: t('importsField'),
            key: 'field',
            width: 240,
            render: (_, h) => (
              <Select
                aria-label={h.column}
                style={{ width: '100%' }}
                value={map[h.column] ?? ''}
                options={options}
                onChange={(v) => setMap({ ...map, [h.column]: v })}
              />
            ),
          },
          {
            title: t('importsSamples'),
            key: 'samples',
            render: (_, h) => (
              <Typography.Text type="secondary" ellipsis>
                {h.samples.slice(0, 3).join(' · ')}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Space wrap>
        <Typography.Text>{t('importsDateOrder')}</Typography.Text>
        <Select
          aria-label={t('importsDateOrder')}
          style={{ minWidth: 200 }}
          value={props.dateFormat ?? 'auto'}
          onChange={(v) => props.setDateFormat(v === 'auto' ? undefined : (v as 'DMY' | 'MDY'))}
          options={[
            { value: 'auto', label: t('importsDateAuto') },
            { value: 'DMY', label: t('importsDateDMY') },
            { value: 'MDY', label: t('importsDateMDY') },
          ]}
        />
      </Space>
      <Space wrap>
        <Button onClick={props.onBack}>{t('importsBack')}</Button>
        <Button type="primary" loading={props.busy} onClick={props.onNext}>
          {t('importsRunDry')}
        </Button>
      </Space>
    </Space>
  );
}

function ReportView({ report, done = false }: { report: Report; done?: boolean }) {
  const { t } = useI18n();
  const fileLabel = useFileLabel();
  const d = report.dateOrder;
  const order = d.order === 'DMY' ? t('importsDayFirst') : t('importsMonthFirst');
  const source =
    d.source === 'file'
      ? t('importsDatesFile')
      : d.source === 'option'
        ? t('importsDatesOption')
        : t('importsDatesDefault');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 4 }} bordered title={t('importsSummary')}>
        <Descriptions.Item label={t('importsFile')}>{fileLabel(report.file)}</Descriptions.Item>
        <Descriptions.Item label={t('importsRows')}>{report.rows}</Descriptions.Item>
        <Descriptions.Item label={t('importsValid')}>{report.valid}</Descriptions.Item>
        <Descriptions.Item label={t('importsInvalid')}>
          {report.invalid > 0 ? <Tag color="red">{report.invalid}</Tag> : 0}
        </Descriptions.Item>
        <Descriptions.Item label={done ? t('importsCreated') : t('importsToCreate')}>
          {report.created}
        </Descriptions.Item>
        <Descriptions.Item label={done ? t('importsUpdated') : t('importsToUpdate')}>
          {report.updated}
        </Descriptions.Item>
        <Descriptions.Item label={t('importsUnchanged')}>{report.unchanged}</Descriptions.Item>
        <Descriptions.Item label={t('importsMerged')}>{report.merged}</Descriptions.Item>
        <Descriptions.Item label={t('importsSkipped')}>
          {t('importsSkippedDetail', { blank: report.skipped.blank, total: report.skipped.total })}
        </Descriptions.Item>
        <Descriptions.Item label={t('importsDates')} span={3}>
          {t('importsDatesRead', { order })} ({source})
        </Descriptions.Item>
      </Descriptions>
      {d.ambiguous > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('importsAmbiguous', { n: d.ambiguous, example: d.example ?? '' })}
        />
      )}
      {d.dayFirst > 0 && d.monthFirst > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('importsMixed', { day: d.dayFirst, month: d.monthFirst })}
        />
      )}
      {report.errors.length > 0 ? (
        <Table
          size="small"
          title={() => t('importsErrors')}
          rowKey={(e) => `${e.line}:${e.field ?? ''}:${e.message}`}
          dataSource={report.errors}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 640 }}
          columns={[
            { title: t('importsLine'), dataIndex: 'line', width: 70 },
            {
              title: t('importsColumn'),
              key: 'column',
              width: 140,
              render: (_, e) => e.column ?? e.field ?? '',
            },
            { title: t('importsValue'), dataIndex: 'value', width: 160 },
            { title: t('importsProblem'), dataIndex: 'message' },
          ]}
        />
      ) : (
        !done && <Alert type="success" showIcon message={t('importsNoErrors')} />
      )}
      {report.invalid > report.errors.length && report.errors.length > 0 && (
        <Typography.Text type="secondary">
          {t('importsMoreErrors', { n: report.invalid - report.errors.length })}
        </Typography.Text>
      )}
    </Space>
  );
}

function RunProgress({
  runId,
  onDone,
  onRestart,
}: {
  runId: string;
  onDone: () => void;
  onRestart: () => void;
}) {
  const { t } = useI18n();
  const client = useQueryClient();
  const run = useQuery({
    queryKey: ['import-run', runId],
    queryFn: () => get<Run>(`/imports/runs/${runId}`),
    refetchInterval: (q) => (q.state.data?.status === 'running' || !q.state.data ? 500 : false),
  });
  const status = run.data?.status;
  useEffect(() => {
    if (status && status !== 'running') {
      onDone();
      void client.invalidateQueries({ queryKey: ['import-runs'] });
    }
  }, [status, onDone, client]);
  if (run.error) return <ErrorState error={run.error} onRetry={() => void run.refetch()} />;
  const data = run.data;
  if (!data || data.status === 'running') {
    const p = data?.progress;
    const percent = p?.total ? Math.round((p.done / p.total) * 100) : undefined;
    return (
      <Space direction="vertical" style={{ width: '100%' }}>
        <Typography.Text>
          {t('importsRunning')} {p ? t(`importsPhase_${p.phase}` as MessageKey) : ''}
        </Typography.Text>
        <Progress percent={percent ?? 0} status="active" />
        {/* Stored by the import's worker after each write batch. */}
        {p && (p.total !== undefined || p.done > 0) && (
          <Typography.Text type="secondary" data-testid="import-progress-rows">
            {p.total !== undefined
              ? t('importsProgressOf', { done: p.done.toLocaleString(), total: p.total.toLocaleString() })
              : t('importsProgressRead', { done: p.done.toLocaleString() })}
          </Typography.Text>
        )}
      </Space>
    );
  }
  const report = data.report;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Result
        status={data.status === 'done' ? 'success' : data.status === 'rejected' ? 'warning' : 'error'}
        title={
          data.status === 'done'
            ? t('importsDone')
            : data.status === 'rejected'
              ? t('importsRejected')
              : t('importsFailed')
        }
        subTitle={data.error?.message}
        extra={<Button onClick={onRestart}>{t('importsAnother')}</Button>}
      />
      {report && <ReportView report={report} done={report.committed} />}
    </Space>
  );
}

function History() {
  const { t, locale } = useI18n();
  const runs = useQuery({
    queryKey: ['import-runs'],
    queryFn: () => get<{ items: Run[] }>('/imports/runs'),
  });
  return (
    <QueryView query={runs}>
      {(data) => (
        <Table
          size="small"
          rowKey="id"
          dataSource={data.items}
          scroll={{ x: 720 }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: t('importsWhen'),
              dataIndex: 'createdAt',
              width: 170,
              render: (v: string) =>
                new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
                  new Date(v),
                ),
            },
            {
              title: t('importsWhat'),
              dataIndex: 'entity',
              width: 100,
              render: (e: Entity) => t(`importsEntity_${e}` as MessageKey),
            },
            { title: t('importsFile'), dataIndex: 'fileName', ellipsis: true },
            {
              title: t('importsStatus'),
              key: 'status',
              width: 150,
              render: (_, r) => (
                <Space size={4}>
                  <Tag
                    color={
                      r.status === 'done'
                        ? 'green'
                        : r.status === 'running'
                          ? 'blue'
                          : r.status === 'rejected'
                            ? 'orange'
                            : 'red'
                    }
                  >
                    {t(`importsStatus_${r.status}` as MessageKey)}
                  </Tag>
                  {r.dryRun && <Tag>{t('importsDryRunTag')}</Tag>}
                </Space>
              ),
            },
            {
              title: t('importsResult'),
              key: 'result',
              render: (_, r) =>
                r.report
                  ? `${t('importsRows')} ${r.report.rows} · ${t('importsCreated')} ${r.report.created} · ${t('importsUpdated')} ${r.report.updated} · ${t('importsUnchanged')} ${r.report.unchanged} · ${t('importsInvalid')} ${r.report.invalid}`
                  : (r.error?.message ?? ''),
            },
          ]}
        />
      )}
    </QueryView>
  );
}
