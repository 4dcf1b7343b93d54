import { PlusOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { type ContractInput, useContractMutations } from '../../api/actions.ts';
import { useContractsQuery } from '../../api/hooks.ts';
import type { Account, Contract } from '../../api/types.ts';
import { QueryView } from '../../components/States.tsx';
import { formatMoney } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { showFieldErrors } from './form-errors.ts';
import { enumLabel } from './labels.ts';
import { RowActions } from './RowActions.tsx';

const BILLING_PERIODS = [
  'monthly',
  'quarterly',
  'annual',
] as const satisfies readonly Contract['billingPeriod'][];
const STATUSES = [
  'active',
  'renewed',
  'churned',
  'expanded',
  'downgraded',
] as const satisfies readonly Contract['status'][];

type ContractForm = {
  externalId?: string | null;
  startDate: Dayjs;
  endDate?: Dayjs | null;
  amount: number;
  currency?: string | null;
  billingPeriod: Contract['billingPeriod'];
  status: Contract['status'];
  notes?: string | null;
};

const dayOf = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

/** The account's contracts, with create, edit and delete for roles that may change contracts. */
export function ContractsTab({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const { can } = useSession();
  const contracts = useContractsQuery(account.id);
  const { remove } = useContractMutations(account.id);
  const [editing, setEditing] = useState<Contract | 'new' | null>(null);
  const mayWrite = can('contracts:write', account);
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      {mayWrite && (
        <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="new-contract">
          {t('actNewContract')}
        </Button>
      )}
      <QueryView query={contracts} isEmpty={(d) => d.items.length === 0} empty={t('actNoContracts')}>
        {(d) => (
          <Table<Contract>
            size="small"
            rowKey="id"
            pagination={false}
            scroll={{ x: 'max-content' }}
            dataSource={d.items}
            data-testid="contracts-table"
            columns={[
              {
                title: t('actContractId'),
                dataIndex: 'externalId',
                render: (v: string | null, c) => {
                  const renewed = c.renewsContractId && d.items.find((x) => x.id === c.renewsContractId);
                  return (
                    <>
                      {v ?? '—'}
                      {renewed && (
                        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                          {t('actRenews', { contract: renewed.externalId ?? renewed.startDate })}
                        </Typography.Text>
                      )}
                    </>
                  );
                },
              },
              { title: t('start'), dataIndex: 'startDate' },
              { title: t('end'), dataIndex: 'endDate', render: (v: string | null) => v ?? '—' },
              {
                title: t('amount'),
                align: 'right',
                render: (_, c) =>
                  `${formatMoney(c.amount, c.currency, locale)} / ${enumLabel(t, 'billing', c.billingPeriod)}`,
              },
              {
                title: t('arr'),
                align: 'right',
                render: (_, c) => formatMoney(c.arr, c.baseCurrency, locale),
              },
              {
                title: t('status'),
                dataIndex: 'status',
                render: (s: string) => <Tag>{enumLabel(t, 'contractStatus', s)}</Tag>,
              },
              ...(mayWrite
                ? [
                    {
                      title: t('actActions'),
                      key: 'actions',
                      render: (_: unknown, c: Contract) => (
                        <RowActions onEdit={() => setEditing(c)} onDelete={() => remove.mutateAsync(c.id)} />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </QueryView>
      {editing && (
        <ContractModal
          account={account}
          contract={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </Space>
  );
}

function ContractModal({
  account,
  contract,
  onClose,
}: {
  account: Account;
  contract: Contract | undefined;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<ContractForm>();
  const { save } = useContractMutations(account.id);
  const initial: Partial<ContractForm> = contract
    ? {
        externalId: contract.externalId,
        startDate: dayjs(contract.startDate),
        endDate: contract.endDate ? dayjs(contract.endDate) : null,
        amount: contract.amount,
        currency: contract.currency,
        billingPeriod: contract.billingPeriod,
        status: contract.status,
        notes: contract.notes,
      }
    : { billingPeriod: 'annual', status: 'active', currency: account.currency };
  const submit = (v: ContractForm) => {
    const input: Partial<ContractInput> = {
      accountId: account.id,
      externalId: v.externalId?.trim() ? v.externalId.trim() : null,
      startDate: dayOf(v.startDate)!,
      endDate: dayOf(v.endDate),
      amount: v.amount,
      ...(v.currency?.trim() ? { currency: v.currency.trim().toUpperCase() } : {}),
      billingPeriod: v.billingPeriod,
      status: v.status,
      notes: v.notes?.trim() ? v.notes.trim() : null,
    };
    save.mutate(
      { id: contract?.id, input },
      {
        onSuccess: () => {
          void message.success(t('saved'));
          onClose();
        },
        onError: (e) => {
          if (showFieldErrors(form, e)) void message.error(t('actFixFields'));
          else void message.error(e.message);
        },
      },
    );
  };
  return (
    <Modal
      open
      title={t(contract ? 'actEditContract' : 'actNewContract')}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={save.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form<ContractForm>
        name="contract"
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={submit}
      >
        <Form.Item name="externalId" label={t('actContractId')}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="startDate" label={t('actStartDate')} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="endDate" label={t('actEndDate')}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="amount" label={t('actAmount')} rules={[{ required: true }]}>
            <InputNumber min={0} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="currency" label={t('actCurrency')}>
            <Input maxLength={3} style={{ width: 90 }} />
          </Form.Item>
        </Space>
        <Space wrap>
          <Form.Item name="billingPeriod" label={t('actBillingPeriod')} rules={[{ required: true }]}>
            <Select
              style={{ width: 160 }}
              options={BILLING_PERIODS.map((p) => ({ value: p, label: enumLabel(t, 'billing', p) }))}
            />
          </Form.Item>
          <Form.Item name="status" label={t('actContractStatus')} rules={[{ required: true }]}>
            <Select
              style={{ width: 160 }}
              options={STATUSES.map((s) => ({ value: s, label: enumLabel(t, 'contractStatus', s) }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="notes" label={t('actNotes')}>
          <Input.TextArea rows={2} maxLength={5000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
