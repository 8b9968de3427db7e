/**
 * The `remember` tool: lets the orchestrator keep a fact for later jobs. A fact goes in the
 * searchable facts table; with `pin`, it is also appended to MEMORY.md under "Agent notes"
 * (read at the start of every job), never touching what the user wrote there.
 */
import { addFact, type FactOrigin } from '../../memory/facts.ts';
import { appendAgentNote, type AgentNoteMark } from '../../memory/soul.ts';
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

/** What `remember` writes: a fact with its origin, and with `pin` a marked line in MEMORY.md. */
export function rememberFact(
  deps: RememberToolDeps,
  entry: { fact: string; pin: boolean; origin: FactOrigin; mark: AgentNoteMark; source?: string },
): { factId: number; pinned?: string } {
  const now = deps.now();
  const stored = addFact(deps.db, { text: entry.fact, source: entry.source ?? deps.job, origin: entry.origin, now });
  const pinned = entry.pin ? appendAgentNote(deps.dataDir, localDay(now, deps.timeZone), entry.fact, entry.mark) : undefined;
  return { factId: stored.id, ...(pinned ? { pinned } : {}) };
}

/**
 * The tool. It writes, so it is `effect: 'write'`: from a context holding untrusted content the
 * orchestrator's gate turns a call into a proposal and this `execute` never runs. Run directly
 * (a context with nothing untrusted), the fact is still the agent's own: origin `untrusted`,
 * MEMORY.md line marked `[agent]`, recalled later as untrusted data.
 */
export function createRememberTool(deps: RememberToolDeps): SkillTool {
  return {
    effect: 'write',
    propose(args) {
      const fact = typeof args.fact === 'string' ? args.fact.replace(/\s+/g, ' ').trim() : '';
      if (fact === '' || fact.length > MAX_FACT_CHARS || (args.pin !== undefined && args.pin !== null && typeof args.pin !== 'boolean')) return undefined;
      const pin = args.pin === true;
      return { kind: 'remember', payload: { fact, pin }, summary: `${pin ? 'pin to MEMORY.md' : 'remember'}: ${fact}` };
    },
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
        const stored = rememberFact(deps, { fact, pin: args.pin === true, origin: 'untrusted', mark: { by: 'agent' } });
        return {
          content: `remembered as fact #${stored.factId}${stored.pinned ? ' and added to MEMORY.md' : ''}`,
          data: { factId: stored.factId, pinned: stored.pinned !== undefined },
        };
      } catch (error) {
        return { content: `remember failed: ${error instanceof Error ? error.message : String(error)}`, isError: true };
      }
    },
  };
}
