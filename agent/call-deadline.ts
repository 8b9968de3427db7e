/**
 * A run's wall-clock deadline for model calls (`jobs.<name>.callDeadline`): one clock across
 * every call, retry and fallback of the run, started by its first call. When it passes, the
 * call in flight is aborted and it, and every later call, fails with a `timeout` ProviderError
 * naming the key, so a hanging provider costs a run at most the deadline.
 */
import { ProviderError } from '../contracts/provider-error.ts';
import type { ModelRouter } from '../contracts/router.ts';
import type { SkillContext } from '../skills/types.ts';

export interface CallDeadline {
  router(inner: ModelRouter): ModelRouter;
  orchestrate(inner: SkillContext['orchestrate']): SkillContext['orchestrate'];
  /** Stops the clock; call when the run ends. */
  dispose(): void;
}

export function createCallDeadline(ms: number, job: string): CallDeadline {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const error = () =>
    new ProviderError({
      kind: 'timeout',
      message: `model calls of this run passed their deadline of ${ms} ms (jobs.${job}.callDeadline)`,
      provider: 'router',
      model: '',
    });
  const start = () => {
    timer ??= setTimeout(() => controller.abort(error()), ms);
  };

  /** Runs `call` under the caller's signal and the deadline; the deadline's own failure is a timeout. */
  async function bounded<T>(signal: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    start();
    if (controller.signal.aborted) throw controller.signal.reason;
    const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
    try {
      return await call(combined);
    } catch (failure) {
      if (controller.signal.aborted && !signal?.aborted) throw controller.signal.reason;
      throw failure;
    }
  }

  return {
    router: (inner) => ({
      complete: (routed, signal) => bounded(signal, (combined) => inner.complete(routed, combined)),
      decide: (task, request) => inner.decide(task, request),
    }),
    orchestrate: (inner) => (options, signal) => bounded(signal, (combined) => inner(options, combined)),
    dispose: () => clearTimeout(timer),
  };
}
