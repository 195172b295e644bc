// Screenshots of the home page and a question page (one with a caution and a
// "Sources disagree" fact), at a phone and a desktop width, for the README.
// Not part of the test run: run it by hand after changing the theme, look at
// the pictures, and commit them.
//
//   node tests/browser/screenshots.mjs            (builds the site, like the specs)
//   SITE_DIR=<built site> node tests/browser/screenshots.mjs
//
// Writes docs/screenshots/{home,question}-{phone,desktop}.png, and
// care-card-{phone,desktop}.png: the "When to get help" section of a question
// of the test fixture (the bundled site has no care card yet).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtSite, openPage, pageKinds, REPO, startSuite } from './lib/site.mjs';

const OUT = join(REPO, 'docs', 'screenshots');
// Full pages, cut at a height that keeps the files small and the README readable.
const SHOTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, scale: 2, maxHeight: 1400 },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, scale: 1, maxHeight: 1500 },
];

const site = builtSite();
const suite = await startSuite(site);
const question = pageKinds(site.dir).find((entry) => entry.kind === 'question with a disagreement').path;
mkdirSync(OUT, { recursive: true });
try {
  for (const [label, path] of [['home', '/'], ['question', question]]) {
    for (const shot of SHOTS) {
      const { context, page, problems } = await openPage(suite.browser, suite.origin, {
        viewport: shot.viewport, deviceScaleFactor: shot.scale,
      });
      await page.goto(`${suite.root}${path}`, { waitUntil: 'networkidle' });
      const height = Math.min(await page.evaluate(() => document.documentElement.scrollHeight), shot.maxHeight);
      const file = join(OUT, `${label}-${shot.name}.png`);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width: shot.viewport.width, height } });
      console.log(`${file} (${path})${problems.length ? `; problems: ${problems.join('; ')}` : ''}`);
      await context.close();
    }
  }
} finally {
  await suite.close();
}

// A care card, from the test fixture's build.
const fixtureOut = mkdtempSync(join(tmpdir(), 'cited-shots-'));
const fixture = { dir: join(fixtureOut, 'site'), cleanup() { rmSync(fixtureOut, { recursive: true, force: true }); } };
execFileSync(process.env.CITED_BIN || join(REPO, 'target', 'release', 'cited'),
  ['build', '--root', join(REPO, 'tests', 'fixtures', 'valid'), '--out', fixture.dir],
  { stdio: ['ignore', 'ignore', 'inherit'] });
const fixtureSuite = await startSuite(fixture);
const careCard = pageKinds(fixture.dir).find((entry) => entry.kind === 'question with a care card').path;
try {
  for (const shot of SHOTS) {
    const { context, page, problems } = await openPage(fixtureSuite.browser, fixtureSuite.origin, {
      viewport: shot.viewport, deviceScaleFactor: shot.scale,
    });
    await page.goto(`${fixtureSuite.root}${careCard}`, { waitUntil: 'networkidle' });
    const file = join(OUT, `care-card-${shot.name}.png`);
    await page.locator('section.get-help').screenshot({ path: file });
    console.log(`${file} (${careCard})${problems.length ? `; problems: ${problems.join('; ')}` : ''}`);
    await context.close();
  }
} finally {
  await fixtureSuite.close();
  fixture.cleanup();
}
