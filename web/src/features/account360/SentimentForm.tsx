import { App, Button, Form, Input, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useRecordSentimentMutation } from '../../api/actions.ts';
import type { AccountHealth } from '../../api/types.ts';
import { listSeparator } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from './form-errors.ts';

const SCORES = [1, 2, 3, 4, 5] as const;
type SentimentForm = { score: number; reason: string };

/** A CSM's read of the account, 1 (about to leave) to 5 (delighted), with why. */
export function SentimentModal({
  accountId,
  open,
  onClose,
}: {
  accountId: string;
  open: boolean;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<SentimentForm>();
  const record = useRecordSentimentMutation(accountId);
  return (
    <Modal
      open={open}
      title={t('actRecordSentiment')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={record.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<SentimentForm>
        name="sentiment"
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={(v) =>
          record.mutate(v, {
            onSuccess: () => {
              void message.success(t('actSentimentSaved'));
              onClose();
            },
            onError: (e) => {
              if (!showFieldErrors(form, e)) void message.error(e.message);
            },
          })
        }
      >
        <Form.Item
          name="score"
          label={t('actSentimentScore')}
          rules={[{ required: true, message: t('actFixFields') }]}
        >
          <Radio.Group>
            {SCORES.map((s) => (
              <Radio.Button key={s} value={s} data-testid={`sentiment-${s}`}>
                {t(`actSentiment${s}`)}
              </Radio.Button>
            ))}
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="reason"
          label={t('actReason')}
          rules={[{ required: true, whitespace: true, message: t('reasonRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/**
 * The health explanation's "missing inputs", where a missing CSM sentiment is a link that opens
 * the sentiment form (for roles that may write notes on the account).
 */
export function MissingInputs({ health }: { health: AccountHealth }) {
  const { t, locale } = useI18n();
  const { can } = useSession();
  const [open, setOpen] = useState(false);
  if (health.missing.length === 0) return null;
  const mayRecord = can('notes:write');
  return (
    <Typography.Paragraph type="secondary" style={{ marginTop: 8 }} data-testid="health-missing">
      {t('actMissing')}{' '}
      {health.missing.map((m, i) => (
        <span key={`${m.dimension}.${m.key}`}>
          {i > 0 ? listSeparator(locale) : ''}
          {m.fact === 'health.sentiment' && mayRecord ? (
            <Button
              type="link"
              size="small"
              style={{ padding: 0, height: 'auto' }}
              onClick={() => setOpen(true)}
              data-testid="missing-sentiment"
            >
              {m.name}
            </Button>
          ) : (
            m.name
          )}
        </span>
      ))}
      {open && <SentimentModal accountId={health.accountId} open onClose={() => setOpen(false)} />}
    </Typography.Paragraph>
  );
}
