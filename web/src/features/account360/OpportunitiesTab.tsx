// Account 360's Opportunities tab: expansion opportunities (cross-sell, up-sell, seats) with their
// added ARR, stage, close date and owner; create, move the stage, delete.
import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
} from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { opportunityKindValues, opportunityStageValues } from '../../api/schema.gen.ts';
import type { Account } from '../../api/types.ts';
import { type Opportunity, useAccountOpportunitiesQuery, useOpportunityMutations } from '../../api/value.ts';
import { QueryView } from '../../components/States.tsx';
import { formatDay, formatMoney, formatPercent } from '../../format.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from './form-errors.ts';

export function OpportunitiesTab({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const enumLabel = useEnumLabel();
  const { can } = useSession();
  const q = useAccountOpportunitiesQuery(account.id);
  const { update, remove } = useOpportunityMutations(account.id);
  const [adding, setAdding] = useState(false);
  const mayWrite = can('renewals:write', account);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {mayWrite && (
        <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="new-opportunity">
          {t('oppNew')}
        </Button>
      )}
      <QueryView query={q} isEmpty={(d) => d.items.length === 0} empty={t('oppNone')}>
        {(d) => (
          <Table<Opportunity>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={d.items}
            columns={[
              { title: t('oppTitle'), dataIndex: 'title' },
              { title: t('oppKind'), render: (_, o) => enumLabel('opportunityKind', o.kind) },
              {
                title: t('oppAmount'),
                align: 'right',
                render: (_, o) => formatMoney(o.amount, o.currency, locale),
              },
              {
                title: t('oppStage'),
                render: (_, o) =>
                  mayWrite ? (
                    <Select
                      size="small"
                      value={o.stage}
                      style={{ minWidth: 120 }}
                      onChange={(stage) => update.mutate({ id: o.id, body: { stage } })}
                      options={opportunityStageValues.map((s) => ({
                        value: s,
                        label: enumLabel('opportunityStage', s),
                      }))}
                    />
                  ) : (
                    enumLabel('opportunityStage', o.stage)
                  ),
              },
              { title: t('oppProbability'), render: (_, o) => formatPercent(o.probability, locale) },
              { title: t('oppClose'), render: (_, o) => formatDay(o.closeDate, locale) },
              { title: t('oppOwner'), render: (_, o) => o.ownerName ?? '—' },
              {
                title: '',
                render: (_, o) =>
                  mayWrite ? (
                    <Popconfirm title={t('delete')} onConfirm={() => remove.mutate(o.id)}>
                      <Button size="small" danger>
                        {t('delete')}
                      </Button>
                    </Popconfirm>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryView>
      {adding && <OpportunityForm accountId={account.id} onClose={() => setAdding(false)} />}
    </Space>
  );
}

function OpportunityForm({ accountId, onClose }: { accountId: string; onClose: () => void }) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const { message } = App.useApp();
  const { create } = useOpportunityMutations(accountId);
  const [form] = Form.useForm<{
    kind: Opportunity['kind'];
    title: string;
    amount: number;
    stage: Opportunity['stage'];
    closeDate?: Dayjs;
  }>();
  return (
    <Modal open title={t('oppNew')} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        name="opportunity"
        initialValues={{ kind: 'up_sell', stage: 'identified' }}
        onFinish={(v) =>
          create.mutate(
            {
              kind: v.kind,
              title: v.title,
              amount: v.amount,
              stage: v.stage,
              closeDate: v.closeDate ? v.closeDate.format('YYYY-MM-DD') : null,
            },
            {
              onSuccess: onClose,
              onError: (e) => {
                if (!showFieldErrors(form, e)) void message.error((e as Error).message);
              },
            },
          )
        }
      >
        <Form.Item name="title" label={t('oppTitle')} rules={[{ required: true }]}>
          <Input maxLength={300} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="kind" label={t('oppKind')}>
            <Select
              style={{ width: 150 }}
              options={opportunityKindValues.map((k) => ({
                value: k,
                label: enumLabel('opportunityKind', k),
              }))}
            />
          </Form.Item>
          <Form.Item name="stage" label={t('oppStage')}>
            <Select
              style={{ width: 150 }}
              options={opportunityStageValues.map((s) => ({
                value: s,
                label: enumLabel('opportunityStage', s),
              }))}
            />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="amount" label={t('oppAmount')} rules={[{ required: true }]}>
            <InputNumber min={0} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="closeDate" label={t('oppClose')}>
            <DatePicker />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
