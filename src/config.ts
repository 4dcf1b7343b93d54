import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { type OutboundAllow, parseOutboundAllow } from './outbound.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const boolish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

// Every variable the server and CLI read. Defaults make the embedded mode work with none set.
const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z.string().min(1).default('./data/steward.db'),
  // A PostgreSQL streaming replica for read-only queries (lists, reports, analytics); reads that
  // must see the caller's own writes stay on DATABASE_URL (server/read-replica.ts names the routes).
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL of a streaming replica of DATABASE_URL')
    .optional(),
  STEWARD_BASE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as CNY')
    .default('CNY'),
  STEWARD_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
  STEWARD_SECURE_COOKIES: boolish.default(false),
  // Only behind a reverse proxy that sets X-Forwarded-For: otherwise any client could pick the
  // address the login limiter counts against.
  STEWARD_TRUST_PROXY: boolish.default(false),
  // Heavy reads (reports, large lists, exports, previews, dry runs) in flight at once, per user and
  // per workspace, on one node; more are answered 429 with Retry-After (server/fair-load.ts).
  // A report page asks for up to four at once (the renewals page: list, window, chart, totals).
  STEWARD_HEAVY_PER_USER: z.coerce.number().int().min(1).max(100).default(4),
  STEWARD_HEAVY_PER_WORKSPACE: z.coerce.number().int().min(1).max(1000).default(8),
  // Processes that answer heavy reads with their own connection, so they never hold the
  // event loop the rest of the API answers on (server/heavy-pool.ts); 0 answers them in-process.
  // Default: one per core beyond the first, at least one, at most four.
  STEWARD_HEAVY_WORKERS: z.coerce
    .number()
    .int()
    .min(0)
    .max(32)
    .default(Math.max(1, Math.min(4, availableParallelism() - 1))),
  STEWARD_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .default(24 * 7),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  STEWARD_ADMIN_EMAIL: z.email().default('admin@example.com'),
  STEWARD_ADMIN_PASSWORD: z.string().min(10, 'must be at least 10 characters').optional(),
  STEWARD_DEMO: boolish.default(true),
  STEWARD_DEMO_ACCOUNTS: z.coerce.number().int().min(0).max(200_000).default(2000),
  // Outbound email (automation actions, digests). Unset: email is logged, not sent.
  STEWARD_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL such as smtp://user:pass@host:587')
    .optional(),
  STEWARD_MAIL_FROM: z.string().min(3).default('Steward <steward@localhost>'),
  // Where people reach this server, for links in emails (survey links). Unset: the address the
  // request that sends the email came to.
  STEWARD_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/]+\/?$/, 'must be an origin such as https://steward.example.com')
    .optional(),
  // Heap limit of the recompute's worker thread (see modules/recompute/worker.ts): ~3.5 KB live
  // per account with 20 metrics, so the default serves about 200,000 accounts.
  STEWARD_RECOMPUTE_HEAP_MB: z.coerce.number().int().min(128).max(65_536).default(1024),
  // Hosts outbound webhooks may reach although they are loopback or private (on-premise receivers).
  STEWARD_OUTBOUND_ALLOW: z
    .string()
    .transform((v, c) => {
      const parsed = parseOutboundAllow(v);
      if (typeof parsed === 'string') {
        c.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }
      return parsed;
    })
    .default([]),
});

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type Config = Readonly<{
  port: number;
  host: string;
  database: DatabaseTarget;
  /** The read replica (PostgreSQL only); undefined: every read goes to `database`. */
  readDatabase: DatabaseTarget | undefined;
  baseCurrency: string;
  timeZone: string;
  secureCookies: boolean;
  trustProxy: boolean;
  heavyPerUser: number;
  heavyPerWorkspace: number;
  heavyWorkers: number;
  sessionTtlHours: number;
  logLevel: (typeof LOG_LEVELS)[number];
  adminEmail: string;
  adminPassword: string | undefined;
  demo: boolean;
  demoAccounts: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string | undefined;
  recomputeHeapMb: number;
  outboundAllow: readonly OutboundAllow[];
}>;

export class ConfigError extends Error {}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function parseDatabaseTarget(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  if (url.startsWith('sqlite:'))
    return { kind: 'sqlite', file: url.slice('sqlite:'.length).replace(/^\/\//, '') };
  return { kind: 'sqlite', file: url };
}

/** Parses the environment once; a bad value throws a ConfigError naming each offending variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as shells and .env files commonly leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = Env.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const database = parseDatabaseTarget(e.DATABASE_URL);
  if (e.DATABASE_READ_URL && database.kind !== 'postgres')
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_READ_URL: needs DATABASE_URL to be PostgreSQL (a replica of it)',
    );
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    database,
    readDatabase: e.DATABASE_READ_URL ? parseDatabaseTarget(e.DATABASE_READ_URL) : undefined,
    baseCurrency: e.STEWARD_BASE_CURRENCY,
    timeZone: e.STEWARD_TIMEZONE,
    secureCookies: e.STEWARD_SECURE_COOKIES,
    trustProxy: e.STEWARD_TRUST_PROXY,
    heavyPerUser: e.STEWARD_HEAVY_PER_USER,
    heavyPerWorkspace: e.STEWARD_HEAVY_PER_WORKSPACE,
    heavyWorkers: e.STEWARD_HEAVY_WORKERS,
    sessionTtlHours: e.STEWARD_SESSION_TTL_HOURS,
    logLevel: e.LOG_LEVEL,
    adminEmail: e.STEWARD_ADMIN_EMAIL,
    adminPassword: e.STEWARD_ADMIN_PASSWORD,
    demo: e.STEWARD_DEMO,
    demoAccounts: e.STEWARD_DEMO_ACCOUNTS,
    smtpUrl: e.STEWARD_SMTP_URL,
    mailFrom: e.STEWARD_MAIL_FROM,
    publicUrl: e.STEWARD_PUBLIC_URL?.replace(/\/$/, ''),
    recomputeHeapMb: e.STEWARD_RECOMPUTE_HEAP_MB,
    outboundAllow: e.STEWARD_OUTBOUND_ALLOW,
  });
}
