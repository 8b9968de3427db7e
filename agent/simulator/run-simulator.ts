import { startSimulator } from './simulator.ts';

/**
 * Runs the simulator until SIGTERM or SIGINT, for `switchboard simulate --port N`: logs the
 * base URLs once listening, resolves after closing. Rejects when the port cannot be bound.
 */
export async function runSimulatorForever(port: number, log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  const simulator = await startSimulator({ port });
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
