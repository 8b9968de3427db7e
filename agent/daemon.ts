/**
 * The long-running daemon behind `switchboard start`: one per data directory (a pid/lock
 * file guards it), every enabled job scheduled, one `daemon-ready` line when it is up.
 *
 * Signals: SIGTERM/SIGINT stop ticking, let running jobs finish within `daemon.shutdownGrace`,
 * abort the rest (recorded `interrupted`), close the database and resolve with exit 0.
 * SIGHUP reloads the config file, model layer included (with `reopenModelLayer`); an invalid
 * file is logged (error level, key paths) and the running config is kept.
 */
import { ConfigError, loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { CommandContext } from './cli/context.ts';
import { openServices, type Services, type ServicesOptions } from './services.ts';
import { createScheduler } from './scheduler/scheduler.ts';
import { nextSlot } from './scheduler/slots.ts';
import { validateJobs } from './job-executor.ts';
import type { ModelLayer } from './model-layer.ts';
import { createSkillRegistry } from './skill-registry.ts';
import { endDeadRuns, endOrphanGroups } from './run-liveness.ts';
import { acquireDaemonLock, HEARTBEAT_KEY } from './daemon-lock.ts';
import { isTransientWriteError, RETRY_BUSY_TIMEOUT_MS, retryWrite, withBusyTimeout } from '../memory/busy-retry.ts';

export { acquireDaemonLock, daemonAlive, DaemonLockedError, HEARTBEAT_KEY, LOCK_FILE, readDaemonLock, type LockInfo } from './daemon-lock.ts';

export interface DaemonOptions extends ServicesOptions {
  /** Install SIGTERM/SIGINT/SIGHUP handlers (default true). */
  handleSignals?: boolean;
  /**
   * Builds a model layer from a reloaded config, so that SIGHUP applies provider, model, tier,
   * budget and skill-setting changes too. Without it a reload applies job changes only.
   * The daemon owns every layer it is given or builds and closes them when it stops.
   */
  reopenModelLayer?: (config: Config) => Promise<ModelLayer>;
}

export interface DaemonHandle {
  /** Resolves with the exit status once the daemon has stopped. */
  stopped: Promise<number>;
  stop(): Promise<number>;
  /** Resolves true when the new config is in force, false when it was refused (and logged). */
  reload(): Promise<boolean>;
}

/** Starts the daemon; throws `DaemonLockedError` or a store error before anything is scheduled. */
export function startDaemon(context: CommandContext, options: DaemonOptions = {}): DaemonHandle {
  const releaseLock = acquireDaemonLock(context.dataDir, context.source.path);
  let config: Config = context.config;
  let services: Services;
  try {
    services = openServices(context, { ...options, logging: options.logging ?? 'daemon', config: () => config, checkStore: true });
  } catch (error) {
    releaseLock();
    throw error;
  }
  const { db, logger, skills, executor } = services;
  const startedAt = new Date();
  for (const issue of validateJobs(config, skills)) logger.error({ event: 'config-issue', path: issue.path }, issue.message);

  const retrySafe = (job: Config['jobs'][string]) => skills.get(job.skill)?.retrySafe?.(job.options) ?? false;
  const scheduler = createScheduler({ db, config, logger, executor, clock: options.clock, retrySafe });
  // Children of runs that died with their process (kill -9, a crash) are ended before any of
  // those runs is retried: the dead runs are marked first, then their groups ended, then recover.
  endDeadRuns(db, { logger });
  endOrphanGroups(db, { logger });
  // Another process holding the write lock (or a full disk) must neither crash the start nor
  // freeze it: recovery is retried asynchronously and the scheduler starts once it is done.
  const recovery = new AbortController();
  let recovering: Promise<void> | undefined;
  try {
    scheduler.recover();
    scheduler.start();
  } catch (error) {
    if (!isTransientWriteError(error)) {
      services.close();
      releaseLock();
      throw error;
    }
    logger.warn({ event: 'recover-deferred', error: String(error) }, 'cannot record the start-up recovery yet (database busy or full); retrying');
    recovering = retryWrite(() => withBusyTimeout(db, RETRY_BUSY_TIMEOUT_MS, () => scheduler.recover()), {
      baseDelayMs: 100,
      maxDelayMs: 2_000,
      signal: recovery.signal,
      onRetry: (failure, attempt) => logger.debug({ event: 'recover-retry', attempt, error: String(failure) }),
    }).then(
      () => {
        if (stopping) return;
        scheduler.start();
        logger.info({ event: 'recover-done' }, 'start-up recovery recorded; scheduling');
      },
      (failure: unknown) => {
        if (!recovery.signal.aborted) logger.error({ event: 'recover-failed', error: String(failure) }, 'start-up recovery failed; stopping');
        if (!stopping) void stop();
      },
    );
  }
  try {
    db.prepare(
      `INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ).run(
      HEARTBEAT_KEY,
      JSON.stringify({ pid: process.pid, startedAt: startedAt.toISOString(), dataDir: context.dataDir, configPath: context.source.path, state: 'running' }),
      startedAt.toISOString(),
    );
  } catch (error) {
    logger.warn({ event: 'heartbeat-unrecorded', error: String(error) });
  }
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
  const nextSlots = Object.fromEntries(
    scheduler.jobs().map((job) => [job.name, nextSlot(job.schedule, new Date())?.toISOString() ?? null]),
  );
  for (const warning of context.warnings ?? []) logger.warn({ event: 'model-retiring', path: warning.path }, warning.message);
  logger.info({ event: 'daemon-ready', dataDir: context.dataDir, config: context.source.path, jobs: jobCount, next: nextSlots }, 'daemon ready');

  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<number> | undefined;
  // With no jobs scheduled nothing else holds the event loop open; a daemon must stay up.
  const keepAlive = setInterval(() => {}, 2 ** 31 - 1);

  // Layers replaced by a reload, closed once the runs that may still use them are done.
  const retired: ModelLayer[] = [];
  let currentLayer = options.modelLayer;
  let reloading: Promise<boolean> | undefined;

  function reload(): Promise<boolean> {
    // Two SIGHUPs in a row reload once more after the first finishes, never twice at once.
    const previous = reloading ?? Promise.resolve(true);
    reloading = previous.then(reloadOnce);
    return reloading;
  }

  async function reloadOnce(): Promise<boolean> {
    let next: ModelLayer | undefined;
    try {
      const loaded = loadConfig(context.source, context.env);
      // The running process's redactor learns the reloaded secrets before anything uses them.
      for (const secret of loaded.secrets) context.redactor.add(secret);
      next = options.reopenModelLayer ? await options.reopenModelLayer(loaded.config) : undefined;
      const registry = next
        ? createSkillRegistry({ config: loaded.config, dataDir: context.dataDir, logger, extraSkills: [...next.skills, ...(options.extraSkills ?? [])] })
        : skills;
      const issues = validateJobs(loaded.config, registry);
      if (issues.length > 0) throw new ConfigError(context.source.path, issues);
      if (stopping) throw new Error('the daemon is stopping');
      if (next) {
        const replaced = services.swapModelLayer(next);
        currentLayer = next;
        next = undefined;
        if (replaced) {
          retired.push(replaced);
          void scheduler.idle().then(closeRetired);
        }
      }
      config = loaded.config;
      scheduler.reload(config);
      logger.level = config.log.level;
      logger.info({ event: 'config-reload', config: context.source.path, jobs: Object.values(config.jobs).filter((job) => job.enabled).length });
      for (const warning of loaded.warnings) logger.warn({ event: 'model-retiring', path: warning.path }, warning.message);
      return true;
    } catch (error) {
      const issues = error instanceof ConfigError ? error.issues : [{ path: '', message: String(error) }];
      logger.error({ event: 'config-reload-failed', config: context.source.path, issues }, 'config reload failed; keeping the running config');
      await next?.close();
      return false;
    }
  }

  async function closeRetired(): Promise<void> {
    for (const layer of retired.splice(0)) await layer.close().catch(() => undefined);
  }

  function stop(): Promise<number> {
    stopping ??= (async () => {
      logger.info({ event: 'daemon-stopping', graceMs: config.daemon.shutdownGrace });
      recovery.abort();
      await recovering;
      detachSignals();
      clearInterval(keepAlive);
      await scheduler.stop(config.daemon.shutdownGrace);
      await reloading?.catch(() => false);
      // Run ends still waiting on a locked or full database get a last chance before the close.
      if (!(await executor.flush(config.daemon.shutdownGrace))) logger.error({ event: 'run-end-unrecorded' }, 'some run ends could not be recorded; the next start marks them interrupted');
      try {
        db.prepare(`UPDATE kv SET value = json_set(value, '$.state', 'stopped'), updated_at = ? WHERE key = ?`).run(new Date().toISOString(), HEARTBEAT_KEY);
      } catch (error) {
        logger.warn({ event: 'heartbeat-unrecorded', error: String(error) });
      }
      services.close();
      await closeRetired();
      await currentLayer?.close().catch(() => undefined);
      releaseLock();
      logger.info({ event: 'daemon-stopped' });
      resolveStopped(0);
      return 0;
    })();
    return stopping;
  }

  return { stopped, stop, reload };
}
