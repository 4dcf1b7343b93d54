import type { Config } from './config.ts';
import type { Deps } from './context.ts';
import { openDatabase, optimizeDatabase } from './db/index.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logger.ts';

/** Opens and migrates the database and builds the process-wide dependencies. */
export async function openDeps(config: Config, options: { migrate?: boolean } = {}) {
  const handle = openDatabase(config.database);
  const logger = createLogger(config.logLevel);
  if (options.migrate !== false) {
    const applied = await migrateToLatest(handle.db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    await optimizeDatabase(handle.db, handle.engine);
  }
  const read = config.readDatabase ? openDatabase(config.readDatabase, { readOnly: true }) : undefined;
  const deps: Deps = {
    db: handle.db,
    engine: handle.engine,
    config,
    logger,
    now: () => new Date(),
    ...(read ? { readDb: read.db } : {}),
  };
  const close = async () => {
    await read?.close();
    await handle.close();
  };
  return { deps, close };
}
