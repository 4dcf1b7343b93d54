import { FilePdfOutlined, FileTextOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Statistic,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useQbrSettingsQuery } from '../../api/qbr.ts';
import { useSurveyResponsesQuery, useSurveyResultsQuery } from '../../api/surveys.ts';
import type { Account } from '../../api/types.ts';
import { Sparkline } from '../../components/Chart.tsx';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { RecordAnswerModal, SendSurveyModal } from '../surveys/SurveyForms.tsx';
import { ResponsesTable } from '../surveys/SurveysPage.tsx';

/** The account's NPS (12 months, by quarter) and CSAT (90 days), its latest answers, and survey actions. */
export function VoiceCard({ account }: { account: Account }) {
  const { t, locale } = useI18n();
  const { can, today } = useSession();
  const nps = useSurveyResultsQuery({ kind: 'nps', accountId: account.id, interval: 'quarter' });
  const csat = useSurveyResultsQuery({
    kind: 'csat',
    accountId: account.id,
    from: dayjs(today).subtract(89, 'day').format('YYYY-MM-DD'),
  });
  const answers = useSurveyResponsesQuery({ accountId: account.id, limit: 5 });
  const [modal, setModal] = useState<'record' | 'send' | null>(null);
  const mayWrite = can('notes:write', account);
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? '–' : formatNumber(v, locale, 1);
  const trend = (nps.data?.trend ?? []).map((p) => p.score);
  return (
    <Card
      title={t('voiceCard')}
      data-testid="account-voice"
      extra={
        <Space wrap>
          {mayWrite && (
            <>
              <Button size="small" onClick={() => setModal('record')}>
                {t('surveyRecord')}
              </Button>
              <Button size="small" onClick={() => setModal('send')}>
                {t('surveySend')}
              </Button>
            </>
          )}
        </Space>
      }
    >
      <Row gutter={[24, 12]} align="middle">
        <Col xs={12} sm={6}>
          <Statistic title={t('voiceNps12')} value={fmt(nps.data?.overall.score)} data-testid="voice-nps" />
        </Col>
        <Col xs={12} sm={6}>
          <Statistic title={t('surveyResponses')} value={nps.data?.overall.responses ?? 0} />
        </Col>
        <Col xs={12} sm={6}>
          <Statistic
            title={t('voiceCsat90')}
            value={csat.data?.overall.score === null ? '–' : `${fmt(csat.data?.overall.score)}%`}
          />
        </Col>
        <Col xs={12} sm={6}>
          {trend.some((v) => v !== null) && (
            <Sparkline values={trend.map((v) => v ?? 0)} label={t('surveyTrendChart', { kind: 'NPS' })} />
          )}
        </Col>
        <Col xs={24}>
          <ResponsesTable items={answers.data?.items ?? []} />
        </Col>
      </Row>
      <RecordAnswerModal
        open={modal === 'record'}
        onClose={() => setModal(null)}
        account={{ id: account.id, name: account.name }}
      />
      <SendSurveyModal
        open={modal === 'send'}
        onClose={() => setModal(null)}
        account={{ id: account.id, name: account.name }}
      />
    </Card>
  );
}

/** "QBR report": a period and a language, then the HTML page in a new tab or the PDF as a download. */
export function QbrButton({ account }: { account: Pick<Account, 'id'> }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = useState(false);
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
    <>
      <Button icon={<FileTextOutlined />} onClick={() => setOpen(true)} data-testid="qbr-button">
        {t('qbrReport')}
      </Button>
      <Modal open={open} title={t('qbrReport')} onCancel={() => setOpen(false)} footer={null} destroyOnHidden>
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
            <Button
              type="primary"
              href={href('pdf')}
              download
              icon={<FilePdfOutlined />}
              data-testid="qbr-pdf"
            >
              {t('qbrDownloadPdf')}
            </Button>
          </Space>
        </Form>
      </Modal>
    </>
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
