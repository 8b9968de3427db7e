import type { Command } from 'commander';
import { runSimulatorForever } from '../../simulator/run-simulator.ts';
import { CliError, EXIT_BAD_INPUT } from '../context.ts';
import { FAULT_FORMS, parseFaultSpec, type FaultSpec } from '../../simulator/fault-spec.ts';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run the provider simulator (OpenAI and Anthropic wire formats) on loopback until SIGTERM')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8790')
    .option(
      '--fault <spec>',
      `inject a persistent fault, repeatable: ${FAULT_FORMS.join(', ')}; add @MODEL to hit one model only (e.g. --fault 429:retry-after=5, --fault hang@gpt-4o-mini)`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (options: { port: string; fault: string[] }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new CliError(`--port: expected a port number 0-65535, found "${options.port}"`, EXIT_BAD_INPUT);
      }
      let faults: FaultSpec[];
      try {
        faults = options.fault.map(parseFaultSpec);
      } catch (error) {
        throw new CliError((error as Error).message, EXIT_BAD_INPUT);
      }
      await runSimulatorForever(port, undefined, faults);
    });
}
