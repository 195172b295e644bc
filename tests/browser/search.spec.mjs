// Browser test of site search: headless Chromium types into the search page
// of a built site and must see the expected question, highlighted, announced
// and reachable by keyboard, under a strict same-origin CSP, downloading
// only a small part of the index.
//
// Run: node tests/browser/search.spec.mjs  (or node --test tests/browser/search.spec.mjs)
//   SITE_DIR      a built site to test; if unset, the site at FIXTURE_ROOT
//                 (default tests/fixtures/valid, else the repository's own
//                 content) is built with CITED_BIN (default
//                 target/release/cited) into a temporary folder
//   CHROMIUM      the browser (default /usr/bin/chromium)
//   SEARCH_QUERY  the word to search for (default "bruising"), and
//   SEARCH_EXPECT a regular expression the first result's title must match
//                 (default "bruis")
// It serves the site itself on 127.0.0.1 with node's http module.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const QUERY = process.env.SEARCH_QUERY || 'bruising';
const EXPECT = new RegExp(process.env.SEARCH_EXPECT || 'bruis', 'i');
const MAX_INDEX_BYTES_PER_SEARCH = 300_000;
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
// The strictest policy the issue asks the page to work under.
const CSP = "default-src 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
};

async function loadChromium() {
  try {
    return (await import('playwright-core')).chromium;
  } catch (error) {
    // Outside the browser suite's own node_modules, PLAYWRIGHT_CORE may name
    // the package's index.mjs.
    if (!process.env.PLAYWRIGHT_CORE) throw error;
    return (await import(resolve(process.env.PLAYWRIGHT_CORE))).chromium;
  }
}

function builtSite() {
  if (process.env.SITE_DIR) return { dir: resolve(process.env.SITE_DIR), temporary: false };
  const fixture = join(REPO, 'tests', 'fixtures', 'valid');
  const root = process.env.FIXTURE_ROOT || (existsSync(fixture) ? fixture : REPO);
  const binary = process.env.CITED_BIN || join(REPO, 'target', 'release', 'cited');
  const out = mkdtempSync(join(tmpdir(), 'cited-search-'));
  const dir = join(out, 'site');
  execFileSync(binary, ['build', '--root', root, '--out', dir], { stdio: 'inherit' });
  return { dir, temporary: true, out };
}

/** A static server for the site that records what it sends. */
function serve(siteDir) {
  const sent = [];
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://localhost').pathname);
    let file = normalize(join(siteDir, path));
    if (file !== siteDir && !file.startsWith(siteDir + sep)) {
      response.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith('/')) {
        response.writeHead(301, { Location: path + '/' }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    if (!existsSync(file)) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const body = readFileSync(file);
    sent.push({ path, bytes: body.length });
    response.writeHead(200, {
      'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
    });
    response.end(body);
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => done({ server, sent }));
  });
}

let site;
let served;
let origin;
let browser;

before(async () => {
  site = builtSite();
  served = await serve(site.dir);
  origin = `http://127.0.0.1:${served.server.address().port}`;
  const chromium = await loadChromium();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

after(async () => {
  if (browser) await browser.close();
  if (served) served.server.close();
  if (site && site.temporary) rmSync(site.out, { recursive: true, force: true });
});

/**
 * The base theme's placeholder favicon (`<link rel="icon" href="data:,">`) is
 * allowed by the theme's own policy (img-src data:) but not by the strict one
 * served here. It is the theme's concern, not search's, so it is not counted.
 */
function isThemeFavicon(text) {
  return text.includes("Loading the image 'data:,'");
}

/** A fresh page that records console errors and requests to other origins. */
async function openPage(options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !isThemeFavicon(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith('data:')) problems.push(`other origin: ${url}`);
  });
  return { context, page, problems };
}

function indexBytesSince(mark) {
  return served.sent.slice(mark)
    .filter((entry) => entry.path.includes('/search/index/'))
    .reduce((sum, entry) => sum + entry.bytes, 0);
}

const RESULT_LINKS = '#search-results li .search-result-title a';

test('typing a query shows the expected question, highlighted and announced', async () => {
  const { context, page, problems } = await openPage();
  try {
    await page.goto(`${origin}/search/`);
    const mark = served.sent.length;
    const field = page.getByLabel(/search questions/i);
    await field.pressSequentially(QUERY, { delay: 40 });
    await page.locator(RESULT_LINKS).first().waitFor();
    const first = page.locator(RESULT_LINKS).first();
    assert.match(await first.textContent(), EXPECT);
    assert.match(await first.getAttribute('href'), /^\//);

    const firstResult = page.locator('#search-results li').first();
    const marks = await firstResult.locator('mark').allTextContents();
    assert.ok(marks.length > 0, 'the excerpt highlights the matched words');
    assert.ok(marks.every((text) => EXPECT.test(text) || text.length > 0));
    assert.ok((await firstResult.locator('.search-result-section').textContent()).trim().length > 0,
      'the result shows its topic');

    const status = page.locator('#search-status');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    await page.waitForFunction(() => /\d+ results? for/.test(document.getElementById('search-status').textContent));
    assert.match(page.url(), new RegExp(`[?&]q=${QUERY}`), 'the address keeps the query');

    const bytes = indexBytesSince(mark);
    assert.ok(bytes < MAX_INDEX_BYTES_PER_SEARCH, `one search downloaded ${bytes} bytes of index`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('small typos still find the question', async () => {
  const { context, page, problems } = await openPage();
  try {
    await page.goto(`${origin}/search/`);
    await page.locator('#search-query').pressSequentially('microneedeling', { delay: 20 });
    await page.locator(RESULT_LINKS).first().waitFor();
    const marks = await page.locator('#search-results mark').allTextContents();
    assert.ok(marks.some((text) => /microneedling/i.test(text)), `marks: ${marks.join(', ')}`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('the header search box leads to the search page with the query', async () => {
  const { context, page, problems } = await openPage();
  try {
    await page.goto(`${origin}/`);
    await page.locator('#site-search').fill(QUERY);
    await page.locator('#site-search').press('Enter');
    await page.waitForURL(/\/search\/\?q=/);
    assert.equal(await page.locator('#search-query').inputValue(), QUERY);
    await page.locator(RESULT_LINKS).first().waitFor();
    assert.match(await page.locator(RESULT_LINKS).first().textContent(), EXPECT);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('results are usable by keyboard alone', async () => {
  const { context, page, problems } = await openPage();
  try {
    await page.goto(`${origin}/search/?q=${encodeURIComponent('microneedling')}`);
    await page.locator(RESULT_LINKS).nth(1).waitFor();
    const focusedHref = () => page.evaluate(() => document.activeElement.getAttribute('href'));
    const links = page.locator(RESULT_LINKS);
    const firstHref = await links.nth(0).getAttribute('href');
    const secondHref = await links.nth(1).getAttribute('href');

    await page.locator('#search-query').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedHref(), firstHref);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedHref(), secondHref);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focusedHref(), firstHref);
    await page.keyboard.press('Escape');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-query');

    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.pathname === firstHref.split('#')[0]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('with JavaScript off the search form still lands on the search page', async () => {
  const { context, page } = await openPage({ javaScriptEnabled: false });
  try {
    await page.goto(`${origin}/`);
    await page.locator('#site-search').fill(QUERY);
    await page.locator('#site-search').press('Enter');
    await page.waitForURL(/\/search\/\?q=/);
    assert.match(page.url(), new RegExp(`q=${QUERY}`));
    assert.ok(await page.locator('.search-noscript').isVisible(), 'the page says search needs JavaScript');
  } finally {
    await context.close();
  }
});
