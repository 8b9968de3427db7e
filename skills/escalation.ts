/**
 * Outcome-driven escalation: when a step's output fails its check (schema validation for an
 * extraction, tests for code), the step is tried once more on the next tier up.
 */
import type { ModelRouter, RoutedRequest, RoutedResponse } from '../contracts/router.ts';
import type { Tier } from '../contracts/types.ts';

/** The tier above `tier`, or undefined at the top. large-context escalates to reasoning. */
export function nextTierUp(tier: Tier): Tier | undefined {
  switch (tier) {
    case 'orchestration':
      return 'execution';
    case 'execution':
      return 'reasoning';
    case 'large-context':
      return 'reasoning';
    case 'reasoning':
      return undefined;
  }
}

export type CheckResult<T> = { ok: true; value: T } | { ok: false; problem: string };

export interface CheckedResponse<T> {
  value: T;
  response: RoutedResponse;
  /** Present when the first answer failed its check and the step was re-run a tier up. */
  escalation?: { from: Tier; to: Tier; problem: string };
}

export class CheckFailedError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`output failed its check${problems.length > 1 ? ' after escalation' : ''}: ${problems.join('; then: ')}`);
    this.name = 'CheckFailedError';
    this.problems = problems;
  }
}

/**
 * Runs `routed`, checks the answer, and on a failed check runs it once more on the next tier
 * up (with the problem appended for the model). Throws `CheckFailedError` when the escalated
 * answer fails too, or when there is no tier above.
 */
export async function completeChecked<T>(
  router: ModelRouter,
  routed: RoutedRequest,
  check: (response: RoutedResponse) => CheckResult<T>,
  signal?: AbortSignal,
): Promise<CheckedResponse<T>> {
  const first = await router.complete({ ...routed, task: { ...routed.task, checked: true } }, signal);
  const firstCheck = check(first);
  if (firstCheck.ok) return { value: firstCheck.value, response: first };
  const upper = nextTierUp(first.decision.tier);
  if (!upper) throw new CheckFailedError([firstCheck.problem]);
  // An empty answer is not sent back as an assistant turn: Anthropic refuses an empty text block.
  const answered = first.text.trim() !== '';
  const retry: RoutedRequest = {
    ...routed,
    task: { ...routed.task, tier: upper, checked: true, escalatedFromCall: first.callId },
    request: {
      ...routed.request,
      messages: [
        ...routed.request.messages,
        ...(answered ? [{ role: 'assistant' as const, content: first.text }] : []),
        {
          role: 'user' as const,
          content: answered
            ? `That answer was rejected: ${firstCheck.problem}. Answer again, correctly.`
            : `A first attempt gave an empty answer (${firstCheck.problem}). Answer the request above, correctly.`,
        },
      ],
    },
  };
  const second = await router.complete(retry, signal);
  const secondCheck = check(second);
  if (!secondCheck.ok) throw new CheckFailedError([firstCheck.problem, secondCheck.problem]);
  return {
    value: secondCheck.value,
    response: second,
    escalation: { from: first.decision.tier, to: upper, problem: firstCheck.problem },
  };
}
