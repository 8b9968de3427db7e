/**
 * The layering rule, checked on the sources: `contracts/` is the ground floor and imports
 * nothing of the project; `config/` and `memory/` stand on it; `skills/` on those; `agent/`
 * on everything. No import climbs back up, and no file imports itself through a cycle.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const FLOORS = ['contracts', 'config', 'memory', 'skills', 'agent'] as const;
type Floor = (typeof FLOORS)[number];

/** What each floor may import from the project, besides itself. */
const MAY_IMPORT: Record<Floor, Floor[]> = {
  contracts: [],
  config: ['contracts'],
  memory: ['contracts'],
  skills: ['contracts', 'config', 'memory'],
  agent: ['contracts', 'config', 'memory', 'skills'],
};

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Relative import targets of a file (static, type-only and dynamic), as absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const targets: string[] = [];
  for (const match of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
    targets.push(resolve(dirname(file), match[1]));
  }
  return targets;
}

function floorOf(file: string): Floor | undefined {
  const top = relative(ROOT, file).split(/[\\/]/)[0];
  return (FLOORS as readonly string[]).includes(top) ? (top as Floor) : undefined;
}

/** Imports that climb: from a floor to one it may not import. */
function climbingImports(graph: Map<string, string[]>): string[] {
  const climbing: string[] = [];
  for (const [file, targets] of graph) {
    const from = floorOf(file);
    if (from === undefined) continue;
    for (const target of targets) {
      const to = floorOf(target);
      if (to === undefined || to === from) continue;
      if (!MAY_IMPORT[from].includes(to)) climbing.push(`${relative(ROOT, file)} -> ${relative(ROOT, target)}`);
    }
  }
  return climbing;
}

/** Each import cycle found by a depth-first walk, as `a -> b -> a`. */
function importCycles(graph: Map<string, string[]>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(ROOT, f)).join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  return cycles;
}

const graph = new Map<string, string[]>();
for (const floor of FLOORS) for (const file of sourceFiles(floor)) graph.set(file, importsOf(file));

test('every floor imports only the floors beneath it', () => {
  assert.ok(graph.size > 100, `read ${graph.size} source files`);
  assert.deepEqual(climbingImports(graph), []);
});

test('the ground floor imports nothing of the project outside itself', () => {
  const contracts = [...graph].filter(([file]) => floorOf(file) === 'contracts');
  assert.ok(contracts.length >= 4, 'contracts/ holds the shared vocabulary');
  for (const [file, targets] of contracts) {
    for (const target of targets) assert.equal(floorOf(target), 'contracts', `${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
  }
});

test('no import cycle between source files', () => {
  assert.deepEqual(importCycles(graph), []);
});

test('the checks catch a climbing import and a cycle when there is one', () => {
  const at = (path: string) => join(ROOT, path);
  const planted = new Map<string, string[]>([
    [at('skills/x/a.ts'), [at('agent/router/router.ts'), at('contracts/types.ts')]],
    [at('memory/b.ts'), [at('memory/c.ts')]],
    [at('memory/c.ts'), [at('memory/b.ts')]],
    [at('config/d.ts'), [at('contracts/types.ts')]],
  ]);
  assert.deepEqual(climbingImports(planted), ['skills/x/a.ts -> agent/router/router.ts']);
  assert.deepEqual(importCycles(planted), ['memory/b.ts -> memory/c.ts -> memory/b.ts']);
});
