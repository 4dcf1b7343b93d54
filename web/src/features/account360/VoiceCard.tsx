import { FileTextOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Space, Statistic } from 'antd';
import dayjs from 'dayjs';
import { Suspense, useState } from 'react';
import { useSurveyResponsesQuery, useSurveyResultsQuery } from '../../api/surveys.ts';
import type { Account } from '../../api/types.ts';
import { Sparkline } from '../../components/Chart.tsx';
import { DialogButton, later } from '../../components/later.tsx';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { ResponsesTable } from '../surveys/ResponsesTable.tsx';

const RecordAnswerModal = later(async () => (await import('../surveys/SurveyForms.tsx')).RecordAnswerModal);
const SendSurveyModal = later(async () => (await import('../surveys/SurveyForms.tsx')).SendSurveyModal);

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
      {/* The survey dialogs' code loads when one is first opened. */}
      {modal && (
        <Suspense fallback={null}>
          {modal === 'record' ? (
            <RecordAnswerModal
              open
              onClose={() => setModal(null)}
              account={{ id: account.id, name: account.name }}
            />
          ) : (
            <SendSurveyModal
              open
              onClose={() => setModal(null)}
              account={{ id: account.id, name: account.name }}
            />
          )}
        </Suspense>
      )}
    </Card>
  );
}

const QbrDialog = later(async () => (await import('./QbrDialog.tsx')).QbrDialog);

/** Opens the QBR dialog; its code loads on the first click. */
export function QbrButton({ account }: { account: Pick<Account, 'id'> }) {
  const { t } = useI18n();
  return (
    <DialogButton icon={<FileTextOutlined />} label={t('qbrReport')} testId="qbr-button">
      {(close) => <QbrDialog account={account} onClose={close} />}
    </DialogButton>
  );
}
