// The preview's quote picker, in headless Chromium against the real
// `cited serve` (started here on a copy of the repository's site):
//   - a source's page shows the panel, with the source's text exactly as
//     `cited source text` prints it (what quotes are matched against);
//   - a selection made with the keyboard, with the mouse (a double click)
//     or left in the text box as a drag leaves it gives the YAML quote, says
//     when it is too short, and takes whole words when it cuts into one;
//   - Copy puts the quote on the clipboard; when the Clipboard API is
//     refused, the quote is selected and the panel says to press Ctrl+C;
//   - no axe violation (WCAG A/AA, light and dark), no CSP violation,
//     console error or failed request; Tab reaches the text box and the
//     button, each with a visible focus indicator.
//
// Run: tests/browser/run.sh   (or CITED_BIN=target/debug/cited node --test tests/browser/picker.spec.mjs)

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { launchBrowser, openPage } from './lib/site.mjs';
import { CITED_BIN, startPreview } from './lib/preview.mjs';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const SOURCE = 'web-excerpts';
const SENTENCE = 'Within 48 hours, the majority of the redness you experience after microneedling will go away.';

let preview;
let browser;
let archive;
before(async () => {
  preview = await startPreview();
  browser = await launchBrowser();
  archive = execFileSync(CITED_BIN, ['--root', preview.root, 'source', 'text', SOURCE], { encoding: 'utf8' });
});
after(async () => {
  if (browser) await browser.close();
  if (preview) await preview.close();
});

/** The source's page in the preview, once the picker has its text. */
async function openSourcePage(options = {}) {
  const opened = await openPage(browser, preview.origin, { viewport: { width: 1280, height: 900 }, ...options });
  await opened.page.goto(`${preview.origin}/sources/${SOURCE}/`, { waitUntil: 'load' });
  await opened.page.waitForFunction(() => document.querySelector('#cited-picker-text')?.value.length > 0);
  return opened;
}

/** Selects `[start, end)` of the text box, as a mouse drag leaves it. */
async function selectRange(page, start, end) {
  await page.locator('#cited-picker-text').evaluate((box, [from, to]) => {
    box.focus();
    box.setSelectionRange(from, to);
  }, [start, end]);
}

async function snippet(page) {
  return page.locator('#cited-picker-snippet').textContent();
}

async function status(page) {
  return (await page.locator('#cited-picker-status').textContent()).trim();
}

async function assertNoProblems(opened) {
  assert.deepEqual(await opened.cspViolations(), [], 'no Content-Security-Policy violation');
  assert.deepEqual(opened.problems, [], 'no console error, failed request or request elsewhere');
}

