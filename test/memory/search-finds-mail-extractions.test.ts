import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addFact, searchMemory, syncExtractions } from '../../memory/facts.ts';
import { aStoredMessage } from '../email/builders.ts';
import { aStore } from './builders.ts';

test('a stored extraction is found by its subject, summary, action items and sender, on the day it was sent', () => {
  const db = aStore();
  const id = aStoredMessage(db, {
    fromName: 'Acme Billing',
    fromAddress: 'billing@acme.example',
    subject: 'Invoice 42',
    summary: 'Quarterly hosting invoice, payable by bank transfer',
    sentAt: '2025-02-10T08:00:00.000Z',
    actionItems: [{ text: 'Pay the hosting invoice', due: '2025-03-01' }],
  });

  for (const query of ['invoice 42', 'quarterly hosting', 'pay', 'acme billing']) {
    const hits = searchMemory(db, query);
    assert.equal(hits.length, 1, `query ${JSON.stringify(query)}`);
    assert.equal(hits[0].kind, 'extraction');
    assert.equal(hits[0].ref, id, 'ref is the mail_extractions row id');
    assert.equal(hits[0].day, '2025-02-10');
  }
  assert.match(searchMemory(db, 'transfer')[0].snippet, /\[transfer\]/);
  db.close();
});

test('extractions rank beside facts and can be left out by kind', () => {
  const db = aStore();
  addFact(db, { text: 'The dentist is Dr. Weber' });
  aStoredMessage(db, { subject: 'Dentist appointment moved', summary: 'Dr. Weber moved the appointment to Thursday' });

  assert.deepEqual(searchMemory(db, 'weber').map((hit) => hit.kind).sort(), ['extraction', 'fact']);
  assert.deepEqual(searchMemory(db, 'weber', { kinds: ['fact'] }).map((hit) => hit.kind), ['fact']);
  assert.deepEqual(searchMemory(db, 'thursday', { kinds: ['extraction'] }).map((hit) => hit.kind), ['extraction']);
  db.close();
});

test('each stored message is indexed once, also when it arrives after a search', () => {
  const db = aStore();
  assert.equal(syncExtractions(db), 0, 'nothing stored yet');
  aStoredMessage(db, { subject: 'Train tickets', summary: 'Tickets to Lyon' });
  assert.equal(searchMemory(db, 'lyon').length, 1);
  aStoredMessage(db, { subject: 'Hotel in Lyon', summary: 'Booking confirmed', sentAt: null });
  assert.equal(searchMemory(db, 'lyon').length, 2, 'the newer message is indexed by the next search');
  assert.equal(syncExtractions(db), 0, 'nothing left to index');
  const count = db.prepare("SELECT count(*) AS n FROM memory_search WHERE kind = 'extraction'").get() as { n: number };
  assert.equal(count.n, 2);
  const hotel = searchMemory(db, 'hotel')[0];
  assert.equal(hotel.day, '2025-03-14', 'no Date header: the day it was stored');
  db.close();
});

test('a failed extraction is still found by its sender and subject', () => {
  const db = aStore();
  aStoredMessage(db, { status: 'failed', category: null, summary: null, error: 'content_filtered', subject: 'Strange attachment', fromName: 'Mallory' });
  const [hit] = searchMemory(db, 'mallory attachment');
  assert.equal(hit.kind, 'extraction');
  assert.doesNotMatch(hit.text, /content_filtered/, 'the error is not indexed');
  db.close();
});
