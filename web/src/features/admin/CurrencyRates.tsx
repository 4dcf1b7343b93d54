import { App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { fieldErrors } from '../../api/actions.ts';
import { type CurrencyRate, useCurrencyRatesQuery, useSetCurrencyRateMutation } from '../../api/cockpit.ts';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';

type FormValues = { currency: string; rate: number; effectiveDate: Dayjs };

/** Exchange rates to the base currency: the list (latest first per currency) and adding one. */
export function CurrencyRates() {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const { message } = App.useApp();
  const base = me.workspace.baseCurrency;
  const rates = useCurrencyRatesQuery();
  const save = useSetCurrencyRateMutation();
  const [form] = Form.useForm<FormValues>();
  const [currency, setCurrency] = useState<string | null>(null);
  const submit = (v: FormValues) =>
    save.mutate(
      {
        currency: v.currency.trim().toUpperCase(),
        rate: v.rate,
        effectiveDate: v.effectiveDate.format('YYYY-MM-DD'),
      },
      {
        onSuccess: (r) => {
          void message.success(t('adm.rateSaved', { n: r.repricedContracts }));
          form.resetFields(['rate']);
          setCurrency(r.currency);
        },
        onError: (e) => {
          const issues = fieldErrors(e);
          if (issues.length)
            form.setFields(issues.map((i) => ({ name: i.path, errors: [i.message] })) as never);
          else void message.error(e.message);
        },
      },
    );
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={16}>
        <QueryView query={rates}>
          {(d) => {
            const rows = currency ? d.items.filter((r) => r.currency === currency) : d.items;
            return (
              <Card
                size="small"
                title={currency ? t('adm.rateHistory', { currency }) : t('adm.tabRates')}
                extra={
                  <TableExport
                    filename="currency-rates"
                    columns={[
                      { key: 'currency', title: t('adm.currency') },
                      { key: 'rate', title: t('adm.rate') },
                      { key: 'baseCurrency', title: base },
                      { key: 'effectiveDate', title: t('adm.effectiveDate') },
                      { key: 'updatedAt', title: t('adm.updatedAt') },
                    ]}
                    rows={rows}
                  />
                }
              >
                <Typography.Paragraph type="secondary">{t('adm.ratesNote')}</Typography.Paragraph>
                {currency && (
                  <Button size="small" style={{ marginBottom: 8 }} onClick={() => setCurrency(null)}>
                    {t('adm.clear')}
                  </Button>
                )}
                <Table<CurrencyRate>
                  data-testid="rates-table"
                  size="small"
                  rowKey="id"
                  dataSource={rows}
                  pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
                  scroll={{ x: 'max-content' }}
                  columns={[
                    {
                      title: t('adm.currency'),
                      dataIndex: 'currency',
                      render: (v: string) => (
                        <Button
                          type="link"
                          size="small"
                          style={{ padding: 0, height: 'auto' }}
                          onClick={() => setCurrency(v)}
                        >
                          {v}
                        </Button>
                      ),
                    },
                    {
                      title: t('adm.rate'),
                      dataIndex: 'rate',
                      align: 'right',
                      render: (v: number, r) => `${v} ${r.baseCurrency}`,
                    },
                    { title: t('adm.effectiveDate'), dataIndex: 'effectiveDate' },
                    {
                      title: t('adm.updatedAt'),
                      dataIndex: 'updatedAt',
                      render: (v: string) => formatDateTime(v, locale),
                    },
                  ]}
                />
              </Card>
            );
          }}
        </QueryView>
      </Col>
      <Col xs={24} lg={8}>
        <Card size="small" title={t('adm.addRate')}>
          <Form<FormValues>
            form={form}
            layout="vertical"
            data-testid="rate-form"
            initialValues={{ effectiveDate: dayjs() }}
            onFinish={submit}
          >
            <Form.Item
              name="currency"
              label={t('adm.currency')}
              rules={[{ required: true, pattern: /^[A-Za-z]{3}$/ }]}
            >
              <Input maxLength={3} placeholder="USD" style={{ textTransform: 'uppercase', width: 120 }} />
            </Form.Item>
            <Form.Item
              name="rate"
              label={t('adm.rate')}
              extra={t('adm.rateHint', { base })}
              rules={[{ required: true }]}
            >
              <InputNumber min={0.000001} step={0.01} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="effectiveDate" label={t('adm.effectiveDate')} rules={[{ required: true }]}>
              <DatePicker />
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="rate-save">
              {t('save')}
            </Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}
