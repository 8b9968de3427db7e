import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';

test('the HTML loads nothing from outside: no http(s) src or href, no <script>, no <link>, no CSS url()', () => {
  const { html } = renderBriefing(sampleBriefing());

  assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<link\b/i);
  assert.doesNotMatch(html, /url\(/i);
  assert.doesNotMatch(html, /<img\b/i);
});

test('untrusted text is escaped: injected tags arrive as text', () => {
  const { html } = renderBriefing(sampleBriefing());

  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; Invoice #8812/);
  assert.match(html, /&lt;img src=&quot;https:\/\/evil\.example\/p\.png&quot;&gt;/);
  assert.match(html, /Quarterly review &lt;Q2&gt;/);
  assert.match(html, /Room 4\.12 &amp; video call/);
});

test('a calendar title carrying a bidi override or control characters is cleaned', () => {
  const briefing = sampleBriefing({
    calendar: {
      status: 'ok',
      data: { today: [{ id: 'x', calendarId: 'primary', title: 'Pay\u202Eevil\u0007 now', start: '2025-05-05T08:00:00Z', end: '2025-05-05T09:00:00Z', allDay: false }], tomorrow: [] },
    },
  });
  const { html, text } = renderBriefing(briefing);
  assert.doesNotMatch(html + text, /[\u202E\u0007]/);
  assert.match(text, /Pay evil now/);
});

test('the plain-text alternative carries every section, with times in the user time zone', () => {
  const { text, subject } = renderBriefing(sampleBriefing());

  assert.equal(subject, 'Morning briefing: Monday, 5 May 2025 (simulated)');
  for (const heading of ['Calendar', 'Needs you today', 'Mail', 'Markets', 'Spend', 'Overnight jobs']) {
    assert.match(text, new RegExp(`^${heading}\\n-+$`, 'm'), heading);
  }
  assert.match(text, /09:30\u201309:45 +Stand-up/, '07:30Z is 09:30 in Berlin');
  assert.match(text, /Repositories: unavailable \(auth error\)/);
  assert.match(text, /\$0\.32 +yesterday \(Sun 4 May\), real spend on 143 calls \(2 failed\)/);
  assert.match(text, /\$0\.10 +simulated calls \(not charged\)/);
  assert.match(text, /\$51\.20 +month so far, of the \$60\.00 cap/);
  assert.match(text, /^MSFT +435\.28 \(\+1\.90%\) +data of 2025-05-02$/m);
  assert.match(text, /^EURUSD +1\.13 \(-0\.20%\) +data of 2025-04-25 STALE: older than the last session \(2025-05-02\)$/m);
  assert.match(text, /^Research digest\n-+\n4 new items, led by a heat-pump subsidy change$/m);
  assert.match(text, /\$6\.49 +saved by routing \(94%\)/);
  assert.match(text, /Near cap: Month to date \$51\.20 of \$60\.00/);
  assert.doesNotMatch(text, /<(p|td|tr|table|div|h\d|strong)\b/i, 'no markup of ours in the text part');
  assert.match(text, /<script>alert\("x"\)<\/script> Invoice/, 'plain text quotes the subject as it came');
});

test('"simulated" is visible in the HTML when any call was simulated, and absent otherwise', () => {
  assert.match(renderBriefing(sampleBriefing()).html, /<strong>Simulated\.<\/strong>/);
  const real = sampleBriefing({ simulated: false });
  if (real.spend.status === 'ok') real.spend.data.simulated = false;
  const rendered = renderBriefing(real);
  assert.doesNotMatch(rendered.html + rendered.text + rendered.subject, /simulat/i);
});

test('the layout is a single table column of at most 600px with inline styles only', () => {
  const { html } = renderBriefing(sampleBriefing());

  assert.match(html, /max-width:600px/);
  assert.match(html, /<meta name="viewport" content="width=device-width,initial-scale=1">/);
  assert.doesNotMatch(html, /<style/i, 'many clients strip <style>; styles are inline');
  assert.doesNotMatch(html, /class=/);
  assert.match(html, /font-family:-apple-system/);
});

test('a section not requested leaves no trace, one with nothing to show is one line; sub-cent spend is not zero', () => {
  const briefing = sampleBriefing({ market: { status: 'skipped', reason: 'no market run in the last 48 h' }, code: { status: 'skipped', reason: 'not requested' } });
  if (briefing.spend.status === 'ok') briefing.spend.data.realCostUsd = 0.0042;
  const { html, text } = renderBriefing(briefing);

  assert.doesNotMatch(html + text, /Repositories/);
  assert.match(text, /^Markets: no market run in the last 48 h\.$/m);
  assert.match(html, /<strong>Markets:<\/strong> no market run in the last 48 h\./);
  assert.match(text, /\$0\.0042 +yesterday/);
});
