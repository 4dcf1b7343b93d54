import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router-dom';
import { fieldErrors } from '../../api/actions.ts';
import {
  type Playbook,
  type PlaybookDryRun,
  type PlaybookPlay,
  type UpdatePlaybookInput,
  usePlaybookMutations,
} from '../../api/cockpit.ts';
import { PRIORITIES, TASK_TYPES } from '../../api/tasks.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

type Action = PlaybookPlay['action'];
type PlayForm = {
  key: string;
  name: string;
  everyDays?: number | null;
  when?: string;
  channel: string;
  title?: string;
  taskType?: string;
  priority?: string;
  dueInDays?: number | null;
  subject?: string;
  body?: string;
  /** The stored action, kept for the fields the form does not show (assignee, recipients...). */
  original?: Action;
};
type FormValues = {
  name: string;
  description?: string | null;
  tier?: string | null;
  stages: string[];
  touchEveryDays?: number | null;
  holdoutPct?: number | null;
  enabled: boolean;
  plays: PlayForm[];
};

const CHANNELS = ['create_task', 'email'] as const;

function toForm(p: Playbook): FormValues {
  return {
    name: p.name,
    description: p.description,
    tier: p.tier,
    stages: p.stages,
    touchEveryDays: p.touchEveryDays,
    holdoutPct: p.holdoutPct,
    enabled: p.enabled,
    plays: p.plays.map((raw) => {
      const play = raw as unknown as PlaybookPlay & { whenText?: string };
      const a = play.action as Record<string, unknown>;
      return {
        key: play.key,
        name: play.name,
        everyDays: play.everyDays ?? null,
        when: play.whenText ?? (typeof play.when === 'string' ? play.when : undefined),
        channel: String(a.type),
        title: a.title as string | undefined,
        taskType: a.taskType as string | undefined,
        priority: a.priority as string | undefined,
        dueInDays: (a.dueInDays as number | undefined) ?? null,
        subject: a.subject as string | undefined,
        body: a.body as string | undefined,
        original: play.action,
      };
    }),
  };
}

/** The form back into the update body: the action's hidden fields kept from the stored one. */
function toBody(v: FormValues): UpdatePlaybookInput {
  return {
    name: v.name,
    description: v.description || null,
    tier: v.tier || null,
    stages: v.stages ?? [],
    touchEveryDays: v.touchEveryDays || null,
    holdoutPct: v.holdoutPct ?? 0,
    enabled: v.enabled,
    plays: (v.plays ?? []).map((p) => {
      const o = (p.original ?? {}) as Record<string, unknown>;
      let action: Record<string, unknown>;
      if (p.channel === 'create_task') {
        action = {
          assignee: { role: 'owner' },
          ...(o.type === 'create_task' ? o : {}),
          type: 'create_task',
          title: p.title ?? '',
          taskType: p.taskType,
          priority: p.priority,
          dueInDays: p.dueInDays ?? undefined,
        };
      } else if (p.channel === 'email') {
        action = {
          to: { role: 'owner' },
          ...(o.type === 'email' ? o : {}),
          type: 'email',
          subject: p.subject ?? '',
          body: p.body ?? '',
        };
      } else action = o;
      return {
        key: p.key,
        name: p.name,
        ...(p.everyDays ? { everyDays: p.everyDays } : {}),
        ...(p.when?.trim() ? { when: p.when.trim() } : {}),
        action: action as Action,
      };
    }),
  };
}

