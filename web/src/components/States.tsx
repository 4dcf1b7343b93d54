import { Alert, Button, Empty, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function Loading({ rows = 4 }: { rows?: number }) {
  const { t } = useI18n();
  return (
    <div role="status" aria-live="polite" aria-label={t('loading')}>
      <Skeleton active paragraph={{ rows }} />
    </div>
  );
}

/** The API's own message (never raw JSON), with a retry when the caller can refetch. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = error instanceof ApiError || error instanceof Error ? error.message : t('errorTitle');
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={t('errorTitle')}
      description={message}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

export function EmptyState({ description }: { description?: ReactNode }) {
  const { t } = useI18n();
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={description ?? t('empty')} />;
}

/** Renders loading, error or empty states of one query, else its content. */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  rows,
  children,
}: {
  query: { data: T | undefined; isPending: boolean; error: unknown; refetch: () => unknown };
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  rows?: number;
  children: (data: T) => ReactNode;
}) {
  if (query.error) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (query.isPending || query.data === undefined) return <Loading rows={rows} />;
  if (isEmpty?.(query.data)) return <EmptyState description={empty} />;
  return <>{children(query.data)}</>;
}
