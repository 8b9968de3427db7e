import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderError } from '../../contracts/provider-error.ts';
import { createProviderRegistry } from '../../agent/providers/registry.ts';
import type { SimulatorFault } from '../../agent/simulator/types.ts';
import type { ChatRequest, ErrorKind, ProviderApi } from '../../contracts/types.ts';
import { aModel, aRequest } from '../helpers/builders.ts';
import { simulatorSpec, useSimulator } from '../helpers/simulator.ts';

const simulator = useSimulator();
const API_KEY = 'sk-test-secret-key-0123456789';

function providerFor(api: ProviderApi, timeoutMs = 5_000) {
  const spec = simulatorSpec(simulator.current, api, { name: api, apiKey: API_KEY, timeoutMs });
  return createProviderRegistry([spec]).get(api)!;
}

/** Runs one call that must fail and returns its ProviderError. */
async function failure(api: ProviderApi, request: ChatRequest = aRequest(), options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<ProviderError> {
  try {
    await providerFor(api, options.timeoutMs).complete(aModel(), request, options.signal);
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('the call succeeded');
}

const CASES: Array<{ fault: SimulatorFault; kind: ErrorKind; status?: number }> = [
  { fault: { fault: 'rate_limit', retryAfterSeconds: 7 }, kind: 'rate_limited', status: 429 },
  { fault: { fault: 'server' }, kind: 'server', status: 500 },
  { fault: { fault: 'unavailable' }, kind: 'overloaded', status: 503 },
  { fault: { fault: 'overloaded' }, kind: 'overloaded', status: 529 },
  { fault: { fault: 'context_too_long' }, kind: 'context_too_long', status: 400 },
  { fault: { fault: 'auth' }, kind: 'auth', status: 401 },
  { fault: { fault: 'drop' }, kind: 'network' },
  { fault: { fault: 'malformed' }, kind: 'server' },
];

for (const api of ['openai', 'anthropic'] as const) {
  describe(`${api}: every failure becomes one classified ProviderError, with no SDK retry`, () => {
    for (const { fault, kind, status } of CASES) {
      for (const stream of [false, true]) {
        // A non-JSON body on a stream reads as a stream that never finished.
        const expected = fault.fault === 'malformed' && stream ? 'stream_cut' : kind;
        it(`${fault.fault}${stream ? ' (streamed)' : ''} → ${expected}, after exactly one request`, async () => {
          simulator.current.script('test-model', fault);

          const error = await failure(api, aRequest({ stream }));

          assert.equal(error.kind, expected);
          assert.equal(error.status, status);
          assert.equal(error.provider, api);
          assert.equal(error.model, 'test-model');
          assert.equal(simulator.current.requests.length, 1);
        });
      }
    }

    it('429 carries retry-after as retryAfterMs', async () => {
      simulator.current.script('test-model', { fault: 'rate_limit', retryAfterSeconds: 7 });

      const error = await failure(api);

      assert.equal(error.retryAfterMs, 7_000);
    });

    it('a persistent outage fails every call once, without retries', async () => {
      simulator.current.setFault('test-model', { fault: 'overloaded' });

      for (let attempt = 0; attempt < 3; attempt++) assert.equal((await failure(api)).kind, 'overloaded');

      assert.equal(simulator.current.requests.length, 3);
    });

    it('a stream cut mid-answer is stream_cut', async () => {
      simulator.current.script('test-model', { fault: 'cut', afterChunks: 3 });

      const error = await failure(api, aRequest({ stream: true }));

      assert.equal(error.kind, 'stream_cut');
      assert.equal(simulator.current.requests.length, 1);
    });

    it('a non-streamed body cut mid-answer is a network failure', async () => {
      simulator.current.script('test-model', { fault: 'cut', afterChunks: 0 });

      assert.equal((await failure(api)).kind, 'network');
    });

    it('a call past timeoutMs is timeout', async () => {
      simulator.current.script('test-model', { fault: 'hang' });

      const error = await failure(api, aRequest(), { timeoutMs: 100 });

      assert.equal(error.kind, 'timeout');
      assert.equal(simulator.current.requests.length, 1);
    });

    it("the caller's abort signal is aborted, in flight or before the call", async () => {
      simulator.current.script('test-model', { fault: 'hang' });
      const inFlight = failure(api, aRequest(), { signal: AbortSignal.timeout(50) });
      assert.equal((await inFlight).kind, 'aborted');

      const controller = new AbortController();
      controller.abort();
      assert.equal((await failure(api, aRequest(), { signal: controller.signal })).kind, 'aborted');
    });

    it('never puts the API key in the message, the stack or the cause', async () => {
      simulator.current.script('test-model', { fault: 'auth' });

      const error = await failure(api);

      const recorded = simulator.current.requests[0].headers;
      assert.ok(`${recorded.authorization} ${recorded['x-api-key']}`.includes(API_KEY), 'the simulator did receive the key');
      assert.ok(!error.message.includes(API_KEY));
      assert.ok(!String(error.stack).includes(API_KEY));
      assert.ok(!String(error.cause ?? '').includes(API_KEY));
      assert.match(error.message, /\[redacted\]/);
      assert.match(error.message, /401/);
    });
  });
}

describe('anthropic: a cut stream keeps the usage it had seen', () => {
  it('keeps input and cache counts from message_start', async () => {
    simulator.current.script('test-model', { fault: 'cut', afterChunks: 3 });

    const error = await failure('anthropic', aRequest({ stream: true }));

    assert.equal(error.kind, 'stream_cut');
    assert.ok(error.usage, 'usage kept');
    assert.ok(error.usage.inputTokens > 0);
    assert.equal(error.usage.outputTokens, 1);
  });
});
