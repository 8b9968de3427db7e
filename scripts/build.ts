/**
 * Compiles the CLI (agent/cli/main.ts and everything it imports) into `.build/` with esbuild,
 * so that `bin/switchboard.js` can start without tsx. Measured on the daemon (BENCHMARKS.md):
 * tsx's loader thread and per-file transforms cost about 250 ms of start and 25 MB of memory.
 *
 * The output is ES modules with code splitting: a file that the sources load with a dynamic
 * `import()` (the provider SDKs, the research readers) stays a separate chunk, loaded only
 * when first used. Packages stay external (resolved from node_modules at run time).
 * `import.meta.url` is rewritten to the source file's URL, relative to the chunk, so data read
 * next to a source file (migrations, router training set, default config) is found as before.
 *
 * `.build/manifest.json` lists every source file compiled in and the time the build started;
 * bin/switchboard.js falls back to tsx when a listed file is newer than that, so an edited
 * checkout never runs stale code. Run by `npm run build` and by npm's `prepare` after
 * `npm ci`; a failed build prints why and exits 0, because the tsx path still works.
 *
 *   node --import tsx scripts/build.ts
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
export const BUILD_DIR = join(ROOT, '.build');
const ENTRY = join(ROOT, 'agent', 'cli', 'main.ts');

/** What bin/switchboard.js reads to decide whether the build is current. */
export interface BuildManifest {
  /** When the build started (ms since epoch): a source modified after it makes the build stale. */
  builtAtMs: number;
  /** Source files compiled in, relative to the repository root. */
  inputs: string[];
}

/** Rewrites `import.meta.url` in each source to that source's own URL, relative to the output folder. */
function sourceUrlPlugin(outdir: string): Plugin {
  return {
    name: 'source-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (/import\.meta\.(?:dirname|filename)\b/.test(text)) {
          throw new Error(`${relative(ROOT, args.path)} uses import.meta.dirname/filename; use import.meta.url so the build can relocate it`);
        }
        const fromOutput = relative(outdir, args.path).split('\\').join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutput)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/** Builds into `outdir` (default `.build/`); resolves with the manifest written. Throws on a compile error. */
export async function buildCli(outdir = BUILD_DIR): Promise<BuildManifest> {
  const { build } = await import('esbuild');
  const builtAtMs = Date.now();
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { main: ENTRY },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    metafile: true,
    logLevel: 'warning',
    plugins: [sourceUrlPlugin(outdir)],
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => relative(ROOT, resolve(process.cwd(), input)))
    .sort();
  const manifest: BuildManifest = { builtAtMs, inputs };
  await writeFile(join(outdir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  return manifest;
}

if (process.argv[1] === import.meta.filename) {
  try {
    const started = performance.now();
    const manifest = await buildCli();
    console.error(`switchboard: compiled ${manifest.inputs.length} files into .build/ in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    // Never fail `npm ci` over this: bin/switchboard.js runs the sources through tsx instead.
    console.error(`switchboard: build skipped, the CLI will run through tsx: ${error instanceof Error ? error.message : String(error)}`);
  }
}
