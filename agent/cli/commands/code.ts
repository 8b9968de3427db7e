/**
 * `switchboard code REPO "TASK"`: one code edit now, outside the scheduler. The router comes
 * from `services` (wired by main.ts), so the call is routed, budgeted and written to the ledger.
 */
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { ModelRouter } from '../../router/types.ts';
import { codeEditRequestFromOptions, describeOutcome, CodeEditRefusedError, runCodeEdit } from '../../../skills/code-edit/index.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, loadContext, type CommandContext, type GlobalOptions } from '../context.ts';

/** What a one-off model-using command needs; `close` releases it (database, simulator). */
export interface CommandServices {
  open(context: CommandContext): Promise<{ router: ModelRouter; logger?: Logger; close(): Promise<void> | void }>;
}

interface CodeCommandOptions {
  test?: string;
  testTimeout?: string;
  push?: boolean;
  remote?: string;
  job: string;
  branch?: string;
}

export function registerCodeCommand(program: Command, services?: CommandServices): void {
  program
    .command('code')
    .description('edit an allowed local repository now: a tested commit on a new branch, or the repository left as it was')
    .argument('<repo>', 'the repository (must be inside skills.code-edit.allowedRepos)')
    .argument('<task>', 'what to change, in words')
    .option('--test <command>', 'test command, split on spaces and run without a shell (e.g. "npm test")')
    .option('--test-timeout <duration>', 'kill the tests after this long (e.g. 5m)')
    .option('--push', 'push the new branch (never a protected one, never forced)')
    .option('--remote <name>', 'remote to fetch from and push to')
    .option('--branch <name>', 'name of the new branch (default switchboard/<job>-<date>-<id>)')
    .option('--job <name>', 'job name for the branch and the Switchboard-Job trailer', 'manual-code')
    .action(async (repo: string, task: string, options: CodeCommandOptions) => {
      const context = loadContext(program.opts<GlobalOptions>());
      const jobOptions: Record<string, unknown> = { repo, task };
      if (options.test) jobOptions.testCommand = options.test.split(/\s+/).filter(Boolean);
      if (options.testTimeout) jobOptions.testTimeout = options.testTimeout;
      if (options.push) jobOptions.push = true;
      if (options.remote) jobOptions.remote = options.remote;
      if (options.branch) jobOptions.branch = options.branch;
      let request;
      try {
        request = codeEditRequestFromOptions(jobOptions, context.config.skills['code-edit'] ?? {}, options.job);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      if (!services) throw new CliError('the code command has no model router wired in this build', EXIT_FAILURE);
      const opened = await services.open(context);
      const controller = new AbortController();
      const onSignal = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      try {
        const outcome = await runCodeEdit(
          { router: opened.router, logger: opened.logger },
          { ...request, origin: { job: options.job, skill: 'code-edit' } },
          controller.signal,
        );
        process.stdout.write(`${describeOutcome(outcome)}\n`);
        if (outcome.diffStat) process.stdout.write(`${outcome.diffStat}\n`);
        if (outcome.status === 'gave_up') {
          if (outcome.tests && !outcome.tests.passed) process.stdout.write(`last test output:\n${outcome.tests.output}\n`);
          process.exitCode = EXIT_FAILURE;
        }
      } catch (error) {
        if (error instanceof CodeEditRefusedError) throw new CliError(error.message, EXIT_BAD_INPUT);
        throw error;
      } finally {
        process.off('SIGINT', onSignal);
        await opened.close();
      }
    });
}
