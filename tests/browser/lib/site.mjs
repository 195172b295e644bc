// Shared helpers of the browser suite: the built site, a tiny static server,
// the browser, and a page that records every problem it sees.
//
//   SITE_DIR   a built site (run.sh builds one); if unset, the repository's
//              own site is built with CITED_BIN (default target/release/cited)
//              into a temporary folder, as search.spec.mjs does.
//   CHROMIUM   the browser (default /usr/bin/chromium)

import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
];

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};

/** The site under test: SITE_DIR, or the repository's site built into a temporary folder. */
export function builtSite() {
  if (process.env.SITE_DIR) return { dir: resolve(process.env.SITE_DIR), cleanup() {} };
  const binary = process.env.CITED_BIN || join(REPO, 'target', 'release', 'cited');
  const out = mkdtempSync(join(tmpdir(), 'cited-browser-'));
  const dir = join(out, 'site');
  execFileSync(binary, ['build', '--root', REPO, '--out', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { dir, cleanup() { rmSync(out, { recursive: true, force: true }); } };
}

/** Every page the build wrote, as URL paths: each `index.html` becomes its folder's path. */
export function builtPages(siteDir) {
  const pages = [];
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'index.html') {
        const rel = relative(siteDir, folder).split(sep).join('/');
        pages.push(rel ? `/${rel}/` : '/');
      }
    }
  };
  walk(siteDir);
  return pages.sort();
}

/**
 * The path the site is built to be served under (the path of its `base_url`,
 * e.g. "/" or "/kitchen/"), read off the home page's canonical address.
 */
export function basePath(siteDir) {
  const html = readFileSync(join(siteDir, 'index.html'), 'utf8');
  const canonical = html.match(/<link rel="canonical" href="([^"]+)"/);
  if (!canonical) return '/';
  const path = new URL(canonical[1], 'http://127.0.0.1').pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/**
 * A static server for the site on 127.0.0.1 (a free port), under the site's
 * base path (see basePath; anything outside it is unknown): folders serve
 * their index.html (a folder without its slash is redirected), any other
 * unknown path gets /404.html with status 404, as static hosts do.
 */
