/**
 * What a skill is and what it is handed. A skill is made by a factory, `createXSkill(deps)`,
 * whose side effects (mail, git, HTTP) sit behind small interfaces in `deps`. A skill never
 * calls a provider or an SDK: every model call goes through `context.router` or
 * `context.orchestrate`, so it is routed, budgeted, retried and written to the ledger.
 */
import type { Logger } from 'pino';
import type { Store } from '../memory/store.ts';
import type { ModelRouter } from '../contracts/router.ts';
import type { ToolDefinition } from '../contracts/types.ts';
import type { Redactor } from '../contracts/redactor.ts';
import type { Grants } from '../config/schema.ts';

/** A tool the orchestrator model may call. Failing tools return `{ isError: true }`; they do not throw. */
export interface SkillTool {
  definition: ToolDefinition;
  /**
   * `read`: no effect outside the call (a search, a lookup). Anything else, and a tool that does
   * not say, is a write: from a context that holds untrusted content it never runs, it becomes a
   * proposal for the owner (memory/approvals.ts).
   */
  effect?: 'read' | 'write';
  /**
   * The proposal a write stands for: its kind and the exact payload an approval executes.
   * Undefined for arguments that could not be executed (the call is refused instead).
   */
  propose?(args: Record<string, unknown>): ProposedWrite | undefined;
  execute(args: Record<string, unknown>, signal: AbortSignal): Promise<ToolResult>;
}

/** What a write tool would do, as stored in a proposal. */
export interface ProposedWrite {
  kind: string;
  payload: Record<string, unknown>;
  /** One line for the owner: what approving does. */
  summary: string;
}

export interface ToolResult {
  content: string;
  isError?: boolean;
  /** Structured data kept in the run's transcript. */
  data?: unknown;
}

export interface OrchestrateOptions {
  /** What the job must achieve, in the orchestrator's words. */
  goal: string;
  /** Trusted context (figures computed in code, the user's notes). */
  context?: string;
  /**
   * Untrusted material (mail, web pages): passed as delimited data, never as instructions. Its
   * presence makes the whole call untrusted: a write asked for from it becomes a proposal.
   */
  untrusted?: UntrustedBlock[];
  tools?: SkillTool[];
  /** JSON Schema that the `finish` tool's `result` must satisfy. */
  resultSchema?: Record<string, unknown>;
}

/** Where untrusted text came from, kept on a proposal it causes. Every field is itself untrusted. */
export interface ContentSource {
  /** mail | calendar | web | feed | market | tool | model | memory */
  kind: string;
  messageId?: string;
  sender?: string;
  url?: string;
}

export interface UntrustedBlock {
  label: string;
  content: string;
  /** What the content came from (one message, one page); several sources may share a block. */
  sources?: ContentSource[];
}

export interface OrchestrateResult {
  /** The `result` passed to `finish`, or the model's last text when it stopped without it. */
  result: unknown;
  text: string;
  steps: number;
  costUsd: number;
  stoppedBy: 'finish' | 'text' | 'max_steps' | 'over_budget' | 'wall_time' | 'repeated_call';
}

export interface SkillContext {
  job: string;
  skill: string;
  runId: number;
  /** Stable per (job, slot); a retried run gets the same key, so side effects can be made idempotent. */
  idempotencyKey: string;
  /** The scheduled slot (or the manual trigger time). */
  slot: Date;
  options: Record<string, unknown>;
  db: Store;
  dataDir: string;
  logger: Logger;
  /** The job's `timezone`, else USER.md's `- Time zone:`, else config `timezone`, else the host's. */
  timezone: string;
  /** ISO 4217 code from USER.md's `- Currency:` (default USD): the currency amounts are assumed and shown in. */
  currency?: string;
  router: ModelRouter;
  /**
   * The process's secret registry. What a skill stores or sends (child output, mail) may pass
   * through it; the executor also redacts every run result and error before storing them.
   */
  secrets?: Redactor;
  /** `jobs.<name>.grants`: what the job may cause, deny by default. Absent in a context built without config (tests): nothing granted. */
  grants?: Grants;
  orchestrate(options: OrchestrateOptions, signal: AbortSignal): Promise<OrchestrateResult>;
  now(): Date;
  /**
   * The run owns this process group (a child spawned `detached`): it is recorded on the run
   * row, and killed when the run ends, times out, is cancelled or is stopped; a restarted
   * daemon ends it if the process running the run died. Absent in tests that need no children.
   */
  adoptProcessGroup?(pgid: number): void;
}

/**
 * One part of a skill's work that failed while the rest went on: a briefing section, a feed,
 * a mailbox message. Every skill reports partial failure in this shape; a run whose result
 * holds any is recorded `degraded`, never `succeeded`. A skill whose work failed as a whole
 * throws instead (the run is `failed`); `withProblems` (skills/problems.ts) decides between
 * the two from the count of parts that worked.
 */
export interface SkillProblem {
  /** What failed, in the skill's words: `intro`, `source:example.org`, `message:42`. */
  part: string;
  /** The error kind when a model call failed (contracts' ErrorKind), else a short word such as `unavailable`. */
  kind: string;
  /** One line, safe to show (no secrets). */
  message: string;
}

export interface SkillResult {
  /** One line for `runs` and the briefing. */
  summary: string;
  /** JSON-serialisable details kept on the run row. */
  details?: Record<string, unknown>;
  /** Parts that failed although the run delivered; non-empty makes the run `degraded`. */
  problems?: SkillProblem[];
}

export interface Skill {
  name: string;
  description: string;
  /**
   * Validates a job's options at config-check time (and on SIGHUP), before any run; throws an
   * Error whose message names the bad key. Optional: a skill without it accepts any options.
   */
  checkOptions?(options: Record<string, unknown>, job: string): void;
  /**
   * Whether a run of this job that was interrupted mid-way (its process died) may be run again
   * on the same slot key: true only when the skill's side effects are idempotent on that key
   * (a briefing is delivered once per key). Absent: never retried, reported interrupted.
   */
  retrySafe?(options: Record<string, unknown>): boolean;
  run(context: SkillContext, signal: AbortSignal): Promise<SkillResult>;
}
