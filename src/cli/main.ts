import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config.ts';
import type { Deps } from '../context.ts';
import { inTransaction } from '../context.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { buildDemoInWorker } from '../demo/build-worker.ts';
import { generateDemo } from '../demo/demo.ts';
import { openDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { render } from '../i18n/index.ts';
import { runJobSlot, startScheduler } from '../jobs/runner.ts';
import { SCHEDULE } from '../jobs/schedule.ts';
import {
  IMPORT_ENTITIES,
  type ImportEntity,
  ImportOptions,
  importFields,
  saveImportMapping,
} from '../modules/accounts/index.ts';
import { createUser, generatePassword, ROLES } from '../modules/auth/index.ts';
import { runRules } from '../modules/automation/index.ts';
import { evaluateSnapshot, MODEL_KINDS, type ModelKind, retrainChurnModel } from '../modules/churn/index.ts';
import {
  ensureEventPartitionsJob,
  importUsageCsv,
  USAGE_FIELDS,
  USAGE_MODES,
  type UsageMode,
} from '../modules/ingest/index.ts';
import { rebuildRollups } from '../modules/metrics/index.ts';
import { recompute } from '../modules/recompute/index.ts';
// Loading support registers tickets as an import target (their fields are in the help).
import '../modules/support/index.ts';
import { createWorkspace, listWorkspaceRefs, toRef } from '../modules/workspaces/index.ts';
import { firstStart } from '../server/bootstrap.ts';
import { demoStatus } from '../server/demo-status.ts';
import { NODE_ROLES, type NodeRoles, parseRoles } from '../server/roles.ts';
import { listen } from '../server/serve.ts';
import { isValidDay } from '../time.ts';
import { importInWorker } from './import-worker.ts';
import { demoProgressBar, progressBar } from './progress.ts';
import { CliError, operatorCtx, resolveWorkspace } from './workspace.ts';

const fieldList = (specs: Record<string, { required?: boolean }>) =>
  Object.entries(specs)
    .map(([f, s]) => `${f}${s.required ? '*' : ''}`)
    .join(', ');

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

/** Opens the database for one command and always closes it, so the process can exit. */
async function withDeps<T>(fn: (deps: Deps) => Promise<T>): Promise<T> {
  const { deps, close } = await openDeps(loadConfig());
  try {
    return await fn(deps);
  } finally {
    await close();
  }
}

const program = new Command()
  .name('steward')
  .description('Steward customer success platform')
  .showHelpAfterError()
  .configureOutput({ outputError: (s, write) => write(s) });

program
  .command('serve')
  .description(
    'Start the server (migrates, and on an empty database creates the first admin and demo workspace)',
  )
  .option(
    '--role <roles>',
    `what this process does: all, or any of ${NODE_ROLES.join(', ')} (comma-separated; api: REST API + web app, ingest: tracking endpoints, jobs: scheduler)`,
    (v: string): NodeRoles => {
      const roles = parseRoles(v);
      if (!roles) throw new InvalidArgumentError(`--role must be all or a list of ${NODE_ROLES.join(', ')}`);
      return roles;
    },
    parseRoles('all'),
  )
  .option('--no-jobs', 'do not run the scheduler in this process (same as leaving jobs out of --role)')
  .action(async (opts: { jobs: boolean; role: NodeRoles }) => {
    const config = loadConfig();
    const roles = new Set(opts.role);
    if (!opts.jobs) roles.delete('jobs');
    const { deps, close } = await openDeps(config);
    // Only a node that serves the API makes the first workspace and admin (and builds the demo):
    // ingest and jobs nodes started beside it on an empty database must not race it.
    const first = roles.has('api') ? await firstStart(deps) : undefined;
    // Several nodes may start at once: a partition another node just made is not an error (the
    // daily ensure-event-partitions job makes them anyway).
    await ensureEventPartitionsJob(deps, new Date()).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'event partitions not ensured at start'),
    );
    // Serve first: the demo workspace is built in a worker beside the running server, with a bar
    // here and a banner in the app (GET /api/v1/demo/status), so the sign-in page answers in seconds.
    const server = await listen(deps, config.port, config.host, roles);
    const url = `http://localhost:${server.port}`;
    const roleNames = roles.size === NODE_ROLES.length ? 'all' : [...roles].join(', ') || 'none';
    if (roles.has('api')) console.log(`Steward is running at ${url} (API docs: ${url}/api/docs)`);
    else console.log(`Steward is running at ${url} (roles: ${roleNames})`);
    if (first) {
      console.log(
        `Sign in as ${first.adminEmail}${first.generatedPassword ? ` with password ${first.adminPassword}` : ' with STEWARD_ADMIN_PASSWORD'}`,
      );
      if (first.generatedPassword)
        console.log('This password is shown only once: note it, or set STEWARD_ADMIN_PASSWORD next time.');
    }
    let scheduler: ReturnType<typeof startScheduler> | undefined;
    let stopped = false;
    // The scheduler waits for the demo: its recompute and rules must not run on a half-built workspace.
    const startJobs = () => {
      if (roles.has('jobs') && !stopped) scheduler = startScheduler(deps, SCHEDULE);
    };
    if (first && config.demo && config.demoAccounts > 0) {
      const started = Date.now();
      const bar = demoProgressBar('Preparing the demo workspace');
      demoStatus.start();
      buildDemoInWorker(
        {
          config,
          workspace: toRef(first.workspace),
          options: { accounts: config.demoAccounts, days: 180, seed: 42 },
          actor: 'cli:first-start',
        },
        ({ percent, phase }) => {
          demoStatus.progress(percent, phase);
          bar.update(percent, phase);
        },
      ).then(
        (made) => {
          bar.stop();
          demoStatus.finish();
          console.log(
            `Demo workspace ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${made.accounts} accounts, ${made.contracts} contracts, ${made.contacts} contacts, ${made.users} staff`,
          );
          startJobs();
        },
        (error: unknown) => {
          bar.stop();
          const message = error instanceof Error ? error.message : String(error);
          demoStatus.fail(message);
          deps.logger.error({ err: error }, 'the demo workspace could not be built');
          console.error(`The demo workspace could not be prepared: ${message}`);
          startJobs();
        },
      );
    } else startJobs();
    const stop = async () => {
      stopped = true;
      scheduler?.stop();
      await server.close();
      await close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  });

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const { deps, close } = await openDeps(config, { migrate: false });
    try {
      const applied = await migrateToLatest(deps.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date');
    } finally {
      await close();
    }
  });

