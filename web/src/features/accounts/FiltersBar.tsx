import { Button, Card, Input, InputNumber, Select, Space } from 'antd';
import { useState } from 'react';
import {
  useAccountStatesSummaryQuery,
  useSegmentsQuery,
  useStagesQuery,
  useTieringSchemesQuery,
} from '../../api/hooks.ts';
import { useAccountFacetsQuery } from '../../api/list.ts';
import { useEnumLabel } from '../../i18n/enums.ts';
import { useI18n, useLabel } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
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
  const { user } = useSession();
  const facets = useAccountFacetsQuery();
  const summary = useAccountStatesSummaryQuery();
  const stages = useStagesQuery();
  const schemes = useTieringSchemesQuery();
  const segments = useSegmentsQuery();
  const [whereDraft, setWhereDraft] = useState(filters.where ?? '');
  const activeScheme = schemes.data?.items.find((s) => s.active);
  // Pickers of the values the accounts have (any of the chosen; tags: all of them), from the server.
  const picker = (key: 'region' | 'industry' | 'tag', values: readonly string[] | undefined) => (
    <Select
      mode="multiple"
      aria-label={t(key)}
      placeholder={t(key)}
      allowClear
      maxTagCount="responsive"
      style={{ minWidth: 130, maxWidth: 220 }}
      value={filters[key] ? filters[key].split(',') : []}
      onChange={(v: string[]) => setFilter({ [key]: v.join(',') })}
      options={(values ?? []).map((v) => ({ value: v, label: v }))}
      data-testid={`filter-${key}`}
    />
  );
  const others = (facets.data?.owners ?? []).filter((o) => o.id !== user.id);
  const ownerOptions = [
    { value: user.id, label: t('ownerMe', { name: user.name }) },
    ...others.map((o) => ({ value: o.id, label: o.name })),
    { value: 'none', label: t('ownerNone') },
  ];
  // Number fields apply on Enter or when they lose focus.
  const applyNumber = (key: 'arrMin' | 'renewalWithin', raw: string) =>
    setFilter({ [key]: key === 'arrMin' ? raw.replace(/[^\d.]/g, '') : raw.replace(/\D/g, '') });
  const sortOptions = [
    { value: 'name', label: t('sortName') },
    { value: 'healthScore', label: t('sortHealthAsc') },
    { value: '-healthScore', label: t('sortHealthDesc') },
    { value: 'tier', label: t('sortTier') },
    { value: 'stage', label: t('sortStage') },
    { value: 'renewalDate', label: t('sortRenewal') },
    { value: '-arr', label: t('sortArrDesc') },
  ];
  const sort = filters.sort ?? 'name';
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
          options={ownerOptions}
          data-testid="filter-owner"
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
        {picker('region', facets.data?.regions)}
        {picker('industry', facets.data?.industries)}
        {picker('tag', facets.data?.tags)}
        <InputNumber
          aria-label={t('arrMin')}
          placeholder={t('arrMin')}
          min={0}
          style={{ width: 140 }}
          defaultValue={filters.arrMin ? Number(filters.arrMin) : undefined}
          onPressEnter={(e) => applyNumber('arrMin', (e.target as HTMLInputElement).value)}
          onBlur={(e) => applyNumber('arrMin', e.currentTarget.value)}
        />
        <InputNumber
          aria-label={t('renewalWithin')}
          placeholder={t('renewalWithin')}
          min={1}
          max={3650}
          style={{ width: 150 }}
          defaultValue={filters.renewalWithin ? Number(filters.renewalWithin) : undefined}
          onPressEnter={(e) => applyNumber('renewalWithin', (e.target as HTMLInputElement).value)}
          onBlur={(e) => applyNumber('renewalWithin', e.currentTarget.value)}
        />
        <Input.Search
          aria-label={t('factCondition')}
          placeholder={t('factCondition')}
          title={t('factConditionHelp')}
          style={{ width: 'min(360px, calc(100vw - 120px))' }}
          value={whereDraft}
          onChange={(e) => setWhereDraft(e.target.value)}
          onSearch={(v) => setFilter({ where: v })}
          enterButton
        />
        <Select
          aria-label={t('sortBy')}
          style={{ width: 210 }}
          value={sortOptions.some((o) => o.value === sort) ? sort : undefined}
          placeholder={t('sortBy')}
          onChange={(v: string) => setFilter({ sort: v })}
          options={sortOptions}
          data-testid="sort-by"
        />
        <Button onClick={clear}>{t('clearFilters')}</Button>
      </Space>
    </Card>
  );
}
