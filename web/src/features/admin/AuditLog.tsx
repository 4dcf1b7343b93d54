import { Button, Card, DatePicker, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import {
  type AuditEntry,
  type AuditFilters,
  useAuditFacetsQuery,
  useAuditLogQuery,
} from '../../api/cockpit.ts';
import { useUsersQuery } from '../../api/hooks.ts';
import { DataKey } from '../../components/DataKey.tsx';
import { QueryView } from '../../components/States.tsx';
import { TableExport } from '../../components/TableExport.tsx';
import { formatDateTime } from '../../format.ts';
import { useI18n } from '../../i18n/i18n.tsx';

type Change = { field: string; before: unknown; after: unknown };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Before and after, field by field; only the fields that differ (all of them for a create or delete). */
export function diffEntry(before: unknown, after: unknown): Change[] {
  if (!isObject(before) && !isObject(after)) {
    return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ field: '', before, after }];
  }
  const b = isObject(before) ? before : {};
  const a = isObject(after) ? after : {};
  const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return fields
    .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]))
    .map((f) => ({ field: f, before: b[f], after: a[f] }));
}

function Value({ v }: { v: unknown }) {
  if (v === undefined) return <Typography.Text type="secondary">—</Typography.Text>;
  if (v === null) return <Typography.Text type="secondary">null</Typography.Text>;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
    return <span style={{ wordBreak: 'break-word' }}>{String(v)}</span>;
  return (
    <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-word', maxWidth: 480 }}>
      {JSON.stringify(v, null, 2)}
    </pre>
  );
}

