/**
 * The README's price table and the per-tier figures of its diagram come from the catalogue:
 * each row is the shipped tier's model at the price in force on the table's date, and each
 * diagram figure is the cheapest-to-dearest range of that tier's rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig } from '../../config/load.ts';
import { resolveModels } from '../../agent/runtime.ts';
import { priceOn } from '../../agent/cost.ts';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
const block = /<!-- catalogue-prices:start (\d{4}-\d{2}-\d{2}) -->\n([\s\S]*?)<!-- catalogue-prices:end -->/.exec(readme);

interface Row {
  tier: string;
  model: string;
  provider: string;
  input: number;
  cachedInput: number;
  cacheWrite: number;
  output: number;
  since: string;
}

function tableRows(): { day: string; rows: Row[] } {
  assert.ok(block, 'README has the catalogue price table');
  const rows = block[2]
    .trim()
    .split('\n')
    .slice(2)
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
    .map(([tier, model, provider, input, cachedInput, cacheWrite, output, since]) => ({
      tier,
      model,
      provider,
      input: dollars(input),
      cachedInput: dollars(cachedInput),
      cacheWrite: dollars(cacheWrite),
      output: dollars(output),
      since,
    }));
  return { day: block[1], rows };
}

function dollars(cell: string): number {
  assert.match(cell, /^\$\d+\.\d{2}$/);
  return Number(cell.slice(1));
}

const loaded = loadConfig({ path: DEFAULT_CONFIG_PATH, origin: 'default' }, {});
const models = resolveModels(loaded.config);

test('every shipped tier model has one row, at the catalogue price in force on the table date', () => {
  const { day, rows } = tableRows();
  const expected = Object.entries(loaded.config.tiers).flatMap(([tier, chain]) => chain.map((model) => `${tier} ${model}`));
  assert.deepEqual(rows.map((row) => `${row.tier} ${row.model}`), expected);
  for (const row of rows) {
    const spec = models.get(row.model)!;
    const price = priceOn(spec, day);
    assert.equal(row.provider, spec.provider, row.model);
    assert.deepEqual(
      [row.input, row.cachedInput, row.cacheWrite, row.output, row.since],
      [price.input, price.cachedInput, price.cacheWrite, price.output, price.effectiveFrom],
      `${row.model} on ${day}`,
    );
  }
});

test('the diagram shows each tier as the range of its rows, and names the table date', () => {
  const { day, rows } = tableRows();
  const range = (values: number[]) => {
    const [low, high] = [Math.min(...values), Math.max(...values)];
    const format = (value: number) => `$${Number.isInteger(value) ? value : value.toFixed(2)}`;
    return low === high ? format(low) : `${format(low)}-${format(high).slice(1)}`;
  };
  const diagram = readme.slice(0, readme.indexOf('## Two commands'));
  assert.ok(diagram.includes(`(catalogue, ${day})`), 'the diagram is dated');
  for (const tier of ['orchestration', 'execution', 'reasoning']) {
    const tierRows = rows.filter((row) => row.tier === tier);
    const figure = `${range(tierRows.map((row) => row.input))} / ${range(tierRows.map((row) => row.output))}`;
    assert.ok(diagram.includes(figure), `${tier}: the diagram shows ${figure}`);
  }
  assert.ok(!/\$15 \/ \$60|\$0\.15 \/ \$0\.60|\$2\.50-3/.test(readme), 'no figure of the old pitch is left');
});

test('the flagship named under the table is the configured one', () => {
  assert.match(readme, new RegExp(`The flagship is \`${loaded.config.flagship.replaceAll('.', '\\.')}\``));
});
