/**
 * The one way a skill reports partial failure. A skill collects a `SkillProblem` for each part
 * of its work that failed (a feed, a mailbox message, a symbol) and counts the parts that
 * worked; `withProblems` turns that into the result the executor records: `succeeded` with no
 * problem, `degraded` with problems and something done, and a thrown `EveryPartFailedError`
 * (the run is `failed`, the parts kept on its row) when nothing worked at all.
 */
import type { SkillProblem, SkillResult } from './types.ts';

const MESSAGE_MAX = 300;

/** Every part of the run failed: the run is `failed`, and its row keeps the parts. */
export class EveryPartFailedError extends Error {
  readonly problems: SkillProblem[];
  readonly summary: string;
  constructor(summary: string, problems: SkillProblem[]) {
    super(`${summary}: ${describeProblems(problems)}`);
    this.name = 'EveryPartFailedError';
    this.summary = summary;
    this.problems = problems;
  }
}

/** "2 part(s) failed: source:https://a.example/feed (http), symbol:XYZ (unavailable)"; empty for none. */
export function describeProblems(problems: readonly SkillProblem[]): string {
  if (problems.length === 0) return '';
  return `${problems.length} part(s) failed: ${problems.map((problem) => `${problem.part} (${problem.kind})`).join(', ')}`;
}

/** A problem with its message flattened to one capped line. */
export function aProblem(part: string, kind: string, message: string): SkillProblem {
  const line = message.replace(/\s+/g, ' ').trim();
  return { part, kind, message: line.length > MESSAGE_MAX ? `${line.slice(0, MESSAGE_MAX - 1)}…` : line };
}

/**
 * `result` with `problems` attached (none: returned as is). Throws `EveryPartFailedError`
 * when there are problems and `succeededParts` is 0: a run that did nothing useful is failed.
 */
export function withProblems(result: SkillResult, problems: readonly SkillProblem[], succeededParts: number): SkillResult {
  if (problems.length === 0) return result;
  if (succeededParts === 0) throw new EveryPartFailedError(result.summary, [...problems]);
  return { ...result, problems: [...problems] };
}

/** True for an error that carries the parts that failed (`EveryPartFailedError` or a look-alike). */
export function problemsOf(error: unknown): SkillProblem[] | undefined {
  const problems = (error as { problems?: unknown } | null)?.problems;
  return Array.isArray(problems) ? (problems as SkillProblem[]) : undefined;
}
