/**
 * The money path: every model call goes through `complete`, which decides the tier, walks
 * the chain with breakers, retry-after and fallback across providers, admits each attempt
 * against the budget caps (from its lease in memory where the caps leave room, else with one
 * write: memory/budget-lease.ts) and writes each attempt to the ledger in one transaction.
 *
 * Ledger policy: one row per attempt actually sent to a provider (ok, error or aborted,
 * with the partial usage a failed call reports), linked by `fallback_from` to the previous
 * row of the same request. A model skipped because its breaker is open, or a call refused
 * by a budget cap, was never made: it appears in `attempts` (callId 0) but not in the ledger.
 *
 * A response's `costUsd` and `flagshipCostUsd` are the sums over every attempt of the
 * request (failed ones included), i.e. what this request cost, matching the ledger rows.
 */
import type { Config } from '../../config/schema.ts';
import { recordBudgetEvent } from '../../memory/budget-events.ts';
import { clearStaleReservations, describeOverrun, type BlockingCap, type BudgetCaps, type CapSet, type Settlement } from '../../memory/budget.ts';
import { createBudgetLeases, dropOwnLeases, type BudgetTicket } from '../../memory/budget-lease.ts';
import { clearDeadModel, listDeadModels, markModelDead, type DeadModel } from '../../memory/dead-models.ts';
import { LedgerWriteError, ledgerPeriod, type CallRecord } from '../../memory/ledger.ts';
import { isTransientWriteError, RETRY_BUSY_TIMEOUT_MS, retryWrite, withBusyTimeout } from '../../memory/busy-retry.ts';
import { ledgerTimeZone, useLedgerTimeZone } from '../../memory/ledger-days.ts';
import { backgroundCheckpoints } from '../../memory/checkpointer.ts';
import { ownerTimeZone } from '../../config/owner-time-zone.ts';
import type { Store } from '../../memory/store.ts';
import { calculateCost, emptyUsage, priceOn, worstCaseCost } from '../cost.ts';
import type { Logger } from '../logger.ts';
import { ProviderError } from '../../contracts/provider-error.ts';
import type { ProviderRegistry } from '../providers/types.ts';
import type { ChatRequest, ChatResponse, ModelSpec, Tier, Usage } from '../../contracts/types.ts';
import { modelFingerprint } from './model-fingerprint.ts';
import { backoffDelay, sleep as abortableSleep } from './backoff.ts';
import { createBreaker, type ModelBreaker } from './breaker.ts';
import { estimateInputTokens, lowerTier, maxOutputFor, pickNext, planChain, reservedInputTokens, visibleOutputFor, type PlannedChain } from './chain.ts';
import { implausibleUsage, usageOfFailedCall } from './billed-usage.ts';
import { capabilitiesOf } from '../providers/capabilities.ts';
import { ChainError, type AttemptError } from '../../contracts/chain-error.ts';
import { NO_SECRETS, type Redactor } from '../../contracts/redactor.ts';
import type { AttemptRecord, CallOrigin, ModelRouter, RouteDecision, RoutedRequest, RoutedResponse, RoutingTask } from '../../contracts/router.ts';

export { ChainError } from '../../contracts/chain-error.ts';
export { modelFingerprint } from './model-fingerprint.ts';
export type { AttemptError } from '../../contracts/chain-error.ts';

export interface RouterDeps {
  db: Store;
  config: Config;
  models: ReadonlyMap<string, ModelSpec>;
  providers: ProviderRegistry;
  /** The tier decision for tasks with no forced tier and no size verdict (classifier, kinds, orchestrator). */
  decideTier: (task: RoutingTask, signal?: AbortSignal) => Promise<{ tier: Tier; reason: string }>;
  clock?: () => Date;
  logger?: Logger;
  /** Jitter source for backoff; injected by tests. */
  random?: () => number;
  /** The wait before a retry; injected by tests that must not sleep. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The process's secret registry: error messages, reasons and task text reach the ledger through it. */
  secrets?: Redactor;
  /**
   * How long a budget reservation or a call's ledger row is retried while another process holds
   * the database's write lock or the disk is full (default `LEDGER_WRITE_WAIT_MS`). Retries are
   * asynchronous: the event loop waits at most one short busy timeout per attempt.
   */
  ledgerWriteWaitMs?: number;
}

