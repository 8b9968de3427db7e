import type { Command } from 'commander';
import { z } from 'zod';
import { configSchema } from '../../../config/schema.ts';
import { loadContext, type GlobalOptions } from '../context.ts';
import { assertJobsValid } from '../check-jobs.ts';

export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('check the config or print its JSON Schema');
  config
    .command('check')
    .description('validate the config; exits 2 with the key path of every problem')
    .action(() => {
      const context = loadContext(program.opts<GlobalOptions>());
      assertJobsValid(context);
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
