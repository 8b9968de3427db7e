/**
 * The shapes of a code edit: what is asked, what the model answers, and what the run leaves
 * behind. Plain data; the flow lives in run-code-edit.ts.
 */
import type { Logger } from 'pino';
import type { CallOrigin, ModelRouter } from '../../contracts/router.ts';
import type { Tier } from '../../contracts/types.ts';

/** One change from the model: the full new content of a file, or a unified diff. */
export type FileEdit = { path: string; content: string } | { path: string; diff: string };

export interface EditAnswer {
  edits: FileEdit[];
  commitMessage: string;
}

export interface CodeEditRequest {
  /** A local path to the repository's top level; must lie inside one of `allowedRepos`. */
  repo: string;
  task: string;
  /** Job name: used in the branch name and the `Switchboard-Job:` trailer. */
  job: string;
  /** Directories the skill may touch (from `skills.code-edit.allowedRepos`). */
  allowedRepos: string[];
  /** argv of the test command, run in the repository without a shell. */
  testCommand?: string[];
  testTimeoutMs?: number;
  push?: boolean;
  /** Remote to fetch from (and push to, when `push`). */
  remote?: string;
  /** Branch names (or `*` globs) never pushed to. Default main, master. */
  protectedBranches?: string[];
  /** An explicit name for the work branch; default `switchboard/<job>-<YYYYMMDD>-<short id>`. */
  branch?: string;
  /**
   * The task came from untrusted content (a mail's action item), even if the owner approved it:
   * a push is refused, whatever `push` says.
   */
  untrustedTask?: boolean;
  /** Makes the branch name stable across retries of the same slot. */
  idempotencyKey?: string;
  origin?: CallOrigin;
}

export interface CodeEditDeps {
  router: ModelRouter;
  logger?: Logger;
  now?: () => Date;
  /** Environment for the test command; default a minimal one (PATH, HOME, locale), never the daemon's secrets. */
  testEnv?: NodeJS.ProcessEnv;
}

export interface TestOutcome {
  command: string[];
  passed: boolean;
  exitCode: number | null;
  timedOut: boolean;
  /** The tail of stdout and stderr. */
  output: string;
}

export interface AttemptSummary {
  tier: Tier;
  model: string;
  costUsd: number;
  /** What went wrong with this attempt's edits, when something did. */
  problem?: string;
  tests?: TestOutcome;
  downgradedFrom?: Tier;
}

export interface CodeEditOutcome {
  status: 'committed' | 'gave_up' | 'already_done';
  repo: string;
  branch: string;
  baseBranch: string;
  /** The new commit, when committed. */
  commit?: string;
  /** `git diff --stat` of the commit against its base. */
  diffStat?: string;
  commitMessage?: string;
  /** The last test run (none when no test command is configured). */
  tests?: TestOutcome;
  attempts: AttemptSummary[];
  models: string[];
  costUsd: number;
  pushed: boolean;
  pushError?: string;
}
