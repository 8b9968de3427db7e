/**
 * The tier decision: which tier a routed task goes to, and why. Precedence, first match wins:
 *   1. size: input above `largeContextThreshold` tokens → large-context;
 *   2. kind: an explicit step kind maps through the `kinds` table;
 *   3. text: the classifier's answer when it is confident enough;
 *   4. otherwise the orchestrator model is asked; if it gives no usable answer, the classifier's
 *      top tier is taken. Only a task marked `underRoutingCost: 'high'` (a per-job setting) takes
 *      the costlier (by TIER_RANK) of the classifier's two best tiers instead. Being unsure never
 *      sends a task to the most expensive tier by default.
 * `decideTierSync` does steps 1-3 and the fallback of step 4 without any model call, and says
 * when the orchestrator should be asked; `decideTier` also asks it.
 */
import { TIERS, TIER_RANK, type Tier } from '../../contracts/types.ts';
import type { UnderRoutingCost } from '../../contracts/router.ts';
import type { TaskClassifier } from './classifier.ts';

export interface RoutingTask {
  /** Explicit step kind, e.g. 'code' or 'summarise'; must be a key of `DecideOptions.kinds`. */
  kind?: string;
  /** Free text of the task, read by the classifier when no kind is given. */
  text?: string;
  /** Size of the task's input, when known. */
  inputTokens?: number;
  tools?: string[];
  /**
   * What a wrong guess costs this task's job: 'high' when a cheaper tier than needed would do
   * harm (money, health, legal work), so an unsure decision leans to the costlier tier.
   */
  underRoutingCost?: UnderRoutingCost;
}

export type DecisionSource = 'size' | 'kind' | 'classifier' | 'orchestrator' | 'fallback-top' | 'fallback-safe';

export interface TierDecision {
  tier: Tier;
  reason: string;
  source: DecisionSource;
  /** The classifier's confidence in its top tier, when the classifier was consulted. */
  confidence?: number;
}

export interface DecideOptions {
  largeContextThreshold: number;
  /** Classifier answers below this confidence go to the orchestrator (or the fallback). */
  confidenceThreshold: number;
  kinds: Record<string, Tier>;
  classifier: TaskClassifier;
}

export type AskOrchestrator = (text: string, signal?: AbortSignal) => Promise<Tier | undefined>;

export const DEFAULT_LARGE_CONTEXT_THRESHOLD = 65_536;

/**
 * Chosen from data: `npm run eval:routing` prints, over the leave-one-set-out decisions, the
 * accuracy of the decisions above and below each threshold; below this one the classifier is
 * wrong often enough that one call to the cheapest model is worth asking.
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.6;

export const DEFAULT_STEP_KINDS: Readonly<Record<string, Tier>> = {
  routing: 'orchestration',
  tool_choice: 'orchestration',
  summarise: 'orchestration',
  extract: 'orchestration',
  code: 'execution',
  scripting: 'execution',
  automation: 'execution',
  transform: 'execution',
  analysis: 'reasoning',
  trade_offs: 'reasoning',
  report: 'reasoning',
};

/**
 * Decides without calling any model. When the classifier is unsure, `needsOrchestrator` is
 * true and the decision carried is the fallback (the classifier's top tier, or the costlier of
 * its two best for a task whose under-routing cost is high), so a caller with no orchestrator
 * can use it as it is. Throws on an unknown kind (naming it and the known ones) and on a task with
 * neither kind nor text below the size threshold.
 */
