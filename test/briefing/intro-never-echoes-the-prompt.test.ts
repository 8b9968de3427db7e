/**
 * The intro is the model's structured answer or nothing: free text (the simulator's echo of
 * the prompt, a refusal), an answer that repeats the goal or the figures it was given, or a
 * failure leaves the intro out; nothing of the prompt reaches the mail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { echoesPrompt } from '../../skills/briefing/intro.ts';
import { aContext, aRecordingDelivery, aScriptedOrchestrator, aStore } from './builders.ts';

async function briefingWith(answer: unknown): Promise<{ text: string; html: string; intro: string }> {
  const db = aStore();
  const delivery = aRecordingDelivery();
  const result = await createBriefingSkill({ delivery }).run(aContext(db, { orchestrate: aScriptedOrchestrator(answer).orchestrate }), AbortSignal.timeout(5000));
  db.close();
  return { text: delivery.sent[0].text, html: delivery.sent[0].html, intro: (result.details?.sections as Record<string, string>).intro };
}

const PROMPT_FRAGMENTS = /Write the opening|untrusted|Finish with|Use only the facts given|Today is 2025-05-05/i;

test('a free-text answer (the simulator echoing the prompt) is not an intro', async () => {
  const echo = "Write the opening of the user's morning briefing: one to three short sentences on what matters most today";
  const { text, html, intro } = await briefingWith(echo);
  assert.equal(intro, 'skipped');
  assert.doesNotMatch(text + html, PROMPT_FRAGMENTS);
  assert.match(text, /^MORNING BRIEFING: Monday, 5 May 2025\n\nNeeds you today/);
});

test('a structured answer that repeats the goal or the given figures is left out', async () => {
  for (const intro of [
    'Use only the facts given; do not invent events, deadlines or numbers.',
    "Today is 2025-05-05 (Europe/Berlin). Yesterday's model spend: $0.00 (flagship equivalent $0.00).",
    'Here you go: {"intro": "x", "priorities": []}',
  ]) {
    const result = await briefingWith({ intro, priorities: [] });
    assert.equal(result.intro, 'skipped', intro);
    assert.doesNotMatch(result.text + result.html, PROMPT_FRAGMENTS, intro);
  }
});

test('a real intro is kept, and its priorities are not repeated above the sections', async () => {
  const { text, html, intro } = await briefingWith({ intro: 'A quiet Monday: nothing is due before Wednesday.', priorities: ['Pay the invoice'] });
  assert.equal(intro, 'ok');
  assert.match(text, /^A quiet Monday: nothing is due before Wednesday\.$/m);
  assert.doesNotMatch(text + html, /Pay the invoice/, 'the priorities repeated what the sections say');
});

test('the echo check looks at every part of the prompt, not only the goal', () => {
  assert.equal(echoesPrompt({ text: 'Calendar: 2 events today, 1 tomorrow.', priorities: [] }, ['Calendar: 2 events today, 1 tomorrow.\nMore']), true);
  assert.equal(echoesPrompt({ text: 'Two meetings today; the dentist is tomorrow.', priorities: [] }, ['Calendar: 2 events today, 1 tomorrow.']), false);
});
