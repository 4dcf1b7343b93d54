export type Role = 'admin' | 'manager' | 'csm' | 'viewer';
export type Locale = 'zh-CN' | 'en';
export type Label = { 'zh-CN': string; en: string };

export interface User {
  id: string;
  email: string;
  name: string;
  locale: Locale;
  role: Role;
  active: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}
export interface Me {
  user: User;
  csrfToken?: string;
  workspace: { id: string; baseCurrency: string; timeZone: string };
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
}
export type TeamRole = 'csm' | 'ae' | 'support' | 'analyst' | 'executive_sponsor';
export interface Account {
  id: string;
  externalId: string;
  name: string;
  parentId: string | null;
  ownerId: string | null;
  region: string | null;
  industry: string | null;
  productLines: string[];
  licensedSeats: number | null;
  goLiveDate: string | null;
  tags: string[];
  customFields: Record<string, unknown>;
  team: { userId: string; role: TeamRole }[];
  arr: number;
  mrr: number;
  currency: string;
  renewalDate: string | null;
  createdAt: string;
  updatedAt: string;
}
export interface Band {
  key: string;
  label: Label;
  color: string;
  min: number;
}
export interface HealthComponent {
  dimension: string;
  dimensionName: string;
  key: string;
  name: string;
  fact: string;
  raw: number | null;
  normalised: number | null;
  weight: number;
  contribution: number;
}
export interface MovedBy {
  dimension: string;
  key: string;
  name: string;
  fact: string;
  change: number;
  before: { raw: number | null; normalised: number | null; contribution: number };
  after: { raw: number | null; normalised: number | null; contribution: number };
}
export interface AccountHealth {
  accountId: string;
  day: string;
  source: string;
  score: number | null;
  status: string | null;
  band: Band | null;
  model: { id: string; key: string; name: string } | null;
  components: HealthComponent[];
  missing: { dimension: string; key: string; name: string; fact: string }[];
  change: {
    since: string;
    scoreBefore: number | null;
    statusBefore: string | null;
    change: number | null;
    movedBy: MovedBy[];
  } | null;
}
export interface HealthHistory {
  accountId: string;
  from: string;
  to: string;
  items: { day: string; score: number | null; status: string | null; modelId: string }[];
}
export interface Calibration {
  model: { id: string; key: string; name: string };
  asOf: string;
  outcomes: { total: number; withoutScore: number };
  currentBands: Band[];
  proposedBands: Band[];
  backtest: {
    renewed: number;
    churned: number;
    auc: number | null;
    current: { flagged: number; truePositives: number; precision: number | null; recall: number | null };
    proposed: { flagged: number; truePositives: number; precision: number | null; recall: number | null };
  };
}
export interface MetricRef {
  id: string;
  key: string;
  name: string;
  aggregation: string;
  behaviour: string;
}
export interface AccountMetrics {
  accountId: string;
  today: string;
  activeUsers: { last7: number; last30: number };
  licensedSeats: number | null;
  breadth: number | null;
  featuresUsed: number;
  featuresDefined: number;
  depth: number | null;
  metrics: {
    metric: MetricRef;
    totals: { last7: number; last30: number; last90: number };
    previous: { prior7: number; prior30: number; yearAgo30: number };
    changes: { wow: number | null; mom: number | null; last30VsPrior30: number | null; yoy: number | null };
  }[];
}
export interface Series {
  metric: MetricRef;
  from: string;
  to: string;
  interval: string;
  total: number;
  points: { start: string; end: string; value: number }[];
}
export interface ActiveUsers {
  window: { from: string; to: string; days: number };
  order: 'top' | 'bottom';
  items: {
    userKey: string;
    events: number;
    activeDays: number;
    lastActiveDay: string | null;
    contact: { id: string; name: string; email: string | null } | null;
  }[];
}
export interface TimelineEntry {
  id: string;
  accountId: string;
  type: string;
  title: string | null;
  body: string | null;
  actorId: string | null;
  data: unknown;
  occurredAt: string;
  createdAt: string;
}
export interface Contact {
  id: string;
  accountId: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  role: string | null;
  wechatId: string | null;
}
export interface Contract {
  id: string;
  accountId: string;
  externalId: string | null;
  startDate: string;
  endDate: string;
  amount: number;
  currency: string;
  billingPeriod: string;
  arr: number;
  mrr: number;
  baseCurrency: string;
  status: string;
}
export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'boolean' | 'single_select' | 'multi_select';
  options: string[];
  required: boolean;
}
export interface Fact {
  key: string;
  type: string;
  description: string;
  options?: string[];
}
export type Facts = Record<string, unknown>;
export interface Stage {
  id: string;
  key: string;
  name: string;
  position: number;
  conditionText: string;
}
export interface TierRule {
  tier?: string;
  when?: unknown;
  whenText?: string;
}
export interface TieringScheme {
  id: string;
  key: string;
  name: string;
  rules: TierRule[];
  defaultTier: string;
  active: boolean;
}
export interface Segment {
  id: string;
  key: string;
  name: string;
  description: string | null;
  conditionText: string;
}
export interface SegmentPreview {
  day: string;
  accounts: number;
  count: number;
  sample: { accountId: string; name: string }[];
  entering: { total: number; items: { accountId: string; name: string }[] };
  leaving: { total: number; items: { accountId: string; name: string }[] };
}
export interface TieringPreview {
  day: string;
  accounts: number;
  counts: { tier: string; count: number }[];
  overridden: number;
  moves: { total: number; items: { accountId: string; name: string; from: string | null; to: string }[] };
}
export interface HealthModel {
  id: string;
  key: string;
  name: string;
  position: number;
  selector: unknown;
  dimensions: {
    key: string;
    name: string;
    weight: number;
    components: {
      key: string;
      name: string;
      fact: string;
      weight: number;
      direction?: string;
      normalisation: unknown;
    }[];
  }[];
  bands: Band[];
}
export interface HealthPreview {
  day: string;
  matched: number;
  unmatched: number;
  distribution: { status: string | null; label: Label | null; color: string | null; count: number }[];
  changes: {
    total: number;
    items: {
      accountId: string;
      name: string;
      before: { score: number | null; status: string | null };
      after: { score: number | null; status: string | null };
    }[];
  };
}
export interface MetricDef {
  id: string;
  key: string;
  name: string;
  description: string | null;
  aggregation: string;
  eventNames: string[];
  behaviour: string;
  /** The rebuild of its history after a change (null: none yet). */
  rebuild: {
    status: 'queued' | 'running' | 'done' | 'failed';
    progress: number;
    error: string | null;
  } | null;
}
export interface ApiToken {
  id: string;
  name: string;
  scopes: string[];
  userId?: string;
  createdAt: string;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  prefix?: string;
}
export interface WriteKey {
  id: string;
  name: string;
  createdAt: string;
  prefix?: string;
  lastUsedAt?: string | null;
}
export interface StateChange {
  id: string;
  day: string;
  kind: string;
  from: string | null;
  to: string | null;
  reason: string | null;
  createdAt: string;
}
export interface AccountState {
  accountId: string;
  externalId: string;
  name: string;
  ownerId: string | null;
  day: string;
  healthScore: number | null;
  healthStatus: string | null;
  healthTrend7d: number | null;
  tier: string | null;
  stage: string | null;
  stageSince: string | null;
  segments: string[];
}
export interface AccountStatesSummary {
  day: string | null;
  accounts: number;
  bands: Band[];
  health: { status: string | null; count: number }[];
  tiers: { tier: string | null; count: number }[];
  stages: { stage: string | null; count: number }[];
}
