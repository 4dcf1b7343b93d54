import { DeleteOutlined, SaveOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import { App, Button, Checkbox, Dropdown, Input, Popover, Space, Tag } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { type SavedView, useSavedViewMutations, useSavedViewsQuery } from '../../api/list.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import { useSession } from '../../session.tsx';
import { ALL_COLUMNS, type ColumnKey } from './columns.tsx';
import { FILTER_KEYS, type Filters } from './filters.ts';

/** A saved view as the list's filters (the condition and sort are filters in the URL) and columns. */
export function viewToFilters(view: SavedView): { filters: Filters; columns: ColumnKey[] } {
  const all: Record<string, string | null | undefined> = {
    ...view.filters,
    where: view.condition,
    sort: view.sort,
  };
  const filters: Filters = {};
  for (const k of FILTER_KEYS) if (all[k]) filters[k] = all[k]!;
  const columns = view.columns.filter((c): c is ColumnKey => (ALL_COLUMNS as string[]).includes(c));
  return { filters, columns };
}

/**
 * Saved views kept on the server: the user's own and the workspace's shared ones; applying one
 * replaces the filters and columns; saving under an existing name of yours updates that view.
 * Managers and admins may share a view with the workspace.
 */
export function SavedViews({
  filters,
  columns,
  onApply,
}: {
  filters: Filters;
  columns: readonly ColumnKey[];
  onApply: (filters: Filters, columns: ColumnKey[]) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { isManager } = useSession();
  const views = useSavedViewsQuery();
  const { create, update, remove } = useSavedViewMutations();
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [open, setOpen] = useState(false);
  const items = views.data?.items ?? [];
  const fail = (e: unknown) => void message.error(e instanceof ApiError ? e.message : String(e));

  const entry = (v: SavedView) => ({
    key: v.id,
    onClick: () => {
      const next = viewToFilters(v);
      onApply(next.filters, next.columns.length ? next.columns : [...columns]);
    },
    label: (
      <Space data-testid="saved-view" style={{ justifyContent: 'space-between', width: '100%' }}>
        <span>
          {v.name}
          {v.visibility === 'shared' && (
            <Tag color="blue" style={{ marginInlineStart: 8 }}>
              {t('sharedView')}
            </Tag>
          )}
          {!v.mine && v.ownerName && (
            <span style={{ color: '#8c8c8c' }}> {t('viewBy', { name: v.ownerName })}</span>
          )}
        </span>
        {v.mine && (
          <Button
            size="small"
            type="text"
            aria-label={t('deleteView')}
            title={t('deleteView')}
            icon={<DeleteOutlined />}
            onClick={(e) => {
              e.stopPropagation();
              remove.mutate(v.id, { onSuccess: () => void message.success(t('viewDeleted')), onError: fail });
            }}
          />
        )}
      </Space>
    ),
  });
  const sharedViews = items.filter((v) => v.visibility === 'shared');
  const myViews = items.filter((v) => v.visibility !== 'shared');
  const menu: MenuProps['items'] = items.length
    ? [
        ...(sharedViews.length
          ? [
              {
                type: 'group' as const,
                key: 'shared',
                label: t('sharedViews'),
                children: sharedViews.map(entry),
              },
            ]
          : []),
        ...(myViews.length
          ? [{ type: 'group' as const, key: 'mine', label: t('myViews'), children: myViews.map(entry) }]
          : []),
      ]
    : [{ key: 'none', label: t('empty'), disabled: true }];

  const save = () => {
    const { where, sort, ...rest } = filters;
    const body = {
      name: name.trim(),
      visibility: shared ? ('shared' as const) : ('private' as const),
      filters: Object.fromEntries(Object.entries(rest).filter(([, v]) => v)) as Record<string, string>,
      condition: where || null,
      sort: sort || null,
      columns: [...columns],
    };
    const done = {
      onSuccess: () => {
        void message.success(t('viewSaved'));
        setName('');
        setShared(false);
        setOpen(false);
      },
      onError: fail,
    };
    const existing = items.find((v) => v.mine && v.name === body.name);
    if (existing) update.mutate({ id: existing.id, ...body }, done);
    else create.mutate({ list: 'accounts', ...body }, done);
  };

  return (
    <>
      <Dropdown menu={{ items: menu }} trigger={['click']}>
        <Button data-testid="saved-views">{t('savedViews')}</Button>
      </Dropdown>
      <Popover
        trigger="click"
        open={open}
        onOpenChange={setOpen}
        title={t('saveView')}
        content={
          <Space orientation="vertical">
            <Input
              aria-label={t('viewName')}
              placeholder={t('viewName')}
              value={name}
              onChange={(e) => setName(e.target.value)}
              onPressEnter={() => name.trim() && save()}
              maxLength={100}
            />
            {isManager && (
              <Checkbox checked={shared} onChange={(e) => setShared(e.target.checked)}>
                {t('shareWithWorkspace')}
              </Checkbox>
            )}
            <Button
              type="primary"
              disabled={!name.trim()}
              loading={create.isPending || update.isPending}
              onClick={save}
            >
              {t('save')}
            </Button>
          </Space>
        }
      >
        <Button icon={<SaveOutlined />}>{t('saveView')}</Button>
      </Popover>
    </>
  );
}
