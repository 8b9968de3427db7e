/**
 * `switchboard code REPO "TASK"`: one code edit now, outside the scheduler. The router comes
 * from `services` (wired by main.ts), so the call is routed, budgeted and written to the ledger.
 * `switchboard code --follow-up ID` takes repository and task from a code follow-up (an open
 * action item from mail naming an allowed repository) and marks it done once committed.
 */
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { ModelRouter } from '../../../contracts/router.ts';
import { openStore } from '../../../memory/store.ts';
import {
  allowedReposFromSettings,
  codeEditRequestFromOptions,
  describeOutcome,
  getCodeFollowUp,
  markFollowUpDone,
  CodeEditRefusedError,
  runCodeEdit,
  type CodeFollowUp,
} from '../../../skills/code-edit/index.ts';
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
  followUp?: string;
}

export function registerCodeCommand(program: Command, services?: CommandServices): void {
  program
    .command('code')
    .description('edit an allowed local repository now: a tested commit on a new branch, or the repository left as it was')
    .argument('[repo]', 'the repository (must be inside skills.code-edit.allowedRepos)')
    .argument('[task]', 'what to change, in words')
    .option('--follow-up <id>', 'take repository and task from this code follow-up (listed in the briefing); marked done once committed')
    .option('--test <command>', 'test command, split on spaces and run without a shell (e.g. "npm test")')
    .option('--test-timeout <duration>', 'kill the tests after this long (e.g. 5m)')
    .option('--push', 'push the new branch (never a protected one, never forced; never for a --follow-up)')
    .option('--remote <name>', 'remote to fetch from and push to')
    .option('--branch <name>', 'name of the new branch (default switchboard/<job>-<date>-<id>)')
    .option('--job <name>', 'job name for the branch and the Switchboard-Job trailer', 'manual-code')
    .action(async (repo: string | undefined, task: string | undefined, options: CodeCommandOptions) => {
      const context = loadContext(program.opts<GlobalOptions>());
      const settings = context.config.skills['code-edit'] ?? {};
      let followUp: CodeFollowUp | undefined;
      if (options.followUp !== undefined) {
        if (repo !== undefined || task !== undefined) throw new CliError('give either REPO and TASK, or --follow-up ID, not both', EXIT_BAD_INPUT);
        followUp = findFollowUp(context.databasePath, options.followUp, allowedReposFromSettings(settings));
      } else if (repo === undefined || task === undefined) {
        throw new CliError('give REPO and TASK, or --follow-up ID', EXIT_BAD_INPUT);
      }
      const jobOptions: Record<string, unknown> = followUp ? { repo: followUp.repo, task: followUp.task } : { repo, task };
      if (options.test) jobOptions.testCommand = options.test.split(/\s+/).filter(Boolean);
      if (options.testTimeout) jobOptions.testTimeout = options.testTimeout;
      if (options.push) jobOptions.push = true;
      if (options.remote) jobOptions.remote = options.remote;
      if (options.branch) jobOptions.branch = options.branch;
      let request;
      try {
        request = codeEditRequestFromOptions(jobOptions, settings, options.job);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      if (followUp && options.push) throw new CliError('--push: a follow-up\'s task came from a mail, so its branch is never pushed', EXIT_BAD_INPUT);
      if (!services) throw new CliError('the code command has no model router wired in this build', EXIT_FAILURE);
      const opened = await services.open(context);
      const controller = new AbortController();
      const onSignal = () => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      try {
        const outcome = await runCodeEdit(
          { router: opened.router, logger: opened.logger },
          // A follow-up's task was written by a mail's sender: its branch is never pushed.
          { ...request, untrustedTask: followUp !== undefined, origin: { job: options.job, skill: 'code-edit' } },
          controller.signal,
        );
        if (followUp && outcome.status === 'committed') markDone(context.databasePath, followUp.id);
        process.stdout.write(`${followUp ? `follow-up #${followUp.id}: ` : ''}${describeOutcome(outcome)}\n`);
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

/** The pending follow-up `id` names; exit 2 naming the id when there is none to take. */
function findFollowUp(databasePath: string, id: string, allowedRepos: string[]): CodeFollowUp {
  const number = /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
  if (number === undefined) throw new CliError(`--follow-up ${JSON.stringify(id)} is not a follow-up id (a positive whole number)`, EXIT_BAD_INPUT);
  const db = openStore(databasePath);
  try {
    const followUp = getCodeFollowUp(db, number, allowedRepos);
    if (!followUp) {
      throw new CliError(
        `no pending code follow-up #${number}: it does not exist, is done, or names no repository in skills.code-edit.allowedRepos`,
        EXIT_BAD_INPUT,
      );
    }
    return followUp;
  } finally {
    db.close();
  }
}

function markDone(databasePath: string, id: number): void {
  const db = openStore(databasePath);
  try {
    markFollowUpDone(db, id);
  } finally {
    db.close();
  }
}
