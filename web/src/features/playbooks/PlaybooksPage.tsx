import { Alert, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { type Playbook, usePlaybookMutations, usePlaybooksQuery } from '../../api/cockpit.ts';
import { useStagesQuery, useTieringSchemesQuery } from '../../api/hooks.ts';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { EffectPanel } from './EffectPanel.tsx';
import { PlaybookEditor } from './PlaybookEditor.tsx';

/** Playbooks per tier × stage (seed 000: 分层 × 分周期) and the effect of rules and playbooks. */
export default function PlaybooksPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'effect' ? 'effect' : 'playbooks';
  return (
    <div data-testid="playbooks-page">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('pb.title')}
      </Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={[
          { key: 'playbooks', label: t('pb.tabPlaybooks'), children: <PlaybooksPanel /> },
          { key: 'effect', label: t('pb.tabEffect'), children: <EffectPanel /> },
        ]}
      />
    </div>
  );
}

/** Does the playbook cover this tier and stage? (null tier: any tier; no stages: all stages.) */
const covers = (p: Playbook, tier: string, stage: string) =>
  (p.tier === null || p.tier === tier) && (p.stages.length === 0 || p.stages.includes(stage));

function PlaybooksPanel() {
  const { t } = useI18n();
  const label = useLabel();
  const enumLabel = useEnumLabel();
  const { can } = useSession();
  const editable = can('settings:write');
  const playbooks = usePlaybooksQuery();
  const schemes = useTieringSchemesQuery();
  const stages = useStagesQuery();
  const { installDefaults } = usePlaybookMutations();
  const [open, setOpen] = useState<string | null>(null);
  const scheme = schemes.data?.items.find((s) => s.active) ?? schemes.data?.items[0];
  const stageList = [...(stages.data?.items ?? [])].sort((a, b) => a.journeyPosition - b.journeyPosition);
  const stageName = (key: string) => {
    const s = stageList.find((x) => x.key === key);
    return s ? label(s.label, s.name) : key;
  };
  const tierName = (key: string | null) => {
    if (key === null) return t('pb.anyTier');
    const tier = scheme?.tiers.find((x) => x.key === key);
    return tier ? label(tier.label, tier.name) : enumLabel('tier', key);
  };
  return (
    <QueryView query={playbooks}>
      {(d) => {
        const tiers = [
          ...new Set([
            ...(scheme?.tiers.map((x) => x.key) ?? []),
            ...d.items.flatMap((p) => (p.tier ? [p.tier] : [])),
          ]),
        ];
        const current = d.items.find((p) => p.id === open);
        const listRows = d.items.map((p) => ({
          name: p.name,
          tier: tierName(p.tier),
          stages: p.stages.length ? p.stages.map(stageName).join(', ') : t('pb.allStages'),
          touch: p.touchEveryDays ? t('pb.touchEvery', { n: p.touchEveryDays }) : t('pb.noTouch'),
          plays: p.plays.map((x) => String(x.name ?? x.key)).join('; '),
          enabled: p.enabled ? t('pb.enabled') : t('pb.disabled'),
        }));
        return (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {!editable && <Alert type="info" showIcon title={t('pb.readOnly')} />}
            {d.items.length === 0 && (
              <Card>
                <Space orientation="vertical">
                  <Typography.Text>{t('pb.empty')}</Typography.Text>
                  {editable && (
                    <Button
                      type="primary"
                      loading={installDefaults.isPending}
                      onClick={() => installDefaults.mutate()}
                    >
                      {t('pb.install')}
                    </Button>
                  )}
                </Space>
              </Card>
            )}
            <Card size="small" title={t('pb.matrix')}>
              <Typography.Paragraph type="secondary">{t('pb.matrixHint')}</Typography.Paragraph>
              <Table
                data-testid="playbook-matrix"
                size="small"
                rowKey="tier"
                pagination={false}
                scroll={{ x: 'max-content' }}
                dataSource={tiers.map((tier) => ({ tier }))}
                columns={[
                  {
                    title: t('pb.tier'),
                    dataIndex: 'tier',
                    fixed: 'left',
                    render: (v: string) => <strong>{tierName(v)}</strong>,
                  },
                  ...stageList.map((s) => ({
                    title: label(s.label, s.name),
                    key: s.key,
                    render: (_: unknown, r: { tier: string }) => {
                      const here = d.items.filter((p) => p.enabled && covers(p, r.tier, s.key));
                      if (!here.length)
                        return <Typography.Text type="secondary">{t('pb.none')}</Typography.Text>;
                      return (
                        <Space size={4} wrap>
                          {here.map((p) => (
                            <Tag
                              key={p.id}
                              color="blue"
                              style={{ cursor: 'pointer' }}
                              role="button"
                              tabIndex={0}
                              onClick={() => setOpen(p.id)}
                              onKeyDown={(e) => {
                                if (e.key === 'Enter' || e.key === ' ') setOpen(p.id);
                              }}
                            >
                              {p.name}
                            </Tag>
                          ))}
                        </Space>
                      );
                    },
                  })),
                ]}
              />
            </Card>
            <Card
              size="small"
              title={t('pb.list')}
              extra={
                <TableExport
                  filename="playbooks"
                  columns={[
                    { key: 'name', title: t('pb.name') },
                    { key: 'tier', title: t('pb.tier') },
                    { key: 'stages', title: t('pb.stages') },
                    { key: 'touch', title: t('pb.touch') },
                    { key: 'plays', title: t('pb.plays') },
                    { key: 'enabled', title: t('pb.enabled') },
                  ]}
                  rows={listRows}
                />
              }
            >
              <Table<Playbook>
                data-testid="playbook-list"
                size="small"
                rowKey="id"
                pagination={false}
                scroll={{ x: 'max-content' }}
                dataSource={d.items}
                columns={[
                  { title: t('pb.name'), dataIndex: 'name' },
                  { title: t('pb.tier'), dataIndex: 'tier', render: (v: string | null) => tierName(v) },
                  {
                    title: t('pb.stages'),
                    dataIndex: 'stages',
                    render: (v: string[]) => (v.length ? v.map(stageName).join(', ') : t('pb.allStages')),
                  },
                  {
                    title: t('pb.touch'),
                    dataIndex: 'touchEveryDays',
                    render: (v: number | null) => (v ? t('pb.touchEvery', { n: v }) : t('pb.noTouch')),
                  },
                  {
                    title: t('pb.plays'),
                    dataIndex: 'plays',
                    render: (v: Playbook['plays']) => (
                      <Space size={4} wrap>
                        {v.map((x) => (
                          <Tag key={String(x.key)}>
                            {String(x.name ?? x.key)}
                            {x.everyDays ? ` · ${t('pb.touchEvery', { n: Number(x.everyDays) })}` : ''}
                          </Tag>
                        ))}
                      </Space>
                    ),
                  },
                  {
                    title: t('pb.enabled'),
                    dataIndex: 'enabled',
                    render: (v: boolean) => (
                      <Tag color={v ? 'green' : undefined}>{v ? t('pb.enabled') : t('pb.disabled')}</Tag>
                    ),
                  },
                  {
                    title: '',
                    key: 'open',
                    render: (_: unknown, p) => (
                      <Button
                        size="small"
                        data-testid={`playbook-open-${p.key}`}
                        onClick={() => setOpen(p.id)}
                      >
                        {editable ? t('pb.edit') : t('pb.view')}
                      </Button>
                    ),
                  },
                ]}
              />
            </Card>
            {current && (
              <PlaybookEditor
                key={current.id}
                playbook={current}
                editable={editable}
                tiers={tiers.map((k) => ({ value: k, label: tierName(k) }))}
                stages={stageList.map((s) => ({ value: s.key, label: label(s.label, s.name) }))}
                onClose={() => setOpen(null)}
              />
            )}
          </Space>
        );
      }}
    </QueryView>
  );
}
