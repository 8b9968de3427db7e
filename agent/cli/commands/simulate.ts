import type { Command } from 'commander';
import { runSimulatorForever } from '../../simulator/run-simulator.ts';
import { CliError, EXIT_BAD_INPUT } from '../context.ts';

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run the provider simulator (OpenAI and Anthropic wire formats) on loopback until SIGTERM')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8790')
    .action(async (options: { port: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new CliError(`--port: expected a port number 0-65535, found "${options.port}"`, EXIT_BAD_INPUT);
      }
      await runSimulatorForever(port);
    });
}
