/**
 * A ModelRouter that answers from a script, for tests of the orchestrator and skills.
 * Every routed request is recorded so tests can assert what was sent.
 */
import type { ModelRouter, RoutedRequest, RoutedResponse, RouteDecision } from '../../contracts/router.ts';
import type { Tier, ToolCall } from '../../contracts/types.ts';

export type ScriptedAnswer =
  | { text: string; costUsd?: number }
  | { toolCalls: Array<Omit<ToolCall, 'id'>>; text?: string; costUsd?: number }
  | { error: Error };

export interface ScriptedRouter extends ModelRouter {
  requests: RoutedRequest[];
}

const TIER_OF_KIND: Record<string, Tier> = { code: 'execution', analysis: 'reasoning', report: 'reasoning' };

export function aScriptedRouter(answers: ScriptedAnswer[] | ((request: RoutedRequest, index: number) => ScriptedAnswer)): ScriptedRouter {
  const requests: RoutedRequest[] = [];
  const next = (request: RoutedRequest): ScriptedAnswer => {
    const index = requests.length - 1;
    if (typeof answers === 'function') return answers(request, index);
    const answer = answers[index];
    if (!answer) throw new Error(`scripted router: no answer for request ${index + 1}`);
    return answer;
  };
  const decide = async (task: RoutedRequest['task']): Promise<RouteDecision> => {
    const tier = task.tier ?? TIER_OF_KIND[task.kind ?? ''] ?? 'orchestration';
    return { tier, chain: [`${tier}-model`], reason: 'scripted' };
  };
  return {
    requests,
    decide,
    async complete(routed, signal) {
      signal?.throwIfAborted();
      requests.push(structuredClone(routed));
      const answer = next(routed);
      if ('error' in answer) throw answer.error;
      const decision = await decide(routed.task);
      const toolCalls = 'toolCalls' in answer ? answer.toolCalls.map((call, index) => ({ id: `call_${requests.length}_${index}`, ...call })) : [];
      const response: RoutedResponse = {
        text: answer.text ?? '',
        toolCalls,
        finishReason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        usage: { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 20, reasoningTokens: 0 },
        model: decision.chain[0],
        simulated: true,
        decision,
        modelId: decision.chain[0],
        provider: 'scripted',
        costUsd: answer.costUsd ?? 0.001,
        flagshipCostUsd: 0.01,
        callId: requests.length,
        attempts: [],
      };
      return response;
    },
  };
}
