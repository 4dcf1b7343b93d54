import {
  AppstoreOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  LogoutOutlined,
  MessageOutlined,
  SettingOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Result, Space, Spin, Typography } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useLogoutMutation, useMeQuery, useUpdateMeMutation } from './api/hooks.ts';
import { DemoBanner } from './components/DemoBanner.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { ErrorState, Loading } from './components/States.tsx';
import { SignIn } from './features/auth/SignIn.tsx';
import { NotificationsBell } from './features/notifications/Notifications.tsx';
import { useI18n } from './i18n/i18n.tsx';
import type { MessageKey } from './i18n/messages.ts';
import { SessionProvider, useSession } from './session.tsx';

// One chunk per route: the sign-in page and the shell load without charts or editors.
const Workbench = lazy(() => import('./features/workbench/Workbench.tsx'));
const AccountsPage = lazy(() => import('./features/accounts/AccountsPage.tsx'));
const Account360 = lazy(() => import('./features/account360/Account360.tsx'));
const ConfigPage = lazy(() => import('./features/config/ConfigPage.tsx'));
const TasksPage = lazy(() => import('./features/tasks/TasksPage.tsx'));
const RenewalsPage = lazy(() => import('./features/renewals/RenewalsPage.tsx'));
const RequestsPage = lazy(() => import('./features/requests/RequestsPage.tsx'));

/** One error boundary per route, renewed on every navigation so a failed page recovers by leaving it. */
function RouteBoundary({ what, children }: { what: MessageKey; children: React.ReactNode }) {
  const location = useLocation();
  return (
    <ErrorBoundary key={location.pathname} what={what}>
      {children}
    </ErrorBoundary>
  );
}

export function App() {
  const { locale, setLocale } = useI18n();
  const me = useMeQuery();
  const serverLocale = me.data?.user.locale;
  useEffect(() => {
    if (serverLocale) setLocale(serverLocale);
  }, [serverLocale, setLocale]);
  useEffect(() => {
    dayjs.locale(locale === 'en' ? 'en' : 'zh-cn');
  }, [locale]);

  let body: React.ReactNode;
  if (me.isPending) body = <Spin fullscreen />;
  else if (me.error) body = <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  else if (!me.data) body = <SignIn />;
  else
    body = (
      <SessionProvider me={me.data}>
        <Shell />
      </SessionProvider>
    );
  return (
    <ConfigProvider locale={locale === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1677ff' } }}>
      <AntApp>
        <DemoBanner />
        {body}
      </AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const { t } = useI18n();
  const { user, isManager } = useSession();
  const logout = useLogoutMutation();
  const updateMe = useUpdateMeMutation();
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[1] || 'workbench';
  const items = [
    { key: 'workbench', icon: <DashboardOutlined />, label: <Link to="/workbench">{t('workbench')}</Link> },
    { key: 'accounts', icon: <TeamOutlined />, label: <Link to="/accounts">{t('accounts')}</Link> },
    { key: 'tasks', icon: <CheckSquareOutlined />, label: <Link to="/tasks">{t('tasks')}</Link> },
    { key: 'renewals', icon: <CalendarOutlined />, label: <Link to="/renewals">{t('renewals')}</Link> },
    { key: 'requests', icon: <MessageOutlined />, label: <Link to="/requests">{t('requests')}</Link> },
    ...(isManager
      ? [{ key: 'config', icon: <SettingOutlined />, label: <Link to="/config">{t('configuration')}</Link> }]
      : []),
  ];
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={200}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 18 }}>
          <AppstoreOutlined style={{ color: '#1677ff', marginRight: 8 }} />
          {t('appName')}
        </div>
        <nav aria-label="main">
          <Menu mode="inline" selectedKeys={[section]} items={items} style={{ borderInlineEnd: 0 }} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 24px',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            borderBottom: '1px solid #f0f0f0',
          }}
        >
          <Space size="middle">
            <NotificationsBell />
            <LanguageSwitch onChange={(l) => updateMe.mutate({ locale: l })} />
            <Typography.Text data-testid="current-user">
              {user.name} · {t(`role${user.role[0]!.toUpperCase()}${user.role.slice(1)}` as 'roleAdmin')}
            </Typography.Text>
            <Button
              icon={<LogoutOutlined />}
              onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/') })}
            >
              {t('signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Suspense fallback={<Loading rows={8} />}>
              <Routes>
                <Route path="/" element={<Navigate to="/workbench" replace />} />
                <Route
                  path="/workbench"
                  element={
                    <RouteBoundary what="workbench">
                      <Workbench />
                    </RouteBoundary>
                  }
                />
                <Route
                  path="/accounts"
                  element={
                    <RouteBoundary what="accounts">
                      <AccountsPage />
                    </RouteBoundary>
                  }
                />
                <Route
                  path="/accounts/:id"
                  element={
                    <RouteBoundary what="thisPage">
                      <Account360 />
                    </RouteBoundary>
                  }
                />
                <Route
                  path="/tasks"
                  element={
                    <RouteBoundary what="tasks">
                      <TasksPage />
                    </RouteBoundary>
                  }
                />
                <Route
                  path="/renewals"
                  element={
                    <RouteBoundary what="renewals">
                      <RenewalsPage />
                    </RouteBoundary>
                  }
                />
                <Route
                  path="/requests"
                  element={
                    <RouteBoundary what="requests">
                      <RequestsPage />
                    </RouteBoundary>
                  }
                />
                <Route
                  path="/config/*"
                  element={
                    isManager ? (
                      <RouteBoundary what="configuration">
                        <ConfigPage />
                      </RouteBoundary>
                    ) : (
                      <Navigate to="/" replace />
                    )
                  }
                />
                <Route
                  path="*"
                  element={
                    <Result
                      status="404"
                      title={t('notFound')}
                      extra={<Link to="/workbench">{t('backHome')}</Link>}
                    />
                  }
                />
              </Routes>
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