program
  .command('demo')
  .description('Create a new demo workspace with realistic, deterministic data')
  .option('--accounts <n>', 'number of accounts', int('--accounts'), 2000)
  .option('--days <n>', 'days of history for usage data', int('--days'), 180)
  .option('--seed <n>', 'random seed (same seed, same data)', int('--seed'), 42)
  .option('--name <name>', 'workspace name', 'Demo')
  .action(async (opts: { accounts: number; days: number; seed: number; name: string }) =>
    withDeps(async (deps) => {
      const workspace = await createWorkspace(deps, {
        name: opts.name,
        baseCurrency: deps.config.baseCurrency,
        timeZone: deps.config.timeZone,
        isDemo: true,
      });
      const ctx = operatorCtx(deps, workspace, 'demo');
      const password = deps.config.adminPassword ?? generatePassword();
      const email = `admin+${workspace.slug}@example.com`;
      await createUser({
        ctx,
        input: { email, name: 'Demo admin', role: 'admin', locale: 'zh-CN', password },
      });
      const bar = demoProgressBar('Demo workspace');
      const started = Date.now();
      const made = await generateDemo(ctx, opts, (p) => bar.update(p.percent, p.phase));
      bar.stop();
      console.log(
        `Workspace ${workspace.slug}: ${made.accounts} accounts, ${made.contracts} contracts, ${made.contacts} contacts, ${made.users} staff in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      console.log(
        `Phases: ${Object.entries(made.phases)
          .map(([phase, s]) => `${phase} ${s.toFixed(1)} s`)
          .join(', ')}`,
      );
      console.log(`Sign in as ${email} with password ${password}`);
    }),
  );

const ENCODING_NAMES: Record<string, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8 with BOM',
  gb18030: 'GB18030/GBK',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
};

program
  .command('import')
  .description(
    `Import an .xlsx or CSV of ${[...IMPORT_ENTITIES, 'usage'].join(', ')} (upsert; rows equal to what is stored are left alone; all rows or none unless --skip-invalid)`,
  )
  .addHelpText(
    'after',
    `\nFields (* required):\n${IMPORT_ENTITIES.map(
      (e) => `  ${e}: ${fieldList(importFields(e))}${e === 'accounts' ? ', cf.<custom field key>' : ''}`,
    ).join(
      '\n',
    )}\n${USAGE_MODES.map((m) => `  usage --mode ${m}: ${fieldList(USAGE_FIELDS[m])}, prop.<property>`).join('\n')}

Without --map, columns are matched by the header dictionary (客户编号, 客户名称, 合同金额, 合同开始日期,
客户负责人, 联系人, 手机, 邮箱, 微信 ... and their English names). The encoding (UTF-8, GB18030/GBK,
UTF-16) and the day/month order of a/b/yyyy dates are detected and reported. The import runs in a
worker thread and writes in batches of 500 rows, each its own transaction, once every row is valid.

Examples:
  steward import contracts 合同.xlsx --dry-run
  steward import tickets 工单导出.xlsx
  steward import accounts crm.csv --map 客户编号=externalId,客户名称=name,客户负责人=owner --save-mapping crm
  steward import accounts crm-next-week.csv --mapping crm
  steward import usage feature_usage.csv --map subscription_id=contractExternalId,usage_date=day,feature_name=event,usage_count=count`,
  )
  .addArgument(
    new Command().createArgument('<entity>', 'what the file holds').choices([...IMPORT_ENTITIES, 'usage']),
  )
  .argument('<file>', '.xlsx, or CSV/TSV with a header row')
  .option('--map <pairs>', 'column=field pairs, comma separated (default: the header dictionary)')
  .option('--defaults <pairs>', 'field=value pairs for empty cells, e.g. currency=USD')
  .option('--mapping <name>', 'use a saved mapping (accounts, contacts, contracts, tickets)')
  .option('--save-mapping <name>', 'save --map, --defaults and --date-format under this name first')
  .addOption(
    new Option(
      '--mode <mode>',
      'usage only: raw events or daily counts (default: daily when count is mapped)',
    ).choices(USAGE_MODES),
  )
  .option('--dry-run', 'validate and report; write nothing', false)
  .option('--skip-invalid', 'import the valid rows and report the rest', false)
  .addOption(
    new Option('--date-format <f>', 'how to read a/b/yyyy dates (default: detected from the file)').choices([
      'DMY',
      'MDY',
    ]),
  )
  .option('--workspace <id|slug>', 'target workspace (default: the first)')
  .action(
    async (
      entity: ImportEntity | 'usage',
      file: string,
      opts: {
        map?: string;
        defaults?: string;
        mapping?: string;
        saveMapping?: string;
        mode?: UsageMode;
        dryRun: boolean;
        skipInvalid: boolean;
        dateFormat?: 'DMY' | 'MDY';
        workspace?: string;
      },
    ) =>
      withDeps(async (deps) => {
        let size: number;
        try {
          size = statSync(file).size;
        } catch {
          throw new CliError(`Cannot read ${file}`);
        }
        const workspace = await resolveWorkspace(deps, opts.workspace);
        const stream = createReadStream(file);
        const bar = progressBar(`${opts.dryRun ? 'Checking' : 'Importing'} ${entity}`);
        const ctx = operatorCtx(deps, workspace, 'import');
        if (entity === 'usage') {
          const report = await importUsageCsv({
            ctx,
            source: stream,
            options: {
              map: opts.map,
              defaults: opts.defaults,
              dryRun: opts.dryRun,
              skipInvalid: opts.skipInvalid,
              dateFormat: opts.dateFormat ?? 'DMY',
              mode: opts.mode,
            },
            onProgress: (p) =>
              p.phase === 'validate'
                ? bar.update(Math.min(stream.bytesRead, size), size)
                : bar.update(p.done, p.total),
          });
          bar.stop();
          for (const e of report.errors) {
            console.error(
              `${file}:${e.line}: ${e.field ?? ''}${e.column ? ` (column ${e.column})` : ''}: ${e.message}`,
            );
          }
          for (const e of report.repeatedIds) console.error(`${file}:${e.line}: ${e.field}: ${e.message}`);
          if (report.invalid > report.errors.length) {
            console.error(`... and ${report.invalid - report.errors.length} more invalid rows`);
          }
          const verb = report.committed ? 'Imported' : report.dryRun ? 'Dry run' : 'Nothing imported';
          console.log(
            `${verb}: ${report.rows} rows, ${report.valid} valid, ${report.invalid} invalid; ${report.events} events (${report.occurrences} occurrences) ${report.committed ? 'stored' : 'to store'}${report.duplicates ? `, ${report.duplicates} already stored` : ''}`,
          );
          if (report.invalid > 0 && !opts.skipInvalid) process.exitCode = 1;
          return;
        }
        if (opts.saveMapping) {
          const map = ImportOptions.shape.map.parse(opts.map);
          const defaults = ImportOptions.shape.defaults.parse(opts.defaults);
          await saveImportMapping({
            ctx,
            input: { entity, name: opts.saveMapping, map, defaults, dateFormat: opts.dateFormat },
          });
          console.log(`Saved mapping "${opts.saveMapping}" for ${entity}`);
        }
        stream.destroy();
        const report = await importInWorker(
          {
            config: deps.config,
            workspace: workspace.id,
            entity,
            file,
            options: {
              map: opts.map,
              defaults: opts.defaults,
              mapping: opts.mapping,
              dryRun: opts.dryRun,
              skipInvalid: opts.skipInvalid,
              dateFormat: opts.dateFormat,
              fileName: basename(file),
            },
          },
          (p) => (p.total !== undefined ? bar.update(p.done, p.total) : undefined),
        );
        bar.stop();
        for (const e of report.errors) {
          console.error(
            `${file}:${e.line}: ${e.column !== undefined ? `column "${e.column}"` : (e.field ?? '')}${e.field && e.column !== undefined ? ` (${e.field})` : ''}: ${e.message}`,
          );
        }
        if (report.invalid > report.errors.length) {
          console.error(`... and ${report.invalid - report.errors.length} more invalid rows`);
        }
        const f = report.file;
        const d = report.dateOrder;
        console.log(
          `File: ${f.format === 'xlsx' ? 'xlsx' : `${ENCODING_NAMES[f.encoding ?? 'utf-8']}, ${f.delimiter === '\t' ? 'tab' : f.delimiter === ';' ? 'semicolon' : 'comma'}-separated`}; mapping: ${Object.entries(
            report.mapping,
          )
            .map(([c, fld]) => `${c}=${fld}`)
            .join(', ')}`,
        );
        if (d.ambiguous > 0 || d.source === 'file') {
          console.log(
            `Dates: a/b/yyyy read as ${d.order === 'DMY' ? 'day/month' : 'month/day'} (${d.source === 'file' ? 'decided by the file' : d.source === 'option' ? '--date-format' : 'default; nothing in the file decides it'})${d.ambiguous ? `; ${d.ambiguous} dates such as ${d.example} read either way` : ''}${d.dayFirst && d.monthFirst ? `; the file mixes orders (${d.dayFirst} day-first, ${d.monthFirst} month-first)` : ''}`,
          );
        }
        const verb = report.committed ? 'Imported' : report.dryRun ? 'Dry run' : 'Nothing imported';
        const done = report.committed;
        console.log(
          `${verb}: ${report.rows} rows, ${report.valid} valid, ${report.invalid} invalid; ${report.created} ${done ? 'created' : 'to create'}, ${report.updated} ${done ? 'updated' : 'to update'}, ${report.unchanged} unchanged, ${report.merged} repeated rows merged; skipped ${report.skipped.blank} blank and ${report.skipped.total} total rows`,
        );
        if (report.invalid > 0 && !opts.skipInvalid) process.exitCode = 1;
      }),
  );

const workspaceCommand = program.command('workspace').description('Workspaces');
workspaceCommand
  .command('create')
  .description(
    'Create a workspace and its first admin without starting the server (then `steward import` works on a fresh database)',
  )
  .option('--name <name>', 'workspace name', 'Steward')
  .option('--base-currency <code>', 'base currency (default: STEWARD_BASE_CURRENCY)')
  .option('--time-zone <zone>', 'IANA time zone (default: STEWARD_TIME_ZONE)')
  .option('--admin-email <email>', 'the first admin (default: STEWARD_ADMIN_EMAIL)')
  .option(
    '--admin-password <password>',
    'their password (default: STEWARD_ADMIN_PASSWORD, else generated and printed)',
  )
  .action(
    async (opts: {
      name: string;
      baseCurrency?: string;
      timeZone?: string;
      adminEmail?: string;
      adminPassword?: string;
    }) =>
      withDeps(async (deps) => {
        const baseCurrency = (opts.baseCurrency ?? deps.config.baseCurrency).toUpperCase();
        if (!/^[A-Z]{3}$/.test(baseCurrency))
          throw new CliError('--base-currency must be an ISO code such as CNY');
        const timeZone = opts.timeZone ?? deps.config.timeZone;
        try {
          new Intl.DateTimeFormat('en', { timeZone });
        } catch {
          throw new CliError(`--time-zone "${timeZone}" is not an IANA time zone such as Asia/Shanghai`);
        }
        const workspace = await createWorkspace(deps, { name: opts.name, baseCurrency, timeZone });
        const email = opts.adminEmail ?? deps.config.adminEmail;
        const password = opts.adminPassword ?? deps.config.adminPassword ?? generatePassword();
        await createUser({
          ctx: operatorCtx(deps, workspace, 'workspace create'),
          input: { email, name: 'Admin', role: 'admin', locale: 'zh-CN', password },
        });
        console.log(`Created workspace ${workspace.slug} (${workspace.id}), ${baseCurrency}, ${timeZone}`);
        console.log(
          `Admin: ${email}${opts.adminPassword || deps.config.adminPassword ? '' : ` with password ${password}`}`,
        );
      }),
  );
workspaceCommand
  .command('list')
  .description('Every workspace: id, base currency, time zone')
  .action(async () =>
    withDeps(async (deps) => {
      for (const w of await listWorkspaceRefs(deps)) console.log(`${w.id}\t${w.baseCurrency}\t${w.timeZone}`);
    }),
  );

program
  .command('recompute')
  .description(
    'Recompute health, tiers, stages and segments (default: today; --from/--to backfills), or rebuild usage rollups from raw events',
  )
  .addArgument(
    new Command().createArgument('[what]', 'what to recompute').choices(['all', 'rollups']).default('all'),
  )
  .option('--from <day>', 'first day (YYYY-MM-DD)')
  .option('--to <day>', 'last day (YYYY-MM-DD; default today)')
  .option('--step <days>', 'with all: backfill every N days, ending on --to', int('--step'), 1)
  .option('--workspace <id|slug>', 'workspace (default: the first)')
  .action(async (what: string, opts: { from?: string; to?: string; step: number; workspace?: string }) =>
    withDeps(async (deps) => {
      for (const [name, day] of Object.entries({ '--from': opts.from, '--to': opts.to })) {
        if (day !== undefined && !isValidDay(day)) throw new CliError(`${name} must be a date as YYYY-MM-DD`);
      }
      const workspace = await resolveWorkspace(deps, opts.workspace);
      const ctx = operatorCtx(deps, workspace, 'recompute');
      const started = Date.now();
      const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
      if (what === 'rollups') {
        const done = await inTransaction(ctx, (tx) => rebuildRollups(tx, { from: opts.from, to: opts.to }));
        console.log(
          `Rebuilt rollups of ${done.metrics} metrics and ${done.features} features${opts.from || opts.to ? ` from ${opts.from ?? 'the start'} to ${opts.to ?? 'today'}` : ''} in ${seconds()} s`,
        );
        return;
      }
      // One line per day as it completes is the progress report of a backfill.
      const results = await recompute({
        ctx,
        input: { from: opts.from, to: opts.to, step: opts.step },
        onDay: (r) => {
          const c = r.changes;
          console.log(
            `${r.day}: ${r.accounts} accounts, ${r.scored} scored; changes: health ${c.health_status}, tier ${c.tier}, stage ${c.stage}, segments +${c.segment_enter}/-${c.segment_exit}`,
          );
        },
      });
      console.log(`Recomputed ${results.length} day(s) in ${seconds()} s`);
    }),
  );

const user = program.command('user').description('Manage users');
user
  .command('create')
  .description('Create a user; prints a generated password unless --password is given')
  .requiredOption('--email <email>', 'email, used to sign in')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).makeOptionMandatory())
  .option('--name <name>', 'display name (default: the part of the email before @)')
  .addOption(new Option('--locale <locale>', 'interface language').choices(['zh-CN', 'en']).default('zh-CN'))
  .option('--password <password>', 'initial password (at least 10 characters, not common, not the email)')
  .option('--workspace <id|slug>', 'workspace (default: the first)')
  .action(
    async (opts: {
      email: string;
      role: (typeof ROLES)[number];
      name?: string;
      locale: 'zh-CN' | 'en';
      password?: string;
      workspace?: string;
    }) =>
      withDeps(async (deps) => {
        const workspace = await resolveWorkspace(deps, opts.workspace);
        const password = opts.password ?? generatePassword();
        const created = await createUser({
          ctx: operatorCtx(deps, workspace, 'user create'),
          input: {
            email: opts.email,
            role: opts.role,
            name: opts.name ?? opts.email.split('@')[0]!,
            locale: opts.locale,
            password,
          },
        });
        console.log(
          `Created ${created.role} ${created.email} (${created.id}) in workspace ${workspace.slug}`,
        );
        if (!opts.password) console.log(`Password: ${password}`);
      }),
  );

const rules = program.command('rules').description('Automation rules and playbooks');
rules
  .command('run')
  .description(
    'Run every enabled rule and playbook for a day (default today) and the schedule rules due now; a second run of the same day creates nothing',
  )
  .option('--dry-run', 'show per rule how many accounts match and would be acted on, changing nothing')
  .option('--day <day>', 'evaluate as of this day (YYYY-MM-DD; default today)')
  .option('--workspace <id|slug>', 'workspace (default: the first)')
  .action(async (opts: { dryRun?: boolean; day?: string; workspace?: string }) =>
    withDeps(async (deps) => {
      if (opts.day !== undefined && !isValidDay(opts.day))
        throw new CliError('--day must be a date as YYYY-MM-DD');
      const workspace = await resolveWorkspace(deps, opts.workspace);
      const started = Date.now();
      const report = await runRules({
        ctx: operatorCtx(deps, workspace, 'rules run'),
        input: { day: opts.day, dryRun: opts.dryRun === true },
      });
      for (const r of report.rules) {
        const s = r.skipped;
        const state = report.dryRun ? 'would act on' : r.ran ? 'acted on' : 'already ran:';
        console.log(
          `${r.name}: ${r.matched} matched, ${state} ${r.acted}; skipped held out ${s.holdout ?? 0}, dedupe ${s.dedupe ?? 0}, cooldown ${s.cooldown ?? 0}, limit ${s.limit ?? 0}${r.errors ? `; ${r.errors} errors` : ''}`,
        );
      }
      const acted = report.rules.reduce((n, r) => n + r.acted, 0);
      console.log(
        `${report.dryRun ? 'Dry run' : 'Ran'} ${report.rules.length} rule(s) for ${report.day}: ${acted} account(s) ${report.dryRun ? 'would be' : ''} acted on in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    }),
  );

const churn = program.command('churn').description('Churn model: evaluate on a file, train on history');
churn
  .command('evaluate')
  .description(
    'Snapshot mode: cross-validate the churn model on a CSV (one row per account: feature columns and an outcome column)',
  )
  .requiredOption('--file <path>', 'CSV file with a header row')
  .requiredOption('--id <column>', 'the column that identifies an account')
  .requiredOption(
    '--outcome <column=value>',
    'the outcome column and the value that means churned (Churn=Yes)',
  )
  .option('--folds <n>', 'cross-validation folds', int('--folds'), 5)
  .addOption(
    new Option(
      '--model <kind>',
      'logistic regression, random forest, or auto: the better by the cross-validated ROC-AUC',
    )
      .choices([...MODEL_KINDS, 'auto'])
      .default('auto'),
  )
  .option('--json', 'print the metrics as JSON')
  .action(
    (opts: {
      file: string;
      id: string;
      outcome: string;
      folds: number;
      model: ModelKind | 'auto';
      json?: boolean;
    }) => {
      const eq = opts.outcome.indexOf('=');
      if (eq <= 0 || eq === opts.outcome.length - 1) {
        throw new CliError('--outcome must be COLUMN=VALUE, for example Churn=Yes');
      }
      let csv: string;
      try {
        csv = readFileSync(opts.file, 'utf8');
      } catch (error) {
        throw new CliError(`Cannot read ${opts.file}: ${(error as Error).message}`);
      }
      const started = Date.now();
      const r = evaluateSnapshot(
        {
          csv,
          idColumn: opts.id,
          outcomeColumn: opts.outcome.slice(0, eq),
          outcomeValue: opts.outcome.slice(eq + 1),
        },
        opts.folds,
        opts.model,
      );
      if (opts.json) {
        console.log(JSON.stringify(r));
        return;
      }
      const f = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));
      console.log(
        `${r.n} rows, ${r.positives} with ${opts.outcome}, ${r.features} feature columns, ${r.folds}-fold cross-validation (grouped by ${opts.id}), ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      for (const c of r.candidates) {
        console.log(
          `${c.kind.padEnd(9)} ROC-AUC ${f(c.auc)} (95% ${f(c.aucLow)} to ${f(c.aucHigh)}), Brier ${f(c.brier)}${c.kind === r.model && r.candidates.length > 1 ? '  <- chosen' : ''}`,
        );
      }
      console.log(`Model: ${r.model === 'forest' ? 'random forest' : 'logistic regression'}`);
      console.log(`ROC-AUC  ${f(r.auc)}  (95% ${f(r.aucLow)} to ${f(r.aucHigh)})`);
      console.log(
        `PR-AUC   ${f(r.prAuc)}  (95% ${f(r.prAucLow)} to ${f(r.prAucHigh)}; base rate ${f(r.positives / r.n)})`,
      );
      console.log(`Brier    ${f(r.brier)}  (95% ${f(r.brierLow)} to ${f(r.brierHigh)})`);
      console.log('Reliability (predicted -> observed, rows):');
      for (const b of r.reliability) console.log(`  ${f(b.predicted)} -> ${f(b.observed)}  (${b.n})`);
    },
  );

churn
  .command('train')
  .description('Train the churn model on the stored history (point in time) and store the version')
  .option('--folds <n>', 'cross-validation folds', int('--folds'), 5)
  .addOption(
    new Option('--model <kind>', 'logistic, forest, or auto: the better by the cross-validated ROC-AUC')
      .choices([...MODEL_KINDS, 'auto'])
      .default('auto'),
  )
  .option('--workspace <id|slug>', 'workspace (default: the first)')
  .option('--json', 'print the model card as JSON')
  .action(async (opts: { folds: number; model: ModelKind | 'auto'; workspace?: string; json?: boolean }) =>
    withDeps(async (deps) => {
      const workspace = await resolveWorkspace(deps, opts.workspace);
      const ctx = operatorCtx(deps, workspace, 'churn train');
      const started = Date.now();
      const card = await retrainChurnModel({ ctx, input: { folds: opts.folds, model: opts.model } });
      if (opts.json) {
        console.log(JSON.stringify(card));
        return;
      }
      const f = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(3));
      console.log(
        `Trained in ${((Date.now() - started) / 1000).toFixed(1)} s on history from ${card.historyFrom} to ${card.asOf}`,
      );
      for (const h of card.horizons) {
        const m = h.metrics;
        console.log(
          `${String(h.horizonDays).padStart(3)} days: ${h.outcomes.samples} samples, ${h.outcomes.churned} churned; ` +
            (m
              ? `${h.model ?? 'logistic'} AUC ${f(m.auc)} (${f(m.aucLow)}-${f(m.aucHigh)})${(
                  h.candidates ?? []
                )
                  .filter((c) => c.kind !== h.model)
                  .map((c) => ` [${c.kind} ${f(c.auc)}]`)
                  .join(
                    '',
                  )}, Brier ${f(m.brier)}; health AUC ${f(h.baselines?.health.auc)}, usage decline AUC ${f(h.baselines?.usageDecline.auc)}`
              : 'no metrics') +
            (h.published ? '; published' : `; not published: ${render('en', h.reason!)}`),
        );
      }
    }),
  );

const jobs = program.command('jobs').description('Scheduled jobs');
jobs
  .command('list')
  .description('The schedule table')
  .action(() => {
    for (const j of SCHEDULE) console.log(`${j.cron.padEnd(14)} ${j.name.padEnd(28)} ${j.description}`);
  });
jobs
  .command('run')
  .description('Run one job now (as the slot of this minute)')
  .addArgument(new Command().createArgument('<name>', 'job name').choices(SCHEDULE.map((j) => j.name)))
  .action(async (name: string) =>
    withDeps(async (deps) => {
      const job = SCHEDULE.find((j) => j.name === name)!;
      const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      const ran = await runJobSlot(deps, job, slot, `cli:${process.pid}`);
      const row = await deps.db
        .selectFrom('job_runs')
        .selectAll()
        .where('run_id', '=', `${name}@${slot.toISOString()}`)
        .executeTakeFirst();
      console.log(
        ran
          ? `${name}: ${row?.status} ${row?.result ?? row?.error ?? ''}`
          : `${name}: this minute's slot already ran (${row?.status})`,
      );
    }),
  );

program
  .command('bench')
  .description('Benchmarks (see npm run bench:*)')
  .argument('<which>', 'api')
  .allowUnknownOption()
  .action(async (which: string) => {
    if (which !== 'api') throw new CliError(`Unknown benchmark "${which}"; try: api`);
    const { runApiBench } = await import('../../bench/api.ts');
    await runApiBench();
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof CliError) {
    console.error(error.message);
  } else if (error instanceof AppError) {
    const issues =
      (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues ?? [];
    console.error(`Error: ${error.message}`);
    for (const i of issues.slice(1)) console.error(`  ${i.path}: ${i.message}`);
  } else {
    console.error(error);
  }
  process.exit(1);
}
