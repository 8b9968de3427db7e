/**
 * The router's contract with everything above it: a skill or the orchestrator hands in a
 * task and a chat request; the router decides the tier, walks the model chain with
 * retries, breakers and budget reservations, writes every attempt to the ledger, and
 * returns the answer or a `ChainError` holding every attempt's error.
 */
import type { ChatRequest, ChatResponse, ErrorKind, Tier, Usage } from './types.ts';

/** Per-call transport options; nothing in them changes what the model is asked. */
export interface CallOptions {
  /**
   * Extra HTTP headers for this one call, e.g. the simulator's `x-switchboard-sim-usage`
   * that a replay uses to dictate a recorded call's usage.
   */
  headers?: Record<string, string>;
}

/**
 * What sending a task to a cheaper tier than it needs costs its job: 'high' makes an unsure
 * tier decision lean to the costlier of the classifier's two best tiers (config:
 * `jobs.<name>.underRoutingCost`); 'normal' takes the classifier's top tier.
 */
export type UnderRoutingCost = 'normal' | 'high';

export interface RoutingTask {
  /** Explicit step kind from a skill (e.g. 'extract', 'code', 'analysis'); mapped through config. */
  kind?: string;
  /** Free text describing the task, for the classifier when there is no kind. */
  text?: string;
  /** Input size; estimated from the request when absent. */
  inputTokens?: number;
  tools?: string[];
  /** Force a tier (escalation, an explicit delegate tool). Still subject to the size rule. */
  tier?: Tier;
  /** Set from the job's config by the job runner; absent means 'normal'. */
  underRoutingCost?: UnderRoutingCost;
  /** The answer will be checked and the step re-run a tier up on a failed check (recorded in the ledger). */
  checked?: boolean;
  /** Ledger id of the answer whose failed check this re-run escalates from (recorded in the ledger). */
  escalatedFromCall?: number;
}

export interface RouteDecision {
  tier: Tier;
  /** Model ids to try, in order (breakers and context windows already applied). */
  chain: string[];
  reason: string;
}

/** Who is paying: written on every ledger row and checked against job budgets. */
export interface CallOrigin {
  runId?: number;
  job?: string;
  skill?: string;
  step?: number;
}

export interface RoutedRequest {
  task: RoutingTask;
  request: ChatRequest;
  origin?: CallOrigin;
  /** Per-call transport options handed to the provider (e.g. the simulator's usage header in a replay). */
  callOptions?: CallOptions;
}

export interface AttemptRecord {
  callId: number;
  model: string;
  provider: string;
  outcome: 'ok' | 'error' | 'aborted';
  errorKind?: ErrorKind;
  errorMessage?: string;
  latencyMs: number;
  costUsd: number;
}

export interface RoutedResponse extends ChatResponse {
  decision: RouteDecision;
  /** The model id (config key) that answered. */
  modelId: string;
  provider: string;
  costUsd: number;
  flagshipCostUsd: number;
  /** Ledger id of the successful call. */
  callId: number;
  attempts: AttemptRecord[];
  /** Set when a budget cap moved the call to a cheaper tier. */
  downgradedFrom?: Tier;
}

/** What skills and the orchestrator hold: one function, so tests can hand in a scripted model. */
export interface ModelRouter {
  complete(routed: RoutedRequest, signal?: AbortSignal): Promise<RoutedResponse>;
  decide(task: RoutingTask, request?: ChatRequest): Promise<RouteDecision>;
}

export type { Usage };
