import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  Popconfirm,
  Row,
  Select,
  Space,
  Statistic,
  Typography,
} from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { type OffboardPlan, useGroupsQuery, useLoadQuery, useOffboardMutations } from '../../api/team.ts';
import { ErrorState } from '../../components/States.tsx';
import { formatNumber } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { MovesTable } from './MovesTable.tsx';

/** A CSM leaves: preview who takes each account and open task, then apply that plan. */
export function OffboardPanel() {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const { user } = useSession();
  const load = useLoadQuery();
  const groups = useGroupsQuery();
  const { preview, apply } = useOffboardMutations();
  const [leaver, setLeaver] = useState<string | undefined>();
  const [deactivate, setDeactivate] = useState(false);
  const [done, setDone] = useState<OffboardPlan | null>(null);
  const groupName = (id: string) => groups.data?.items.find((g) => g.id === id)?.name ?? id;
  const people = (load.data?.items ?? []).filter((r) => r.active && r.userId !== user.id);
  const run = (id = leaver) => {
    if (!id) return;
    setDone(null);
    preview.mutate({ userId: id, body: { deactivate, limit: 2000 } });
  };
  const doApply = async () => {
    if (!leaver || !preview.data) return;
    try {
      const result = await apply.mutateAsync({
        userId: leaver,
        body: { deactivate, limit: 2000, fingerprint: preview.data.fingerprint },
      });
      setDone(result);
      preview.reset();
      void message.success(t('offboardDone', { n: result.moves.length }));
    } catch (e) {
      if (
        e instanceof ApiError &&
        e.status === 409 &&
        (e.details as { expected?: string } | undefined)?.expected
      ) {
        void message.warning(t('assignChanged'));
        run();
      } else void message.error(e instanceof Error ? e.message : String(e));
    }
  };
  const shown = done ?? preview.data;
  const name = (id: string) => load.data?.items.find((r) => r.userId === id)?.name ?? id;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('offboardIntro')}
      </Typography.Paragraph>
      <Space wrap>
        <label htmlFor="offboard-leaver">{t('offboardLeaver')}</label>
        <Select
          id="offboard-leaver"
          style={{ width: 260 }}
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('offboardPick')}
          value={leaver}
          loading={load.isPending}
          onChange={(v: string) => {
            setLeaver(v);
            run(v);
          }}
          options={people.map((r) => ({
            value: r.userId,
            label: `${r.name}${r.groupName ? ` · ${r.groupName}` : ''} (${formatNumber(r.accounts, locale)})`,
          }))}
        />
        {user.role === 'admin' && (
          <Checkbox checked={deactivate} onChange={(e) => setDeactivate(e.target.checked)}>
            {t('offboardDeactivate')}
          </Checkbox>
        )}
        <Button
          onClick={() => run()}
          disabled={!leaver}
          loading={preview.isPending}
          data-testid="offboard-preview"
        >
          {t('preview')}
        </Button>
        {preview.data && !done && (
          <Popconfirm
            title={t('offboardConfirm', { name: name(leaver!), n: preview.data.moves.length })}
            okText={t('offboardApply')}
            cancelText={t('cancel')}
            onConfirm={() => void doApply()}
          >
            <Button type="primary" danger loading={apply.isPending} data-testid="offboard-apply">
              {t('offboardApply')}
            </Button>
          </Popconfirm>
        )}
      </Space>
      {preview.error && <ErrorState error={preview.error} />}
      {shown && (
        <>
          {done && (
            <Alert
              type="success"
              showIcon
              data-testid="offboard-done"
              title={t('offboardDone', { n: done.moves.length })}
            />
          )}
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Statistic
                title={t('accounts')}
                value={formatNumber(shown.accounts, locale)}
                valueRender={(n) => <span data-testid="offboard-accounts">{n}</span>}
              />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('offboardToLead')} value={formatNumber(shown.toLead, locale)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('teamOpenTasks')} value={formatNumber(shown.openTasks, locale)} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic
                title={t('offboardTasksMoved')}
                value={formatNumber(shown.tasksReassigned, locale)}
              />
            </Col>
          </Row>
          {shown.toLead > 0 && (
            <Alert type="warning" showIcon title={t('offboardToLeadHint', { n: shown.toLead })} />
          )}
          <Card size="small" title={t('assignMovesList', { n: shown.moves.length, total: shown.accounts })}>
            <MovesTable
              moves={shown.moves}
              groupName={groupName}
              filename="offboarding-moves"
              testId="offboard-moves-table"
            />
          </Card>
        </>
      )}
    </Space>
  );
}