/** Default of `RouterDeps.ledgerWriteWaitMs`. */
export const LEDGER_WRITE_WAIT_MS = 60_000;

/** The router with the breaker it shares with `status`. */
export interface Router extends ModelRouter {
  decide(task: RoutingTask, request?: ChatRequest, origin?: CallOrigin): Promise<RouteDecision>;
  readonly breaker: ModelBreaker;
  /** Models kept out of every chain because their provider answered 404 for them, by model id. */
  deadModels(): DeadModel[];
  /** Gives back the budget this router holds for its next calls (memory/budget-lease.ts); for a closing process. */
  releaseBudget(): void;
  /** Write transactions the budget and ledger ran for this router's calls (one per attempt where the caps leave room). */
  readonly budgetWrites: number;
}


/** How often one request may call the same model again after a retryable failure. */
export const MAX_RETRIES_PER_MODEL = 2;

/** What one attempt's usage cost, what the flagship would have charged, and what prompt caching saved. */
export function priceUsage(
  usage: Usage,
  model: ModelSpec,
  flagship: ModelSpec,
  day: string,
): { costUsd: number; flagshipCostUsd: number; cacheSavingsUsd: number } {
  const price = priceOn(model, day);
  const perToken = 1 / 1_000_000;
  return {
    costUsd: calculateCost(usage, price),
    flagshipCostUsd: calculateCost(usage, priceOn(flagship, day)),
    cacheSavingsUsd:
      usage.cachedInputTokens * (price.input - price.cachedInput) * perToken -
      usage.cacheWriteTokens * (price.cacheWrite - price.input) * perToken,
  };
}

/** Budget caps from config: `budgets.*` plus `jobs.<name>.budget.*`; when both cap a job, the lower wins. */
export function budgetCapsFromConfig(config: Config): BudgetCaps {
  const capSet = (period: 'daily' | 'monthly'): CapSet => {
    const base = config.budgets[period];
    const jobs: Record<string, number> = { ...base.jobs };
    for (const [name, job] of Object.entries(config.jobs)) {
      const own = job.budget[period];
      if (own !== undefined) jobs[name] = jobs[name] === undefined ? own : Math.min(jobs[name], own);
    }
    return { total: base.total, tiers: { ...base.tiers }, jobs };
  };
  return { daily: capSet('daily'), monthly: capSet('monthly') };
}

/** A cap in words, for errors and the ledger's reason column. */
export function describeCap(blocked: BlockingCap): string {
  const scope = blocked.scope === 'total' ? 'total' : `${blocked.scope} ${blocked.name}`;
  return (
    `${blocked.period} ${scope} cap $${blocked.capUsd.toFixed(4)} reached ` +
    `(spent $${blocked.spentUsd.toFixed(4)}, reserved $${blocked.reservedUsd.toFixed(4)}, this call needs up to $${blocked.requestedUsd.toFixed(4)})`
  );
}

/** Throws when a chain names a model that is not configured, or a model's provider has no client. */
function validateChains(config: Config, models: ReadonlyMap<string, ModelSpec>, providers: ProviderRegistry): void {
  const chains: Array<[string, string[]]> = Object.entries(config.tiers).map(([tier, chain]) => [`tiers.${tier}`, chain]);
  for (const [name, job] of Object.entries(config.jobs)) {
    for (const [tier, chain] of Object.entries(job.tiers)) if (chain) chains.push([`jobs.${name}.tiers.${tier}`, chain]);
  }
  for (const [path, chain] of chains) {
    for (const id of chain) {
      const model = models.get(id);
      if (!model) throw new Error(`${path}: model "${id}" is not defined under models`);
      if (!providers.has(model.provider)) throw new Error(`${path}: model "${id}" uses provider "${model.provider}", which has no client`);
    }
  }
  if (!models.has(config.flagship)) throw new Error(`flagship: model "${config.flagship}" is not defined under models`);
}

