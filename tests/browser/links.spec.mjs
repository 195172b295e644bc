// The built site as a whole, over HTTP on 127.0.0.1:
//   - a crawl from the home page follows every internal link, resource and
//     form target (href, src, action) on every page it reaches: each must answer 200 without a
//     redirect, and each #fragment must name an element of its target page;
//     the pages it reaches must be exactly the pages the build wrote (every
//     index.html); the 404 page's own links are checked the same way;
//   - an unknown address is answered with the 404 page and status 404;
//   - every built page carries a strict Content-Security-Policy <meta>, before
//     anything it loads, that allows only the site's own origin.
//
// Run: tests/browser/run.sh   (or SITE_DIR=<built site> node --test tests/browser/links.spec.mjs)

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtPages, builtSite, serve } from './lib/site.mjs';

const site = builtSite();
let served;
before(async () => { served = await serve(site.dir); });
after(async () => {
  await new Promise((done) => served.server.close(done));
  site.cleanup();
});

const decode = (text) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;|&#x27;/g, "'")
  .replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The links and resources of an HTML page (not the canonical address, which is the public one). */
function linksOf(html) {
  const links = [];
  for (const match of html.matchAll(/<(a|link|script|img|form|iframe|source)\b([^>]*)>/gi)) {
    const [, tag, attributes] = match;
    if (/\brel="canonical"/i.test(attributes)) continue;
    for (const attribute of attributes.matchAll(/\b(href|src|action)="([^"]*)"/gi)) {
      links.push({ tag: tag.toLowerCase(), value: decode(attribute[2]) });
    }
  }
  return links;
}

const idsOf = (html) => new Set([...html.matchAll(/\b(?:id|name)="([^"]+)"/g)].map((match) => decode(match[1])));

/** Crawls from `starts`; returns the HTML pages reached and every broken link. */
async function crawl(starts) {
  const origin = served.origin;
  const fetched = new Map(); // path → { status, type, html }
  const broken = [];
  const fragments = []; // [from, path, id]
  const queue = [...starts];
  const get = async (path) => {
    if (!fetched.has(path)) {
      const response = await fetch(`${origin}${path}`, { redirect: 'manual' });
      const type = response.headers.get('content-type') || '';
      const body = await response.text();
      fetched.set(path, { status: response.status, type, html: type.startsWith('text/html') ? body : null });
      if (type.startsWith('text/html') && response.status === 200) queue.push(path);
    }
    return fetched.get(path);
  };
  for (const start of starts) await get(start);
  const seen = new Set();
  while (queue.length) {
    const from = queue.shift();
    if (seen.has(from)) continue;
    seen.add(from);
    for (const { tag, value } of linksOf(fetched.get(from).html)) {
      if (tag === 'link' && value === 'data:,') continue; // the empty favicon: no request
      const url = new URL(value, `${origin}${from}`);
      if (url.origin !== origin) {
        if (tag !== 'a') broken.push(`${from}: <${tag}> loads ${value} from another origin`);
        continue;
      }
      const target = await get(url.pathname);
      if (target.status !== 200) broken.push(`${from}: ${value} answers ${target.status}`);
      else if (url.hash && url.hash !== '#') fragments.push([from, url.pathname, decodeURIComponent(url.hash.slice(1))]);
    }
  }
  for (const [from, path, id] of fragments) {
    const target = fetched.get(path);
    if (target.html && !idsOf(target.html).has(id)) broken.push(`${from}: ${path}#${id} names no element`);
  }
  const pages = [...fetched].filter(([, entry]) => entry.html !== null && entry.status === 200).map(([path]) => path);
  return { pages: pages.sort(), broken };
}

test('every internal link resolves, and the crawl from the home page reaches every built page', async () => {
  const built = builtPages(site.dir).map((path) => served.base + path.slice(1));
  assert.ok(built.length > 10, `the build wrote ${built.length} pages`);
  const { pages, broken } = await crawl([served.base]);
  assert.deepEqual(broken, [], 'broken links');
  assert.deepEqual(built.filter((path) => !pages.includes(path)), [], 'built pages the crawl did not reach');
  assert.deepEqual(pages.filter((path) => !built.includes(path)), [], 'pages reached that the build did not write');
  assert.equal(pages.length, built.length, 'pages reached = pages built');
});

test('the 404 page: served for unknown addresses with status 404, and its links resolve', async () => {
  const unknown = ['no-such-page/', 'questions/no-such-question/', 'assets/missing.css'].map((path) => served.base + path);
  if (served.base !== '/') unknown.push('/'); // outside the site's base path
  for (const path of unknown) {
    const response = await fetch(`${served.origin}${path}`);
    assert.equal(response.status, 404, path);
    assert.match(await response.text(), /<body class="kind-404"/, `${path} shows the 404 page`);
  }
  const { broken } = await crawl([`${served.base}404.html`]);
  assert.deepEqual(broken, [], 'broken links reachable from the 404 page');
});

test('every built page has a strict same-origin Content-Security-Policy meta, before anything it loads', () => {
  const files = [...builtPages(site.dir).map((path) => join(site.dir, path, 'index.html')), join(site.dir, '404.html')];
  const problems = [];
  for (const file of files) {
    const html = readFileSync(file, 'utf8');
    const metas = [...html.matchAll(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/gi)];
    if (metas.length !== 1) {
      problems.push(`${file}: ${metas.length} CSP metas`);
      continue;
    }
    const head = html.slice(0, html.indexOf('</head>'));
    const firstLoad = head.search(/<(link|script)\b[^>]*\b(href|src)=/i);
    if (firstLoad !== -1 && firstLoad < metas[0].index) problems.push(`${file}: the CSP meta comes after a resource`);
    const directives = new Map(decode(metas[0][1]).split(';').map((part) => part.trim()).filter(Boolean)
      .map((part) => { const [name, ...values] = part.split(/\s+/); return [name, values]; }));
    if ((directives.get('default-src') || []).join(' ') !== "'self'") problems.push(`${file}: default-src is not 'self'`);
    for (const [name, values] of directives) {
      for (const value of values) {
        // Only the site's own origin; `data:` only for images (the empty favicon).
        const allowed = value === "'self'" || value === "'none'" || (value === 'data:' && name === 'img-src');
        if (!allowed) problems.push(`${file}: ${name} allows ${value}`);
      }
    }
    for (const name of ['base-uri', 'form-action']) {
      if (!directives.has(name)) problems.push(`${file}: no ${name} (it does not fall back to default-src)`);
    }
  }
  assert.deepEqual(problems, []);
});
