import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/i18n.tsx';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A 4xx will not fix itself; a dropped connection might, and so does a 429 from the fair-load
      // limit (a manager's workbench asks for three heavy reads at once): retried after its 2 s.
      retry: (count, error) => {
        const status = (error as { status?: number }).status;
        return (status === 0 && count < 2) || (status === 429 && count < 4);
      },
      retryDelay: (count, error) =>
        (error as { status?: number }).status === 429 ? 2000 : Math.min(1000 * 2 ** count, 30_000),
      refetchOnWindowFocus: false,
    },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <App />
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
