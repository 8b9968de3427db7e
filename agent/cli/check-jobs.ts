/**
 * The job check that `config check`, `start` and `run` share: a job with an unknown skill, a bad
 * schedule or invalid options is refused before anything is written (exit 2, file and key path).
 */
import { ConfigError } from '../../config/load.ts';
import type { Skill } from '../../skills/types.ts';
import { validateJobs } from '../job-executor.ts';
import { buildSkills } from '../model-layer.ts';
import { silentLogger } from '../logger.ts';
import { createSkillRegistry } from '../skill-registry.ts';
import type { CommandContext } from './context.ts';

/**
 * Throws `ConfigError` naming the config file and every bad key path. With `job`, only that job
 * is checked (even when disabled: `run` may run it); otherwise every enabled job.
 */
export function assertJobsValid(context: Pick<CommandContext, 'config' | 'dataDir' | 'source'>, job?: string, skills?: ReadonlyMap<string, Skill>): void {
  const registry =
    skills ?? createSkillRegistry({ config: context.config, dataDir: context.dataDir, logger: silentLogger(), extraSkills: buildSkills(context.config, context.dataDir) });
  const config = job ? { ...context.config, jobs: { [job]: { ...context.config.jobs[job], enabled: true } } } : context.config;
  const issues = validateJobs(config, registry as Map<string, Skill>);
  if (issues.length > 0) throw new ConfigError(context.source.path, issues);
}
