/**
 * What `start`, `run` and `status` share: the store, the logger, the skills and the job
 * executor, opened from a loaded CLI context and closed together.
 *
 * Seam for the lead: `options.router`, `options.extraSkills` and `options.makeOrchestrate`
 * are where the model router (with the simulator behind it), the model-backed skills and the
 * orchestrator loop plug in. Without them only the built-in `command` skill can run, and a
 * skill that asks for a model gets a clear error.
 */
import type { CommandContext } from './cli/context.ts';
import type { JobConfig } from '../config/schema.ts';
import type { ModelRouter } from '../contracts/router.ts';
import type { Skill, SkillContext } from '../skills/types.ts';
import type { RunRecord } from '../memory/runs.ts';
import { openStore, type Store } from '../memory/store.ts';
import { readSoul } from '../memory/soul.ts';
import { createLogger, silentLogger, type Logger } from './logger.ts';
import { createSkillRegistry } from './skill-registry.ts';
import { createJobExecutor, type JobExecutor } from './job-executor.ts';
import type { Config } from '../config/schema.ts';
import type { Clock } from './scheduler/slots.ts';
import type { ModelLayer } from './model-layer.ts';
import { createNtfyNotifier, type UrgentNotifier } from './notify/ntfy.ts';

export interface ServicesOptions {
  /** `quiet` for CLI commands that print their own output; default logs at `log.level` on stdout. */
  logging?: 'daemon' | 'quiet' | 'stderr';
  logger?: Logger;
  /** The current config, when it can change under the services (SIGHUP reload). */
  config?: () => Config;
  router?: ModelRouter;
  extraSkills?: Skill[];
  makeOrchestrate?: (run: RunRecord, job: JobConfig) => SkillContext['orchestrate'];
  /** The model side (providers, router, orchestrator, model-backed skills); bound to this services' database. */
  modelLayer?: ModelLayer;
  clock?: Clock;
  /** Run SQLite's quick integrity check on open (`start`, `run`): a damaged file is refused before any write. */
  checkStore?: boolean;
}

export interface Services {
  db: Store;
  logger: Logger;
  skills: Map<string, Skill>;
  executor: JobExecutor;
  router?: ModelRouter;
  /**
   * Puts another model layer (providers, router, orchestrator, skills built from a reloaded
   * config) behind the executor: every model call made after the swap goes through it. Returns
   * the layer it replaced, for the caller to close once the runs started before are done.
   */
  swapModelLayer(next: ModelLayer): ModelLayer | undefined;
  /** Closes the database; safe to call twice. */
  close(): void;
}

export function openServices(context: CommandContext, options: ServicesOptions = {}): Services {
  const logger =
    options.logger ??
    (options.logging === 'quiet'
      ? silentLogger()
      : createLogger({
          level: context.config.log.level,
          redactor: context.redactor,
          destination: options.logging === 'stderr' ? process.stderr : process.stdout,
        }));
  const db = openStore(context.databasePath, { check: options.checkStore ?? false });
  let layer = options.modelLayer;
  let bound = layer?.bind(db, logger, context.redactor);
  // The executor holds these delegates, so a swapped layer is seen by the next run.
  const router: ModelRouter | undefined =
    options.router ??
    (bound ? { complete: (routed, signal) => bound!.router.complete(routed, signal), decide: (task, request) => bound!.router.decide(task, request) } : undefined);
  const makeOrchestrate = options.makeOrchestrate ?? (bound ? (run: RunRecord, job: JobConfig) => bound!.makeOrchestrate(run, job) : undefined);
  const extraSkills = [...(options.modelLayer?.skills ?? []), ...(options.extraSkills ?? [])];
  const skills = createSkillRegistry({ config: context.config, dataDir: context.dataDir, logger, extraSkills });
  const simulated = options.modelLayer?.providers.simulated ?? [];
  if (simulated.length > 0) {
    logger.warn(
      { event: 'providers-simulated', providers: simulated, url: options.modelLayer?.providers.simulator?.url },
      `no API key for ${simulated.join(', ')}: those calls go to the built-in simulator and are labelled simulated`,
    );
  }
  const currentConfig = options.config ?? (() => context.config);
  const notifier = createNtfyNotifier({ db, settings: () => currentConfig().notify.ntfy, logger, secrets: context.redactor });
  const runs = createJobExecutor({
    db,
    config: options.config ?? context.config,
    dataDir: context.dataDir,
    logger,
    skills,
    router,
    makeOrchestrate,
    userSettings: () => readSoul(context.dataDir).settings,
    clock: options.clock,
    secrets: context.redactor,
  });
  const executor = withUrgentPushes(runs, notifier);
  let closed = false;
  return {
    db,
    logger,
    skills,
    executor,
    router,
    swapModelLayer(next) {
      const nextSkills = createSkillRegistry({ config: context.config, dataDir: context.dataDir, logger, extraSkills: [...next.skills, ...(options.extraSkills ?? [])] });
      const previous = layer;
      layer = next;
      bound = next.bind(db, logger, context.redactor);
      skills.clear();
      for (const [name, skill] of nextSkills) skills.set(name, skill);
      return previous;
    },
    close() {
      if (closed) return;
      closed = true;
      db.close();
    },
  };
}

/**
 * The executor, with urgent items (memory/notifications.ts) pushed after each run ends. The
 * run's outcome is handed back at once; the pushes finish in the background (`flush` waits).
 */
function withUrgentPushes(executor: JobExecutor, notifier: UrgentNotifier): JobExecutor {
  const pushing = new Set<Promise<void>>();
  return {
    async execute(request) {
      const record = await executor.execute(request);
      const push = notifier.scan();
      pushing.add(push);
      void push.finally(() => pushing.delete(push));
      return record;
    },
    async flush(timeoutMs) {
      const deadline = new Promise<'late'>((resolve) => setTimeout(resolve, timeoutMs, 'late').unref());
      const [runsFlushed] = await Promise.all([executor.flush(timeoutMs), Promise.race([Promise.all(pushing), deadline])]);
      return runsFlushed;
    },
  };
}
