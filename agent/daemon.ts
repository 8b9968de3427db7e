/**
 * The long-running daemon behind `switchboard start`: one per data directory (a pid/lock
 * file guards it), every enabled job scheduled, one `daemon-ready` line when it is up.
 *
 * Signals: SIGTERM/SIGINT stop ticking, let running jobs finish within `daemon.shutdownGrace`,
 * abort the rest (recorded `interrupted`), close the database and resolve with exit 0.
 * SIGHUP reloads the config file; an invalid file is logged (error level, key paths) and the
 * running config is kept.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { CommandContext } from './cli/context.ts';
import { openServices, type Services, type ServicesOptions } from './services.ts';
import { createScheduler } from './scheduler/scheduler.ts';
import { isProcessAlive, processIdentity } from './scheduler/process-identity.ts';
import { validateJobs } from './job-executor.ts';

export const LOCK_FILE = 'switchboard.pid';
export const HEARTBEAT_KEY = 'daemon.heartbeat';

export interface LockInfo {
  pid: number;
  identity: string;
  startedAt: string;
  configPath: string;
}

export class DaemonLockedError extends Error {
  constructor(path: string, holder: LockInfo) {
    super(
      `another Switchboard daemon (pid ${holder.pid}, started ${holder.startedAt}) is running on this data directory ` +
        `(lock ${path}); stop it first, or use another --data-dir`,
    );
    this.name = 'DaemonLockedError';
  }
}

/** The lock file's content, or undefined when there is none (or it is unreadable). */
export function readDaemonLock(dataDir: string): LockInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/** True when the lock file names a live process. */
export function daemonAlive(lock: LockInfo | undefined): boolean {
  return lock !== undefined && isProcessAlive(lock.pid, lock.identity);
}

/**
 * Takes the data directory's daemon lock (exclusive create). A lock left by a dead process
 * is taken over; a live holder makes it throw `DaemonLockedError`. Returns the release function.
 */
export function acquireDaemonLock(dataDir: string, configPath: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, identity: processIdentity(), startedAt: new Date().toISOString(), configPath };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${JSON.stringify(info)}\n`);
      closeSync(fd);
      return () => {
        if (readDaemonLock(dataDir)?.identity === info.identity) unlinkSync(path);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readDaemonLock(dataDir);
      if (holder && daemonAlive(holder)) throw new DaemonLockedError(path, holder);
      // Stale: the holder died without cleaning up. Remove it and race once more for it.
      try {
        unlinkSync(path);
      } catch {
        // Someone else removed it first; the next exclusive create decides.
      }
    }
  }
  const holder = readDaemonLock(dataDir);
  throw new DaemonLockedError(path, holder ?? { ...info, pid: 0, startedAt: 'unknown' });
}

export interface DaemonOptions extends ServicesOptions {
  /** Install SIGTERM/SIGINT/SIGHUP handlers (default true). */
  handleSignals?: boolean;
}

export interface DaemonHandle {
  /** Resolves with the exit status once the daemon has stopped. */
  stopped: Promise<number>;
  stop(): Promise<number>;
  reload(): boolean;
}

/** Starts the daemon; throws `DaemonLockedError` or a store error before anything is scheduled. */
export function startDaemon(context: CommandContext, options: DaemonOptions = {}): DaemonHandle {
  const releaseLock = acquireDaemonLock(context.dataDir, context.source.path);
  let config: Config = context.config;
  let services: Services;
  try {
    services = openServices(context, { ...options, logging: options.logging ?? 'daemon', config: () => config });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const { db, logger, skills, executor } = services;
  const startedAt = new Date();
  for (const issue of validateJobs(config, skills)) logger.error({ event: 'config-issue', path: issue.path }, issue.message);

  const scheduler = createScheduler({ db, config, logger, executor, clock: options.clock });
  scheduler.recover();
  scheduler.start();
  db.prepare(
    `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(
    HEARTBEAT_KEY,
    JSON.stringify({ pid: process.pid, startedAt: startedAt.toISOString(), dataDir: context.dataDir, configPath: context.source.path, state: 'running' }),
    startedAt.toISOString(),
  );
  // Handlers are in place before the ready line: a supervisor may signal right after it.
  const onStop = () => void stop();
  const onReload = () => void reload();
  function detachSignals(): void {
    process.off('SIGTERM', onStop);
    process.off('SIGINT', onStop);
    process.off('SIGHUP', onReload);
  }
  if (options.handleSignals !== false) {
    process.on('SIGTERM', onStop);
    process.on('SIGINT', onStop);
    process.on('SIGHUP', onReload);
  }
  const jobCount = Object.values(config.jobs).filter((job) => job.enabled).length;
  logger.info({ event: 'daemon-ready', dataDir: context.dataDir, config: context.source.path, jobs: jobCount }, 'daemon ready');

  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<number> | undefined;
  // With no jobs scheduled nothing else holds the event loop open; a daemon must stay up.
  const keepAlive = setInterval(() => {}, 2 ** 31 - 1);

  function reload(): boolean {
    try {
      const loaded = loadConfig(context.source, context.env);
      const issues = validateJobs(loaded.config, skills);
      if (issues.length > 0) throw new ConfigError(context.source.path, issues);
      config = loaded.config;
      scheduler.reload(config);
      logger.level = config.log.level;
      logger.info({ event: 'config-reload', config: context.source.path, jobs: Object.values(config.jobs).filter((job) => job.enabled).length });
      return true;
    } catch (error) {
      const issues = error instanceof ConfigError ? error.issues : [{ path: '', message: String(error) }];
      logger.error({ event: 'config-reload-failed', config: context.source.path, issues }, 'config reload failed; keeping the running config');
      return false;
    }
  }

  function stop(): Promise<number> {
    stopping ??= (async () => {
      logger.info({ event: 'daemon-stopping', graceMs: config.daemon.shutdownGrace });
      detachSignals();
      clearInterval(keepAlive);
      await scheduler.stop(config.daemon.shutdownGrace);
      db.prepare(`UPDATE kv SET value = json_set(value, '$.state', 'stopped'), updated_at = ? WHERE key = ?`).run(new Date().toISOString(), HEARTBEAT_KEY);
      services.close();
      releaseLock();
      logger.info({ event: 'daemon-stopped' });
      resolveStopped(0);
      return 0;
    })();
    return stopping;
  }

  return { stopped, stop, reload };
}
