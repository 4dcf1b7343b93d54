import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button } from 'antd';
import { Component, type ErrorInfo, type ReactNode, useState } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

/**
 * Keeps a rendering error inside one widget or route: the rest of the page stays, and this part
 * says what failed (in the user's language) with a retry that renders it again. Without it React
 * unmounts the whole app on one bad value (an Account 360 panel once blanked the page on a null).
 */
export class ErrorBoundary extends Component<
  { what: MessageKey; children: ReactNode },
  { error: Error | null }
> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    // Kept in the console for whoever investigates; the user sees the fallback.
    console.error(`[${this.props.what}]`, error, info.componentStack);
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <ErrorFallback
        what={this.props.what}
        error={this.state.error}
        onRetry={() => this.setState({ error: null })}
      />
    );
  }
}

function ErrorFallback({ what, error, onRetry }: { what: MessageKey; error: Error; onRetry: () => void }) {
  const { t } = useI18n();
  const queryClient = useQueryClient();
  const [retrying, setRetrying] = useState(false);
  // The widget may have failed on the data it was given: every cached query (the widget's are
  // inactive while the fallback shows, or shared with a sibling) is fetched again before it
  // renders, else it would render the same cached data and fail the same way.
  const retry = async () => {
    setRetrying(true);
    try {
      await queryClient.invalidateQueries({ refetchType: 'all' });
    } finally {
      setRetrying(false);
      onRetry();
    }
  };
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="widget-error"
      title={t('widgetFailed', { what: t(what) })}
      description={error.message}
      action={
        <Button size="small" loading={retrying} onClick={() => void retry()}>
          {t('retry')}
        </Button>
      }
    />
  );
}