/** The playbook's editor in a drawer: cadences, plays and their channels, with a dry run of the edits. */
export function PlaybookEditor({
  playbook,
  editable,
  tiers,
  stages,
  onClose,
}: {
  playbook: Playbook;
  editable: boolean;
  tiers: { value: string; label: string }[];
  stages: { value: string; label: string }[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const { update, dryRun } = usePlaybookMutations();
  // The API names a play's field as `plays.0.condition` / `plays.0.action.title`: beside that
  // play's input; anything else as a message.
  const showErrors = (e: unknown) => {
    const fields = fieldErrors(e).flatMap((issue) => {
      const parts = issue.path.split('.');
      if (parts[0] === 'plays' && parts[1] !== undefined) {
        const leaf =
          parts[2] === 'condition' ? 'when' : parts[2] === 'action' ? (parts[3] ?? 'title') : parts[2];
        return leaf ? [{ name: ['plays', Number(parts[1]), leaf], errors: [issue.message] }] : [];
      }
      return [{ name: [parts[0]!], errors: [issue.message] }];
    });
    if (fields.length) form.setFields(fields as never);
    void message.error(e instanceof Error ? e.message : String(e));
  };
  const runDry = async () => {
    const v = await form.validateFields();
    dryRun.mutate({ id: playbook.id, draft: toBody(v) }, { onError: showErrors });
  };
  const save = async () => {
    const v = await form.validateFields();
    update.mutate(
      { id: playbook.id, body: toBody(v) },
      {
        onSuccess: () => {
          void message.success(t('pb.saved'));
          onClose();
        },
        onError: showErrors,
      },
    );
  };
  return (
    <Drawer
      open
      size="large"
      title={t('pb.editTitle', { name: playbook.name })}
      onClose={onClose}
      data-testid="playbook-editor"
      styles={{ wrapper: { maxWidth: '100vw' } }}
      extra={
        editable ? (
          <Space>
            <Button data-testid="playbook-dry-run" loading={dryRun.isPending} onClick={() => void runDry()}>
              {t('pb.dryRun')}
            </Button>
            <Button
              type="primary"
              data-testid="playbook-save"
              loading={update.isPending}
              onClick={() => void save()}
            >
              {t('save')}
            </Button>
          </Space>
        ) : null
      }
    >
      <Form<FormValues> form={form} layout="vertical" initialValues={toForm(playbook)} disabled={!editable}>
        <Form.Item name="name" label={t('pb.name')} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="description" label={t('pb.description')}>
          <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="tier" label={t('pb.tier')} style={{ minWidth: 180 }}>
            <Select allowClear placeholder={t('pb.anyTier')} options={tiers} aria-label={t('pb.tier')} />
          </Form.Item>
          <Form.Item name="stages" label={t('pb.stages')} style={{ minWidth: 260 }}>
            <Select
              mode="multiple"
              allowClear
              placeholder={t('pb.allStages')}
              options={stages}
              aria-label={t('pb.stages')}
            />
          </Form.Item>
          <Form.Item name="touchEveryDays" label={t('pb.touchDays')} tooltip={t('pb.touchDaysHint')}>
            <InputNumber
              min={1}
              max={3650}
              placeholder="—"
              data-testid="playbook-touch"
              aria-label={t('pb.touchDays')}
            />
          </Form.Item>
          <Form.Item
            name="holdoutPct"
            label={t('pb.holdout')}
            tooltip={t('pb.holdoutHelp')}
            rules={[{ type: 'integer', min: 0, max: 50 }]}
          >
            <InputNumber
              min={0}
              max={50}
              precision={0}
              data-testid="playbook-holdout"
              aria-label={t('pb.holdout')}
            />
          </Form.Item>
          <Form.Item name="enabled" label={t('pb.enabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Typography.Title level={5}>{t('pb.plays')}</Typography.Title>
        <Form.List name="plays">
          {(fields, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {fields.map((f, i) => (
                <Card
                  key={f.key}
                  size="small"
                  title={t('pb.play', { n: i + 1 })}
                  extra={
                    editable ? (
                      <Button
                        size="small"
                        icon={<DeleteOutlined />}
                        aria-label={t('pb.removePlay')}
                        title={t('pb.removePlay')}
                        onClick={() => remove(f.name)}
                      />
                    ) : null
                  }
                >
                  <Space wrap align="start">
                    <Form.Item name={[f.name, 'key']} label={t('pb.playKey')} rules={[{ required: true }]}>
                      <Input style={{ width: 140 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'name']} label={t('pb.playName')} rules={[{ required: true }]}>
                      <Input style={{ width: 260 }} />
                    </Form.Item>
                    <Form.Item
                      name={[f.name, 'everyDays']}
                      label={t('pb.everyDays')}
                      tooltip={t('pb.everyDaysHint')}
                    >
                      <InputNumber min={1} max={3650} data-testid={`play-every-${i}`} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'channel']} label={t('pb.channel')}>
                      <Select
                        style={{ width: 160 }}
                        options={[
                          ...CHANNELS.map((c) => ({ value: c, label: t(`action.${c}` as MessageKey) })),
                          ...(form.getFieldValue(['plays', f.name, 'channel']) &&
                          !CHANNELS.includes(form.getFieldValue(['plays', f.name, 'channel']))
                            ? [
                                {
                                  value: form.getFieldValue(['plays', f.name, 'channel']) as string,
                                  label: enumLabel(
                                    'action',
                                    form.getFieldValue(['plays', f.name, 'channel']),
                                  ),
                                },
                              ]
                            : []),
                        ]}
                      />
                    </Form.Item>
                  </Space>
                  <Form.Item name={[f.name, 'when']} label={t('pb.when')} extra={t('pb.whenHint')}>
                    <Input.TextArea
                      autoSize={{ minRows: 1, maxRows: 3 }}
                      style={{ fontFamily: 'monospace' }}
                    />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const channel = form.getFieldValue(['plays', f.name, 'channel']);
                      if (channel === 'create_task')
                        return (
                          <Space wrap align="start">
                            <Form.Item
                              name={[f.name, 'title']}
                              label={t('pb.taskTitle')}
                              rules={[{ required: true }]}
                            >
                              <Input style={{ width: 320, maxWidth: '80vw' }} />
                            </Form.Item>
                            <Form.Item name={[f.name, 'taskType']} label={t('pb.taskType')}>
                              <Select
                                style={{ width: 140 }}
                                options={TASK_TYPES.map((x) => ({
                                  value: x,
                                  label: t(`type_${x}` as MessageKey),
                                }))}
                              />
                            </Form.Item>
                            <Form.Item name={[f.name, 'priority']} label={t('pb.priority')}>
                              <Select
                                style={{ width: 90 }}
                                options={PRIORITIES.map((x) => ({ value: x, label: x }))}
                              />
                            </Form.Item>
                            <Form.Item name={[f.name, 'dueInDays']} label={t('pb.dueInDays')}>
                              <InputNumber min={0} max={365} />
                            </Form.Item>
                          </Space>
                        );
                      if (channel === 'email')
                        return (
                          <>
                            <Form.Item
                              name={[f.name, 'subject']}
                              label={t('pb.emailSubject')}
                              rules={[{ required: true }]}
                            >
                              <Input />
                            </Form.Item>
                            <Form.Item
                              name={[f.name, 'body']}
                              label={t('pb.emailBody')}
                              rules={[{ required: true }]}
                            >
                              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
                            </Form.Item>
                          </>
                        );
                      return <Typography.Text type="secondary">{t('pb.otherChannel')}</Typography.Text>;
                    }}
                  </Form.Item>
                </Card>
              ))}
              {editable && (
                <Button
                  icon={<PlusOutlined />}
                  onClick={() =>
                    add({
                      key: `play_${fields.length + 1}`,
                      name: '',
                      channel: 'create_task',
                      taskType: 'other',
                      priority: 'P2',
                      dueInDays: 7,
                    })
                  }
                >
                  {t('pb.addPlay')}
                </Button>
              )}
            </Space>
          )}
        </Form.List>
      </Form>
      {editable && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
          {t('pb.dryRunHint')}
        </Typography.Paragraph>
      )}
      {dryRun.data && <DryRunResult key={dryRun.submittedAt} result={dryRun.data} />}
    </Drawer>
  );
}

