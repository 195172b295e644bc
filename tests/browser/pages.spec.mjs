// Every kind of page `cited` builds, at a phone width (390 px) and a desktop
// width (1280 px), in headless Chromium against the built site served on
// 127.0.0.1:
//   - no axe violation of the WCAG 2.0/2.1/2.2 A and AA rules (target-size included),
//     in light mode, and in dark mode at the phone width (with the keyboard checks);
//   - no console error, uncaught exception, failed request, HTTP error, request
//     to another origin, or Content-Security-Policy violation;
//   - no sideways scrolling of the page at either width;
//   - keyboard: the skip link is the first focusable element and moves focus to
//     the main content; Tab reaches every visible link and control, each with a
//     visible focus indicator (an outline of 2 px or more that contrasts 3:1
//     with the background around it);
//   - print: navigation and search are hidden; the content, its sources and
//     review dates, every quote's source and the page's address are visible.
//
// Run: tests/browser/run.sh   (or SITE_DIR=<built site> node --test tests/browser/pages.spec.mjs)

import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import AxeBuilder from '@axe-core/playwright';
import { builtSite, openPage, pageKinds, startSuite, VIEWPORTS } from './lib/site.mjs';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];

const site = builtSite();
let suite;
before(async () => { suite = await startSuite(site); });
after(async () => { if (suite) await suite.close(); });

