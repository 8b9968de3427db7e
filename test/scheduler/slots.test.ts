import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latestSlot, nextSlot, slotKey, slotsBetween } from '../../agent/scheduler/slots.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
const paris = (expression: string) => ({ expression, timezone: 'Europe/Paris' });

test('next slot is strictly after the given instant (5 and 6 fields)', () => {
  const minutely = { expression: '*/15 * * * *', timezone: 'UTC' };
  assert.equal(iso(nextSlot(minutely, new Date('2025-01-01T10:15:00Z'))), '2025-01-01T10:30:00.000Z');
  const secondly = { expression: '*/10 * * * * *', timezone: 'UTC' };
  assert.equal(iso(nextSlot(secondly, new Date('2025-01-01T10:15:04.500Z'))), '2025-01-01T10:15:10.000Z');
});

test('a late tick maps to its own slot, not to the tick time', () => {
  const daily = { expression: '0 7 * * *', timezone: 'UTC' };
  assert.equal(iso(latestSlot(daily, new Date('2025-01-01T07:00:00.350Z'))), '2025-01-01T07:00:00.000Z');
  assert.equal(iso(latestSlot(daily, new Date('2025-01-01T07:00:00.000Z'))), '2025-01-01T07:00:00.000Z');
  assert.equal(iso(latestSlot(daily, new Date('2025-01-01T06:59:59.999Z'))), '2024-12-31T07:00:00.000Z');
});

test('wall times are read in the job time zone', () => {
  const tokyo = { expression: '0 7 * * *', timezone: 'Asia/Tokyo' };
  assert.equal(iso(nextSlot(tokyo, new Date('2025-01-01T00:00:00Z'))), '2025-01-01T22:00:00.000Z');
  assert.equal(iso(nextSlot(paris('0 7 * * *'), new Date('2025-07-01T00:00:00Z'))), '2025-07-01T05:00:00.000Z');
});

test('spring forward: a time in the skipped hour fires once, shifted to after the jump', () => {
  // Europe/Paris, 2025-03-30: 02:00 CET jumps to 03:00 CEST.
  const { slots } = slotsBetween(paris('30 2 * * *'), new Date('2025-03-29T00:00:00Z'), new Date('2025-03-31T12:00:00Z'));
  assert.deepEqual(slots.map(iso), ['2025-03-29T01:30:00.000Z', '2025-03-30T01:30:00.000Z', '2025-03-31T00:30:00.000Z']);
});

test('fall back: a fixed time in the repeated hour fires once, at its first occurrence', () => {
  // Europe/Paris, 2025-10-26: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
  const schedule = paris('30 2 * * *');
  const { slots } = slotsBetween(schedule, new Date('2025-10-25T12:00:00Z'), new Date('2025-10-27T12:00:00Z'));
  assert.deepEqual(slots.map(iso), ['2025-10-26T00:30:00.000Z', '2025-10-27T01:30:00.000Z']);
  // Looking back from after the second 02:30 still names the first: no second run that day.
  assert.equal(iso(latestSlot(schedule, new Date('2025-10-26T02:00:00Z'))), '2025-10-26T00:30:00.000Z');
});

test('fall back: an hourly schedule fires on both passes of the repeated hour (distinct instants)', () => {
  const { slots } = slotsBetween(paris('0 * * * *'), new Date('2025-10-25T23:30:00Z'), new Date('2025-10-26T02:30:00Z'));
  assert.deepEqual(slots.map(iso), [
    '2025-10-26T00:00:00.000Z',
    '2025-10-26T01:00:00.000Z',
    '2025-10-26T02:00:00.000Z',
  ]);
  assert.equal(new Set(slots.map((slot) => slotKey('job', slot))).size, 3);
});

test('slotsBetween caps the enumeration and says so', () => {
  const secondly = { expression: '* * * * * *', timezone: 'UTC' };
  const result = slotsBetween(secondly, new Date('2025-01-01T00:00:00Z'), new Date('2025-01-02T00:00:00Z'), 100);
  assert.equal(result.slots.length, 100);
  assert.equal(result.truncated, true);
});

test('slot keys are job@ISO in UTC', () => {
  assert.equal(slotKey('briefing', new Date('2025-01-01T07:00:00+01:00')), 'briefing@2025-01-01T06:00:00.000Z');
});
