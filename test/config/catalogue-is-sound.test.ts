/**
 * The shipped model catalogue (config/catalogue.yaml) is reviewed data: it validates at load,
 * every callable model carries what a request and a bill need, every fact names its source,
 * dates are real ISO dates, and retirements match what the providers' deprecation pages said
 * on 2026-12-01 (MACHINE-NOTES).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { compileCatalogue, compiledPath, DEFAULT_CATALOGUE_PATH, findCatalogueEntry, lifecycleState, loadCatalogue, parseCatalogue, type CatalogueEntry } from '../../config/catalogue.ts';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load.ts';

const TODAY = '2026-12-02';
const catalogue = loadCatalogue();
const callable = (entry: CatalogueEntry) => lifecycleState(entry.lifecycle, TODAY).state !== 'retired';

function sourcedFacts(entry: CatalogueEntry): Set<string> {
  return new Set(entry.sources.flatMap((source) => source.facts));
}

test('every model callable today has limits, dated prices and capabilities', () => {
  const live = catalogue.models.filter(callable);
  assert.ok(live.length >= 10, `expected a real catalogue, found ${live.length} callable models`);
  for (const entry of live) {
    assert.ok(entry.contextWindow && entry.contextWindow > 0, `${entry.id}: contextWindow`);
    assert.ok(entry.maxOutputTokens && entry.maxOutputTokens <= entry.contextWindow!, `${entry.id}: maxOutputTokens within the window`);
    assert.ok(entry.prices && entry.prices.length > 0, `${entry.id}: prices`);
    for (const price of entry.prices!) assert.ok(price.output >= price.input, `${entry.id}: output dearer than input`);
    assert.ok(entry.capabilities, `${entry.id}: capabilities`);
  }
});

test('every stated fact names the page it came from', () => {
  for (const entry of catalogue.models) {
    const facts = sourcedFacts(entry);
    const stated = [
      entry.prices && 'prices',
      entry.contextWindow && 'contextWindow',
      entry.maxOutputTokens && 'maxOutputTokens',
      entry.capabilities && 'capabilities',
      entry.lifecycle.retires && 'retires',
      entry.lifecycle.replacement && 'replacement',
    ].filter((fact): fact is string => typeof fact === 'string');
    for (const fact of stated) assert.ok(facts.has(fact), `${entry.id}: no source for ${fact}`);
    for (const source of entry.sources) assert.ok(source.checked || source.note, `${entry.id}: ${source.url} needs a check date or a note`);
  }
});

test('dates are ISO days, and a model is not released after it retires', () => {
  const raw = readFileSync(DEFAULT_CATALOGUE_PATH, 'utf8');
  const dates = [...raw.matchAll(/"(\d{4}-\d{2}-\d{2})"/g)].map((match) => match[1]);
  assert.ok(dates.length > 30);
  for (const date of dates) assert.equal(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10), date, `${date} is a real day`);
  for (const entry of catalogue.models) {
    const { released, retires } = entry.lifecycle;
    if (released && retires) assert.ok(released < retires, `${entry.id}: released ${released} before retiring ${retires}`);
  }
});

test('a replacement is a catalogue model, given exactly where a source names one', () => {
  for (const entry of catalogue.models) {
    const named = sourcedFacts(entry).has('replacement');
    assert.equal(entry.lifecycle.replacement !== undefined, named, `${entry.id}: replacement iff a source names it`);
    if (entry.lifecycle.replacement) assert.ok(findCatalogueEntry(catalogue, entry.lifecycle.replacement), `${entry.id}: replacement is known`);
  }
  assert.equal(findCatalogueEntry(catalogue, 'claude-sonnet-4-5')?.lifecycle.replacement, 'claude-sonnet-4-6');
});

test('retirements match the deprecation pages as checked on 2026-12-01', () => {
  const retiredBy = (date: string, ids: string[]) => {
    for (const id of ids) {
      const entry = findCatalogueEntry(catalogue, id);
      assert.ok(entry, `${id} is in the catalogue, so an old config gets a useful error`);
      assert.equal(entry.lifecycle.retires, date, `${id} retires ${date}`);
    }
  };
  retiredBy('2026-10-23', ['o1', 'o1-pro', 'o3-mini', 'o4-mini', 'gpt-4.1-nano', 'gpt-3.5-turbo', 'gpt-4-turbo']);
  retiredBy('2026-02-19', ['claude-3-5-haiku-latest', 'claude-3-7-sonnet-20250219']);
  retiredBy('2026-06-15', ['claude-sonnet-4-20250514', 'claude-opus-4-0']);
  retiredBy('2026-08-05', ['claude-opus-4-1']);
  retiredBy('2026-11-30', ['claude-sonnet-4-5']);
  retiredBy('2026-12-11', ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o3']);
  retiredBy('2027-01-14', ['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini']);
  retiredBy('2027-01-22', ['claude-opus-4-5']);
});

test('the shipped tiers use only models live today, with the other provider as fallback in every tier', () => {
  const loaded = loadConfig({ path: DEFAULT_CONFIG_PATH, origin: 'default' }, {}, { now: new Date(`${TODAY}T12:00:00Z`) });
  assert.deepEqual(loaded.warnings, [], 'no shipped model retires within 30 days');
  for (const [tier, chain] of Object.entries(loaded.config.tiers)) {
    const providers = chain.map((id) => findCatalogueEntry(catalogue, id)?.provider);
    assert.ok(providers.every(Boolean), `${tier}: every model is a catalogue model`);
    assert.ok(new Set(providers).size >= 2, `${tier}: a fallback on the other provider`);
    for (const id of chain) assert.equal(lifecycleState(findCatalogueEntry(catalogue, id)!.lifecycle, TODAY).state, 'live', `${tier}: ${id}`);
  }
  assert.ok(findCatalogueEntry(catalogue, loaded.config.flagship), 'the flagship is a catalogue model');
});

test('a catalogue that breaks the rules is refused with the path of each problem', () => {
  const raw = parse(readFileSync(DEFAULT_CATALOGUE_PATH, 'utf8')) as { models: Record<string, unknown>[] };
  const broken = structuredClone(raw);
  const luna = broken.models.find((entry) => entry.id === 'gpt-5.6-luna')!;
  delete luna.prices;
  (broken.models.find((entry) => entry.id === 'gpt-5')!.lifecycle as Record<string, string>).retires = '2026-13-40';
  (broken.models.find((entry) => entry.id === 'claude-sonnet-4')!.lifecycle as Record<string, string>).replacement = 'claude-sonnet-9';
  assert.throws(
    () => parseCatalogue(broken),
    (error: Error) =>
      /models\.2\.prices: a callable model needs prices/.test(error.message) &&
      /models\.3\.lifecycle\.retires/.test(error.message) &&
      /"claude-sonnet-9" is not a catalogue id/.test(error.message),
  );
});

test('the JSON kept beside the catalogue was made from its current text (run `npm run catalogue` after an edit)', () => {
  const text = readFileSync(DEFAULT_CATALOGUE_PATH, 'utf8');
  assert.equal(readFileSync(compiledPath(DEFAULT_CATALOGUE_PATH), 'utf8'), compileCatalogue(text));
  assert.deepEqual(catalogue, parseCatalogue(parse(text)), 'the loaded catalogue is the YAML\'s data');
});