export function decideTierSync(
  task: RoutingTask,
  options: DecideOptions,
): TierDecision & { needsOrchestrator: boolean } {
  if (task.kind !== undefined && !Object.hasOwn(options.kinds, task.kind)) {
    const known = Object.keys(options.kinds).join(', ');
    throw new Error(`unknown step kind '${task.kind}'; known kinds: ${known}`);
  }
  if (task.inputTokens !== undefined && task.inputTokens > options.largeContextThreshold) {
    return {
      tier: 'large-context',
      source: 'size',
      reason: `input ${formatCount(task.inputTokens)} tokens > ${formatCount(options.largeContextThreshold)} threshold`,
      needsOrchestrator: false,
    };
  }
  if (task.kind !== undefined) {
    const tier = options.kinds[task.kind];
    return { tier, source: 'kind', reason: `kind '${task.kind}' maps to ${tier}`, needsOrchestrator: false };
  }
  if (task.text === undefined || task.text.trim() === '') {
    throw new Error('cannot route a task with neither a kind nor a text');
  }

  const classification = options.classifier.classify(task.text);
  // An input known to fit never needs the large-context tier, whatever its text suggests.
  const inputFits = task.inputTokens !== undefined;
  const [best, runnerUp] = topTwo(classification.scores, inputFits ? 'large-context' : undefined);
  const total = inputFits ? 1 - classification.scores['large-context'] : 1;
  const confidence = total > 0 ? classification.scores[best] / total : 0;

  if (confidence >= options.confidenceThreshold) {
    const reason = best === classification.tier ? classification.reason : `classifier: ${best} (${confidence.toFixed(2)}), input fits`;
    return { tier: best, source: 'classifier', reason, confidence, needsOrchestrator: false };
  }
  const unsure = `classifier unsure (${best} ${confidence.toFixed(2)} < ${options.confidenceThreshold})`;
  if (task.underRoutingCost === 'high') {
    return {
      tier: saferTier(best, runnerUp),
      source: 'fallback-safe',
      reason: `${unsure}; under-routing cost high: took the costlier of ${best} and ${runnerUp}`,
      confidence,
      needsOrchestrator: true,
    };
  }
  return { tier: best, source: 'fallback-top', reason: `${unsure}; took its top tier`, confidence, needsOrchestrator: true };
}

/**
 * Decides like `decideTierSync`, asking `askOrchestrator` when the classifier is unsure. An
 * orchestrator that throws, answers undefined or answers something that is not a tier leads to
 * the fallback of `decideTierSync`; an abort of `signal` is rethrown rather than swallowed.
 */
export async function decideTier(
  task: RoutingTask,
  options: DecideOptions & { askOrchestrator?: AskOrchestrator },
  signal?: AbortSignal,
): Promise<TierDecision> {
  const { needsOrchestrator, ...decision } = decideTierSync(task, options);
  if (!needsOrchestrator || options.askOrchestrator === undefined || task.text === undefined) return decision;
  let answer: Tier | undefined;
  try {
    answer = await options.askOrchestrator(task.text, signal);
  } catch (error) {
    if (signal?.aborted) throw error;
    return { ...decision, reason: `${decision.reason}; orchestrator failed: ${(error as Error).message}` };
  }
  if (answer === undefined || !TIERS.includes(answer)) {
    return { ...decision, reason: `${decision.reason}; orchestrator gave no tier` };
  }
  return {
    tier: answer,
    source: 'orchestrator',
    reason: `orchestrator chose ${answer} (classifier unsure at ${decision.confidence?.toFixed(2)})`,
    confidence: decision.confidence,
  };
}

/** The costlier tier by TIER_RANK; on a tie, the first (the classifier's better guess). */
export function saferTier(first: Tier, second: Tier): Tier {
  return TIER_RANK[second] > TIER_RANK[first] ? second : first;
}

function topTwo(scores: Record<Tier, number>, excluded: Tier | undefined): [Tier, Tier] {
  let best: Tier | undefined;
  let runnerUp: Tier | undefined;
  for (const tier of TIERS) {
    if (tier === excluded) continue;
    if (best === undefined || scores[tier] > scores[best]) {
      runnerUp = best;
      best = tier;
    } else if (runnerUp === undefined || scores[tier] > scores[runnerUp]) {
      runnerUp = tier;
    }
  }
  return [best as Tier, runnerUp as Tier];
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
