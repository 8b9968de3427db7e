/**
 * Small named predicates that end an orchestrator loop. Each looks at the loop's state
 * after a step and returns a reason to stop, or undefined to go on.
 */
import type { ToolCall } from '../contracts/types.ts';

export interface LoopState {
  steps: number;
  costUsd: number;
  startedAtMs: number;
  nowMs: number;
  /** Tool calls of every step so far, in order. */
  callHistory: ToolCall[][];
}

export type StopReason = 'max_steps' | 'over_budget' | 'wall_time' | 'repeated_call';
export type StopCondition = (state: LoopState) => StopReason | undefined;

export const maxSteps =
  (limit: number): StopCondition =>
  (state) =>
    state.steps >= limit ? 'max_steps' : undefined;

export const overBudget =
  (usd: number): StopCondition =>
  (state) =>
    state.costUsd >= usd ? 'over_budget' : undefined;

export const wallTime =
  (ms: number): StopCondition =>
  (state) =>
    state.nowMs - state.startedAtMs >= ms ? 'wall_time' : undefined;

/** The last step repeated a tool call (same name, same arguments) made by the step before it. */
export const repeatedCall =
  (): StopCondition =>
  (state) => {
    const history = state.callHistory;
    if (history.length < 2) return undefined;
    const last = history[history.length - 1].map(signature);
    const previous = new Set(history[history.length - 2].map(signature));
    return last.length > 0 && last.every((call) => previous.has(call)) ? 'repeated_call' : undefined;
  };

function signature(call: ToolCall): string {
  return `${call.name}:${stableJson(call.arguments)}`;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function firstStop(conditions: StopCondition[], state: LoopState): StopReason | undefined {
  for (const condition of conditions) {
    const reason = condition(state);
    if (reason) return reason;
  }
  return undefined;
}
