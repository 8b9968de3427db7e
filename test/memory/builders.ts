import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../memory/store.ts';

/** A fresh, migrated in-memory database. */
export function aStore(): Store {
  return openStore(':memory:');
}

/** An empty data directory in the temp folder. */
export function aDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'sb-memory-'));
}
