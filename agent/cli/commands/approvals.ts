/**
 * `switchboard approvals list|show|approve|reject ID [--json]`: the owner's side of the
 * approvals queue (memory/approvals.ts). Approving runs the action once, with the owner's
 * authority (agent/proposal-actions.ts); asking again prints the recorded outcome and runs nothing.
 * Text in a proposal may come from a mail or a page: control characters are shown, never sent to the terminal.
 */
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { processIdentity } from '../../scheduler/process-identity.ts';
import { endDeadRuns } from '../../run-liveness.ts';
import {
  approveCommand,
  decideProposal,
  getProposal,
  listProposals,
  PROPOSAL_STATES,
  ProposalDecisionError,
  type Proposal,
  type ProposalState,
} from '../../../memory/approvals.ts';
import { readSoul } from '../../../memory/soul.ts';
import { openStore, type Store } from '../../../memory/store.ts';
import { createProposalExecutor } from '../../proposal-actions.ts';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILURE, loadContext, type CommandContext, type GlobalOptions } from '../context.ts';
import type { CommandServices } from './code.ts';
import { terminalSafe } from '../safe-output.ts';

/** Who decides from this CLI: `cli:<login name>`. */
function decider(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function registerApprovalsCommand(program: Command, services?: CommandServices): void {
  const approvals = program
    .command('approvals')
    .description('writes asked for by mail, pages or other untrusted content, waiting for your decision');

  approvals
    .command('list')
    .description('pending proposals, newest first (--all: every state, kept for the record)')
    .option('--state <state>', `only this state (${PROPOSAL_STATES.join(', ')})`)
    .option('--all', 'every state')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .action((options: { state?: string; all?: boolean; limit: string; json?: boolean }) => {
      const limit = parseId(options.limit, '--limit');
      if (options.state !== undefined && !(PROPOSAL_STATES as readonly string[]).includes(options.state)) {
        throw new CliError(`--state: expected one of ${PROPOSAL_STATES.join(', ')}, found "${options.state}"`, EXIT_BAD_INPUT);
      }
      const state = options.all ? undefined : ((options.state ?? 'pending') as ProposalState);
      withStore(program, (db) => {
        const proposals = listProposals(db, { state, limit });
        if (options.json) return write(`${JSON.stringify(proposals, null, 2)}\n`);
        if (proposals.length === 0) return write(state === 'pending' ? 'no pending proposals\n' : 'no proposals\n');
        for (const proposal of proposals) write(`${formatLine(proposal)}\n`);
      });
    });

  approvals
    .command('show')
    .description('one proposal: what would happen, why, what caused it, and its outcome')
    .argument('<id>', 'proposal number')
    .option('--json', 'print JSON')
    .action((id: string, options: { json?: boolean }) => {
      withStore(program, (db) => {
        const proposal = getProposal(db, parseId(id, 'proposal id'));
        if (!proposal) throw new CliError(`no proposal #${id}`, EXIT_BAD_INPUT);
        write(options.json ? `${JSON.stringify(proposal, null, 2)}\n` : formatDetail(proposal));
      });
    });

  approvals
    .command('approve')
    .description('run the proposed action once, with your authority (approving again runs nothing)')
    .argument('<id>', 'proposal number')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const number = parseId(id, 'proposal id');
      const context = loadContext(program.opts<GlobalOptions>());
      const db = openStore(context.databasePath);
      try {
        const execute = createProposalExecutor({
          db,
          dataDir: context.dataDir,
          config: context.config,
          timeZone: ownerTimeZone(context),
          openRouter: async () => {
            if (!services) throw new Error('this build has no model router wired for approvals');
            return services.open(context);
          },
        });
        const outcome = await decide(db, number, { decision: 'approve', by: decider(), execute, executor: { pid: process.pid, identity: processIdentity() } });
        report(outcome.proposal, outcome.changed, options.json);
        if (outcome.proposal.state === 'failed') process.exitCode = EXIT_FAILURE;
      } finally {
        db.close();
      }
    });

  approvals
    .command('reject')
    .description('refuse the proposed action; the proposal is kept for the record')
    .argument('<id>', 'proposal number')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }) => {
      const number = parseId(id, 'proposal id');
      await withStoreAsync(program, async (db) => {
        const outcome = await decide(db, number, { decision: 'reject', by: decider() });
        report(outcome.proposal, outcome.changed, options.json);
      });
    });
}

async function decide(db: Store, id: number, decision: Parameters<typeof decideProposal>[2]) {
  try {
    return await decideProposal(db, id, decision);
  } catch (error) {
    if (error instanceof ProposalDecisionError) throw new CliError(error.message, EXIT_BAD_INPUT);
    throw error;
  }
}

