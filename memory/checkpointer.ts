/**
 * Checkpoints off the main thread. In WAL mode SQLite copies the log back into the database
 * (a checkpoint, with its fsyncs) inside whichever commit pushes the log past
 * `wal_autocheckpoint` pages: with the default of 1,000 that is about one settlement in 140,
 * and it takes half the time of every settlement's commit on average (80 against 40 µs a
 * commit, measured with the ledger's own insert: BENCHMARKS.md). A process that writes the
 * ledger on every model call (the daemon, `openSwitchboard`) hands the checkpoints to a worker
 * thread with its own connection, which runs a PASSIVE checkpoint (it never blocks a writer or
 * a reader) shortly after the log grew, so the event loop never waits for one.
 *
 * Safety: the main connection keeps a high `wal_autocheckpoint` (`FALLBACK_PAGES`) in case the
 * worker stalls, and goes back to SQLite's default of 1,000 pages if the worker fails or exits.
 * Other processes (CLI commands) keep the default: they checkpoint their own writes as before.
 * The worker starts at the first call of `backgroundCheckpoints` for a connection (not at
 * start-up: an idle daemon holds no thread) and stops when the connection closes.
 * `options.workerSource` replaces the worker's script (tests of the fallback).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Store } from './store.ts';

/** SQLite's own default: what the main connection goes back to without a worker. */
export const DEFAULT_AUTOCHECKPOINT_PAGES = 1_000;
/** The main connection's own checkpoints while the worker runs: only if it stalls (about 40 MB of log). */
export const FALLBACK_PAGES = 10_000;
/** The worker looks again this soon after the log grew, and this long after it did not. */
const BUSY_POLL_MS = 100;
const IDLE_POLL_MS = 2_000;

export interface BackgroundCheckpoints {
  /** Checkpoints the worker ran that copied pages (for tests and benches). */
  readonly checkpoints: number;
  /** True while the worker runs. */
  readonly running: boolean;
}

// Runs in the worker (CommonJS, evaluated): no TypeScript, no project imports.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
db.pragma('synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let lastLog = -1;
let lastCheckpointed = -1;
let timer;
function look() {
  let wait = workerData.idleMs;
  try {
    const { log, checkpointed } = checkpoint.get();
    if (log !== lastLog || checkpointed !== lastCheckpointed) {
      wait = workerData.busyMs;
      if (checkpointed > 0 && checkpointed !== lastCheckpointed) parentPort.postMessage('checkpointed');
    }
    lastLog = log;
    lastCheckpointed = checkpointed;
  } catch (error) {
    // The file went away or cannot be read: the main connection checkpoints by itself again.
    parentPort.postMessage({ failed: String(error && error.message || error) });
    db.close();
    return;
  }
  timer = setTimeout(look, wait);
}
parentPort.on('message', (message) => {
  if (message === 'stop') {
    clearTimeout(timer);
    db.close();
    parentPort.close();
  }
});
look();
`;

const running = new WeakMap<Store, BackgroundCheckpoints>();

/**
 * Starts (once per connection) the worker that checkpoints `db`'s file, and lowers the main
 * connection's own checkpoints to a fallback. A database in memory or opened read-only has no
 * log to copy: nothing starts. Returns the worker's state.
 */
export function backgroundCheckpoints(db: Store, options: { workerSource?: string } = {}): BackgroundCheckpoints | undefined {
  const known = running.get(db);
  if (known) return known;
  if (db.memory || db.readonly || !db.open) return undefined;
  if (String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return undefined;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(options.workerSource ?? WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path: db.name, busyMs: BUSY_POLL_MS, idleMs: IDLE_POLL_MS },
    // A plain CommonJS script: the parent's loaders (tsx in tests) have nothing to do here.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  const state = { checkpoints: 0, running: true };
  let ended = false;
  const fallBack = () => {
    if (ended) return;
    ended = true;
    state.running = false;
    if (db.open) db.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT_PAGES}`);
  };
  worker.on('message', (message: unknown) => {
    if (message === 'checkpointed') state.checkpoints++;
    else fallBack();
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);
  // The worker ends with the connection: `close` is wrapped for this one instance.
  const close = db.close;
  db.close = function closeWithCheckpointer(this: Store) {
    if (!ended) {
      ended = true;
      state.running = false;
      worker.postMessage('stop');
    }
    return close.call(this);
  } as Store['close'];
  const view: BackgroundCheckpoints = {
    get checkpoints() {
      return state.checkpoints;
    },
    get running() {
      return state.running;
    },
  };
  running.set(db, view);
  return view;
}
