import { FilePdfOutlined, FileTextOutlined } from '@ant-design/icons';
import { Button, DatePicker, Form, InputNumber, Modal, Radio, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useQbrSettingsQuery } from '../../api/qbr.ts';
import type { Account } from '../../api/types.ts';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';

/**
 * "QBR report": a period and a language, then the HTML page in a new tab or the PDF as a download.
 * Open while mounted (QbrButton mounts it on click, so this code loads then).
 */
export function QbrDialog({ account, onClose }: { account: Pick<Account, 'id'>; onClose: () => void }) {
  const { t, locale } = useI18n();
  // The workspace's today: the browser's own date may already be another day (or not yet).
  const { today } = useSession();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs(today).subtract(89, 'day'), dayjs(today)]);
  const [lang, setLang] = useState<'zh-CN' | 'en'>(locale);
  // Empty: the server picks the template by the account's tier.
  const [template, setTemplate] = useState<'' | 'strategic' | 'standard' | 'light'>('');
  const [hourlyCost, setHourlyCost] = useState<number | null>(null);
  const href = (format: 'html' | 'pdf') =>
    `/api/v1/accounts/${encodeURIComponent(account.id)}/reports/qbr?${new URLSearchParams({
      format,
      locale: lang,
      from: range[0].format('YYYY-MM-DD'),
      to: range[1].format('YYYY-MM-DD'),
      ...(template ? { template } : {}),
      ...(hourlyCost && hourlyCost > 0 ? { hourlyCost: String(hourlyCost) } : {}),
    })}`;
  return (
    <Modal open title={t('qbrReport')} onCancel={onClose} footer={null} destroyOnHidden>
      <Form layout="vertical">
        <Form.Item label={`${t('qbrFrom')} – ${t('qbrTo')}`}>
          <DatePicker.RangePicker
            value={range}
            allowClear={false}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          />
        </Form.Item>
        <Form.Item label={t('qbrLanguage')}>
          <Radio.Group
            optionType="button"
            value={lang}
            onChange={(e) => setLang(e.target.value)}
            options={[
              { value: 'zh-CN', label: '简体中文' },
              { value: 'en', label: 'English' },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('qbrTemplate')}>
          <Select
            value={template}
            onChange={setTemplate}
            style={{ minWidth: 220 }}
            data-testid="qbr-template"
            options={[
              { value: '', label: t('qbrTemplateAuto') },
              { value: 'strategic', label: t('qbrTemplateStrategic') },
              { value: 'standard', label: t('qbrTemplateStandard') },
              { value: 'light', label: t('qbrTemplateLight') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('qbrHourlyCost')}>
          <HourlyCostInput value={hourlyCost} onChange={setHourlyCost} />
        </Form.Item>
        <Space wrap>
          <Button href={href('html')} target="_blank" rel="noopener" icon={<FileTextOutlined />}>
            {t('qbrOpenHtml')}
          </Button>
          <Button type="primary" href={href('pdf')} download icon={<FilePdfOutlined />} data-testid="qbr-pdf">
            {t('qbrDownloadPdf')}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** The report's hourly cost; empty uses the workspace's QBR settings, whose cost shows as the placeholder. */
function HourlyCostInput({
  value,
  onChange,
}: {
  value: number | null;
  onChange: (v: number | null) => void;
}) {
  const { t, locale } = useI18n();
  // Mounted with the modal's content only: the settings are read when someone opens the QBR dialog.
  const settings = useQbrSettingsQuery();
  const fallback = settings.data?.hourlyCost;
  return (
    <InputNumber
      min={0}
      max={1_000_000}
      value={value}
      placeholder={
        fallback ? t('qbrHourlyCostDefault', { cost: formatNumber(fallback, locale, 2) }) : undefined
      }
      onChange={(v) => onChange(typeof v === 'number' ? v : null)}
      style={{ width: 160 }}
      data-testid="qbr-hourly-cost"
    />
  );
}
