import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderBriefing } from '../../skills/briefing/render.ts';
import { sampleBriefing } from '../../skills/briefing/sample.ts';
import { CHROMIUM, screenshot } from '../../scripts/render-briefing-preview.ts';

const skip = existsSync(CHROMIUM) ? false : 'Chromium is missing: apt-get install -y chromium';

test('the briefing renders in headless Chromium at phone width to a non-trivial PNG', { skip, timeout: 60_000 }, async () => {
  const directory = mkdtempSync(join(tmpdir(), 'sb-shot-'));
  const htmlPath = join(directory, 'briefing.html');
  const pngPath = join(directory, 'briefing.png');
  writeFileSync(htmlPath, renderBriefing(sampleBriefing()).html);

  await screenshot(htmlPath, pngPath, { width: 412, height: 1400 });

  const png = readFileSync(pngPath);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  assert.equal(png.readUInt32BE(16), 412, 'width from the IHDR chunk');
  assert.equal(png.readUInt32BE(20), 1400, 'height from the IHDR chunk');
  // A blank page of this size compresses to a few kilobytes; text and rules make it far larger.
  assert.ok(png.length > 40_000, `PNG is ${png.length} bytes`);
});
