import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ProviderError } from '../../contracts/provider-error.ts';
import type { ProviderClient, ProviderRegistry } from '../../agent/providers/types.ts';
import { aConfig, aRequest, aRouter, aUsage } from './builders.ts';

/** Behaves like the SDKs: adds an abort listener to the signal it is given and never removes it. */
function aListenerLeakingProvider(name: string, options: { hang?: boolean } = {}): ProviderClient {
  return {
    spec: { name, api: 'openai', timeoutMs: 1000, simulated: false },
    complete(model, _request, signal) {
      return new Promise((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new ProviderError({ kind: 'aborted', message: 'aborted', provider: name, model: model.id })));
        if (options.hang) return;
        resolve({ text: 'ok', toolCalls: [], finishReason: 'stop', usage: aUsage(), model: model.apiModel, simulated: false });
      });
    },
  };
}

function registry(options: { hang?: boolean } = {}): ProviderRegistry {
  return new Map([
    ['alpha', aListenerLeakingProvider('alpha', options)],
    ['beta', aListenerLeakingProvider('beta', options)],
  ]);
}

test('many calls under one job signal leave no abort listeners on it', async () => {
  const { router } = aRouter({ config: aConfig(), tier: 'orchestration', deps: { providers: registry() } });
  const job = new AbortController();
  for (let index = 0; index < 50; index++) await router.complete({ task: {}, request: aRequest(10, 10) }, job.signal);
  assert.equal(getEventListeners(job.signal, 'abort').length, 0);
});

test('aborting the job signal still aborts the call in flight', async () => {
  const { router } = aRouter({ config: aConfig(), tier: 'orchestration', deps: { providers: registry({ hang: true }) } });
  const job = new AbortController();
  const pending = router.complete({ task: {}, request: aRequest(10, 10) }, job.signal);
  setTimeout(() => job.abort(new Error('job timed out')), 10);
  await assert.rejects(pending, { kind: 'aborted' });
  assert.equal(getEventListeners(job.signal, 'abort').length, 0);
});
