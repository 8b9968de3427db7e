/**
 * Every JSON Schema Switchboard sends with `strict: true` (response formats and function
 * tools) follows OpenAI's strict rules; a schema that breaks them is a 400 before any model
 * runs. The list below names each schema the project sends, and a scan of the sources makes
 * sure a new one cannot be added without being listed here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { DELEGATE_ANALYSIS, DELEGATE_CODE, finishTool } from '../../agent/orchestrator.ts';
import { strictSchemaProblems } from '../../agent/providers/strict-schema.ts';
import { TIER_CHOICE_SCHEMA } from '../../agent/router/tier-decider.ts';
import { createRememberTool } from '../../agent/tools/remember.ts';
import { RESULT_SCHEMA as BRIEFING_INTRO_SCHEMA } from '../../skills/briefing/intro.ts';
import { EDIT_ANSWER_SCHEMA } from '../../skills/code-edit/edits.ts';
import { EXTRACTION_JSON_SCHEMA } from '../../skills/email-extract/extract.ts';
import { DIGEST_SCHEMA } from '../../skills/research/prompt.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Each schema sent, by the file that sends it. */
const SENT: Array<{ name: string; file: string; schema: unknown }> = [
  { name: 'code-edit answer (response format)', file: 'skills/code-edit/run-code-edit.ts', schema: EDIT_ANSWER_SCHEMA },
  { name: 'email extraction (response format)', file: 'skills/email-extract/extract.ts', schema: EXTRACTION_JSON_SCHEMA },
  { name: 'research digest (response format)', file: 'skills/research/prompt.ts', schema: DIGEST_SCHEMA },
  { name: 'router tier question (response format)', file: 'agent/router/tier-decider.ts', schema: TIER_CHOICE_SCHEMA },
  { name: 'orchestrator delegate_code (tool)', file: 'agent/orchestrator.ts', schema: DELEGATE_CODE.parameters },
  { name: 'orchestrator delegate_analysis (tool)', file: 'agent/orchestrator.ts', schema: DELEGATE_ANALYSIS.parameters },
  { name: 'orchestrator finish, no result schema (tool)', file: 'agent/orchestrator.ts', schema: finishTool(undefined).parameters },
  { name: 'orchestrator finish with the briefing intro (tool)', file: 'skills/briefing/intro.ts', schema: finishTool(BRIEFING_INTRO_SCHEMA).parameters },
  { name: 'remember (tool)', file: 'agent/tools/remember.ts', schema: createRememberTool({} as Parameters<typeof createRememberTool>[0]).definition.parameters },
];

/** Source text that hands a schema to a model: a response format, a tool's parameters, a result schema. */
const SENDS_A_SCHEMA = /\b(responseSchema|resultSchema)\s*:\s*[{A-Z]|\bparameters\s*:\s*\{/;

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('every schema Switchboard sends with strict: true', () => {
  for (const { name, schema } of SENT) {
    it(`${name} follows the strict rules`, () => {
      assert.deepEqual(strictSchemaProblems(schema), []);
    });
  }

  it('is listed above: no source file sends a schema the list does not cover', () => {
    // The wire layers translate schemas they are given; they define none.
    const excluded = ['agent/providers/', 'agent/simulator/', 'contracts/'];
    const listed = new Set(SENT.map((entry) => entry.file));
    const unlisted = ['agent', 'skills']
      .flatMap((directory) => sourceFiles(join(ROOT, directory)))
      .map((path) => relative(ROOT, path))
      .filter((path) => !excluded.some((prefix) => path.startsWith(prefix)))
      .filter((path) => SENDS_A_SCHEMA.test(readFileSync(join(ROOT, path), 'utf8')))
      .filter((path) => !listed.has(path));
    assert.deepEqual(unlisted, [], 'a file sends a schema that this test does not check: add it to SENT');
  });

  it('the validator itself refuses what strict mode refuses', () => {
    const optional = { type: 'object', properties: { path: { type: 'string' }, diff: { type: 'string' } }, required: ['path'], additionalProperties: false };
    assert.deepEqual(strictSchemaProblems(optional), ['<root>: property "diff" must be listed in required (make it nullable if it is optional)']);
    const open = { type: 'object', properties: { items: { type: 'array', items: { type: 'object', properties: {}, required: [] } } }, required: ['items'], additionalProperties: false };
    assert.deepEqual(strictSchemaProblems(open), ['/properties/items/items: additionalProperties must be false']);
    const composed = { type: 'object', properties: { a: { allOf: [{ type: 'string' }] } }, required: ['a'], additionalProperties: false };
    assert.deepEqual(strictSchemaProblems(composed), ['/properties/a: keyword "allOf" is not supported in strict mode']);
    assert.deepEqual(strictSchemaProblems({ anyOf: [{ type: 'object' }] }), ['<root>: type must be "object", not undefined', '<root>: must not be an anyOf', '/anyOf/0: additionalProperties must be false']);
  });
});
