/**
 * Config models resolve against the model catalogue: a catalogue id inherits everything, an
 * unknown id is refused with the closest catalogue ids unless it declares its prices and
 * capabilities (an Ollama model stays a few lines), a retired model is refused and one retiring
 * within 30 days is warned about, judged on an injected day.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, parseConfigText, type LoadedConfig } from '../../config/load.ts';
import { resolveModels } from '../../agent/runtime.ts';

const source = { path: '/etc/switchboard/config.yaml', origin: '--config' as const };
const DAY = new Date('2026-12-02T12:00:00Z');

const PROVIDERS = `
providers:
  openai: { api: openai }
  anthropic: { api: anthropic }
  ollama: { api: openai, baseURL: "http://127.0.0.1:11434/v1", keyless: true }
`;

function configWith(body: string, tiers = 'orchestration: [gpt-5.6-luna, claude-haiku-4-5]'): string {
  return `${PROVIDERS}${body}
tiers:
  ${tiers}
  execution: [gpt-5.6-terra, claude-sonnet-4-6]
  reasoning: [gpt-5.6-sol, claude-opus-4-8]
  large-context: [gpt-5.6-terra, claude-sonnet-4-6]
flagship: gpt-5.6-sol
`;
}

function load(text: string, now: Date = DAY): LoadedConfig {
  return parseConfigText(text, source, {}, { now });
}

function issuesOf(text: string, now: Date = DAY): string[] {
  try {
    load(text, now);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
  }
  assert.fail('expected the config to be refused');
}

test('a tier naming a catalogue id inherits provider, limits, dated prices, capabilities and lifecycle', () => {
  const loaded = load(configWith(''));
  const models = resolveModels(loaded.config);
  const luna = models.get('gpt-5.6-luna');
  assert.ok(luna);
  assert.equal(luna.provider, 'openai');
  assert.equal(luna.apiModel, 'gpt-5.6-luna');
  assert.equal(luna.catalogueId, 'gpt-5.6-luna');
  assert.equal(luna.contextWindow, 1_050_000);
  assert.deepEqual(
    luna.prices.map((price) => [price.effectiveFrom, price.input, price.output]),
    [
      ['2026-06-26', 1, 6],
      ['2026-07-09', 0.2, 1.2],
    ],
  );
  assert.equal(luna.capabilities?.tokenLimitParameter, 'max_completion_tokens');
  assert.equal(luna.capabilities?.samplingParameters, false);
  assert.deepEqual(luna.lifecycle, { released: '2026-07-09' });
  for (const spec of models.values()) {
    assert.ok(spec.capabilities, `${spec.id} has capabilities`);
    assert.ok(spec.lifecycle, `${spec.id} has a lifecycle`);
  }
});

test('a config model may rename a catalogue model and override only what it sets', () => {
  const loaded = load(
    configWith(`
models:
  cheap:
    model: claude-haiku-4-5-20251001
    maxOutputTokens: 8000
`, 'orchestration: [cheap, gpt-5.6-luna]'),
  );
  const cheap = resolveModels(loaded.config).get('cheap');
  assert.ok(cheap);
  assert.equal(cheap.apiModel, 'claude-haiku-4-5-20251001');
  assert.equal(cheap.catalogueId, 'claude-haiku-4-5');
  assert.equal(cheap.provider, 'anthropic');
  assert.equal(cheap.maxOutputTokens, 8000);
  assert.equal(cheap.contextWindow, 200_000);
  assert.equal(cheap.prices[0].output, 5);
});

test('an unknown model id is refused with its key path and the closest catalogue ids', () => {
  const issues = issuesOf(configWith('', 'orchestration: [gpt-5.6-lunar, claude-haiku-4-5]'));
  assert.equal(issues.length, 1, issues.join('\n'));
  assert.match(issues[0], /^tiers\.orchestration\.0: unknown model "gpt-5\.6-lunar".*closest: .*gpt-5\.6-luna/);

  const declared = issuesOf(configWith(`
models:
  mystery:
    provider: openai
    model: gpt-7-preview
`, 'orchestration: [mystery, claude-haiku-4-5]'));
  assert.match(declared[0], /^models\.mystery: model "gpt-7-preview" is not in the model catalogue \(closest catalogue ids: /);
  assert.match(declared[0], /must declare contextWindow, maxOutputTokens, prices, capabilities/);
});

test('a model the catalogue does not know is accepted once it declares prices and capabilities (Ollama)', () => {
  const loaded = load(configWith(`
models:
  llama-local:
    provider: ollama
    model: llama3.1:8b
    contextWindow: 131072
    maxOutputTokens: 4096
    prices: [{ input: 0, output: 0 }]
    capabilities: {}
`, 'orchestration: [llama-local, gpt-5.6-luna, claude-haiku-4-5]'));
  const llama = resolveModels(loaded.config).get('llama-local');
  assert.ok(llama);
  assert.equal(llama.catalogueId, undefined);
  assert.equal(llama.capabilities?.tokenLimitParameter, 'max_tokens');
  assert.equal(llama.capabilities?.structuredOutput, 'json_mode');
  assert.equal(llama.capabilities?.reasoning, false);
  assert.deepEqual(llama.lifecycle, {});
});

test('a retired model is refused with its retirement day and the replacement the provider names', () => {
  const issues = issuesOf(configWith(`
models:
  claude-sonnet:
    model: claude-sonnet-4-5
`, 'orchestration: [gpt-5.6-luna, claude-sonnet]'));
  assert.deepEqual(issues, [
    'models.claude-sonnet: model "claude-sonnet-4-5" was retired on 2026-11-30 and now answers 404; the provider names "claude-sonnet-4-6" as its replacement',
  ]);
  const o1 = issuesOf(configWith('', 'orchestration: [o1, claude-haiku-4-5]'));
  assert.match(o1[0], /^tiers\.orchestration\.0: model "o1" was retired on 2026-10-23.*live openai models: gpt-5\.6-sol, gpt-5\.6-terra, gpt-5\.6-luna/);
});

test('a model retiring within 30 days loads with a warning; the day is injected', () => {
  const text = configWith('', 'orchestration: [gpt-5-mini, claude-haiku-4-5]');
  const early = load(text, new Date('2026-11-01T12:00:00Z'));
  assert.deepEqual(early.warnings, [], '40 days ahead: no warning yet');
  const soon = load(text);
  assert.equal(soon.warnings.length, 1);
  assert.match(soon.warnings[0].message, /^model "gpt-5-mini" retires on 2026-12-11 \(in 9 days\)/);
  assert.equal(soon.warnings[0].path, 'tiers.orchestration.0');
  assert.match(issuesOf(text, new Date('2026-12-11T08:00:00Z'))[0], /was retired on 2026-12-11/);
});

test('the flagship must be a catalogue model, so the bill compares against a published price', () => {
  const text = configWith(`
models:
  llama-local:
    provider: ollama
    model: llama3.1:8b
    contextWindow: 131072
    maxOutputTokens: 4096
    prices: [{ input: 0, output: 0 }]
    capabilities: {}
`).replace('flagship: gpt-5.6-sol', 'flagship: llama-local');
  assert.match(issuesOf(text)[0], /^flagship: the flagship must be a catalogue model/);
  const sol = resolveModels(load(configWith('')).config).get('gpt-5.6-sol');
  assert.equal(sol?.prices.at(-1)?.output, 20, "the flagship carries the catalogue's price");
});

test('a catalogue model needs its provider configured', () => {
  const text = configWith('').replace('  anthropic: { api: anthropic }\n', '');
  const issues = issuesOf(text);
  assert.ok(issues.some((issue) => /^tiers\.orchestration\.1: catalogue model "claude-haiku-4-5" is served by provider "anthropic", which is not configured/.test(issue)), issues.join('\n'));
});
