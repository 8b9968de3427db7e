import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPromptPrefix, withPromptPrefix } from '../../memory/prompt-prefix.ts';
import { appendAgentNote, readSoul } from '../../memory/soul.ts';
import type { ChatRequest, ToolDefinition } from '../../contracts/types.ts';
import { aDataDir } from './builders.ts';

const SYSTEM = 'You are Switchboard, a personal agent.';

function aTool(name: string): ToolDefinition {
  return { name, description: `the ${name} tool`, parameters: { type: 'object', required: ['x'], properties: { x: { type: 'string' } } } };
}

/** What a job does: read the files once, then make several calls with different volatile parts. */
function callsOfAJob(dataDir: string, tasks: string[]): ChatRequest[] {
  const soul = readSoul(dataDir);
  return tasks.map((task, step) => {
    const prefix = buildPromptPrefix({ systemPrompt: SYSTEM, ...soul, tools: [aTool('search_memory'), aTool('remember')] });
    return withPromptPrefix(prefix, [{ role: 'user', content: `Now: 2025-03-01T07:0${step}:00Z, run 17, step ${step}. ${task}` }]);
  });
}

test('every call of a job starts with the same prefix bytes', () => {
  const dataDir = aDataDir();
  const requests = callsOfAJob(dataDir, ['Summarise the inbox.', 'Draft the briefing.', 'Check the calendar.']);
  const prefixBytes = requests.map((request) =>
    JSON.stringify({ messages: request.messages.slice(0, request.cachePrefixMessages), tools: request.tools }),
  );
  assert.equal(new Set(prefixBytes).size, 1);
  assert.equal(requests[0].cachePrefixMessages, 1);
  assert.notEqual(requests[0].messages[1].content, requests[1].messages[1].content, 'the volatile part follows the prefix');
});

test('the prefix holds no timestamp or run id', () => {
  const dataDir = aDataDir();
  const [request] = callsOfAJob(dataDir, ['Summarise the inbox.']);
  const prefix = request.messages.slice(0, request.cachePrefixMessages).map((message) => message.content).join('\n');
  assert.doesNotMatch(prefix, /\d{4}-\d{2}-\d{2}T|\brun 17\b/);
});

test('the prefix carries the soul, user and memory texts in that order', () => {
  const prefix = buildPromptPrefix({ systemPrompt: SYSTEM, soul: 'SOUL-TEXT', user: 'USER-TEXT', memory: 'MEMORY-TEXT' });
  const content = prefix.messages[0].content;
  assert.ok(content.startsWith(SYSTEM));
  assert.ok(content.indexOf('SOUL-TEXT') < content.indexOf('USER-TEXT'));
  assert.ok(content.indexOf('USER-TEXT') < content.indexOf('MEMORY-TEXT'));
  assert.deepEqual(prefix.tools, []);
});

test('tool order and key order do not change the bytes', () => {
  const base = { systemPrompt: SYSTEM, soul: 's', user: 'u', memory: 'm' };
  const reordered: ToolDefinition = {
    parameters: { properties: { x: { type: 'string' } }, required: ['x'], type: 'object' },
    description: 'the remember tool',
    name: 'remember',
  };
  const one = buildPromptPrefix({ ...base, tools: [aTool('search_memory'), aTool('remember')] });
  const two = buildPromptPrefix({ ...base, tools: [reordered, aTool('search_memory')] });
  assert.equal(one.fingerprint, two.fingerprint);
  assert.deepEqual(
    one.tools.map((tool) => tool.name),
    ['remember', 'search_memory'],
  );
});

test('an editor\'s line endings and trailing spaces do not change the bytes', () => {
  const base = { systemPrompt: SYSTEM, soul: 's', user: 'u' };
  const one = buildPromptPrefix({ ...base, memory: '# Memory\n- a\n' });
  const two = buildPromptPrefix({ ...base, memory: '# Memory  \r\n- a\r\n\r\n' });
  assert.equal(one.fingerprint, two.fingerprint);
});

test('a changed MEMORY.md changes the prefix', () => {
  const dataDir = aDataDir();
  const [before] = callsOfAJob(dataDir, ['task']);
  appendAgentNote(dataDir, '2025-03-01', 'The lease starts on 1 April.');
  const [after] = callsOfAJob(dataDir, ['task']);
  assert.notEqual(before.messages[0].content, after.messages[0].content);
  assert.match(after.messages[0].content, /The lease starts on 1 April\./);
  writeFileSync(join(dataDir, 'MEMORY.md'), 'Rewritten by the user.\n');
  const [edited] = callsOfAJob(dataDir, ['task']);
  assert.match(edited.messages[0].content, /Rewritten by the user\./);
});
