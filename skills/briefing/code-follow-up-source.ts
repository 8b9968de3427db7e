/**
 * The `CodeFollowUpSource` over the store: open action items from mail that name one of the
 * code-edit allowed repositories (skills/code-edit/follow-ups.ts), each with the command that
 * runs it. The task text stays untrusted and is escaped on render.
 */
import { basename } from 'node:path';
import { listCodeFollowUps } from '../code-edit/follow-ups.ts';
import type { CodeFollowUpSource, PendingCodeFollowUp } from './types.ts';

/** A source for `allowedRepos` (absolute paths, as `allowedReposFromSettings` gives them). */
export function createCodeFollowUpSource(allowedRepos: readonly string[]): CodeFollowUpSource {
  return {
    async pending(db, limit): Promise<PendingCodeFollowUp[]> {
      return listCodeFollowUps(db, allowedRepos)
        .slice(0, Math.max(0, limit))
        .map((followUp) => ({
          id: followUp.id,
          repo: basename(followUp.repo),
          task: followUp.task,
          ...(followUp.subject ? { subject: followUp.subject } : {}),
          ...(followUp.from ? { from: followUp.from } : {}),
          command: `switchboard code --follow-up ${followUp.id}`,
        }));
    },
  };
}
