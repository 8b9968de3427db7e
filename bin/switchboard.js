#!/usr/bin/env node
// Entry point for the `switchboard` command. It runs the compiled CLI in .build/ (made by
// `npm run build`, and by npm's `prepare` after `npm ci`) when that build is current, and
// otherwise loads the TypeScript sources through tsx, so the repository always runs as
// checked out. The compiled path starts about twice as fast and uses ~25 MB less memory
// (BENCHMARKS.md); SWITCHBOARD_TSX=1 forces the sources.
import { readFileSync, statSync } from 'node:fs';

// Every file Switchboard creates (database, WAL, outbox, memory files) is the owner's alone:
// 0600 files, 0700 folders (memory/permissions.ts also tightens files that already exist).
// The owner's own umask is kept for files written in their repositories (memory/permissions.ts ownerUmask).
globalThis.switchboardOwnerUmask = process.umask(0o077);

const ROOT = new URL('../', import.meta.url);

/** True when .build/ exists and no source file it was compiled from changed since. */
function buildIsCurrent() {
  try {
    const manifest = JSON.parse(readFileSync(new URL('.build/manifest.json', ROOT), 'utf8'));
    return manifest.inputs.every((input) => statSync(new URL(input, ROOT)).mtimeMs < manifest.builtAtMs);
  } catch {
    // No build, an unreadable manifest or a deleted source: the sources are the truth.
    return false;
  }
}

let main;
if (process.env.SWITCHBOARD_TSX !== '1' && buildIsCurrent()) {
  ({ main } = await import('../.build/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../agent/cli/main.ts'));
}
process.exitCode = await main(process.argv);
