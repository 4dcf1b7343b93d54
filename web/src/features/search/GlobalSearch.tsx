import { SearchOutlined } from '@ant-design/icons';
import { Button, Empty, Input, type InputRef, Modal, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { type SearchResults, useSearchQuery } from '../../api/list.ts';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

type Hit = { key: string; group: MessageKey; title: string; detail: string; to: string; tag?: MessageKey };

/** The results in the order shown (and walked with the arrow keys), each with where it opens. */
function flatten(r: SearchResults | undefined): Hit[] {
  if (!r) return [];
  const join = (...parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' · ');
  return [
    ...r.accounts.map((a) => ({
      key: `a:${a.id}`,
      group: 'searchGroupAccounts' as const,
      title: a.name,
      detail: a.externalId,
      to: `/accounts/${a.id}`,
    })),
    ...r.contacts.map((c) => ({
      key: `c:${c.id}`,
      group: 'searchGroupContacts' as const,
      title: c.name,
      detail: join(c.accountName, c.email, c.phone, c.wechatId),
      to: `/accounts/${c.accountId}`,
    })),
    ...r.tasks.map((x) => ({
      key: `t:${x.id}`,
      group: 'searchGroupTasks' as const,
      title: x.title,
      detail: join(x.accountName, x.dueDate),
      to: `/accounts/${x.accountId}`,
      tag: `status_${x.status}` as MessageKey,
    })),
    ...r.requests.map((x) => ({
      key: `r:${x.id}`,
      group: 'searchGroupRequests' as const,
      title: `#${x.number} ${x.title}`,
      detail: x.accountName,
      to: `/accounts/${x.accountId}`,
    })),
  ];
}

/** Typing in a field keeps its `/`; only elsewhere does `/` open the search. */
function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * Global search in the header: Ctrl/⌘-K or `/` anywhere opens it; accounts, contacts, tasks and
 * requests the user may read, grouped; ↑/↓ choose, Enter opens, Esc closes.
 */
export function GlobalSearch() {
  const { t, locale } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<InputRef>(null);
  // Ask the server once typing pauses.
  useEffect(() => {
    const id = setTimeout(() => {
      setQuery(text);
      setActive(0);
    }, 150);
    return () => clearTimeout(id);
  }, [text]);
  const results = useSearchQuery(query);
  const hits = useMemo(() => (query.trim() ? flatten(results.data) : []), [results.data, query]);
  // Results of a new query may be fewer than the last: keep the choice on a row that exists.
  const current = Math.max(0, Math.min(active, hits.length - 1));

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = e.key.toLowerCase();
      if (k === 'k' && (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey) {
        e.preventDefault();
        setOpen(true);
      } else if (e.key === '/' && !e.ctrlKey && !e.metaKey && !e.altKey && !isEditable(e.target)) {
        e.preventDefault();
        setOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const go = (hit: Hit | undefined) => {
    if (!hit) return;
    setOpen(false);
    setText('');
    void navigate(hit.to);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive(Math.min(current + 1, hits.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive(Math.max(current - 1, 0));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      go(hits[current]);
    }
  };

  let body: React.ReactNode;
  if (!query.trim()) body = <Typography.Text type="secondary">{t('globalSearchStart')}</Typography.Text>;
  else if (results.isPending) body = <Spin />;
  else if (results.error) body = <Typography.Text type="danger">{results.error.message}</Typography.Text>;
  else if (!hits.length)
    body = (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('globalSearchNone', { q: query.trim() })} />
    );
  else
    body = (
      <div role="listbox" aria-label={t('globalSearch')} data-testid="search-results">
        {hits.map((hit, i) => (
          <div key={hit.key}>
            {(i === 0 || hits[i - 1]!.group !== hit.group) && (
              <Typography.Text type="secondary" strong style={{ display: 'block', margin: '8px 0 4px' }}>
                {t(hit.group)}
              </Typography.Text>
            )}
            <div
              role="option"
              aria-selected={i === current}
              data-testid="search-result"
              tabIndex={-1}
              onMouseEnter={() => setActive(i)}
              onClick={() => go(hit)}
              onKeyDown={onKeyDown}
              style={{
                padding: '6px 10px',
                borderRadius: 6,
                cursor: 'pointer',
                background: i === current ? '#e6f4ff' : undefined,
                display: 'flex',
                gap: 8,
                alignItems: 'baseline',
                minWidth: 0,
              }}
            >
              <span style={{ fontWeight: 500, whiteSpace: 'nowrap' }}>{hit.title}</span>
              {hit.tag && <Tag>{t(hit.tag)}</Tag>}
              <Typography.Text type="secondary" ellipsis style={{ minWidth: 0 }}>
                {hit.detail}
              </Typography.Text>
            </div>
          </div>
        ))}
      </div>
    );

  return (
    <>
      <Button
        icon={<SearchOutlined />}
        onClick={() => setOpen(true)}
        aria-label={t('globalSearch')}
        data-testid="global-search-open"
      >
        <span className="global-search-label">
          {t('globalSearch')}{' '}
          <Typography.Text keyboard type="secondary">
            {isMac ? '⌘K' : locale === 'en' ? 'Ctrl K' : '/'}
          </Typography.Text>
        </span>
      </Button>
      <Modal
        open={open}
        onCancel={() => setOpen(false)}
        footer={null}
        closable={false}
        destroyOnHidden
        afterOpenChange={(o) => o && input.current?.focus()}
        title={null}
        width={640}
        styles={{ body: { paddingTop: 4 } }}
      >
        <Input
          ref={input}
          autoFocus
          size="large"
          prefix={<SearchOutlined />}
          aria-label={t('globalSearch')}
          placeholder={t('globalSearchPlaceholder')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          data-testid="global-search-input"
          allowClear
        />
        <div style={{ marginTop: 12, maxHeight: '60vh', overflowY: 'auto' }}>{body}</div>
        <Typography.Text type="secondary" style={{ display: 'block', marginTop: 12, fontSize: 12 }}>
          {t('globalSearchHelp')}
        </Typography.Text>
      </Modal>
    </>
  );
}
