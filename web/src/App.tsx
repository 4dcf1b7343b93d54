import {
  ApartmentOutlined,
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  CalendarOutlined,
  CheckSquareOutlined,
  DashboardOutlined,
  LineChartOutlined,
  LogoutOutlined,
  MessageOutlined,
  ScheduleOutlined,
  SettingOutlined,
  SmileOutlined,
  TeamOutlined,
  TrophyOutlined,
  UploadOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import {
  App as AntApp,
  Button,
  ConfigProvider,
  Grid,
  Layout,
  Menu,
  Result,
  Space,
  Spin,
  Typography,
} from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { type ComponentType, lazy, memo, type ReactNode, Suspense, useEffect, useRef } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { useLogoutMutation, useMeQuery, useUpdateMeMutation } from './api/hooks.ts';
import { DemoBanner } from './components/DemoBanner.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { LanguageSwitch } from './components/LanguageSwitch.tsx';
import { ErrorState, Loading } from './components/States.tsx';
import { SignIn } from './features/auth/SignIn.tsx';
import { NotificationsBell } from './features/notifications/Notifications.tsx';
import { GlobalSearch } from './features/search/GlobalSearch.tsx';
import { hasChosenLocale, useI18n } from './i18n/i18n.tsx';
import type { MessageKey } from './i18n/messages.ts';
import { SessionProvider, useSession } from './session.tsx';
import './phone.css';

// One chunk per route: the sign-in page and the shell load without charts or editors.
const Workbench = lazy(() => import('./features/workbench/Workbench.tsx'));
const AccountsPage = lazy(() => import('./features/accounts/AccountsPage.tsx'));
const Account360 = lazy(() => import('./features/account360/Account360.tsx'));
const ConfigPage = lazy(() => import('./features/config/ConfigPage.tsx'));
const TasksPage = lazy(() => import('./features/tasks/TasksPage.tsx'));
const RenewalsPage = lazy(() => import('./features/renewals/RenewalsPage.tsx'));
const RiskPage = lazy(() => import('./features/risk/RiskPage.tsx'));
const IntegrationsPage = lazy(() => import('./features/integrations/IntegrationsPage.tsx'));
const RequestsPage = lazy(() => import('./features/requests/RequestsPage.tsx'));
const RevenuePage = lazy(() => import('./features/revenue/RevenuePage.tsx'));
const PlaybooksPage = lazy(() => import('./features/playbooks/PlaybooksPage.tsx'));
const AdminPage = lazy(() => import('./features/admin/AdminPage.tsx'));
const ImportsPage = lazy(() => import('./features/imports/ImportsPage.tsx'));
const SurveysPage = lazy(() => import('./features/surveys/SurveysPage.tsx'));
const NotificationCentre = lazy(() => import('./features/notifications/NotificationCentre.tsx'));
const TeamPage = lazy(() => import('./features/team/TeamPage.tsx'));
const ScorecardsPage = lazy(() => import('./features/scorecards/ScorecardsPage.tsx'));

type Session = ReturnType<typeof useSession>;

/**
 * Every page: its address, what its error boundary calls it, who may open it (anyone signed in when
 * unsaid; others are sent home), and its entry in the menu, in menu order. The menu and the routes
 * both read this, so a page a role may not open is neither listed nor reachable by its address.
 */
const PAGES: {
  path: string;
  what: MessageKey;
  Page: ComponentType;
  may?: (s: Session) => boolean;
  menu?: { label: MessageKey; icon: ReactNode };
}[] = [
  {
    path: '/workbench',
    what: 'workbench',
    Page: Workbench,
    menu: { label: 'workbench', icon: <DashboardOutlined /> },
  },
  {
    path: '/accounts',
    what: 'accounts',
    Page: AccountsPage,
    menu: { label: 'accounts', icon: <TeamOutlined /> },
  },
  { path: '/accounts/:id', what: 'thisPage', Page: Account360 },
  { path: '/tasks', what: 'tasks', Page: TasksPage, menu: { label: 'tasks', icon: <CheckSquareOutlined /> } },
  {
    path: '/renewals',
    what: 'renewals',
    Page: RenewalsPage,
    menu: { label: 'renewals', icon: <CalendarOutlined /> },
  },
  {
    path: '/risk',
    what: 'riskTitle',
    Page: RiskPage,
    menu: { label: 'riskMenu', icon: <WarningOutlined /> },
  },
  {
    path: '/requests',
    what: 'requests',
    Page: RequestsPage,
    menu: { label: 'requests', icon: <MessageOutlined /> },
  },
  {
    path: '/revenue',
    what: 'rev.title',
    Page: RevenuePage,
    menu: { label: 'rev.menu', icon: <LineChartOutlined /> },
  },
  {
    path: '/playbooks',
    what: 'pb.title',
    Page: PlaybooksPage,
    menu: { label: 'pb.menu', icon: <ScheduleOutlined /> },
  },
  {
    path: '/admin',
    what: 'adm.title',
    Page: AdminPage,
    may: (s) => s.user.role === 'admin',
    menu: { label: 'adm.menu', icon: <AuditOutlined /> },
  },
  {
    path: '/surveys',
    what: 'surveys',
    Page: SurveysPage,
    menu: { label: 'surveys', icon: <SmileOutlined /> },
  },
  { path: '/notifications', what: 'notificationCentre', Page: NotificationCentre },
  {
    path: '/team',
    what: 'teamTitle',
    Page: TeamPage,
    may: (s) => s.isManager,
    menu: { label: 'teamTitle', icon: <ApartmentOutlined /> },
  },
  {
    path: '/scorecards',
    what: 'scorecards',
    Page: ScorecardsPage,
    may: (s) => s.user.role !== 'viewer',
    menu: { label: 'scorecards', icon: <TrophyOutlined /> },
  },
  {
    path: '/imports',
    what: 'importsTitle',
    Page: ImportsPage,
    may: (s) => s.isManager,
    menu: { label: 'importsMenu', icon: <UploadOutlined /> },
  },
  {
    path: '/config/*',
    what: 'configuration',
    Page: ConfigPage,
    may: (s) => s.isManager,
    menu: { label: 'configuration', icon: <SettingOutlined /> },
  },
  {
    path: '/integrations',
    what: 'integrations',
    Page: IntegrationsPage,
    may: (s) => s.can('keys:manage'),
    menu: { label: 'integrations', icon: <ApiOutlined /> },
  },
];

/** One error boundary per route, renewed on every navigation so a failed page recovers by leaving it. */
function RouteBoundary({ what, children }: { what: MessageKey; children: React.ReactNode }) {
  const location = useLocation();
  return (
    <ErrorBoundary key={location.pathname} what={what}>
      {children}
    </ErrorBoundary>
  );
}

/**
 * Where option lists, calendars and menus are rendered: inside the dialog their field is in, else
 * in the body. A list in the body is placed by page coordinates, so when the page behind a dialog
 * scrolled (it can, by script, though the dialog locks the wheel) the list stayed where it was
 * drawn, away from its field, until the next mouse-down put it back under the field: a click on an
 * option then chose nothing and the list stayed open (seen on the tier picker, reported on the owner one).
 */
function popupContainer(trigger?: HTMLElement): HTMLElement {
  return trigger?.closest<HTMLElement>('.ant-modal-body') ?? document.body;
}

export function App() {
  const { locale, setLocale } = useI18n();
  const me = useMeQuery();
  const saveLocale = useUpdateMeMutation();
  const serverLocale = me.data?.user.locale;
  // Opening the app with a session, the user's saved language wins; signing in, a language chosen
  // in this browser (on the sign-in page or earlier) wins and is saved on the user, else the login
  // would switch it back. A browser's default language does not overwrite the saved one.
  const signingIn = useRef(false);
  if (me.data === null) signingIn.current = true;
  const onScreen = useRef(locale);
  onScreen.current = locale;
  useEffect(() => {
    if (!serverLocale) return;
    if (signingIn.current && hasChosenLocale()) {
      signingIn.current = false;
      if (serverLocale !== onScreen.current) saveLocale.mutate({ locale: onScreen.current });
    } else {
      signingIn.current = false;
      setLocale(serverLocale);
    }
  }, [serverLocale, setLocale, saveLocale.mutate]);

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
    <ConfigProvider
      locale={locale === 'en' ? enUS : zhCN}
      theme={{ token: { colorPrimary: '#1677ff' } }}
      getPopupContainer={popupContainer}
    >
      <AntApp>
        <DemoBanner />
        {body}
      </AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const { t } = useI18n();
  const session = useSession();
  const { user } = session;
  const logout = useLogoutMutation();
  const updateMe = useUpdateMeMutation();
  const location = useLocation();
  const navigate = useNavigate();
  const section = location.pathname.split('/')[1] || 'workbench';
  // Below 992 px the menu is a rail of icons; below 768 px (a phone) the header is icons too and
  // the page has less padding. Both read one breakpoint observer, so a resize changes them in the
  // same render: the rail used to follow its own matchMedia listener (Sider `breakpoint`), set in an
  // effect after the first paint, and then eased its width from 200 to 48 px over 0.2 s, during
  // which the header, already laid out for the new width, was pushed past the window's edge.
  const screens = Grid.useBreakpoint();
  const narrow = !screens.md;
  const collapsed = !screens.lg;
  const roleName = t(`role${user.role[0]!.toUpperCase()}${user.role.slice(1)}` as 'roleAdmin');
  const items = PAGES.filter((p) => p.menu && (!p.may || p.may(session))).map(({ path, menu }) => {
    const key = path.split('/')[1]!;
    return { key, icon: menu!.icon, label: <Link to={`/${key}`}>{t(menu!.label)}</Link> };
  });
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider
        collapsed={collapsed}
        collapsedWidth={narrow ? 48 : 56}
        theme="light"
        width={200}
        trigger={null}
        // No easing of the rail's width: it changes only with the window's, and the page beside it
        // must fit the window in the frame the window changes, not 0.2 s later.
        style={{ transition: 'none' }}
      >
        <div
          style={{
            padding: collapsed ? '16px 0' : '16px 20px',
            textAlign: collapsed ? 'center' : undefined,
            fontWeight: 600,
            fontSize: 18,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
          }}
        >
          <AppstoreOutlined style={{ color: '#1677ff', marginRight: collapsed ? 0 : 8 }} />
          {collapsed ? null : t('appName')}
        </div>
        <nav aria-label="main">
          <Menu mode="inline" selectedKeys={[section]} items={items} style={{ borderInlineEnd: 0 }} />
        </nav>
      </Layout.Sider>
      <Layout style={{ minWidth: 0 }}>
        <Layout.Header
          style={{
            background: '#fff',
            padding: narrow ? '0 8px' : '0 24px',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            borderBottom: '1px solid #f0f0f0',
            minWidth: 0,
          }}
        >
          <Space size={narrow ? 'small' : 'middle'} style={{ minWidth: 0 }}>
            <GlobalSearch />
            <NotificationsBell />
            <LanguageSwitch onChange={(l) => updateMe.mutate({ locale: l })} />
            {/* On a phone the name goes into the sign-out button's tooltip: the header stays one line. */}
            <Typography.Text
              data-testid="current-user"
              ellipsis
              style={narrow ? { display: 'none' } : { display: 'block', maxWidth: 260, lineHeight: 'normal' }}
            >
              {user.name} · {roleName}
            </Typography.Text>
            <Button
              icon={<LogoutOutlined />}
              aria-label={t('signOut')}
              title={`${user.name} · ${roleName}`}
              onClick={() => logout.mutate(undefined, { onSettled: () => navigate('/') })}
            >
              {narrow ? null : t('signOut')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: narrow ? 12 : 24, minWidth: 0 }}>
          {/* The address this page was rendered for: React Router renders a navigation in a
              transition, so for a moment (a lazy page's code, a busy machine) the page on screen is
              still the previous address's; the browser tests wait for the two to agree. */}
          <main data-path={location.pathname}>
            <AppRoutes />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/**
 * The routes, memoised: a resize changes the shell (rail, header, padding) and must not re-render
 * the page inside it, which took ~100 ms on the imports page and held the first frame at the new
 * width back by as long (more on a busy machine).
 */
const AppRoutes = memo(function AppRoutes() {
  const { t } = useI18n();
  const session = useSession();
  return (
    <Suspense fallback={<Loading rows={8} />}>
      <Routes>
        <Route path="/" element={<Navigate to="/workbench" replace />} />
        {PAGES.map(({ path, what, Page, may }) => (
          <Route
            key={path}
            path={path}
            element={
              !may || may(session) ? (
                <RouteBoundary what={what}>
                  <Page />
                </RouteBoundary>
              ) : (
                <Navigate to="/" replace />
              )
            }
          />
        ))}
        <Route
          path="*"
          element={
            <Result status="404" title={t('notFound')} extra={<Link to="/workbench">{t('backHome')}</Link>} />
          }
        />
      </Routes>
    </Suspense>
  );
});