describe('the quote picker on a source page of cited serve', () => {
  test('shows the text quotes are matched against, in a labelled panel', async () => {
    const opened = await openSourcePage();
    const { page } = opened;
    try {
      const heading = page.getByRole('heading', { name: /Quote from this source/ });
      assert.equal(await heading.count(), 1);
      assert.equal(await page.getByRole('textbox', { name: 'Text of this source' }).count(), 1);
      assert.equal(await page.locator('#cited-picker-text').inputValue(), archive);
      // Read-only to assistive technology; see the next tests for the keys.
      assert.equal(await page.locator('#cited-picker-text').getAttribute('aria-readonly'), 'true');
      assert.match(await status(page), /Select words/);
      assert.equal(await page.locator('.cited-picker-result').isVisible(), false, 'no quote before a selection');
      await assertNoProblems(opened);
    } finally {
      await opened.context.close();
    }
  });

  test('a selection made with the keyboard gives a quote to paste', async () => {
    const opened = await openSourcePage();
    const { page } = opened;
    try {
      // Tab into the text box, as a keyboard user does.
      let reached = false;
      for (let i = 0; i < 60 && !reached; i += 1) {
        await page.keyboard.press('Tab');
        reached = await page.evaluate(() => document.activeElement?.id === 'cited-picker-text');
      }
      assert.ok(reached, 'Tab reaches the text box');
      await page.keyboard.press('Control+Home');
      for (let i = 0; i < 4; i += 1) await page.keyboard.press('Control+Shift+ArrowRight');
      const selected = await page.locator('#cited-picker-text').evaluate(
        (box) => box.value.slice(box.selectionStart, box.selectionEnd),
      );
      assert.equal(selected.trim(), archive.split(/\s+/).slice(0, 4).join(' '), 'four words selected');
      await page.locator('.cited-picker-result').waitFor({ state: 'visible' });
      assert.equal(await snippet(page), `- source: ${SOURCE}\n  text: "${selected.trim()}"`);
      assert.match(await status(page), /Ready/);
      await assertNoProblems(opened);
    } finally {
      await opened.context.close();
    }
  });

  test('typing, deleting, cutting, pasting or an input method leaves the text as it is', async () => {
    const opened = await openSourcePage();
    const { page, context } = opened;
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: preview.origin });
      const box = page.locator('#cited-picker-text');
      await box.focus();
      await page.keyboard.press('Control+Home');
      await page.keyboard.type('typed words ');
      await page.keyboard.press('Delete');
      await page.keyboard.press('Shift+End');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Control+Shift+End');
      await page.keyboard.press('Control+X');
      await page.evaluate(() => navigator.clipboard.writeText('pasted words'));
      await page.keyboard.press('Control+V');
      await page.keyboard.press('Enter');
      assert.equal(await box.inputValue(), archive, 'the text is unchanged');
      // An input method's composition, which a page cannot refuse.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
      await cdp.send('Input.imeSetComposition', { text: 'にほ', selectionStart: 2, selectionEnd: 2 });
      await cdp.send('Input.insertText', { text: '日本' });
      assert.equal(await box.inputValue(), archive, 'the text is unchanged after an input method');
      await assertNoProblems(opened);
    } finally {
      await opened.context.close();
    }
  });

  test('too short a selection, and one that cuts into words, are explained', async () => {
    const opened = await openSourcePage();
    const { page } = opened;
    try {
      // A double click selects one word.
      const box = page.locator('#cited-picker-text');
      await box.dblclick({ position: { x: 40, y: 14 } });
      await page.waitForFunction(() => /is one word/.test(document.querySelector('#cited-picker-status').textContent));
      assert.equal(await page.locator('.cited-picker-result').isVisible(), false, 'no quote for one word');

      const at = archive.indexOf(SENTENCE);
      assert.ok(at >= 0, 'the sentence is in the archive');
      await selectRange(page, at + 3, at + SENTENCE.length - 4);
      await page.waitForFunction(() => /cut into/.test(document.querySelector('#cited-picker-status').textContent));
      assert.match(await status(page), /“Within” and “away”/);
      assert.equal(await snippet(page),
        `- source: ${SOURCE}\n  text: "${SENTENCE.slice(0, -1)}"`, 'whole words, from the selection');

      await selectRange(page, at, at + SENTENCE.length);
      await page.waitForFunction(() => /Ready/.test(document.querySelector('#cited-picker-status').textContent));
      assert.equal(await snippet(page), `- source: ${SOURCE}\n  text: "${SENTENCE}"`);
      await assertNoProblems(opened);
    } finally {
      await opened.context.close();
    }
  });

  test('Copy puts the quote on the clipboard', async () => {
    const opened = await openSourcePage();
    const { page, context } = opened;
    try {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: preview.origin });
      const at = archive.indexOf(SENTENCE);
      await selectRange(page, at, at + SENTENCE.length);
      const copy = page.getByRole('button', { name: 'Copy quote' });
      await copy.waitFor({ state: 'visible' });
      await copy.click();
      await page.waitForFunction(() => /Copied/.test(document.querySelector('#cited-picker-status').textContent));
      const clipboard = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(clipboard, `- source: ${SOURCE}\n  text: "${SENTENCE}"`);
      await assertNoProblems(opened);
    } finally {
      await opened.context.close();
    }
  });

  test('when copying is refused, the quote is selected to copy by hand', async () => {
    const opened = await openPage(browser, preview.origin, { viewport: { width: 390, height: 844 } });
    const { page, context } = opened;
    try {
      // As a browser that refuses the page the clipboard.
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'clipboard', {
          configurable: true,
          get: () => ({ writeText: () => Promise.reject(new DOMException('Refused', 'NotAllowedError')) }),
        });
      });
      await page.goto(`${preview.origin}/sources/${SOURCE}/`, { waitUntil: 'load' });
      await page.waitForFunction(() => document.querySelector('#cited-picker-text')?.value.length > 0);
      const at = archive.indexOf(SENTENCE);
      await selectRange(page, at, at + SENTENCE.length);
      const copy = page.getByRole('button', { name: 'Copy quote' });
      await copy.waitFor({ state: 'visible' });
      await copy.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => /Ctrl\+C/.test(document.querySelector('#cited-picker-status').textContent));
      const selected = await page.evaluate(() => window.getSelection().toString());
      assert.equal(selected, `- source: ${SOURCE}\n  text: "${SENTENCE}"`, 'the quote is selected');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'cited-picker-snippet');
      await assertNoProblems(opened);
    } finally {
      await opened.context.close();
    }
  });

  for (const colorScheme of ['light', 'dark']) {
    test(`accessible, with a quote showing (${colorScheme})`, async () => {
      const opened = await openSourcePage({ colorScheme });
      const { page } = opened;
      try {
        const at = archive.indexOf(SENTENCE);
        await selectRange(page, at + 3, at + SENTENCE.length);
        await page.locator('.cited-picker-result').waitFor({ state: 'visible' });
        await assertNoProblems(opened);
        // axe itself, injected into the page, adds a <style> element for its
        // CSS checks, which the preview's CSP header (rightly) refuses, with
        // a console error: what it causes is axe's, so problems are counted
        // before it runs (none) and after it (none new).
        const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
        const cspByAxe = (await opened.cspViolations()).length;
        const problemsByAxe = opened.problems.length;
        const violations = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
        assert.deepEqual(violations, [], 'no axe violation');

        // Each of the picker's controls shows where the keyboard is.
        for (const selector of ['#cited-picker-text', '.cited-picker-copy']) {
          await page.evaluate(() => { document.activeElement?.blur(); });
          let reached = false;
          for (let i = 0; i < 80 && !reached; i += 1) {
            await page.keyboard.press('Tab');
            reached = await page.evaluate((s) => document.activeElement === document.querySelector(s), selector);
          }
          assert.ok(reached, `Tab reaches ${selector}`);
          const outline = await page.evaluate(() => {
            const style = getComputedStyle(document.activeElement);
            return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
          });
          assert.ok(outline.style !== 'none' && outline.width >= 2, `${selector} shows its focus: ${JSON.stringify(outline)}`);
        }
        assert.deepEqual((await opened.cspViolations()).slice(cspByAxe), [], 'no CSP violation after axe');
        assert.deepEqual(opened.problems.slice(problemsByAxe), [], 'no console error, failed request or request elsewhere after axe');
      } finally {
        await opened.context.close();
      }
    });
  }
});