function DryRunResult({ result }: { result: PlaybookDryRun }) {
  const { t } = useI18n();
  // The result lands below the form: bring it into view (remounted per dry run by its key).
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, []);
  return (
    <Card
      ref={ref}
      size="small"
      data-testid="playbook-dry-run-result"
      title={t('pb.dryRunResult', { day: result.day, covered: result.covered })}
    >
      {result.plays.length === 0 && <Alert type="info" title={t('pb.empty')} />}
      {result.plays.map((p) => (
        <div key={p.play} style={{ marginBottom: 16 }} data-testid={`dry-run-play-${p.play}`}>
          <Descriptions
            size="small"
            title={p.name}
            column={{ xs: 1, sm: 3 }}
            items={[
              { key: 'm', label: t('pb.matched'), children: p.matched },
              {
                key: 'w',
                label: t('pb.wouldAct'),
                children: <strong data-testid="would-act">{p.wouldAct}</strong>,
              },
              { key: 's', label: t('pb.skipped'), children: t('pb.skippedDetail', p.skipped) },
            ]}
          />
          {p.items.length > 0 && (
            <Table
              size="small"
              rowKey="accountId"
              pagination={false}
              scroll={{ x: 'max-content' }}
              dataSource={p.items}
              columns={[
                {
                  title: t('pb.account'),
                  dataIndex: 'name',
                  render: (v: string, r) => <Link to={`/accounts/${r.accountId}`}>{v}</Link>,
                },
                {
                  title: t('pb.status'),
                  dataIndex: 'outcome',
                  render: (v: string) => (
                    <Tag color={v === 'act' ? 'green' : v === 'holdout' ? 'purple' : undefined}>
                      {t(`pb.outcome_${v}` as MessageKey)}
                    </Tag>
                  ),
                },
                { title: t('pb.why'), dataIndex: 'reason' },
                {
                  title: t('pb.what'),
                  key: 'what',
                  render: (_: unknown, r) => r.actions.map((a) => a.summary).join('; '),
                },
              ]}
            />
          )}
        </div>
      ))}
    </Card>
  );
}
