// A screenshot of the preview's quote picker in use, for the README: the
// real `cited serve` on a copy of the repository's site (lib/preview.mjs),
// a source's page with a sentence selected, its quote ready to copy. Not
// part of the test run: run it by hand after changing the picker, look at
// the picture, and commit it.
//
//   node tests/browser/picker-screenshot.mjs      (CITED_BIN as for the specs)
//
// Writes docs/screenshots/quote-picker.png.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openPage, REPO } from './lib/site.mjs';
import { startPreview } from './lib/preview.mjs';

const OUT = join(REPO, 'docs', 'screenshots');
const SOURCE = 'web-excerpts';
const SENTENCE = 'Within 48 hours, the majority of the redness you experience after microneedling will go away.';
// Lines of the text box shown above the selected sentence.
const LINES_ABOVE = 2;

const preview = await startPreview();
const browser = await launchBrowser();
mkdirSync(OUT, { recursive: true });
try {
  const { context, page, problems } = await openPage(browser, preview.origin, {
    viewport: { width: 1100, height: 1000 }, deviceScaleFactor: 1,
  });
  await page.goto(`${preview.origin}/sources/${SOURCE}/`, { waitUntil: 'networkidle' });
  const box = page.locator('#cited-picker-text');
  await page.waitForFunction(() => document.querySelector('#cited-picker-text')?.value.length > 0);
  // The site's warnings, in the preview's overlay, would cover the panel:
  // Escape (with nothing focused) puts it away, as an editor would.
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('Escape');
  const found = await box.evaluate((element, [sentence, linesAbove]) => {
    const at = element.value.indexOf(sentence);
    if (at < 0) return false;
    element.focus();
    element.setSelectionRange(at, at + sentence.length);
    // Scroll the text box to the selection: its line, less a few.
    const line = element.value.slice(0, at).split('\n').length - 1;
    const lineHeight = parseFloat(getComputedStyle(element).lineHeight);
    const mirror = element.cloneNode();
    mirror.style.height = '0';
    mirror.value = element.value.slice(0, at);
    element.after(mirror);
    const top = mirror.scrollHeight;
    mirror.remove();
    element.scrollTop = Math.max(0, top - lineHeight * (linesAbove + 1));
    return line >= 0;
  }, [SENTENCE, LINES_ABOVE]);
  if (!found) throw new Error(`the sentence is not in ${SOURCE}'s text`);
  await page.locator('.cited-picker-result').waitFor({ state: 'visible' });
  // The page's title above the panel says whose text it is.
  const top = await page.locator('h1').boundingBox();
  const panel = await page.locator('.cited-picker').boundingBox();
  const margin = 16;
  const clip = {
    x: Math.max(0, panel.x - margin),
    y: Math.max(0, top.y - margin),
    width: panel.width + 2 * margin,
    height: panel.y + panel.height + margin - Math.max(0, top.y - margin),
  };
  const file = join(OUT, 'quote-picker.png');
  await page.screenshot({ path: file, fullPage: true, clip });
  console.log(`${file}${problems.length ? `; problems: ${problems.join('; ')}` : ''}`);
  await context.close();
} finally {
  await browser.close();
  await preview.close();
}
