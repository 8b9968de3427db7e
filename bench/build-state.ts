/**
 * Whether .build/ is current, by the same rule as bin/switchboard.js (kept in step with it):
 * every source listed in .build/manifest.json is older than the build.
 */
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** False when there is no build, or any source it was compiled from changed since. */
export function buildIsCurrent(): boolean {
  try {
    const manifest = JSON.parse(readFileSync(join(ROOT, '.build', 'manifest.json'), 'utf8')) as { builtAtMs: number; inputs: string[] };
    return manifest.inputs.every((input) => statSync(join(ROOT, input)).mtimeMs < manifest.builtAtMs);
  } catch {
    return false;
  }
}
