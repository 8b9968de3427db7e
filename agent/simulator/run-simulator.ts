import { ANY_MODEL, startSimulator } from './simulator.ts';
import type { FaultSpec } from './fault-spec.ts';

/**
 * Runs the simulator until SIGTERM or SIGINT, for `switchboard simulate --port N`: logs the
 * base URLs once listening, resolves after closing. Rejects when the port cannot be bound.
 */
export async function runSimulatorForever(
  port: number,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  faults: FaultSpec[] = [],
): Promise<void> {
  const simulator = await startSimulator({ port });
  for (const { model, fault } of faults) {
    simulator.setFault(model, fault);
    log(`fault injected for ${model === ANY_MODEL ? 'every model' : `model ${model}`}: ${JSON.stringify(fault)}`);
  }
  log(`provider simulator listening on ${simulator.url} (OpenAI baseURL ${simulator.openaiBaseURL}, Anthropic baseURL ${simulator.anthropicBaseURL})`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await simulator.close();
  log('provider simulator stopped');
}
