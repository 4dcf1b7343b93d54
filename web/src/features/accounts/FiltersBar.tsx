import { Button, Card, Input, InputNumber, Select, Space } from 'antd';
import { useState } from 'react';
import {
  useAccountStatesSummaryQuery,
  useSegmentsQuery,
  useStagesQuery,
  useTieringSchemesQuery,
  useUsersQuery,
} from '../../api/hooks.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import { tiersOf } from './conditions.ts';
import type { Filters } from './filters.ts';

/**
 * Every filter of the list; each change replaces the URL's filters (and so the server's query).
 * Text fields start from the URL when mounted: the page remounts the bar when it replaces them all.
 */
export function FiltersBar({
  filters,
  setFilter,
  clear,
}: {
  filters: Filters;
  setFilter: (patch: Filters) => void;
  clear: () => void;
}) {
  const { t } = useI18n();
  const enumLabel = useEnumLabel();
  const label = useLabel();
  const users = useUsersQuery();
  const summary = useAccountStatesSummaryQuery();
  const stages = useStagesQuery();
  const schemes = useTieringSchemesQuery();
  const segments = useSegmentsQuery();
  const [whereDraft, setWhereDraft] = useState(filters.where ?? '');
  const activeScheme = schemes.data?.items.find((s) => s.active);
  // A free-text field applies on Enter or when it loses focus with a changed value.
  const textFilter = (key: 'region' | 'industry' | 'tag') => ({
    'aria-label': t(key),
    placeholder: t(key),
    allowClear: true,
    style: { width: 110 },
    defaultValue: filters[key],
    onPressEnter: (e: React.KeyboardEvent<HTMLInputElement>) => setFilter({ [key]: e.currentTarget.value }),
    onBlur: (e: React.FocusEvent<HTMLInputElement>) => {
      if (e.currentTarget.value !== (filters[key] ?? '')) setFilter({ [key]: e.currentTarget.value });
    },
  });
  return (
    <Card size="small" title={t('filters')}>
      <Space wrap>
        <Input.Search
          aria-label={t('search')}
          placeholder={t('search')}
          allowClear
          defaultValue={filters.q}
          onSearch={(v) => setFilter({ q: v })}
          style={{ width: 260 }}
        />
        <Select
          aria-label={t('owner')}
          placeholder={t('owner')}
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 180 }}
          value={filters.owner}
          onChange={(v) => setFilter({ owner: v })}
          options={(users.data?.items ?? []).map((u) => ({ value: u.id, label: u.name }))}
        />
        <Select
          aria-label={t('healthStatus')}
          placeholder={t('healthStatus')}
          allowClear
          style={{ width: 140 }}
          value={filters.health}
          onChange={(v) => setFilter({ health: v })}
          options={(summary.data?.bands ?? []).map((b) => ({ value: b.key, label: label(b.label, b.key) }))}
        />
        <Select
          aria-label={t('tier')}
          placeholder={t('tier')}
          allowClear
          style={{ width: 140 }}
          value={filters.tier}
          onChange={(v) => setFilter({ tier: v })}
          options={(activeScheme ? tiersOf(activeScheme) : []).map((k) => ({
            value: k,
            label: enumLabel('tier', k),
          }))}
        />
        <Select
          aria-label={t('stage')}
          placeholder={t('stage')}
          allowClear
          style={{ width: 140 }}
          value={filters.stage}
          onChange={(v) => setFilter({ stage: v })}
          options={(stages.data?.items ?? []).map((s) => ({ value: s.key, label: s.name }))}
        />
        <Select
          aria-label={t('segment')}
          placeholder={t('segment')}
          allowClear
          style={{ width: 160 }}
          value={filters.segment}
          onChange={(v) => setFilter({ segment: v })}
          options={(segments.data?.items ?? []).map((s) => ({ value: s.key, label: s.name }))}
        />
        <Input {...textFilter('region')} />
        <Input {...textFilter('industry')} />
        <Input {...textFilter('tag')} />
        <InputNumber
          aria-label={t('arrMin')}
          placeholder={t('arrMin')}
          min={0}
          style={{ width: 140 }}
          defaultValue={filters.arrMin ? Number(filters.arrMin) : undefined}
          onBlur={(e) => setFilter({ arrMin: e.currentTarget.value.replace(/[^\d.]/g, '') })}
        />
        <InputNumber
          aria-label={t('renewalWithin')}
          placeholder={t('renewalWithin')}
          min={1}
          max={3650}
          style={{ width: 150 }}
          defaultValue={filters.renewalWithin ? Number(filters.renewalWithin) : undefined}
          onBlur={(e) => setFilter({ renewalWithin: e.currentTarget.value.replace(/\D/g, '') })}
        />
        <Input.Search
          aria-label={t('factCondition')}
          placeholder={t('factCondition')}
          title={t('factConditionHelp')}
          style={{ width: 360 }}
          value={whereDraft}
          onChange={(e) => setWhereDraft(e.target.value)}
          onSearch={(v) => setFilter({ where: v })}
          enterButton
        />
        <Button onClick={clear}>{t('clearFilters')}</Button>
      </Space>
    </Card>
  );
}