function Diff({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const changes = diffEntry(entry.before, entry.after);
  if (!changes.length) return <Typography.Text type="secondary">{t('adm.noDiff')}</Typography.Text>;
  return (
    <Table<Change>
      data-testid="audit-diff"
      size="small"
      rowKey="field"
      pagination={false}
      dataSource={changes}
      scroll={{ x: 'max-content' }}
      columns={[
        { title: t('adm.field'), dataIndex: 'field', render: (v: string) => <DataKey value={v || '·'} /> },
        {
          title: t('adm.before'),
          dataIndex: 'before',
          render: (v: unknown) => (
            <div style={{ background: v === undefined ? undefined : '#fff1f0', padding: '0 4px' }}>
              <Value v={v} />
            </div>
          ),
        },
        {
          title: t('adm.after'),
          dataIndex: 'after',
          render: (v: unknown) => (
            <div style={{ background: v === undefined ? undefined : '#f6ffed', padding: '0 4px' }}>
              <Value v={v} />
            </div>
          ),
        },
      ]}
    />
  );
}

export function AuditLog() {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState<AuditFilters>({});
  const [range, setRange] = useState<[Dayjs, Dayjs] | null>(null);
  const [entityId, setEntityId] = useState('');
  const users = useUsersQuery();
  const facets = useAuditFacetsQuery();
  const q = useAuditLogQuery({
    ...filters,
    entityId: entityId.trim() || undefined,
    from: range?.[0].format('YYYY-MM-DD'),
    to: range?.[1].format('YYYY-MM-DD'),
  });
  const userName = new Map((users.data?.items ?? []).map((u) => [u.id, u.name]));
  const actorName = (e: AuditEntry) => {
    if (e.actorType === 'system') return t('adm.actorSystem', { name: e.actorId ?? '' });
    if (!e.actorId) return t('adm.actorAnonymous');
    return userName.get(e.actorId) ?? e.actorId;
  };
  const families = [...new Set((facets.data?.actions ?? []).map((a) => a.split('.')[0]!))];
  const actionOptions = [
    ...families.map((f) => ({ value: `${f}.`, label: t('adm.actionFamily', { family: f }) })),
    ...(facets.data?.actions ?? []).map((a) => ({ value: a, label: a })),
  ];
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  const summary = (e: AuditEntry) => {
    if (e.before === null && e.after !== null && e.action.endsWith('created')) return t('adm.created');
    if (e.after === null && e.before !== null) return t('adm.deleted');
    return t('adm.changedFields', { n: diffEntry(e.before, e.after).length });
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          aria-label={t('adm.actor')}
          placeholder={t('adm.actor')}
          data-testid="audit-actor"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 180 }}
          value={filters.actorId}
          onChange={(v) => setFilters({ ...filters, actorId: v })}
          options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
        />
        <Select
          aria-label={t('adm.entityType')}
          placeholder={t('adm.entityType')}
          data-testid="audit-entity"
          allowClear
          style={{ width: 170 }}
          value={filters.entityType}
          onChange={(v) => setFilters({ ...filters, entityType: v })}
          options={(facets.data?.entityTypes ?? []).map((e) => ({ value: e, label: e }))}
        />
        <Select
          aria-label={t('adm.action')}
          placeholder={t('adm.action')}
          data-testid="audit-action"
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 230 }}
          value={filters.action}
          onChange={(v) => setFilters({ ...filters, action: v })}
          options={actionOptions}
        />
        <Input
          aria-label={t('adm.entityId')}
          placeholder={t('adm.entityId')}
          allowClear
          style={{ width: 200 }}
          value={entityId}
          onChange={(e) => setEntityId(e.target.value)}
        />
        <DatePicker.RangePicker
          aria-label={t('adm.dates')}
          data-testid="audit-dates"
          value={range}
          onChange={(v) => setRange(v?.[0] && v[1] ? [v[0], v[1]] : null)}
        />
        <Button
          onClick={() => {
            setFilters({});
            setRange(null);
            setEntityId('');
          }}
        >
          {t('adm.clear')}
        </Button>
      </Space>
      <Card
        size="small"
        extra={
          <TableExport
            filename="audit-log"
            columns={[
              { key: 'createdAt', title: t('adm.when') },
              { key: 'actor', title: t('adm.actor') },
              { key: 'action', title: t('adm.action') },
              { key: 'entityType', title: t('adm.entityType') },
              { key: 'entityId', title: t('adm.entityId') },
              { key: 'changes', title: t('adm.changes') },
              { key: 'requestId', title: t('adm.requestId') },
            ]}
            rows={rows.map((e) => ({
              createdAt: e.createdAt,
              actor: actorName(e),
              action: e.action,
              entityType: e.entityType,
              entityId: e.entityId,
              changes: diffEntry(e.before, e.after)
                .map(
                  (c) => `${c.field}: ${JSON.stringify(c.before) ?? '—'} → ${JSON.stringify(c.after) ?? '—'}`,
                )
                .join('; '),
              requestId: e.requestId,
            }))}
          />
        }
        title={t('adm.shown', { n: rows.length })}
      >
        <QueryView query={q} isEmpty={() => rows.length === 0} empty={t('adm.noAudit')}>
          {() => (
            <>
              <Table<AuditEntry>
                data-testid="audit-table"
                size="small"
                rowKey="id"
                dataSource={rows}
                pagination={false}
                scroll={{ x: 'max-content' }}
                expandable={{ expandedRowRender: (e) => <Diff entry={e} />, expandRowByClick: false }}
                columns={[
                  {
                    title: t('adm.when'),
                    dataIndex: 'createdAt',
                    render: (v: string) => formatDateTime(v, locale),
                  },
                  {
                    title: t('adm.actor'),
                    key: 'actor',
                    render: (_: unknown, e) => (
                      <>
                        {actorName(e)}
                        {e.tokenId ? <Tag style={{ marginInlineStart: 4 }}>{t('adm.viaToken')}</Tag> : null}
                      </>
                    ),
                  },
                  {
                    title: t('adm.action'),
                    dataIndex: 'action',
                    render: (v: string) => <DataKey value={v} />,
                  },
                  {
                    title: t('adm.entityType'),
                    dataIndex: 'entityType',
                    render: (v: string) => <DataKey value={v} />,
                  },
                  {
                    title: t('adm.entityId'),
                    dataIndex: 'entityId',
                    render: (v: string) => (
                      <Button
                        type="link"
                        size="small"
                        style={{ padding: 0, height: 'auto' }}
                        title={t('adm.filterEntity')}
                        onClick={() => setEntityId(v)}
                        data-value
                      >
                        {v.length > 14 ? `…${v.slice(-12)}` : v}
                      </Button>
                    ),
                  },
                  { title: t('adm.changes'), key: 'changes', render: (_: unknown, e) => summary(e) },
                ]}
              />
              {q.hasNextPage && (
                <Button
                  style={{ marginTop: 8 }}
                  loading={q.isFetchingNextPage}
                  onClick={() => void q.fetchNextPage()}
                >
                  {t('adm.loadMore')}
                </Button>
              )}
            </>
          )}
        </QueryView>
      </Card>
    </Space>
  );
}
