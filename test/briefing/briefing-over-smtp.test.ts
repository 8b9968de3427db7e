import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSmtpSink } from '../helpers/smtp-sink.ts';
import { createMailDelivery } from '../../skills/mail/delivery.ts';
import { createBriefingSkill } from '../../skills/briefing/skill.ts';
import { aContext, aStore } from './builders.ts';

test('a briefing sent through SMTP arrives parseable, with both parts and nothing external', async (t) => {
  const sink = await startSmtpSink();
  t.after(() => sink.close());
  const db = aStore();
  t.after(() => db.close());
  const skill = createBriefingSkill({
    delivery: createMailDelivery({ smtp: sink.config(), dataDir: '/nonexistent' }),
    gmail: { importantUnread: async () => [{ id: 'x', from: 'Eve <eve@example.com>', subject: '<img src="http://track.example/p.gif">Hi', snippet: 'click' }] },
  });

  const result = await skill.run(aContext(db), AbortSignal.timeout(20_000));

  assert.equal(sink.received.length, 1);
  const { parsed, envelope } = sink.received[0];
  assert.equal(parsed.subject, 'Morning briefing: Monday, 5 May 2025');
  assert.deepEqual(envelope, { from: 'switchboard@example.com', to: ['me@example.com'] });
  assert.equal(parsed.messageId, result.details?.messageId);
  assert.match(parsed.text ?? '', /Mail\n-+\n- Eve: <img src="http:\/\/track\.example\/p\.gif">Hi/);
  const html = String(parsed.html);
  assert.match(html, /&lt;img src=&quot;http:\/\/track\.example\/p\.gif&quot;&gt;Hi/);
  assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(html, /<script/i);
  assert.equal(parsed.attachments.length, 0);
  assert.equal(parsed.headers.get('x-switchboard-job'), 'morning-briefing');
});
