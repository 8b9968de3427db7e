/**
 * The demo's code-edit target: a tiny JavaScript project in a fresh git repository under the
 * demo data dir, with a `slugify` that fails its own test (`node test.js`) until the edit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';

export { SCRATCH_TASK } from './demo-config.ts';

/** What the slug module looks like before the edit (buggy) and after it (the simulated model's answer). */
export const SLUG_BEFORE = `/** Turns a title into a URL slug. */
export function slugify(title) {
  return title.toLowerCase().replace(/ /g, '-');
}
`;

export const SLUG_AFTER = `/** Turns a title into a URL slug: lower case, ASCII letters and digits, single dashes. */
export function slugify(title) {
  return title
    .normalize('NFKD')
    .replace(/[\\u0300-\\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
`;

const TEST_JS = `import assert from 'node:assert/strict';
import { slugify } from './src/slug.js';

assert.equal(slugify('Hello World'), 'hello-world');
assert.equal(slugify('  Trim me  '), 'trim-me');
assert.equal(slugify('Café & Crème!'), 'cafe-creme');
assert.equal(slugify('many   spaces --- here'), 'many-spaces-here');
console.log('slugify: 4 checks passed');
`;

const PACKAGE_JSON = `${JSON.stringify({ name: 'demo-slug', version: '1.0.0', private: true, type: 'module', scripts: { test: 'node test.js' } }, null, 2)}\n`;

const README = `# demo-slug

A scratch project created by \`switchboard demo\` for its simulated code edit. Safe to delete.
`;

/** Creates the repository at `path` with one commit on \`main\`; resolves to that commit. */
export async function createScratchRepo(path: string): Promise<string> {
  mkdirSync(join(path, 'src'), { recursive: true });
  writeFileSync(join(path, 'src', 'slug.js'), SLUG_BEFORE);
  writeFileSync(join(path, 'test.js'), TEST_JS);
  writeFileSync(join(path, 'package.json'), PACKAGE_JSON);
  writeFileSync(join(path, 'README.md'), README);
  const git = simpleGit({ baseDir: path });
  await git.raw(['init', '--quiet', '--initial-branch=main']);
  await git.raw(['config', 'user.name', 'Switchboard Demo']);
  await git.raw(['config', 'user.email', 'demo@switchboard.invalid']);
  await git.raw(['config', 'commit.gpgsign', 'false']);
  await git.raw(['add', '-A']);
  await git.raw(['commit', '--quiet', '-m', 'A slug helper and its test (the test fails)']);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}
