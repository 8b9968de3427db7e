import type { Command } from 'commander';
import { z } from 'zod';
import { configSchema } from '../../../config/schema.ts';
import { loadContext, printConfigWarnings, type GlobalOptions } from '../context.ts';
import { ConfigError } from '../../../config/load.ts';
import { validateJobs } from '../../job-executor.ts';
import { silentLogger } from '../../logger.ts';
import { buildSkills } from '../../model-layer.ts';
import { configuredRepositories, repositoryProblem } from '../../doctor/checks.ts';
import { createSkillRegistry } from '../../skill-registry.ts';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check the config or print its JSON Schema');
  config
    .command('check')
    .description('validate the config; exits 2 with the key path of every problem')
    .action(() => {
      const context = loadContext(program.opts<GlobalOptions>());
      printConfigWarnings(context);
      const skills = createSkillRegistry({ config: context.config, dataDir: context.dataDir, logger: silentLogger(), extraSkills: buildSkills(context.config, context.dataDir) });
      const issues = validateJobs(context.config, skills);
      for (const { path, key } of configuredRepositories(context.config)) {
        const problem = repositoryProblem(path, context.env.HOME);
        if (problem) issues.push({ path: key, message: `${problem}; a code-edit repository must be an existing git work tree` });
      }
      if (issues.length > 0) throw new ConfigError(context.source.path, issues);
      const jobs = Object.keys(context.config.jobs).length;
      const models = Object.keys(context.config.models).length;
      process.stdout.write(`ok: ${context.source.path} (${context.source.origin}): ${models} models, ${jobs} jobs\n`);
    });
  config
    .command('schema')
    .description('print the JSON Schema of the config file, for editor completion')
    .action(() => {
      const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' });
      process.stdout.write(`${JSON.stringify({ title: 'Switchboard configuration', ...schema }, null, 2)}\n`);
    });
}