function report(proposal: Proposal, changed: boolean, json: boolean | undefined): void {
  if (json) return write(`${JSON.stringify({ changed, proposal }, null, 2)}\n`);
  const already = changed ? '' : ' (already decided: nothing was run again)';
  const lines = [`#${proposal.id} ${proposal.state}${already}: ${visible(proposal.summary)}`];
  if (proposal.state === 'failed' && proposal.error) lines.push(`  error: ${visible(proposal.error)}`);
  if (proposal.result !== null) lines.push(`  result: ${visible(JSON.stringify(proposal.result))}`);
  write(`${lines.join('\n')}\n`);
}

/** `list` shows one line per proposal; `show` has the whole text. */
const LIST_SUMMARY_CHARS = 160;

function formatLine(proposal: Proposal): string {
  const from = sourceText(proposal);
  const next = proposal.state === 'pending' ? `  → ${approveCommand(proposal.id)}` : '';
  const summary = proposal.summary.length > LIST_SUMMARY_CHARS ? `${proposal.summary.slice(0, LIST_SUMMARY_CHARS - 1)}…` : proposal.summary;
  return `#${proposal.id} ${proposal.state} ${proposal.kind} ${proposal.createdAt.slice(0, 16).replace('T', ' ')}  ${visible(summary)}${from ? `  (${from})` : ''}${next}`;
}

function formatDetail(proposal: Proposal): string {
  const lines = [
    `proposal #${proposal.id}: ${proposal.state}`,
    `  what:     ${visible(proposal.summary)}`,
    `  kind:     ${proposal.kind}`,
    `  payload:  ${visible(JSON.stringify(proposal.payload))}`,
    `  why:      ${visible(proposal.reason)}`,
    `  caused by: ${sourceText(proposal) || 'unknown'}`,
    `  job:      ${proposal.job ?? '-'}${proposal.runId !== null ? ` (run ${proposal.runId})` : ''}`,
    `  created:  ${proposal.createdAt}; expires ${proposal.expiresAt ?? 'never'}`,
  ];
  if (proposal.preparation !== null) lines.push(`  prepared: ${visible(JSON.stringify(proposal.preparation))}`);
  if (proposal.decidedAt) lines.push(`  decided:  ${proposal.decidedAt} by ${visible(proposal.decidedBy ?? '?')}`);
  if (proposal.executedAt) lines.push(`  executed: ${proposal.executedAt}`);
  if (proposal.result !== null) lines.push(`  result:   ${visible(JSON.stringify(proposal.result))}`);
  if (proposal.error) lines.push(`  error:    ${visible(proposal.error)}`);
  if (proposal.state === 'pending') lines.push('', `approve: ${approveCommand(proposal.id)}`, `reject:  switchboard approvals reject ${proposal.id}`);
  return `${lines.join('\n')}\n`;
}

function sourceText(proposal: Proposal): string {
  const source = proposal.source;
  const parts = [
    source.kind,
    source.sender ? `from ${source.sender}` : undefined,
    source.label ? `"${source.label}"` : undefined,
    source.messageId ? `message ${source.messageId}` : undefined,
    source.url,
  ].filter((part): part is string => Boolean(part));
  return visible(parts.join(' '));
}

/** Control characters (C0 but tab and newline, DEL, C1) shown as `\xNN`, never sent to the terminal. */
export function visible(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function ownerTimeZone(context: CommandContext): string {
  return readSoul(context.dataDir).settings.timeZone ?? context.config.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function parseId(value: string, name: string): number {
  const text = value.replace(/^#/, '');
  if (!/^[1-9][0-9]{0,15}$/.test(text)) throw new CliError(`${name} must be a positive whole number, got "${value}"`, EXIT_BAD_INPUT);
  return Number(text);
}

function write(text: string): void {
  // Proposals quote mail subjects, senders and model output: no control sequence of theirs reaches the terminal.
  process.stdout.write(terminalSafe(text));
}

function withStore(program: Command, work: (db: Store) => void): void {
  const context = loadContext(program.opts<GlobalOptions>());
  const db = openStore(context.databasePath);
  try {
    // A run or an approval whose process died is shown as it ended, not as still going.
    endDeadRuns(db);
    work(db);
  } finally {
    db.close();
  }
}

async function withStoreAsync(program: Command, work: (db: Store) => Promise<void>): Promise<void> {
  const context = loadContext(program.opts<GlobalOptions>());
  const db = openStore(context.databasePath);
  try {
    endDeadRuns(db);
    await work(db);
  } finally {
    db.close();
  }
}
