/**
 * `switchboard auth google`: walks the user through the installed-app consent flow and
 * prints the refresh token with where to put it. The token is printed once to stdout and
 * never written to the database, the logs or any file.
 */
import type { Command } from 'commander';
import { tokenUrlFor } from '../../../skills/google/client.ts';
import { GOOGLE_SCOPES, runGoogleConsentFlow } from '../../../skills/google/consent-flow.ts';
import { CliError, EXIT_BAD_INPUT, loadContext, type GlobalOptions } from '../context.ts';

export interface AuthGoogleIo {
  stdout: { write(text: string): unknown };
  /** Aborts the wait for the redirect (Ctrl-C by default). */
  signal?: AbortSignal;
}

const WAIT_FOR_CONSENT_MS = 10 * 60_000;

/** Registers `auth google` (creating the `auth` group if no other command did). */
export function registerAuthGoogleCommand(program: Command, io: AuthGoogleIo = { stdout: process.stdout }): void {
  const group = program.commands.find((command) => command.name() === 'auth') ?? program.command('auth').description('authorise access to outside accounts');
  group
    .command('google')
    .description('get a Google refresh token (Calendar and Gmail, read-only) through the browser consent flow')
    .option('--port <port>', 'loopback port for the redirect (default: any free port)', '0')
    .action(async (commandOptions: { port: string }) => {
      const context = loadContext(program.opts<GlobalOptions>());
      const clientId = context.config.google?.clientId || context.env.GOOGLE_CLIENT_ID;
      const clientSecret = context.config.google?.clientSecret || context.env.GOOGLE_CLIENT_SECRET;
      if (!clientId || !clientSecret) {
        throw new CliError(
          'no Google OAuth client: set google.clientId and google.clientSecret in the config (as ${ENV_VAR}), ' +
            'or GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET in the environment. Create a "Desktop app" OAuth client at ' +
            'https://console.cloud.google.com/apis/credentials with the Calendar and Gmail APIs enabled.',
          EXIT_BAD_INPUT,
        );
      }
      const port = Number(commandOptions.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        throw new CliError(`--port: expected a port number 0-65535, got ${JSON.stringify(commandOptions.port)}`, EXIT_BAD_INPUT);
      }
      const tokenUrl = context.config.google ? tokenUrlFor(context.config.google) : undefined;
      const interrupt = new AbortController();
      const onSigint = () => interrupt.abort(new CliError('interrupted before the redirect arrived'));
      if (!io.signal) process.once('SIGINT', onSigint);
      const signal = AbortSignal.any([io.signal ?? interrupt.signal, AbortSignal.timeout(WAIT_FOR_CONSENT_MS)]);
      try {
        const result = await runGoogleConsentFlow({
          clientId,
          clientSecret,
          port,
          scopes: GOOGLE_SCOPES,
          ...(tokenUrl ? { tokenUrl } : {}),
          signal,
          onConsentUrl: (url) =>
            io.stdout.write(
              `Open this URL in a browser on this machine and allow access (read-only Calendar and Gmail):\n\n  ${url}\n\n` +
                'Waiting for the redirect to 127.0.0.1 ... (Ctrl-C to give up)\n',
            ),
        });
        io.stdout.write(
          `\nRefresh token:\n\n  ${result.refreshToken}\n\n` +
            'Keep it secret. Store it where the daemon reads its environment (e.g. the systemd unit\'s\n' +
            'EnvironmentFile, mode 0600) as GOOGLE_REFRESH_TOKEN=<token>, and reference it in the config:\n\n' +
            '  google:\n    clientId: ${GOOGLE_CLIENT_ID}\n    clientSecret: ${GOOGLE_CLIENT_SECRET}\n' +
            '    refreshToken: ${GOOGLE_REFRESH_TOKEN}\n    calendars: [primary]\n\n' +
            'Switchboard did not save it anywhere.\n',
        );
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(`auth google: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
    });
}