export function serve(siteDir, base = basePath(siteDir)) {
  const notFound = join(siteDir, '404.html');
  const server = createServer((request, response) => {
    let path;
    try {
      path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    } catch {
      response.writeHead(400).end();
      return;
    }
    const inside = path.startsWith(base) || `${path}/` === base;
    let file = inside ? normalize(join(siteDir, path.slice(base.length - 1))) : null;
    if (file && file !== siteDir && !file.startsWith(siteDir + sep)) {
      response.writeHead(403).end();
      return;
    }
    if (file && existsSync(file) && statSync(file).isDirectory()) {
      if (!path.endsWith('/')) {
        response.writeHead(301, { Location: `${path}/` }).end();
        return;
      }
      file = join(file, 'index.html');
    }
    let status = 200;
    if (!file || !existsSync(file) || !statSync(file).isFile()) {
      status = 404;
      file = notFound;
      if (!existsSync(file)) {
        response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
        return;
      }
    }
    response.writeHead(status, {
      'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    response.end(request.method === 'HEAD' ? undefined : readFileSync(file));
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      // root + a site path ("/", "/questions/x/") is that page's address.
      done({ server, origin, base, root: `${origin}${base.slice(0, -1)}` });
    });
  });
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Serves the site (default: builtSite()) and starts the browser; returns them with `close()`.
 */
export async function startSuite(site = builtSite()) {
  const { server, origin, base, root } = await serve(site.dir);
  const browser = await launchBrowser();
  return {
    site: site.dir,
    origin,
    base,
    root,
    browser,
    async close() {
      await browser.close();
      await new Promise((done) => server.close(done));
      site.cleanup();
    },
  };
}

/**
 * A fresh page in its own context that records problems: console errors and
 * warnings about the security policy, uncaught exceptions, failed requests,
 * HTTP errors (other than the 404 page's own document when `expectStatus` is
 * 404), requests to any other origin, and Content-Security-Policy violations
 * (reported by the page's own `securitypolicyviolation` events).
 */
export async function openPage(browser, origin, options = {}) {
  const { expectStatus = 200, ...contextOptions } = options;
  const context = await browser.newContext(contextOptions);
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || '(inline)'}`
        + ` at ${event.sourceFile || ''}:${event.lineNumber || ''}`);
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    const text = message.text();
    // The 404 page's own document is meant to come with status 404.
    if (expectStatus === 404 && /status of 404/.test(text) && message.location().url === page.url()) return;
    if (message.type() === 'error') problems.push(`console error: ${text}`);
    else if (/Content[- ]Security[- ]Policy|Refused to/i.test(text)) problems.push(`console: ${text}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`)) problems.push(`request to another origin: ${url}`);
  });
  page.on('requestfailed', (request) => {
    problems.push(`failed request: ${request.url()} (${request.failure()?.errorText})`);
  });
  page.on('response', (response) => {
    const status = response.status();
    const isDocument = response.request().isNavigationRequest() && response.frame() === page.mainFrame();
    if (isDocument && status === expectStatus) return;
    if (status >= 400 || (isDocument && status !== expectStatus)) {
      problems.push(`HTTP ${status}: ${response.url()}`);
    }
  });
  return {
    context,
    page,
    problems,
    async cspViolations() {
      return page.evaluate(() => window.__cspViolations || []);
    },
  };
}

/** The site's page of each kind the issue names, found in the built site (paths from the site's root). */
export function pageKinds(siteDir) {
  const first = (folder) => {
    const names = readdirSync(join(siteDir, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(join(siteDir, folder, entry.name, 'index.html')))
      .map((entry) => entry.name)
      .sort();
    if (!names.length) throw new Error(`the site has no page under /${folder}/`);
    return `/${folder}/${names[0]}/`;
  };
  // The first question page whose HTML contains `needle`, preferring `prefer`
  // (a name, or a second needle).
  const questionWith = (needle, prefer) => {
    const folder = join(siteDir, 'questions');
    const hits = readdirSync(folder).sort()
      .filter((name) => existsSync(join(folder, name, 'index.html')))
      .map((name) => ({ name, html: readFileSync(join(folder, name, 'index.html'), 'utf8') }))
      .filter((entry) => entry.html.includes(needle));
    if (!hits.length) throw new Error(`no question page contains ${needle}`);
    const best = hits.find((entry) => entry.name === prefer)
      || hits.find((entry) => prefer && entry.html.includes(prefer)) || hits[0];
    return `/questions/${best.name}/`;
  };
  // A question page whose HTML contains `needle`, if there is one.
  const questionIf = (needle) => {
    const folder = join(siteDir, 'questions');
    const name = readdirSync(folder).sort()
      .find((entry) => existsSync(join(folder, entry, 'index.html'))
        && readFileSync(join(folder, entry, 'index.html'), 'utf8').includes(needle));
    return name ? `/questions/${name}/` : null;
  };
  // Pages a site has only when its content has them: reviewers' pages, a
  // care card (the bundled site has none yet; run.sh also runs the pages
  // spec on the test fixture, which has both).
  const optional = [];
  if (existsSync(join(siteDir, 'reviewers'))) {
    optional.push({ kind: 'reviewer', path: first('reviewers'), marker: '.kind-reviewer' });
  }
  const careCard = questionIf('class="care-card ');
  if (careCard) optional.push({ kind: 'question with a care card', path: careCard, marker: '.care-card' });
  const plainPage = () => {
    const name = readdirSync(siteDir).sort().find((entry) => existsSync(join(siteDir, entry, 'index.html'))
      && readFileSync(join(siteDir, entry, 'index.html'), 'utf8').includes('<body class="kind-page"'));
    if (!name) throw new Error('the site has no plain page');
    return `/${name}/`;
  };
  // A word sure to find results: the longest word of the first question's title.
  const searchWord = () => {
    const html = readFileSync(join(siteDir, questionWith('<h1>').slice(1), 'index.html'), 'utf8');
    const title = html.match(/<h1>([^<]*)<\/h1>/)[1];
    return title.split(/[^A-Za-z]+/).sort((a, b) => b.length - a.length)[0].toLowerCase();
  };
  return [
    { kind: 'home', path: '/', marker: '.kind-home' },
    // A question with "Sources disagree", preferably one that also carries a caution.
    { kind: 'question with a disagreement', path: questionWith('fact status-disagree', 'class="caution '), marker: '.status-disagree' },
    { kind: 'question with a cost table', path: questionWith('data-block cost', 'how-much-does-microneedling-cost'), marker: '.cost table' },
    { kind: 'question with a comparison', path: questionWith('data-block comparison', 'microneedling-vs-botox'), marker: '.comparison table' },
    { kind: 'question with a timeline', path: questionWith('data-block timeline', 'what-happens-after-a-treatment'), marker: '.timeline-steps' },
    { kind: 'topic', path: first('topics'), marker: '.kind-topic' },
    { kind: 'tag', path: first('tags'), marker: '.kind-tag' },
    { kind: 'source', path: first('sources'), marker: '.kind-source' },
    { kind: 'caution', path: first('cautions'), marker: '.kind-caution' },
    { kind: 'glossary', path: '/glossary/', marker: '.kind-glossary' },
    { kind: 'get help', path: '/get-help/', marker: '.kind-get-help' },
    { kind: 'safety notes', path: '/cautions/', marker: '.kind-cautions' },
    ...optional,
    { kind: 'plain page', path: existsSync(join(siteDir, 'about', 'index.html')) ? '/about/' : plainPage(), marker: '.plain-page' },
    { kind: 'search', path: '/search/', marker: '#search-query' },
    { kind: 'search with results', path: `/search/?q=${encodeURIComponent(searchWord())}`, marker: '#search-results li a' },
    { kind: '404', path: '/404.html', marker: '.kind-404', status: 200 },
    { kind: '404 (unknown path)', path: '/no-such-page/', marker: '.kind-404', status: 404 },
  ];
}
