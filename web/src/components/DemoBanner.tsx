import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Progress, Space } from 'antd';
import { useEffect, useRef } from 'react';
import { apiGet } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';

/**
 * On a first start the demo workspace is built while the server already answers: this strip says
 * how far it has come (GET /demo/status, no sign-in needed, so the sign-in page shows it too) and,
 * once it is ready, refreshes what is on screen so the demo accounts appear.
 */
export function DemoBanner() {
  const { t } = useI18n();
  const qc = useQueryClient();
  const status = useQuery({
    queryKey: ['demo/status'],
    queryFn: ({ signal }) => apiGet('/demo/status', { signal }),
    refetchInterval: (q) => (q.state.data?.state === 'preparing' ? 2000 : false),
    refetchOnWindowFocus: false,
    retry: false,
  });
  const state = status.data?.state;
  const was = useRef(state);
  useEffect(() => {
    if (was.current === 'preparing' && state === 'ready')
      void qc.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'demo/status' });
    was.current = state;
  }, [state, qc]);

  if (state === 'preparing') {
    const pct = status.data?.percent ?? 0;
    return (
      <Alert
        data-testid="demo-banner"
        type="info"
        banner
        showIcon
        title={
          <Space wrap size="middle">
            <span data-testid="demo-banner-text">{t('demoPreparing', { pct })}</span>
            <Progress
              percent={pct}
              size="small"
              style={{ width: 160, margin: 0 }}
              aria-label={t('demoPreparing', { pct })}
            />
          </Space>
        }
        description={t('demoPreparingHint')}
      />
    );
  }
  if (state === 'failed')
    return (
      <Alert
        data-testid="demo-banner"
        type="error"
        banner
        showIcon
        closable
        title={t('demoFailed', { reason: status.data?.error ?? '' })}
      />
    );
  return null;
}
