import { App, Card, Radio, Space, Switch, Typography } from 'antd';
import { useAccessMutations, useIngestSettingsQuery, useTeamSettingsQuery } from '../../api/access.ts';
import { QueryView } from '../../components/States.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

/** An admin's access decisions: record-level read scope and write-key renames. */
export function AccessPanel() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const team = useTeamSettingsQuery();
  const ingest = useIngestSettingsQuery();
  const save = useAccessMutations();
  const fail = (e: Error) => void message.error(e.message);
  const saved = () => void message.success(t('saved'));
  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card title={t('readScopeTitle')}>
        <Typography.Paragraph type="secondary">{t('readScopeHelp')}</Typography.Paragraph>
        <QueryView query={team}>
          {(s) => (
            <Radio.Group
              aria-label={t('readScopeTitle')}
              value={s.csmReadScope}
              disabled={save.team.isPending}
              onChange={(e) =>
                save.team.mutate({ csmReadScope: e.target.value }, { onError: fail, onSuccess: saved })
              }
            >
              <Space direction="vertical">
                <Radio value="book">{t('readScopeBook')}</Radio>
                <Radio value="group">{t('readScopeGroup')}</Radio>
                <Radio value="all">{t('readScopeAll')}</Radio>
              </Space>
            </Radio.Group>
          )}
        </QueryView>
      </Card>
      <Card title={t('writeKeyRenamesTitle')}>
        <Typography.Paragraph type="secondary">{t('writeKeyRenamesHelp')}</Typography.Paragraph>
        <QueryView query={ingest}>
          {(s) => (
            <Switch
              aria-label={t('writeKeyRenamesTitle')}
              checked={s.writeKeyRenames}
              loading={save.ingest.isPending}
              onChange={(writeKeyRenames) =>
                save.ingest.mutate({ writeKeyRenames }, { onError: fail, onSuccess: saved })
              }
            />
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
