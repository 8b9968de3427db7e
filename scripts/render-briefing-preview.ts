/**
 * Renders the sample briefing to HTML and plain text, and to a PNG screenshot (phone width)
 * when Chromium is installed: `node --import tsx scripts/render-briefing-preview.ts [out-dir]`.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { renderBriefing } from '../skills/briefing/render.ts';
import { sampleBriefing } from '../skills/briefing/sample.ts';

export const CHROMIUM = '/usr/bin/chromium';

/** Screenshots `htmlPath` at a phone's width with a throwaway profile and no network chatter. */
export async function screenshot(htmlPath: string, pngPath: string, size = { width: 412, height: 1400 }): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'sb-chromium-'));
  try {
    await promisify(execFile)(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        `--screenshot=${pngPath}`,
        `--window-size=${size.width},${size.height}`,
        pathToFileURL(htmlPath).href,
      ],
      { timeout: 60_000 },
    );
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const rendered = renderBriefing(sampleBriefing());
  const htmlPath = join(outDir, 'briefing-preview.html');
  writeFileSync(htmlPath, rendered.html);
  writeFileSync(join(outDir, 'briefing-preview.txt'), `Subject: ${rendered.subject}\n\n${rendered.text}`);
  process.stdout.write(`wrote ${htmlPath}\n`);
  if (!existsSync(CHROMIUM)) {
    process.stdout.write('no PNG: Chromium is missing (apt-get install -y chromium)\n');
    return;
  }
  const pngPath = join(outDir, 'briefing-preview.png');
  await screenshot(htmlPath, pngPath);
  process.stdout.write(`wrote ${pngPath}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(resolve(process.argv[2] ?? 'data/preview'));
}
