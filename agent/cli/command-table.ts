/**
 * Every top-level CLI command: its name, the line `--help` lists, and how to load it. A
 * command's module (and all it imports: config, SQLite, SDKs) is imported only when that
 * command runs, so `switchboard --help` and `switchboard status` start without loading the
 * rest. A new command is one line here; its module exports a `register…(program)` function.
 */
import type { Command } from 'commander';

export interface CommandEntry {
  name: string;
  /** The line `switchboard --help` lists; a test keeps it equal to the module's own description. */
  summary: string;
  /** Imports the command's module and registers the command (options, subcommands, action) on `program`. */
  register(program: Command): Promise<void>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'config', summary: 'check the config or print its JSON Schema', register: async (program) => (await import('./commands/config.ts')).registerConfigCommands(program) },
  { name: 'start', summary: 'run the daemon in the foreground: schedule every enabled job, log JSON lines on stdout', register: async (program) => (await import('./commands/start.ts')).registerStartCommand(program) },
  { name: 'run', summary: 'run a job now (its own idempotency key; refuses if the job is already running)', register: async (program) => (await import('./commands/run.ts')).registerRunCommand(program) },
  { name: 'status', summary: 'daemon state, next slot and last run of each job, open breakers, spend today', register: async (program) => (await import('./commands/status.ts')).registerStatusCommand(program) },
  { name: 'runs', summary: 'list job runs, newest first', register: async (program) => (await import('./commands/runs.ts')).registerRunsCommand(program) },
  { name: 'service', summary: 'install Switchboard as a systemd service', register: async (program) => (await import('./commands/service.ts')).registerServiceCommand(program) },
  { name: 'doctor', summary: 'check every part for real: config, database, models, mail, Google, repositories, data dir', register: async (program) => (await import('./commands/doctor.ts')).registerDoctorCommand(program) },
  { name: 'memory', summary: "the agent's memory: facts, notes and the files it reads", register: async (program) => (await import('./commands/memory.ts')).registerMemoryCommand(program) },
  { name: 'inbox', summary: 'list extracted mail: deadlines, action items, categories, full-text search', register: async (program) => (await import('./commands/inbox.ts')).registerInboxCommand(program) },
  { name: 'bill', summary: 'what model calls cost for a day or month, by tier, job and model, and what routing saved', register: async (program) => (await import('./commands/bill.ts')).registerBillCommand(program) },
  { name: 'route', summary: 'print the routing decision for a task: tier, model chain and why', register: async (program) => (await import('./commands/route.ts')).registerRouteCommand(program) },
  { name: 'replay', summary: "run a day's trace through router, simulator and a temporary ledger, and print the bill; or re-price the recorded ledger under another config", register: async (program) => (await import('./commands/replay.ts')).registerReplayCommand(program) },
  { name: 'auth', summary: 'authorise access to outside accounts', register: async (program) => (await import('./commands/auth-google.ts')).registerAuthGoogleCommand(program) },
  { name: 'simulate', summary: 'run the provider simulator (OpenAI and Anthropic wire formats) on loopback until SIGTERM', register: async (program) => (await import('./commands/simulate.ts')).registerSimulateCommand(program) },
  { name: 'code', summary: 'edit an allowed local repository now: a tested commit on a new branch, or the repository left as it was', register: async (program) => (await import('./commands/code.ts')).registerCodeCommand(program, await commandServices()) },
  { name: 'market', summary: 'print the watchlist report: figures computed in code, a snapshot and a deeper analysis', register: async (program) => (await import('./commands/market.ts')).registerMarketCommand(program, await commandServices()) },
  { name: 'approvals', summary: 'writes asked for by mail, pages or other untrusted content, waiting for your decision', register: async (program) => (await import('./commands/approvals.ts')).registerApprovalsCommand(program, await commandServices()) },
  { name: 'demo', summary: 'run a simulated day (every shipped job once, the simulator as every model) and print the bill', register: async (program) => (await import('./commands/demo.ts')).registerDemoCommand(program) },
];

/** The model layer for one-off model-using commands (code, market), its logger on stderr. */
async function commandServices(): Promise<import('./commands/code.ts').CommandServices> {
  const [{ openCommandModels }, { createLogger }] = await Promise.all([import('../model-layer.ts'), import('../logger.ts')]);
  return {
    open: (context) => openCommandModels(context, createLogger({ level: context.config.log.level, secrets: context.secrets, destination: process.stderr })),
  };
}
