/**
 * `switchboard inbox`: what the email-extract skill stored, filtered by due day, category or
 * words. Reads the database only; never touches a mail server or a model.
 */
import type { Command } from 'commander';
import { DUE_FILTERS, searchExtractions, type DueFilter, type InboxItem } from '../../../memory/extractions.ts';
import { openStore } from '../../../memory/store.ts';
import { CATEGORIES } from '../../../skills/email-extract/types.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, type GlobalOptions } from '../context.ts';
import { terminalSafe } from '../safe-output.ts';

interface InboxOptions {
  due?: string;
  category?: string;
  search?: string;
  account?: string;
  failed?: boolean;
  limit: string;
  json?: boolean;
}

export function registerInboxCommand(program: Command): void {
  program
    .command('inbox')
    .description('list extracted mail: deadlines, action items, categories, full-text search')
    .option('--due <when>', `only mail with a date or action due: ${DUE_FILTERS.join(', ')}`)
    .option('--category <name>', `only this category: ${CATEGORIES.join(', ')}`)
    .option('--search <text>', 'words that must all appear in the subject, summary or action items')
    .option('--account <name>', 'only this mail account')
    .option('--failed', 'only messages whose extraction failed')
    .option('--limit <n>', 'at most this many messages', '50')
    .option('--json', 'print JSON instead of text')
    .action((options: InboxOptions) => {
      const due = options.due;
      if (due !== undefined && !DUE_FILTERS.includes(due as DueFilter)) {
        throw new CliError(`--due must be one of ${DUE_FILTERS.join(', ')}; got ${JSON.stringify(due)}`, EXIT_BAD_INPUT);
      }
      if (options.category !== undefined && !(CATEGORIES as readonly string[]).includes(options.category)) {
        throw new CliError(`--category must be one of ${CATEGORIES.join(', ')}; got ${JSON.stringify(options.category)}`, EXIT_BAD_INPUT);
      }
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1) {
        throw new CliError(`--limit must be a positive whole number; got ${JSON.stringify(options.limit)}`, EXIT_BAD_INPUT);
      }
      const context = loadContext(program.opts<GlobalOptions>(), process.env, { secrets: 'deferred' });
      const timezone = context.config.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
      const db = openStore(context.databasePath);
      try {
        const items = searchExtractions(db, {
          due: due as DueFilter | undefined,
          category: options.category,
          query: options.search,
          account: options.account,
          status: options.failed ? 'failed' : undefined,
          limit,
          timezone,
          now: new Date(),
        });
        process.stdout.write(options.json ? `${JSON.stringify(items, null, 2)}\n` : formatInbox(items));
      } finally {
        db.close();
      }
    });
}

/** Plain text: one block per message; "No mail matches." when empty. */
export function formatInbox(items: InboxItem[]): string {
  if (!items.length) return 'No mail matches.\n';
  const blocks = items.map((item) => {
    const from = item.fromName || item.fromAddress || '(unknown sender)';
    const sent = item.sentAt ? item.sentAt.slice(0, 16).replace('T', ' ') : '(no date)';
    const lines = [`${sent}  [${item.category ?? item.status}]  ${item.subject ?? '(no subject)'}  — ${from}`];
    if (item.status === 'failed') lines.push(`  extraction failed: ${item.error ?? 'unknown error'}`);
    if (item.summary) lines.push(`  ${item.summary}`);
    for (const entry of item.due) lines.push(`  ${entry.day}  ${entry.kind.padEnd(8)}  ${entry.text}`);
    const undated = item.actionItems.filter((action) => !action.due);
    for (const action of undated) lines.push(`  todo        ${action.text}`);
    for (const amount of item.amounts) lines.push(`  ${amount.value} ${amount.currency}  ${amount.what}`);
    return lines.join('\n');
  });
  // Subjects, senders and summaries come from mail: no escape sequence of theirs reaches the terminal.
  return terminalSafe(`${blocks.join('\n\n')}\n`);
}
