import { EditOutlined, FlagOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import {
  CHURN_REASONS,
  EDITABLE_FORECASTS,
  OPEN_STAGES,
  OUTCOMES,
  type RecordOutcomeInput,
  type Renewal,
  type UpdateRenewalInput,
  useRenewalMutations,
} from '../../api/renewals.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

type EditValues = {
  stage: Renewal['stage'];
  probability: number;
  probabilityReason?: string;
  forecastCategory: string;
  forecastReason?: string;
};

/** Work an open renewal: stage, probability and forecast category (each change with its reason). */
export function EditRenewalButton({ renewal }: { renewal: Renewal }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { update } = useRenewalMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<EditValues>();
  const initialProbability = Math.round(renewal.probability * 100);
  const probability = Form.useWatch('probability', form);
  const category = Form.useWatch('forecastCategory', form);
  const probabilityChanged = probability !== undefined && probability !== initialProbability;
  const categoryChanged = category !== undefined && category !== renewal.forecastCategory;
  return (
    <>
      <Button
        size="small"
        icon={<EditOutlined />}
        aria-label={`${t('editRenewal')} ${renewal.accountName}`}
        onClick={() => setOpen(true)}
      />
      <Modal
        open={open}
        title={`${t('editRenewal')} · ${renewal.accountName}`}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={update.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<EditValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{
            stage: renewal.stage,
            probability: initialProbability,
            forecastCategory: renewal.forecastCategory,
          }}
          onFinish={(v) => {
            const input: UpdateRenewalInput = {};
            if (v.stage !== renewal.stage) input.stage = v.stage as UpdateRenewalInput['stage'];
            if (probabilityChanged) {
              input.probability = v.probability / 100;
              input.probabilityReason = v.probabilityReason;
            }
            if (categoryChanged) {
              input.forecastCategory = v.forecastCategory as UpdateRenewalInput['forecastCategory'];
              input.forecastReason = v.forecastReason;
            }
            if (Object.keys(input).length === 0) {
              setOpen(false);
              return;
            }
            update.mutate(
              { id: renewal.contractId, ...input },
              {
                onSuccess: () => {
                  void message.success(t('saved'));
                  setOpen(false);
                },
                onError: (e) => void message.error(e.message),
              },
            );
          }}
        >
          <Form.Item name="stage" label={t('stage')}>
            <Select options={OPEN_STAGES.map((s) => ({ value: s, label: t(`stage_${s}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="probability" label={`${t('probability')} (%)`}>
            <InputNumber min={0} max={100} precision={0} />
          </Form.Item>
          {probabilityChanged && (
            <Form.Item
              name="probabilityReason"
              label={t('probabilityReason')}
              rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}
            >
              <Input maxLength={1000} />
            </Form.Item>
          )}
          <Form.Item name="forecastCategory" label={t('forecastCategory')}>
            <Select
              options={EDITABLE_FORECASTS.map((s) => ({ value: s, label: t(`forecast_${s}` as MessageKey) }))}
            />
          </Form.Item>
          {categoryChanged && (
            <Form.Item
              name="forecastReason"
              label={t('forecastReason')}
              rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}
            >
              <Input maxLength={1000} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}

type OutcomeValues = {
  outcome: RecordOutcomeInput['outcome'];
  amount?: number;
  churnReason?: RecordOutcomeInput['churnReason'];
  churnNote?: string;
  closedOn?: Dayjs;
};

/** Close a renewal: renewed, expanded or downgraded (the new amount), or churned with a reason code. */
export function RecordOutcomeButton({ renewal }: { renewal: Renewal }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { outcome } = useRenewalMutations();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<OutcomeValues>();
  const kind = Form.useWatch('outcome', form);
  return (
    <>
      <Button
        size="small"
        icon={<FlagOutlined />}
        aria-label={`${t('recordOutcome')} ${renewal.accountName}`}
        onClick={() => setOpen(true)}
      />
      <Modal
        open={open}
        title={`${t('recordOutcome')} · ${renewal.accountName}`}
        okText={t('save')}
        cancelText={t('cancel')}
        confirmLoading={outcome.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form<OutcomeValues>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ outcome: 'renewed', closedOn: dayjs() }}
          onFinish={(v) =>
            outcome.mutate(
              {
                id: renewal.contractId,
                outcome: v.outcome,
                amount: v.outcome === 'expanded' || v.outcome === 'downgraded' ? v.amount : undefined,
                churnReason: v.outcome === 'churned' ? v.churnReason : undefined,
                churnNote: v.outcome === 'churned' ? v.churnNote?.trim() || undefined : undefined,
                closedOn: v.closedOn?.format('YYYY-MM-DD'),
              },
              {
                onSuccess: () => {
                  void message.success(t('saved'));
                  setOpen(false);
                },
                onError: (e) => void message.error(e.message),
              },
            )
          }
        >
          <Space wrap>
            <Form.Item name="outcome" label={t('outcome')}>
              <Select
                style={{ width: 180 }}
                options={OUTCOMES.map((s) => ({ value: s, label: t(`stage_${s}` as MessageKey) }))}
              />
            </Form.Item>
            <Form.Item name="closedOn" label={t('closedOn')}>
              <DatePicker />
            </Form.Item>
          </Space>
          {(kind === 'expanded' || kind === 'downgraded') && (
            <Form.Item
              name="amount"
              label={`${t('newAmount')} (${renewal.currency})`}
              rules={[{ required: true }]}
            >
              <InputNumber min={0} style={{ width: 200 }} />
            </Form.Item>
          )}
          {kind === 'churned' && (
            <>
              <Form.Item name="churnReason" label={t('churnReason')} rules={[{ required: true }]}>
                <Select
                  options={CHURN_REASONS.map((s) => ({ value: s, label: t(`churn_${s}` as MessageKey) }))}
                />
              </Form.Item>
              <Form.Item name="churnNote" label={t('churnNote')}>
                <Input.TextArea rows={2} maxLength={2000} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </>
  );
}
