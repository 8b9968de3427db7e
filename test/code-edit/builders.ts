/** Builders for the code-edit tests: real git repositories in temp folders and a scripted router. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, lstatSync, readlinkSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ModelRouter, RoutedRequest, RoutedResponse } from '../../contracts/router.ts';
import type { Tier } from '../../contracts/types.ts';

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export const BROKEN_MATH = 'export function add(a, b) {\n  return a - b;\n}\n';
export const FIXED_MATH = 'export function add(a, b) {\n  return a + b;\n}\n';
export const TEST_SCRIPT =
  "import { add } from './src/math.js';\nif (add(2, 3) !== 5) { console.error('add(2, 3) gave ' + add(2, 3)); process.exit(1); }\nconsole.log('ok');\n";

/**
 * A temp folder (the allowlist root) holding a repository on `main` with a broken `add`, a
 * test script and one commit. Identity is set per repository.
 */
export function aRepo(files: Record<string, string> = {}): { allowed: string; root: string } {
  const allowed = realpathSync(mkdtempSync(join(tmpdir(), 'sb-code-')));
  const root = join(allowed, 'project');
  mkdirSync(root);
  git(root, 'init', '--quiet', '-b', 'main');
  git(root, 'config', 'user.name', 'Test User');
  git(root, 'config', 'user.email', 'test@example.com');
  git(root, 'config', 'commit.gpgsign', 'false');
  const all: Record<string, string> = {
    'package.json': '{ "type": "module" }\n',
    'src/math.js': BROKEN_MATH,
    'test.js': TEST_SCRIPT,
    'README.md': '# Project\nA tiny math library.\n',
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '-m', 'Initial commit');
  return { allowed, root };
}

export const TEST_COMMAND = [process.execPath, 'test.js'];

/** Every file outside .git with a hash of its content (links by target), for exact comparison. */
export function fileTree(root: string): Record<string, string> {
  const tree: Record<string, string> = {};
  const walk = (directory: string, prefix: string) => {
    for (const name of readdirSync(directory).sort()) {
      if (prefix === '' && name === '.git') continue;
      const path = join(directory, name);
      const stat = lstatSync(path);
      const key = prefix + name;
      if (stat.isSymbolicLink()) tree[key] = `link:${readlinkSync(path)}`;
      else if (stat.isDirectory()) walk(path, `${key}/`);
      else tree[key] = createHash('sha256').update(readFileSync(path)).digest('hex');
    }
  };
  walk(root, '');
  return tree;
}

/** What "exactly as it was" means in these tests. */
export function repoState(root: string) {
  return {
    head: git(root, 'rev-parse', 'HEAD'),
    branch: git(root, 'symbolic-ref', '--short', 'HEAD'),
    branches: git(root, 'for-each-ref', '--format=%(refname) %(objectname)'),
    status: git(root, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored'),
    files: fileTree(root),
  };
}

export function anEditAnswer(edits: unknown[], commitMessage = 'Fix add to return the sum'): string {
  return JSON.stringify({ edits, commitMessage });
}

const MODEL_BY_TIER: Record<Tier, string> = {
  orchestration: 'cheap-model',
  execution: 'exec-model',
  reasoning: 'reason-model',
  'large-context': 'long-model',
};

/**
 * A router that answers from a script, one entry per call, and records each request.
 * The tier is the forced one, else execution for `kind: 'code'`.
 */
export function aScriptedRouter(answers: string[]): ModelRouter & { calls: RoutedRequest[] } {
  const calls: RoutedRequest[] = [];
  return {
    calls,
    async decide(task) {
      const tier = task.tier ?? 'execution';
      return { tier, chain: [MODEL_BY_TIER[tier]], reason: 'scripted' };
    },
    async complete(routed): Promise<RoutedResponse> {
      calls.push(routed);
      const text = answers[calls.length - 1];
      if (text === undefined) throw new Error(`scripted router: no answer for call ${calls.length}`);
      const tier: Tier = routed.task.tier ?? (routed.task.kind === 'analysis' ? 'reasoning' : routed.task.kind === 'summarise' ? 'orchestration' : 'execution');
      const model = MODEL_BY_TIER[tier];
      return {
        text,
        toolCalls: [],
        finishReason: 'stop',
        usage: { inputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0 },
        model,
        simulated: true,
        decision: { tier, chain: [model], reason: 'scripted' },
        modelId: model,
        provider: 'scripted',
        costUsd: tier === 'reasoning' ? 0.05 : 0.01,
        flagshipCostUsd: 0.05,
        callId: calls.length,
        attempts: [],
      };
    },
  };
}
