import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRememberTool } from '../../agent/tools/remember.ts';
import { listFacts, searchMemory } from '../../memory/facts.ts';
import { aDataDir, aStore } from './builders.ts';

function aRememberTool() {
  const db = aStore();
  const dataDir = aDataDir();
  const tool = createRememberTool({
    db,
    dataDir,
    job: 'morning-briefing',
    timeZone: 'Europe/Paris',
    now: () => new Date('2025-03-01T23:30:00Z'),
  });
  return { db, dataDir, tool, signal: new AbortController().signal };
}

test('remember stores a searchable fact recorded as the job\'s', async () => {
  const { db, tool, signal } = aRememberTool();
  const result = await tool.execute({ fact: 'Prefers invoices as PDF attachments' }, signal);
  assert.equal(result.isError, undefined);
  assert.match(result.content, /^remembered as fact #1$/);
  const [fact] = listFacts(db);
  assert.equal(fact.source, 'morning-briefing');
  assert.equal(searchMemory(db, 'pdf invoices').length, 1);
  db.close();
});

test('a pinned fact is also appended to MEMORY.md, dated in the user\'s time zone', async () => {
  const { db, dataDir, tool, signal } = aRememberTool();
  writeFileSync(join(dataDir, 'MEMORY.md'), 'Mine.\n');
  const result = await tool.execute({ fact: 'Moving to Lisbon in April', pin: true }, signal);
  assert.match(result.content, /added to MEMORY\.md/);
  assert.equal(readFileSync(join(dataDir, 'MEMORY.md'), 'utf8'), 'Mine.\n\n## Agent notes\n\n- 2025-03-02 [agent]: Moving to Lisbon in April\n');
  db.close();
});

test('bad arguments come back as tool errors, not exceptions', async () => {
  const { db, tool, signal } = aRememberTool();
  assert.equal((await tool.execute({}, signal)).isError, true);
  assert.equal((await tool.execute({ fact: 42 }, signal)).isError, true);
  assert.equal((await tool.execute({ fact: 'x'.repeat(1001) }, signal)).isError, true);
  assert.equal((await tool.execute({ fact: 'ok', pin: 'yes' }, signal)).isError, true);
  assert.equal(listFacts(db).length, 0);
  db.close();
});

test('the definition is a plain JSON Schema tool named remember', () => {
  const { db, tool } = aRememberTool();
  assert.equal(tool.definition.name, 'remember');
  assert.deepEqual((tool.definition.parameters as { required: string[] }).required, ['fact', 'pin']);
  db.close();
});

test('from an untrusted context, a call with pin null (as the strict schema allows) becomes a proposal, not a refusal', () => {
  const { db, tool } = aRememberTool();
  // Strict structured output makes every property required, so a model sends `pin: null` for "no".
  const proposal = tool.propose!({ fact: '  Invoices  go to accounts@example.org ', pin: null });
  assert.deepEqual(proposal, { kind: 'remember', payload: { fact: 'Invoices go to accounts@example.org', pin: false }, summary: 'remember: Invoices go to accounts@example.org' });
  assert.equal(tool.propose!({ fact: 'x', pin: 'yes' }), undefined, 'a pin that is not true, false or null is refused');
  assert.equal(listFacts(db).length, 0, 'a proposal writes nothing');
  db.close();
});
