import { Alert, App, Button, Card, Form, InputNumber, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTieringSchemesQuery } from '../../api/hooks.ts';
import { type QbrSettings, useQbrSettingsQuery, useSaveQbrSettings } from '../../api/qbr.ts';
import type { TieringScheme } from '../../api/types.ts';
import { DataKey } from '../../components/DataKey.tsx';
import { QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { useSession } from '../../session.tsx';

type Template = QbrSettings['defaultTemplate'];
const TEMPLATES: { value: Template; label: MessageKey }[] = [
  { value: 'strategic', label: 'qbrTemplateStrategic' },
  { value: 'standard', label: 'qbrTemplateStandard' },
  { value: 'light', label: 'qbrTemplateLight' },
];
/** A tier's select: a template, or '' for the default template (the tier is left out of the mapping). */
type Choice = Template | '';

/** The workspace's QBR settings: every admin edits them; managers see them read-only. */
export function QbrSettingsPanel() {
  const { t } = useI18n();
  const settings = useQbrSettingsQuery();
  const schemes = useTieringSchemesQuery();
  return (
    <Card title={t('qbrSettings')} data-testid="qbr-settings">
      <Typography.Paragraph type="secondary">{t('qbrSettingsHelp')}</Typography.Paragraph>
      <QueryView query={settings}>
        {(s) => (
          <QueryView query={schemes}>
            {(list) => <QbrSettingsForm settings={s} active={list.items.find((x) => x.active)} />}
          </QueryView>
        )}
      </QueryView>
    </Card>
  );
}

function QbrSettingsForm({ settings, active }: { settings: QbrSettings; active: TieringScheme | undefined }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { me, can } = useSession();
  const editable = can('qbr:configure');
  const save = useSaveQbrSettings();
  // The active scheme's tiers when it lists them (the only keys the server accepts then); else the
  // keys saved before, so they can still be changed.
  const listed = active?.tiers.length ? active.tiers : null;
  const tiers = listed ?? Object.keys(settings.tierTemplates).map((key) => ({ key, name: key }));
  const [choices, setChoices] = useState<Record<string, Choice>>(() =>
    Object.fromEntries(tiers.map((tier) => [tier.key, settings.tierTemplates[tier.key] ?? ''])),
  );
  const [defaultTemplate, setDefaultTemplate] = useState<Template>(settings.defaultTemplate);
  const [hourlyCost, setHourlyCost] = useState<number | null>(settings.hourlyCost);
  const options = TEMPLATES.map((o) => ({ value: o.value, label: t(o.label) }));
  const submit = () => {
    const tierTemplates: Record<string, Template> = {};
    for (const tier of tiers) {
      const choice = choices[tier.key] ?? '';
      if (choice) tierTemplates[tier.key] = choice;
    }
    save.mutate(
      { tierTemplates, defaultTemplate, hourlyCost: hourlyCost && hourlyCost > 0 ? hourlyCost : null },
      {
        onSuccess: () => void message.success(t('saved')),
        // The API's message names the field (e.g. tierTemplates.enterprise).
        onError: (e) => void message.error(e.message),
      },
    );
  };
  return (
    <Form layout="vertical" disabled={!editable} onFinish={submit} style={{ maxWidth: 560 }}>
      {!editable && (
        <Alert type="info" showIcon title={t('qbrSettingsReadOnly')} style={{ marginBottom: 16 }} />
      )}
      <Typography.Title level={5}>{t('qbrSettingsTiers')}</Typography.Title>
      {!listed && <Typography.Paragraph type="secondary">{t('qbrSettingsNoTiers')}</Typography.Paragraph>}
      {tiers.map((tier) => (
        <Form.Item
          key={tier.key}
          label={
            <Space size={4} wrap>
              {tier.name}
              {tier.name !== tier.key && <DataKey value={tier.key} />}
            </Space>
          }
        >
          <Select<Choice>
            data-testid={`qbr-tier-${tier.key}`}
            aria-label={`${t('qbrSettingsTier')} ${tier.name}`}
            value={choices[tier.key] ?? ''}
            onChange={(v) => setChoices((c) => ({ ...c, [tier.key]: v }))}
            options={[{ value: '', label: t('qbrSettingsUseDefault') }, ...options]}
          />
        </Form.Item>
      ))}
      <Form.Item label={t('qbrSettingsDefaultTemplate')} extra={t('qbrSettingsDefaultHelp')}>
        <Select<Template>
          data-testid="qbr-default-template"
          aria-label={t('qbrSettingsDefaultTemplate')}
          value={defaultTemplate}
          onChange={setDefaultTemplate}
          options={options}
        />
      </Form.Item>
      <Form.Item
        label={t('qbrSettingsHourlyCost', { currency: me.workspace.baseCurrency })}
        extra={t('qbrSettingsHourlyCostHelp')}
      >
        <InputNumber<number>
          data-testid="qbr-settings-hourly-cost"
          aria-label={t('qbrSettingsHourlyCost', { currency: me.workspace.baseCurrency })}
          min={0.01}
          max={1_000_000}
          value={hourlyCost}
          onChange={(v) => setHourlyCost(typeof v === 'number' ? v : null)}
          style={{ width: '100%', maxWidth: 240 }}
        />
      </Form.Item>
      {editable && (
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="qbr-settings-save">
          {t('save')}
        </Button>
      )}
    </Form>
  );
}