/** Runs axe with the WCAG A/AA tags; returns readable violations. */
async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  const ran = [...results.passes, ...results.violations, ...results.incomplete, ...results.inapplicable]
    .map((rule) => rule.id);
  assert.ok(ran.includes('target-size'), 'axe ran the target-size rule');
  assert.ok(ran.includes('color-contrast'), 'axe ran the color-contrast rule');
  return results.violations.map((violation) => `${violation.id} (${violation.impact}): ${violation.help}\n`
    + violation.nodes.slice(0, 6).map((node) => `    ${node.target.join(' ')}: ${node.failureSummary.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n'));
}

/** Every element a keyboard user should reach with Tab, tagged with its order in the page. */
async function tabbables(page) {
  return page.evaluate(() => {
    const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [tabindex]';
    const found = [];
    for (const element of document.querySelectorAll(selector)) {
      if (element.matches(':disabled') || element.closest('[inert]')) continue;
      if (element.getAttribute('tabindex') !== null && Number(element.getAttribute('tabindex')) < 0) continue;
      if (!element.checkVisibility({ visibilityProperty: true }) && !element.matches('.skip-link')) continue;
      element.dataset.kbd = String(found.length);
      found.push(`${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ''}`
        + `${element.getAttribute('href') ? ` href=${element.getAttribute('href')}` : ''}`
        + ` "${(element.textContent || element.getAttribute('aria-label') || '').trim().slice(0, 40)}"`);
    }
    return found;
  });
}

/** What has focus now, and whether its focus indicator shows. */
async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    // The outline is drawn around the element, over its parent's background:
    // it must contrast with that by 3:1 (WCAG 1.4.11).
    const rgb = (colour) => (colour.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
      const channel = (value) => { const c = value / 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    let background = [255, 255, 255];
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = rgb(getComputedStyle(node).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] === 1)) { background = colour.slice(0, 3); break; }
    }
    const outlineColour = rgb(style.outlineColor);
    const [light, dark] = [luminance(outlineColour), luminance(background)].sort((a, b) => b - a);
    const contrast = (light + 0.05) / (dark + 0.05);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2
      && (outlineColour.length === 3 || outlineColour[3] === 1) && contrast >= 3;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    const box = element.getBoundingClientRect();
    return {
      kbd: element.dataset.kbd ?? null,
      id: element.id,
      tag: element.tagName.toLowerCase(),
      className: element.className,
      href: element.getAttribute('href'),
      indicator: Boolean(outline || shadow),
      onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
        && box.top < innerHeight && box.left < innerWidth,
    };
  });
}

/** Puts the keyboard's starting point at the top of the page, as on a fresh load. */
async function focusTopOfPage(page) {
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus({ preventScroll: true });
    document.body.removeAttribute('tabindex');
    window.scrollTo(0, 0);
  });
}

async function checkKeyboard(page) {
  const expected = await tabbables(page);
  assert.ok(expected.length > 0, 'the page has focusable elements');
  await focusTopOfPage(page);

  await page.keyboard.press('Tab');
  const first = await focused(page);
  assert.ok(first && /\bskip-link\b/.test(first.className), `the first Tab focuses the skip link, not ${JSON.stringify(first)}`);
  assert.equal(first.kbd, '0', 'the skip link is the first focusable element in the page');
  assert.ok(first.onScreen, 'the focused skip link is on screen');
  assert.ok(first.indicator, 'the focused skip link shows a focus indicator');

  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'main');
  assert.equal(await page.evaluate(() => document.activeElement.tagName), 'MAIN', 'the skip link moves focus to <main>');
  await page.keyboard.press('Tab');
  const afterSkip = await focused(page);
  assert.ok(afterSkip && await page.evaluate((kbd) => document.querySelector('main').contains(document.querySelector(`[data-kbd="${kbd}"]`)), afterSkip.kbd),
    `Tab after the skip link lands inside the main content, not ${JSON.stringify(afterSkip)}`);

  // From the top, Tab through the whole page.
  await focusTopOfPage(page);
  const reached = new Set();
  const noIndicator = [];
  for (let i = 0; i < expected.length + 3; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (!now) break;
    if (now.kbd === null) continue;
    if (reached.has(now.kbd)) break;
    reached.add(now.kbd);
    if (!now.indicator || !now.onScreen) noIndicator.push(expected[Number(now.kbd)]);
  }
  const missed = expected.filter((_, index) => !reached.has(String(index)));
  assert.deepEqual(missed, [], 'Tab reaches every link and control');
  assert.deepEqual(noIndicator, [], 'every focused element shows a visible focus indicator, on screen');
}

async function checkPrint(page, kind) {
  await page.emulateMedia({ media: 'print' });
  try {
    const report = await page.evaluate(() => {
      const shown = (element) => element.checkVisibility({ visibilityProperty: true, opacityProperty: true });
      const hiddenButShown = [...document.querySelectorAll(
        'nav, [role="navigation"], form[role="search"], [role="search"], input[type="search"], .skip-link, .site-header',
      )].filter(shown).map((element) => element.outerHTML.slice(0, 80));
      const visibleText = (selector) => [...document.querySelectorAll(selector)]
        .filter(shown).map((element) => element.innerText.trim()).filter(Boolean);
      return {
        hiddenButShown,
        main: visibleText('main').join(' ').length,
        h1: visibleText('h1'),
        sources: visibleText('.sources li'),
        sourcesHeading: visibleText('#sources-heading'),
        reviewDates: visibleText('.review time'),
        reviewDatetimes: [...document.querySelectorAll('.review time')].filter(shown)
          .map((element) => element.getAttribute('datetime')),
        reviewHeading: visibleText('#review-heading'),
        quoteSources: document.querySelectorAll('.quote figcaption').length,
        quoteSourcesShown: visibleText('.quote figcaption').length,
        sourceMeta: visibleText('.source-meta dd'),
        address: visibleText('.site-footer').join(' '),
        canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href'),
      };
    });
    assert.deepEqual(report.hiddenButShown, [], 'navigation and search are hidden in print');
    assert.ok(report.main > 0 && report.h1.length === 1, 'the main content and its heading print');
    assert.equal(report.quoteSourcesShown, report.quoteSources, 'every quote prints with its source');
    if (!kind.startsWith('404')) assert.ok(report.address.includes(report.canonical), 'the page prints its address');
    if (kind.startsWith('question')) {
      assert.ok(report.sourcesHeading.length === 1 && report.sources.length > 0, 'the sources print');
      assert.ok(report.reviewHeading.length === 1 && report.reviewDates.length >= 2, 'the review dates print');
      // Dates in words, each with the date itself in `datetime`.
      for (const date of report.reviewDates) assert.match(date, /\b\d{4}\b/);
      for (const date of report.reviewDatetimes) assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
    }
    if (kind === 'source') {
      const details = await page.locator('.source-meta dd').count();
      assert.equal(report.sourceMeta.length, details, 'the source\'s publisher, address and dates print');
    }
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
}

const kinds = pageKinds(site.dir);

for (const { kind, path, marker, status = 200 } of kinds) {
  describe(`${kind} (${path})`, () => {
    for (const viewport of VIEWPORTS) {
      test(`at ${viewport.width} px`, async (t) => {
        const { context, page, problems, cspViolations } = await openPage(suite.browser, suite.origin, {
          viewport: { width: viewport.width, height: viewport.height },
          expectStatus: status,
        });
        try {
          const response = await page.goto(`${suite.root}${path}`, { waitUntil: 'load' });
          assert.equal(response.status(), status);
          await page.waitForLoadState('networkidle');
          await page.locator(marker).first().waitFor({ timeout: 5000 });

          await t.test('no axe violation (WCAG 2.0/2.1/2.2 A and AA)', async () => {
            assert.deepEqual(await axeViolations(page), []);
          });
          await t.test('no sideways scrolling', async () => {
            const widths = await page.evaluate(() => [document.documentElement.scrollWidth, innerWidth]);
            assert.ok(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px window`);
          });
          await t.test('print hides navigation and search, shows sources and review dates', async () => {
            await checkPrint(page, kind);
          });
          await t.test('keyboard: skip link first, every link and control reachable with a visible focus', async () => {
            await checkKeyboard(page);
          });
          await t.test('no console error, failed or other-origin request, or CSP violation', async () => {
            assert.deepEqual([...problems, ...await cspViolations()], []);
          });
        } finally {
          await context.close();
        }
      });
    }
    test('dark mode at 390 px: no axe violation, visible focus, no problem', async () => {
      const { context, page, problems, cspViolations } = await openPage(suite.browser, suite.origin, {
        viewport: { width: 390, height: 844 }, colorScheme: 'dark', expectStatus: status,
      });
      try {
        await page.goto(`${suite.root}${path}`, { waitUntil: 'load' });
        await page.waitForLoadState('networkidle');
        await page.locator(marker).first().waitFor({ timeout: 5000 });
        assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
        assert.deepEqual(await axeViolations(page), []);
        await checkKeyboard(page);
        assert.deepEqual([...problems, ...await cspViolations()], []);
      } finally {
        await context.close();
      }
    });
  });
}
