/**
 * The CLI imports only the command it runs: `--help` lists every command from the command
 * table without importing any command module, and `status` loads its own module and none of
 * the daemon, SDK or logging machinery. Measured on the real `bin/switchboard.js` (through tsx),
 * recording every module the process resolves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { COMMANDS } from '../../agent/cli/command-table.ts';
import { buildProgram, chosenCommand } from '../../agent/cli/main.ts';
import { openStore } from '../../memory/store.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'switchboard.js');
const recorder = join(import.meta.dirname, 'fixtures', 'record-imports.mjs');

/** Runs the CLI and returns what it printed and every module URL it resolved. */
function runRecorded(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-lazy-'));
  openStore(join(dir, 'data', 'switchboard.db')).close();
  const log = join(dir, 'imports.log');
  writeFileSync(log, '');
  const result = spawnSync(process.execPath, ['--import', recorder, bin, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: dir, IMPORT_LOG: log, SWITCHBOARD_TSX: '1', SWITCHBOARD_DATA_DIR: join(dir, 'data') },
    timeout: 60_000,
  });
  const modules = [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))];
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, modules };
}

const commandModules = (modules: string[]) => modules.filter((url) => url.includes('/agent/cli/commands/')).map((url) => url.slice(url.lastIndexOf('/') + 1));
const packagesLoaded = (modules: string[], names: string[]) => names.filter((name) => modules.some((url) => url.includes(`/node_modules/${name}/`)));

test('--help lists every command of the table and imports no command module or heavy package', () => {
  const result = runRecorded(['--help']);
  assert.equal(result.status, 0, result.stderr);
  for (const entry of COMMANDS) {
    assert.match(result.stdout, new RegExp(`^  ${entry.name} `, 'm'), `lists ${entry.name}`);
  }
  assert.ok(result.modules.some((url) => url.endsWith('/agent/cli/main.ts')), 'the recorder saw the CLI load');
  assert.deepEqual(commandModules(result.modules), []);
  assert.deepEqual(packagesLoaded(result.modules, ['zod', 'yaml', 'ajv', 'pino', 'better-sqlite3', 'cron-parser', 'node-cron', 'openai', '@anthropic-ai']), []);
});

test('status imports its own module only, and no daemon, SDK, logger or schema validator', () => {
  const result = runRecorded(['status']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /daemon/i);
  assert.deepEqual(commandModules(result.modules), ['status.ts']);
  assert.ok(!result.modules.some((url) => url.endsWith('/agent/daemon.ts')), 'daemon.ts not loaded');
  assert.deepEqual(packagesLoaded(result.modules, ['ajv', 'pino', 'openai', '@anthropic-ai', 'imapflow', 'linkedom']), []);
});

test('a command\'s own --help loads that command in full, with its options', () => {
  const result = runRecorded(['bill', '--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /Usage: switchboard bill \[options\]/);
  assert.match(result.stdout, /--json/);
  assert.deepEqual(commandModules(result.modules), ['bill.ts']);
});

test('the command chosen is the first operand after the global options, or the one after help', () => {
  const argv = (...args: string[]) => ['node', 'switchboard', ...args];
  assert.equal(chosenCommand(argv('status')), 'status');
  assert.equal(chosenCommand(argv('-c', 'my.yaml', '--data-dir', 'dir', 'bill', '--month')), 'bill');
  assert.equal(chosenCommand(argv('--config=my.yaml', '-dDIR', 'runs', 'show', '3')), 'runs');
  assert.equal(chosenCommand(argv('help', 'replay')), 'replay');
  assert.equal(chosenCommand(argv('help')), 'help');
  assert.equal(chosenCommand(argv('--help')), undefined);
  assert.equal(chosenCommand(argv('-V')), undefined);
});

test('each summary in the table is the description its module registers', async () => {
  const program = await buildProgram();
  const registered = new Map(program.commands.map((command: Command) => [command.name(), command.description()]));
  for (const entry of COMMANDS) {
    assert.equal(registered.get(entry.name), entry.summary, `${entry.name}: the table and the module disagree`);
  }
  assert.equal(program.commands.length, COMMANDS.length, 'every registered command has a table entry');
});

test('the daemon starts without the packages only a job\'s run needs (HTML, mail, git, Google, schema validation)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-lazy-start-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    'version: 1\nproviders: { p: { api: openai, keyless: true } }\nmodels: { m: { provider: p, contextWindow: 1000, maxOutputTokens: 100, prices: [{ input: 1, output: 1 }], capabilities: {} } }\n' +
      'tiers: { orchestration: [m], execution: [m], reasoning: [m], large-context: [m] }\nflagship: gpt-5.6-sol\njobs:\n  nightly:\n    schedule: "0 3 * * *"\n    skill: command\n    options: { command: ["true"] }\n',
  );
  const log = join(dir, 'imports.log');
  writeFileSync(log, '');
  const child = spawn(process.execPath, ['--import', recorder, bin, '--config', config, '--data-dir', join(dir, 'data'), 'start', '--no-dashboard'], {
    env: { PATH: process.env.PATH, HOME: dir, IMPORT_LOG: log, SWITCHBOARD_TSX: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('daemon-ready')) {
        clearTimeout(timer);
        resolve(true);
      }
    });
    child.once('exit', () => resolve(false));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  assert.ok(ready, `the daemon never became ready: ${output}`);
  const modules = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  assert.ok(modules.some((url) => url.endsWith('/agent/daemon.ts')), 'the recorder saw the daemon load');
  assert.deepEqual(packagesLoaded(modules, ['linkedom', '@mozilla/readability', 'ajv', 'imapflow', 'mailparser', 'simple-git', 'nodemailer', 'googleapis', '@googleapis']), []);
});
