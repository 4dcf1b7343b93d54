import { DownOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Dropdown, Form, Input, Modal, Select, Space, Tag } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { type StateOverride, useOverrideMutations, useStateOverridesQuery } from '../../api/actions.ts';
import { useStagesQuery, useTieringSchemesQuery } from '../../api/hooks.ts';
import type { Account } from '../../api/types.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { tiersOf } from '../accounts/conditions.ts';
import { showFieldErrors } from './form-errors.ts';
import { tierName } from './labels.ts';
import { SentimentModal } from './SentimentForm.tsx';

type Kind = 'stage' | 'tier';
type OverrideForm = { value: string; reason: string; expiresOn?: Dayjs | null };

/** The manual tier and stage of the account as tags: value, until when, and why (on hover). */
export function OverrideTags({ accountId }: { accountId: string }) {
  const { t } = useI18n();
  const overrides = useStateOverridesQuery(accountId);
  const stages = useStagesQuery();
  const data = overrides.data;
  if (!data) return null;
  return (
    <>
      {data.items.map((o) => {
        const expired = o.expiresOn !== null && o.expiresOn < data.today;
        const value =
          o.kind === 'tier'
            ? tierName(t, o.value)
            : (stages.data?.items.find((s) => s.key === o.value)?.name ?? o.value);
        return (
          <Tag
            key={o.kind}
            color={expired ? 'default' : 'gold'}
            title={`${t('actReason')}: ${o.reason}`}
            data-testid={`override-${o.kind}`}
          >
            {t(o.kind === 'tier' ? 'actManualTier' : 'actManualStage')}: {value}
            {o.expiresOn ? ` · ${t(expired ? 'actExpired' : 'actUntil', { day: o.expiresOn })}` : ''}
          </Tag>
        );
      })}
    </>
  );
}

/**
 * The Account 360 actions menu: stage and tier by hand (reason, optional last day) and their
 * removal, for roles that may update the account; CSM sentiment for roles that may write notes.
 */
export function AccountActions({ account }: { account: Account }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { can } = useSession();
  const overrides = useStateOverridesQuery(account.id);
  const { remove } = useOverrideMutations(account.id);
  const [editing, setEditing] = useState<Kind | null>(null);
  const [sentiment, setSentiment] = useState(false);
  const mayOverride = can('accounts:update', account);
  const maySentiment = can('notes:write', account);
  if (!mayOverride && !maySentiment) return null;
  const current = (kind: Kind) => overrides.data?.items.find((o) => o.kind === kind);
  const confirmRemove = (kind: Kind) =>
    modal.confirm({
      title: t(kind === 'tier' ? 'actRemoveTierOverride' : 'actRemoveStageOverride'),
      content: t('actRemoveOverrideConfirm'),
      okText: t('actConfirm'),
      cancelText: t('cancel'),
      onOk: () =>
        remove.mutateAsync(kind).then(
          () => void message.success(t('actOverrideRemoved')),
          (e: Error) => void message.error(e.message),
        ),
    });
  const items = [
    ...(mayOverride
      ? [
          { key: 'stage', label: t('actSetStage'), onClick: () => setEditing('stage') },
          { key: 'tier', label: t('actSetTier'), onClick: () => setEditing('tier') },
          ...(current('stage')
            ? [{ key: 'rm-stage', label: t('actRemoveStageOverride'), onClick: () => confirmRemove('stage') }]
            : []),
          ...(current('tier')
            ? [{ key: 'rm-tier', label: t('actRemoveTierOverride'), onClick: () => confirmRemove('tier') }]
            : []),
        ]
      : []),
    ...(maySentiment
      ? [{ key: 'sentiment', label: t('actRecordSentiment'), onClick: () => setSentiment(true) }]
      : []),
  ];
  return (
    <>
      <Dropdown menu={{ items }} trigger={['click']}>
        <Button data-testid="account-actions">
          <Space>
            {t('actActions')}
            <DownOutlined />
          </Space>
        </Button>
      </Dropdown>
      {editing && (
        <OverrideModal
          account={account}
          kind={editing}
          current={current(editing)}
          onClose={() => setEditing(null)}
        />
      )}
      <SentimentModal accountId={account.id} open={sentiment} onClose={() => setSentiment(false)} />
    </>
  );
}

function OverrideModal({
  account,
  kind,
  current,
  onClose,
}: {
  account: Account;
  kind: Kind;
  current: StateOverride | undefined;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<OverrideForm>();
  const { setStage, setTier } = useOverrideMutations(account.id);
  const stages = useStagesQuery();
  const schemes = useTieringSchemesQuery();
  const active = schemes.data?.items.find((s) => s.active);
  const options =
    kind === 'stage'
      ? (stages.data?.items ?? []).map((s) => ({ value: s.key, label: s.name }))
      : (active ? tiersOf(active) : []).map((k) => ({ value: k, label: tierName(t, k) }));
  const saving = setStage.isPending || setTier.isPending;
  const submit = (v: OverrideForm) => {
    const expiresOn = v.expiresOn ? v.expiresOn.format('YYYY-MM-DD') : null;
    const done = {
      onSuccess: () => {
        void message.success(t('actOverrideSaved'));
        onClose();
      },
      onError: (e: Error) => {
        if (!showFieldErrors(form, e, { stage: 'value', tier: 'value' })) void message.error(e.message);
      },
    };
    if (kind === 'stage') setStage.mutate({ stage: v.value, reason: v.reason, expiresOn }, done);
    else setTier.mutate({ tier: v.value, reason: v.reason, expiresOn }, done);
  };
  return (
    <Modal
      open
      title={t(kind === 'stage' ? 'actSetStage' : 'actSetTier')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<OverrideForm>
        name={`${kind}-override`}
        form={form}
        layout="vertical"
        initialValues={{ value: current?.value, reason: current?.reason }}
        onFinish={submit}
      >
        <Form.Item
          name="value"
          label={t(kind === 'stage' ? 'actStage' : 'actTier')}
          rules={[{ required: true, message: t('actFixFields') }]}
        >
          <Select options={options} showSearch={{ optionFilterProp: 'label' }} />
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('actReason')}
          extra={t('actReasonHelp')}
          rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="expiresOn" label={t('actExpiresOn')} extra={t('actExpiresHelp')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
