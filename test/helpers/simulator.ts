import { after, before, beforeEach } from 'node:test';
import { startSimulator } from '../../agent/simulator/simulator.ts';
import type { Simulator } from '../../agent/simulator/types.ts';
import type { ProviderApi, ProviderSpec } from '../../contracts/types.ts';
import { aProviderSpec } from './builders.ts';

/**
 * One simulator for the whole test file, reset before each test and closed after the file,
 * so the test process exits. Read `.current` inside tests.
 */
export function useSimulator(): { readonly current: Simulator } {
  const holder: { current: Simulator | undefined } = { current: undefined };
  before(async () => {
    holder.current = await startSimulator();
  });
  beforeEach(() => holder.current?.reset());
  after(async () => {
    await holder.current?.close();
  });
  return {
    get current(): Simulator {
      if (!holder.current) throw new Error('simulator not started');
      return holder.current;
    },
  };
}

/** A provider spec pointed at the simulator for `api`. */
export function simulatorSpec(simulator: Simulator, api: ProviderApi, overrides: Partial<ProviderSpec> = {}): ProviderSpec {
  return aProviderSpec({ name: `sim-${api}`, api, baseURL: api === 'openai' ? simulator.openaiBaseURL : simulator.anthropicBaseURL, ...overrides });
}
