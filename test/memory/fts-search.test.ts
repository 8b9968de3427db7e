import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addFact, forgetFact, listFacts, relevantFacts, searchMemory, toFtsQuery } from '../../memory/facts.ts';
import { aStore } from './builders.ts';

test('a fact matching more of the query ranks above one matching less', () => {
  const db = aStore();
  addFact(db, { text: 'The dentist is on Rue de la Paix' });
  addFact(db, { text: 'Dentist appointment moved to Thursday at 10:00' });
  addFact(db, { text: 'Prefers tea over coffee' });
  const hits = searchMemory(db, 'dentist Thursday');
  assert.equal(hits.length, 2);
  assert.match(hits[0].text, /Thursday/);
  assert.ok(hits[0].score <= hits[1].score, 'bm25: lower is better');
  assert.equal(hits[0].kind, 'fact');
  db.close();
});

test('the snippet marks the matching terms', () => {
  const db = aStore();
  addFact(db, { text: 'The quarterly VAT return is due on the 20th of the month after the quarter ends' });
  const [hit] = searchMemory(db, 'vat');
  assert.match(hit.snippet, /\[VAT\]/);
  db.close();
});

test('search is case- and accent-insensitive', () => {
  const db = aStore();
  addFact(db, { text: 'Café Léon closes on Mondays' });
  assert.equal(searchMemory(db, 'cafe leon').length, 1);
  db.close();
});

test('FTS syntax in user text cannot cause an error or widen the query', () => {
  const db = aStore();
  addFact(db, { text: 'Alice NEAR the station' });
  addFact(db, { text: 'Bob prefers mornings' });
  const hostile = ['"unbalanced', 'NEAR(', 'a AND OR NOT', '*', 'body:alice', '(((', 'alice"; DROP TABLE facts; --', '^bob', '-', ''];
  for (const query of hostile) {
    assert.doesNotThrow(() => searchMemory(db, query), `query ${JSON.stringify(query)}`);
  }
  assert.equal(searchMemory(db, '*').length, 0, 'a lone star matches nothing rather than everything');
  assert.equal(searchMemory(db, 'kind:fact').length, 0, 'no column filters from user text');
  assert.equal(searchMemory(db, 'body:alice').length, 1, 'the words still count as words');
  assert.equal(listFacts(db).length, 2);
  db.close();
});

test('the FTS query quotes every word and joins them with OR', () => {
  assert.equal(toFtsQuery('Dentist "Thursday" NOT(x)'), '"dentist" OR "thursday" OR "not" OR "x"');
  assert.equal(toFtsQuery('  ?!  '), '');
});

test('a forgotten fact is gone from list and search', () => {
  const db = aStore();
  const kept = addFact(db, { text: 'Passport expires in March 2027' });
  const forgotten = addFact(db, { text: 'Old passport number was 123' });
  assert.equal(forgetFact(db, forgotten.id), true);
  assert.equal(forgetFact(db, forgotten.id), false, 'a second forget finds nothing');
  assert.deepEqual(
    listFacts(db).map((fact) => fact.id),
    [kept.id],
  );
  assert.deepEqual(
    searchMemory(db, 'passport').map((hit) => hit.ref),
    [kept.id],
  );
  db.close();
});

test('relevant facts fit under the token cap, best first', () => {
  const db = aStore();
  addFact(db, { text: 'Budget for travel is 2000 EUR a year' });
  addFact(db, { text: 'Travel: prefers trains over planes for trips under 6 hours' });
  addFact(db, { text: 'Travel insurance renews in May' });
  const all = relevantFacts(db, 'travel trains', 1000);
  assert.equal(all.facts.length, 3);
  assert.match(all.facts[0].text, /trains/);
  const capped = relevantFacts(db, 'travel trains', 20);
  assert.ok(capped.tokens <= 20, `tokens ${capped.tokens}`);
  assert.ok(capped.facts.length >= 1 && capped.facts.length < 3);
  assert.equal(capped.text, capped.facts.map((fact) => `- ${fact.text}\n`).join(''));
  assert.deepEqual(relevantFacts(db, 'travel', 1), { facts: [], text: '', tokens: 0, ownerText: '', untrustedText: '' });
  db.close();
});
