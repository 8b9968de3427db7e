import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ConfigError, DEFAULT_CONFIG_PATH, parseConfigText, type ConfigIssue } from '../../config/load.ts';
import { findCatalogueEntry, loadCatalogue } from '../../config/catalogue.ts';

const source = { path: '/etc/switchboard/test.yaml', origin: '--config' as const };
const baseText = readFileSync(DEFAULT_CONFIG_PATH, 'utf8');

/** The shipped default with `replace` applied: each case breaks exactly one thing. */
function issuesOf(text: string, env: NodeJS.ProcessEnv = {}): ConfigIssue[] {
  try {
    parseConfigText(text, source, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    assert.match(error.message, /\/etc\/switchboard\/test\.yaml/, 'the message names the file');
    return error.issues;
  }
  assert.fail('config was accepted');
}

function withEdit(search: string | RegExp, replacement: string, text: string = baseText): string {
  const edited = text.replace(search, replacement);
  assert.notEqual(edited, text, `edit ${String(search)} did not apply`);
  return edited;
}

/** The shipped default plus one model the catalogue does not know, declared in full (an Ollama model). */
const withLocalModel = withEdit(
  'models: {}\n',
  'models:\n  llama-local:\n    provider: openai\n    model: llama3.1:8b\n    contextWindow: 131072\n    maxOutputTokens: 4096\n    prices: [{ input: 0.15, output: 0.60, effectiveFrom: "2024-07-18" }]\n    capabilities: {}\n',
);

function assertIssue(issues: ConfigIssue[], path: string, message: RegExp): void {
  const found = issues.find((issue) => issue.path === path);
  assert.ok(found, `no issue at ${path}; got ${JSON.stringify(issues)}`);
  assert.match(found.message, message);
}

const cases: Array<{ name: string; text: string; env?: NodeJS.ProcessEnv; path: string; message: RegExp }> = [
  { name: 'an unknown top-level key names the closest valid one', text: baseText.replace('flagship: gpt-5.6-sol', 'flagshp: gpt-5.6-sol\nflagship: gpt-5.6-sol'), path: '', message: /unknown key "flagshp" \(did you mean "flagship"\?\)/ },
  { name: 'an unknown nested key names the closest valid one', text: withEdit('    timeout: 120s\n  anthropic:', '    timout: 120s\n  anthropic:'), path: 'providers.openai', message: /unknown key "timout" \(did you mean "timeout"\?\)/ },
  { name: 'a wrong type says what was expected and found', text: withEdit('concurrency: 2', 'concurrency: two'), path: 'daemon.concurrency', message: /expected number, found string "two"/ },
  { name: 'a missing required key', text: withEdit('flagship: gpt-5.6-sol\n', ''), path: 'flagship', message: /missing; expected string/ },
  { name: 'a value outside an enum lists the allowed ones', text: withEdit('onCap: downgrade', 'onCap: panic'), path: 'budgets.onCap', message: /expected one of "downgrade", "defer", found string "panic"/ },
  { name: 'a bad duration', text: withEdit('shutdownGrace: 30s', 'shutdownGrace: soon'), path: 'daemon.shutdownGrace', message: /duration like "30s"/ },
  { name: 'a negative price', text: withEdit('input: 0.15,', 'input: -0.15,', withLocalModel), path: 'models.llama-local.prices.0.input', message: />=0|too small/i },
  { name: 'a missing environment variable is named', text: withEdit('${OPENAI_API_KEY:-}', '${OPENAI_API_KEY}'), path: 'providers.openai.apiKey', message: /environment variable OPENAI_API_KEY is not set/ },
  { name: 'a secret written into the file is refused', text: withEdit('${OPENAI_API_KEY:-}', 'sk-live-0123456789abcdef'), path: 'providers.openai.apiKey', message: /secrets must not be written in the config file/ },
  { name: 'apiKey and apiKeyFile together', text: withEdit('apiKey: ${OPENAI_API_KEY:-}', 'apiKey: ${OPENAI_API_KEY}\n    apiKeyFile: /nonexistent'), env: { OPENAI_API_KEY: 'k-123456' }, path: 'providers.openai.apiKeyFile', message: /either apiKey or apiKeyFile/ },
  { name: 'an unreadable key file', text: withEdit('apiKey: ${OPENAI_API_KEY:-}', 'apiKeyFile: /nonexistent/key'), path: 'providers.openai.apiKeyFile', message: /cannot read secret file \/nonexistent\/key/ },
  { name: 'a tier naming an unknown model names the closest catalogue ids', text: withEdit('orchestration: [gpt-5.6-luna,', 'orchestration: [gpt-5.6-lunar,'), path: 'tiers.orchestration.0', message: /unknown model "gpt-5\.6-lunar".*closest: .*gpt-5\.6-luna/ },
  { name: 'a model naming an unknown provider', text: withEdit('    provider: openai\n    model: llama3.1:8b', '    provider: anthropix\n    model: llama3.1:8b', withLocalModel), path: 'models.llama-local.provider', message: /unknown provider "anthropix"; providers are: openai, anthropic/ },
  { name: 'an unknown flagship', text: withEdit('flagship: gpt-5.6-sol', 'flagship: gpt-9'), path: 'flagship', message: /unknown model "gpt-9"/ },
  { name: 'an invalid cron expression', text: withEdit('schedule: "0 7 * * *"', 'schedule: "0 25 * * *"'), path: 'jobs.morning-briefing.schedule', message: /invalid cron expression "0 25 \* \* \*"/ },
  { name: 'an unknown time zone', text: withEdit('    skill: briefing', '    skill: briefing\n    timezone: Mars/Olympus'), path: 'jobs.morning-briefing.timezone', message: /unknown time zone "Mars\/Olympus"/ },
  { name: 'a union value with a typo in its key', text: withEdit('catchUp: { within: 3h }', 'catchUp: { withn: 3h }'), path: 'jobs.morning-briefing.catchUp', message: /unknown key "withn" \(did you mean "within"\?\)/ },
  { name: 'two prices on one date', text: withEdit('prices: [{ input: 0.15, output: 0.60, effectiveFrom: "2024-07-18" }]', 'prices: [{ input: 0.15, output: 0.60, effectiveFrom: "2024-07-18" }, { input: 0.10, output: 0.40, effectiveFrom: "2024-07-18" }]', withLocalModel), path: 'models.llama-local.prices', message: /two prices share one effectiveFrom date/ },
  { name: 'a YAML syntax error', text: 'providers: {openai: [\n', path: '', message: /YAML syntax/ },
  { name: 'an empty file', text: '', path: '', message: /the file is empty/ },
  { name: 'a duplicate key', text: baseText + '\nflagship: gpt-5.6-sol\n', path: '', message: /YAML syntax: .*unique/i },
];

for (const testCase of cases) {
  test(`rejected: ${testCase.name}`, () => {
    assertIssue(issuesOf(testCase.text, testCase.env), testCase.path, testCase.message);
  });
}

test('the shipped default is valid without any environment', () => {
  const loaded = parseConfigText(baseText, source, {});
  assert.ok(findCatalogueEntry(loadCatalogue(), loaded.config.flagship), 'the flagship is a catalogue model');
  assert.ok(Object.keys(loaded.config.models).length >= 4, 'the tiers name catalogue models, filled in from the catalogue');
  assert.deepEqual(loaded.secrets, []);
});

test('a secret from the environment is resolved and remembered for redaction, never echoed in errors', () => {
  const loaded = parseConfigText(baseText, source, { OPENAI_API_KEY: 'sk-test-abcdefghijklmnop' });
  assert.equal(loaded.config.providers.openai.apiKey, 'sk-test-abcdefghijklmnop');
  assert.deepEqual(loaded.secrets, ['sk-test-abcdefghijklmnop']);
  const broken = baseText.replace('concurrency: 2', 'concurrency: -1');
  const issues = issuesOf(broken, { OPENAI_API_KEY: 'sk-test-abcdefghijklmnop' });
  assert.ok(!JSON.stringify(issues).includes('sk-test-abcdefghijklmnop'));
});

test('every problem in a file is reported at once', () => {
  const text = baseText.replace('concurrency: 2', 'concurrency: two').replace('onCap: downgrade', 'onCap: panic');
  const issues = issuesOf(text);
  assert.ok(issues.some((issue) => issue.path === 'daemon.concurrency'));
  assert.ok(issues.some((issue) => issue.path === 'budgets.onCap'));
});

test('a key file under ~ is read from the home directory and its key kept for redaction', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const home = mkdtempSync(join(tmpdir(), 'sb-home-'));
  mkdirSync(join(home, '.config'), { recursive: true });
  writeFileSync(join(home, '.config', 'openai-key'), 'sk-from-file-0123456789\n', { mode: 0o600 });
  const text = baseText.replace('apiKey: ${OPENAI_API_KEY:-}', 'apiKeyFile: ~/.config/openai-key');
  const loaded = parseConfigText(text, source, { HOME: home });
  assert.equal(loaded.config.providers.openai.apiKey, 'sk-from-file-0123456789');
  assert.ok(loaded.secrets.includes('sk-from-file-0123456789'));
});
