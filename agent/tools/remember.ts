/**
 * The `remember` tool: lets the orchestrator keep a fact for later jobs. A fact goes in the
 * searchable facts table; with `pin`, it is also appended to MEMORY.md under "Agent notes"
 * (read at the start of every job), never touching what the user wrote there.
 */
import { addFact } from '../../memory/facts.ts';
import { appendAgentNote } from '../../memory/soul.ts';
import { localDay } from '../../memory/daily-notes.ts';
import type { Store } from '../../memory/store.ts';
import type { SkillTool, ToolResult } from '../../skills/types.ts';

export interface RememberToolDeps {
  db: Store;
  dataDir: string;
  /** Recorded as the fact's source: the job's name. */
  job: string;
  timeZone: string;
  now(): Date;
}

/** Longer than this is a document, not a fact. */
export const MAX_FACT_CHARS = 1000;

export function createRememberTool(deps: RememberToolDeps): SkillTool {
  return {
    definition: {
      name: 'remember',
      description:
        'Keep a short fact for future jobs (a preference, a commitment, a changed circumstance). ' +
        'Set pin to true only for something that should be in view at the start of every job.',
      parameters: {
        type: 'object',
        properties: {
          fact: { type: 'string', description: `One self-contained sentence, at most ${MAX_FACT_CHARS} characters.` },
          pin: { type: ['boolean', 'null'], description: 'true: also add it to MEMORY.md under "Agent notes"; null or false: do not.' },
        },
        required: ['fact', 'pin'],
        additionalProperties: false,
      },
    },
    async execute(args): Promise<ToolResult> {
      const fact = typeof args.fact === 'string' ? args.fact.trim() : '';
      if (fact === '') return { content: 'remember: "fact" must be a non-empty string', isError: true };
      if (fact.length > MAX_FACT_CHARS) {
        return { content: `remember: "fact" is ${fact.length} characters; keep it under ${MAX_FACT_CHARS}`, isError: true };
      }
      if (args.pin !== undefined && args.pin !== null && typeof args.pin !== 'boolean') {
        return { content: 'remember: "pin" must be true or false', isError: true };
      }
      try {
        const now = deps.now();
        const stored = addFact(deps.db, { text: fact, source: deps.job, now });
        const pinned = args.pin === true ? appendAgentNote(deps.dataDir, localDay(now, deps.timeZone), fact) : undefined;
        return {
          content: `remembered as fact #${stored.id}${pinned ? ' and added to MEMORY.md' : ''}`,
          data: { factId: stored.id, pinned: pinned !== undefined },
        };
      } catch (error) {
        return { content: `remember failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
      }
    },
  };
}