function errorOf(failure: unknown, model: ModelSpec, signal: AbortSignal | undefined): ProviderError | undefined {
  if (failure instanceof ProviderError) return failure;
  if (signal?.aborted) {
    return new ProviderError({ kind: 'aborted', message: 'aborted by the caller', provider: model.provider, model: model.id, cause: failure });
  }
  return undefined;
}

/**
 * Builds the router and clears reservations left by dead processes. Throws at once when config names a model or provider that does not
 * exist, so a bad chain is found at start-up rather than at the first call.
 */
export function createRouter(deps: RouterDeps): Router {
  const { db, config, models, providers } = deps;
  validateChains(config, models, providers);
  const clock = deps.clock ?? (() => new Date());
  const wait = deps.sleep ?? abortableSleep;
  const flagship = models.get(config.flagship)!;
  const caps = budgetCapsFromConfig(config);
  const breaker = createBreaker(db, { failureThreshold: config.breaker.failureThreshold, cooldownMs: config.breaker.cooldown, clock });
  const logger = deps.logger;
  const secrets = deps.secrets ?? NO_SECRETS;
  const ledgerWriteWaitMs = deps.ledgerWriteWaitMs ?? LEDGER_WRITE_WAIT_MS;
  const capabilities = (model: ModelSpec) => capabilitiesOf(model, providers.get(model.provider)!.spec.api);
  const leases = createBudgetLeases(db);
  // Money held by a process that died mid-call would otherwise stay reserved (and leases this
  // process's earlier router left, a reload); a model that died under another config or
  // catalogue entry gets another chance; the ledger counts the owner's days, so a changed zone
  // moves its history once, here, where calls are written. Another process holding the write
  // lock at start-up defers this clean-up, retried in the background.
  const cleanUp = () => {
    const cleared = clearStaleReservations(db, { now: clock() }) + dropOwnLeases(db);
    if (cleared > 0) logger?.info({ event: 'reservations-cleared', count: cleared }, 'cleared reservations of dead processes');
    const rezoned = useLedgerTimeZone(db, ownerTimeZone(config), clock());
    if (rezoned) logger?.info({ event: 'ledger-rezoned', ...rezoned }, `ledger days re-counted in ${rezoned.to} (were ${rezoned.from})`);
    for (const dead of listDeadModels(db)) {
      if (fingerprints.get(dead.model) !== dead.fingerprint) {
        clearDeadModel(db, dead.model);
        logger?.info({ event: 'model-revived', model: dead.model }, 'model config changed since it answered 404: trying it again');
      }
    }
  };
  const fingerprints = new Map([...models.values()].map((model) => [model.id, modelFingerprint(model, config)]));
  try {
    cleanUp();
  } catch (error) {
    if (!isTransientWriteError(error)) throw error;
    logger?.warn({ event: 'router-clean-up-deferred', error: String(error) }, 'database busy: clearing stale reservations later');
    void retryWrite(cleanUp, { baseDelayMs: 200, maxDelayMs: 5_000, giveUpAfterMs: 10 * 60_000, unref: true }).catch((failure: unknown) =>
      logger?.warn({ event: 'router-clean-up-failed', error: String(failure) }),
    );
  }
  /** Dead models, read from the store on each use so that every process sees a 404 another one got. */
  const deadById = () => new Map(listDeadModels(db).filter((dead) => fingerprints.get(dead.model) === dead.fingerprint).map((dead) => [dead.model, dead]));

  /** The chain of `tier` from config, without the models known to be dead. */
  function planTier(tier: Tier, inputTokens: number, request: ChatRequest, job: string | undefined): PlannedChain {
    const planned = planChain(config, models, tier, inputTokens, request, capabilities, job);
    const dead = deadById();
    const alive = planned.models.filter((id) => !dead.has(id));
    const notes = planned.models.filter((id) => dead.has(id)).map((id) => `skipped ${id}: answered 404 on ${dead.get(id)!.detectedAt.slice(0, 10)} (model dead until its config changes)`);
    return { ...planned, models: alive, notes: [...planned.notes, ...notes] };
  }

  async function plan(
    task: RoutingTask,
    request: ChatRequest,
    origin: CallOrigin | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ planned: PlannedChain; reason: string; inputTokens: number }> {
    const inputTokens = task.inputTokens ?? estimateInputTokens(request);
    const threshold = config.routing.largeContextThreshold;
    let tier: Tier;
    let reason: string;
    if (inputTokens > threshold) {
      tier = 'large-context';
      reason = `size rule: ~${inputTokens} input tokens > ${threshold}`;
    } else if (task.tier) {
      tier = task.tier;
      reason = `tier ${task.tier} set by the caller`;
    } else {
      ({ tier, reason } = await deps.decideTier(task, signal));
    }
    const planned = planTier(tier, inputTokens, request, origin?.job);
    return { planned, reason: [reason, ...planned.notes].join('; '), inputTokens };
  }

  async function decide(task: RoutingTask, request: ChatRequest = { messages: [] }, origin?: CallOrigin): Promise<RouteDecision> {
    const { planned, reason } = await plan(task, request, origin, undefined);
    const open = planned.models.filter((id) => breaker.isOpen(id));
    const notes = open.map((id) => `skipped ${id}: breaker open`);
    return { tier: planned.tier, chain: planned.models.filter((id) => !open.includes(id)), reason: [reason, ...notes].join('; ') };
  }

  /**
   * Writes a finished call's ledger row (a tight lease shrinks in the same transaction). The
   * provider has answered and may bill, so the row must land: a locked database or a full disk
   * is retried with backoff for up to `ledgerWriteWaitMs`, whatever the caller's signal says;
   * past that, `LedgerWriteError` (the call's draw on its lease is given back).
   *
   * Group commit: the settlements of calls that finish in the same turn of the event loop are
   * written in one transaction at the end of that turn (16 calls at once: one commit, not 16;
   * a commit writes every page it touched, and theirs are mostly the same pages). A call still
   * returns only after its own row is committed.
   */
  const pendingSettlements: { ticket: BudgetTicket; call: CallRecord; resolve: (settlement: Settlement) => void; reject: (error: unknown) => void }[] = [];
  let settlementsScheduled = false;
  /** Calls of this router between their start and their end, for the group commit's choice. */
  let callsInFlight = 0;

  function settle(ticket: BudgetTicket, call: CallRecord): Promise<Settlement> {
    return new Promise((resolve, reject) => {
      pendingSettlements.push({ ticket, call, resolve, reject });
      // Alone in flight: nothing can join the batch, so no turn of the loop is waited for.
      if (callsInFlight <= 1 && !settlementsScheduled) {
        void writeSettlements(pendingSettlements.splice(0));
        return;
      }
      if (!settlementsScheduled) {
        settlementsScheduled = true;
        setImmediate(() => {
          settlementsScheduled = false;
          void writeSettlements(pendingSettlements.splice(0));
        });
      }
    });
  }

  /** Checkpoints of the ledger's file move to a worker thread at the first settlement (memory/checkpointer.ts). */
  let checkpointsHandedOff = false;

  async function writeSettlements(batch: typeof pendingSettlements): Promise<void> {
    const started = Date.now();
    if (!checkpointsHandedOff) {
      checkpointsHandedOff = true;
      try {
        backgroundCheckpoints(db);
      } catch (error) {
        logger?.warn({ event: 'checkpointer-not-started', error: String(error) }, 'checkpoints stay on the main thread');
      }
    }
    try {
      const settlements = await retryWrite(() => withBusyTimeout(db, RETRY_BUSY_TIMEOUT_MS, () => leases.settleMany(batch, caps)), {
        giveUpAfterMs: ledgerWriteWaitMs,
        onRetry: (error, attempt) =>
          logger?.warn(
            { event: 'ledger-write-retry', models: [...new Set(batch.map(({ call }) => call.model))], calls: batch.length, attempt, error: String(error) },
            'cannot record the calls in the ledger yet (database busy or full); retrying',
          ),
      });
      batch.forEach((item, index) => item.resolve(settlements[index]!));
    } catch (settleError) {
      // A row that cannot be written for what it holds must not take the others with it: each alone.
      if (batch.length > 1 && !isTransientWriteError(settleError)) {
        await Promise.all(batch.map((item) => writeSettlements([item])));
        return;
      }
      for (const { ticket, call, reject } of batch) {
        leases.cancel(ticket);
        const lost = new LedgerWriteError(call, Date.now() - started, settleError);
        logger?.error({ event: 'ledger-write-failed', model: call.model, costUsd: call.costUsd, error: String(settleError) }, lost.message);
        reject(lost);
      }
    }
  }

  async function complete(routed: RoutedRequest, signal?: AbortSignal): Promise<RoutedResponse> {
    callsInFlight++;
    try {
      return await completeCall(routed, signal);
    } finally {
      callsInFlight--;
    }
  }

  async function completeCall(routed: RoutedRequest, signal?: AbortSignal): Promise<RoutedResponse> {
    const { task, origin } = routed;
    // A request without an output cap gets the configured default, so the budget reserves a
    // realistic worst case rather than the model's whole output window.
    const request: ChatRequest =
      routed.request.maxOutputTokens === undefined ? { ...routed.request, maxOutputTokens: config.routing.defaultMaxOutputTokens } : routed.request;
    if (signal?.aborted) {
      throw new ProviderError({ kind: 'aborted', message: 'aborted before the call', provider: 'router', model: '' });
    }
    const first = await plan(task, request, origin, signal);
    const inputTokens = first.inputTokens;
    // The budget holds the worst case: input counted by the caller, else a conservative estimate.
    const reservedInput = task.inputTokens ?? reservedInputTokens(request);
    let planned = first.planned;
    let reason = first.reason;
    let downgradedFrom: Tier | undefined;

    const attempts: AttemptRecord[] = [];
    const errors: AttemptError[] = [];
    const retriesOf = new Map<string, number>();
    const givenUp = new Set<string>();
    const deadProviders = new Set<string>();
    let previousCallId: number | undefined;
    let avoidProvider: string | undefined;
    let retry: { model: string; delayMs: number } | undefined;
    let attemptNote = '';
    let costUsd = 0;
    let flagshipCostUsd = 0;

    const decision = (): RouteDecision => ({ tier: planned.tier, chain: planned.models, reason });
    const available = (id: string) => !givenUp.has(id) && !deadProviders.has(models.get(id)!.provider);
    const worstCaseAt = (model: ModelSpec, day: string) =>
      worstCaseCost(reservedInput, maxOutputFor(model, request, capabilities(model)), priceOn(model, day));
    const skip = (model: ModelSpec, kind: 'circuit_open', message: string) => {
      attempts.push({ callId: 0, model: model.id, provider: model.provider, outcome: 'error', errorKind: kind, errorMessage: message, latencyMs: 0, costUsd: 0 });
      errors.push({ callId: 0, model: model.id, provider: model.provider, kind, message });
      givenUp.add(model.id);
    };

    for (;;) {
      const modelId = retry?.model ?? pickNext(planned.models, models, available, avoidProvider);
      if (modelId === undefined) throw new ChainError(planned.tier, errors);
      const model = models.get(modelId)!;
      if (retry) {
        await wait(retry.delayMs, signal);
        retry = undefined;
      }

      const now = clock();
      const { day, month } = ledgerPeriod(now, ledgerTimeZone(db));
      // Prices are dated by the UTC day, whatever calendar the budget counts in.
      const worstCase = worstCaseAt(model, ledgerPeriod(now).day);
      // From the lease in memory where the caps leave room (no write); else a grant, retried while the database is busy.
      const admitting = { day, month, tier: planned.tier, job: origin?.job, model: modelId, amountUsd: worstCase, createdAt: now };
      const reservation =
        leases.admitWithoutWrite(admitting, caps) ??
        (await retryWrite(() => withBusyTimeout(db, RETRY_BUSY_TIMEOUT_MS, () => leases.reserve(admitting, caps)), {
          signal,
          giveUpAfterMs: ledgerWriteWaitMs,
          onRetry: (error, attempt) => logger?.warn({ event: 'reservation-retry', model: modelId, attempt, error: String(error) }, 'cannot reserve budget yet (database busy or full); retrying'),
        }));
      if (!reservation.ok) {
        const capText = describeCap(reservation.blocked);
        const lower = config.budgets.onCap === 'downgrade' ? lowerTier(planned.tier) : undefined;
        if (lower) {
          downgradedFrom ??= planned.tier;
          recordBudgetEvent(db, { at: now, job: origin?.job, kind: 'downgrade', fromTier: planned.tier, toTier: lower, cap: capText });
          logger?.warn({ event: 'budget-downgrade', from: planned.tier, to: lower, cap: capText }, 'budget cap: downgrading');
          planned = planTier(lower, inputTokens, request, origin?.job);
          reason = [reason, `budget: ${capText}: downgraded to ${lower}`, ...planned.notes].join('; ');
          avoidProvider = undefined;
          continue;
        }
        recordBudgetEvent(db, { at: now, job: origin?.job, kind: 'defer', fromTier: planned.tier, cap: capText });
        throw new ProviderError({ kind: 'budget_exceeded', message: `budget: ${capText}`, provider: model.provider, model: modelId });
      }

      const admission = breaker.admit(modelId);
      if (!admission.admitted) {
        leases.cancel(reservation.ticket);
        skip(model, 'circuit_open', admission.reason);
        continue;
      }

      const client = providers.get(model.provider)!;
      const startedAt = clock();
      const started = performance.now();
      let response: ChatResponse | undefined;
      let failure: unknown;
      try {
        response = await withCallSignal(signal, (callSignal) =>
          client.complete(model, { ...request, maxOutputTokens: visibleOutputFor(model, request) }, callSignal, routed.callOptions),
        );
      } catch (error) {
        failure = error;
      }
      const latencyMs = performance.now() - started;
      // A refusal is an answer the provider billed, but never a success: it fails the call as `refused`.
      const refused = response?.finishReason === 'refusal' ? refusalError(response, model) : undefined;
      const refusedUsage = response ? implausibleUsage(response.usage, model) : undefined;
      if (refusedUsage !== undefined) {
        failure = new ProviderError({ kind: 'server', message: `${model.provider} (${modelId}): usage report refused: ${refusedUsage}`, provider: model.provider, model: modelId });
        response = undefined;
      }
      const billed = response;
      if (refused) response = undefined;
      const error = refused ?? (response ? undefined : errorOf(failure, model, signal));
      let usage = billed?.usage ?? emptyUsage();
      let usageEstimated = false;
      if (!billed && error && refusedUsage === undefined) {
        ({ usage, estimated: usageEstimated } = usageOfFailedCall(error.usage, error.outputCharacters, inputTokens));
        // An absurd report on a failed call is not priced either.
        if (implausibleUsage(usage, model) !== undefined) ({ usage, estimated: usageEstimated } = { usage: emptyUsage(), estimated: false });
      }
      const prices = priceUsage(usage, model, flagship, ledgerPeriod(startedAt).day);
      const call: CallRecord = {
        startedAt,
        tier: planned.tier,
        provider: model.provider,
        model: modelId,
        usage,
        ...prices,
        latencyMs,
        outcome: response ? 'ok' : error?.kind === 'aborted' ? 'aborted' : 'error',
        errorKind: error?.kind,
        errorMessage: response ? undefined : secrets.redact(error?.message ?? String(failure)),
        fallbackFrom: previousCallId,
        reason: secrets.redact(reason + attemptNote),
        simulated: billed?.simulated ?? client.spec.simulated,
        runId: origin?.runId,
        job: origin?.job,
        skill: origin?.skill,
        step: origin?.step,
        task: { kind: task.kind, text: task.text === undefined ? undefined : secrets.redact(task.text), tier: task.tier },
        usageEstimated,
        checked: task.checked,
        escalatedFromCall: task.escalatedFromCall,
      };
      const settlement = await settle(reservation.ticket, call);
      const { callId } = settlement;
      for (const overrun of settlement.overruns) {
        logger?.warn({ event: 'budget-overrun', callId, model: modelId, overUsd: overrun.overUsd, cap: describeOverrun(overrun) }, 'budget cap exceeded by one call\'s real cost');
      }
      previousCallId = callId;
      costUsd += prices.costUsd;
      flagshipCostUsd += prices.flagshipCostUsd;
      attempts.push({
        callId,
        model: modelId,
        provider: model.provider,
        outcome: call.outcome,
        errorKind: error?.kind,
        errorMessage: call.errorMessage,
        latencyMs,
        costUsd: prices.costUsd,
      });

      if (response) {
        breaker.recordSuccess(modelId, admission.probe);
        return {
          ...response,
          decision: decision(),
          modelId,
          provider: model.provider,
          costUsd,
          flagshipCostUsd,
          callId,
          attempts,
          downgradedFrom,
        };
      }

      if (!error) {
        // Not a classified provider failure: a bug in a client. The row is written; the chain stops.
        breaker.recordFailure(modelId, 'aborted', admission.probe);
        throw failure;
      }
      if (refused) breaker.recordSuccess(modelId, admission.probe);
      else breaker.recordFailure(modelId, error.kind, admission.probe);
      errors.push({ callId, model: modelId, provider: model.provider, kind: error.kind, status: error.status, message: error.message });
      logger?.warn({ event: 'call-failed', model: modelId, provider: model.provider, kind: error.kind, status: error.status }, 'model call failed');

      switch (error.kind) {
        case 'aborted':
          throw error;
        case 'bad_request':
        case 'content_filtered':
        case 'refused':
        case 'budget_exceeded':
          throw new ChainError(planned.tier, errors, errors.at(-1));
        case 'auth':
        case 'quota_exhausted':
          // Keys and credit are per provider: no other model there will do better.
          if (error.kind === 'quota_exhausted') {
            logger?.error(
              { event: 'provider-quota-exhausted', provider: model.provider, model: modelId, status: error.status, error: error.message },
              `provider ${model.provider} has no credit or quota left: its models are skipped; add credit or raise the limit`,
            );
          }
          deadProviders.add(model.provider);
          avoidProvider = model.provider;
          attemptNote = `; after ${modelId}: ${error.kind}, provider ${model.provider} skipped`;
          continue;
        case 'model_not_found':
          // Retired, unknown or not accessible: dead for every request until its config changes.
          markModelDead(db, {
            model: modelId,
            provider: model.provider,
            apiModel: model.apiModel,
            fingerprint: fingerprints.get(modelId)!,
            status: error.status ?? null,
            message: error.message,
            detectedAt: startedAt.toISOString(),
            callId,
          });
          logger?.error(
            { event: 'model-dead', model: modelId, provider: model.provider, apiModel: model.apiModel, status: error.status, error: error.message },
            `model ${modelId} ("${model.apiModel}") answered 404: it is skipped until its config or catalogue entry changes`,
          );
          givenUp.add(modelId);
          attemptNote = `; fallback after ${modelId}: model_not_found (marked dead)`;
          continue;
        case 'invalid_request':
          // Switchboard built a request this model refuses: a defect to fix, not the input's fault. The ledger row keeps it.
          logger?.error(
            { event: 'switchboard-defect', model: modelId, provider: model.provider, status: error.status, error: error.message },
            `switchboard defect: ${modelId} refused the request Switchboard built; falling back`,
          );
          givenUp.add(modelId);
          attemptNote = `; fallback after ${modelId}: invalid_request (a Switchboard defect)`;
          continue;
        case 'context_too_long':
          givenUp.add(modelId);
          if (planned.tier !== 'large-context') {
            planned = planTier('large-context', inputTokens, request, origin?.job);
            reason = [reason, `${modelId} said context too long: moved to large-context`, ...planned.notes].join('; ');
          }
          attemptNote = `; after ${modelId}: context_too_long`;
          continue;
        case 'rate_limited':
        case 'overloaded':
        case 'server':
        case 'timeout':
        case 'network':
        case 'stream_cut':
        case 'circuit_open': {
          const retries = retriesOf.get(modelId) ?? 0;
          const next = pickNext(planned.models, models, (id) => id !== modelId && available(id), model.provider);
          const nextCostsMore = next === undefined || worstCaseAt(models.get(next)!, day) > worstCase;
          const retryAfter = error.retryAfterMs;
          const mayRetry = retries < MAX_RETRIES_PER_MODEL && !breaker.isOpen(modelId);
          if (mayRetry && retryAfter !== undefined && retryAfter <= config.retry.maxWait && nextCostsMore) {
            retry = { model: modelId, delayMs: backoffDelay(retries, { baseMs: config.retry.baseDelay, maxMs: config.retry.maxWait, retryAfterMs: retryAfter }) };
          } else if (mayRetry && retryAfter === undefined && next === undefined && error.kind !== 'timeout') {
            // A model that just used its whole timeout is not asked again: with every model of a
            // tier hanging, that would multiply the wait (two models, two retries: four timeouts).
            retry = { model: modelId, delayMs: backoffDelay(retries, { baseMs: config.retry.baseDelay, maxMs: config.retry.maxWait, random: deps.random }) };
          }
          if (retry) {
            retriesOf.set(modelId, retries + 1);
            attemptNote = `; retry of ${modelId} after ${error.kind}, waited ${retry.delayMs} ms`;
          } else {
            givenUp.add(modelId);
            avoidProvider = model.provider;
            attemptNote = `; fallback after ${modelId}: ${error.kind}`;
          }
          continue;
        }
        default:
          assertNever(error.kind);
      }
    }
  }

  return {
    complete,
    decide,
    breaker,
    deadModels: () => [...deadById().values()],
    releaseBudget: () => leases.release(),
    get budgetWrites() {
      return leases.writes;
    },
  };
}

function refusalError(response: ChatResponse, model: ModelSpec): ProviderError {
  const said = response.refusal?.trim() || response.text.trim();
  return new ProviderError({
    kind: 'refused',
    message: `${model.provider} (${model.id}): declined to answer${said ? `: ${said.slice(0, 500)}` : ''}`,
    provider: model.provider,
    model: model.id,
    usage: response.usage,
  });
}

function assertNever(value: never): never {
  throw new Error(`unhandled error kind: ${String(value)}`);
}

/**
 * Runs one provider call under its own signal, linked to the caller's for the call's duration
 * only. The SDKs attach listeners to the signal they are given and never remove them; a job
 * that makes a thousand calls under one signal would otherwise keep a thousand listeners.
 */
async function withCallSignal<T>(signal: AbortSignal | undefined, call: (callSignal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (!signal) return call(undefined);
  const controller = new AbortController();
  const forward = () => controller.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });
  try {
    return await call(controller.signal);
  } finally {
    signal.removeEventListener('abort', forward);
  }
}
