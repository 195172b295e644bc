/*
 * cited site search: runs on the /search/ page, fetching only the parts of
 * the static index (search/index/) that a query needs.
 *
 * The text rules (words, stem, editDistance) and the ranking (search) mirror
 * src/search/text.rs and src/search/lookup.rs rule for rule: the index holds
 * Porter stems written by Rust, so the query must be turned into the very
 * same stems here. Change both sides together; tests/search_index.rs runs
 * both and compares.
 *
 * It must not fetch anything from another origin, use eval, inline styles or
 * innerHTML: the page runs under `Content-Security-Policy: default-src 'self'`
 * and shows text from the index only as text.
 */
(function () {
  'use strict';

  // ---- Text normalisation (mirror of src/search/text.rs) ----

  var MAX_WORD_CHARS = 40;

  var STOP_WORDS = new Set([
    'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'can', 'do', 'does', 'for', 'from',
    'has', 'have', 'how', 'i', 'if', 'in', 'is', 'it', 'its', 'me', 'my', 'of', 'on', 'or', 'so',
    'than', 'that', 'the', 'their', 'them', 'then', 'there', 'these', 'they', 'this', 'to', 'was',
    'we', 'were', 'what', 'when', 'where', 'which', 'who', 'will', 'with', 'you', 'your'
  ]);

  function isStopWord(word) {
    return STOP_WORDS.has(word);
  }

  // Characters beyond U+FFFF separate words (as in Rust), so that comparing
  // strings by UTF-16 code unit here sorts terms as Rust's byte order does.
  var ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var APOSTROPHES = /['\u2019]/g;

  function normaliseWord(raw) {
    return raw.toLowerCase().replace(APOSTROPHES, '');
  }

  /** Lowercased runs of letters and digits, apostrophes removed. */
  function words(text) {
    var lowered = normaliseWord(text).replace(ASTRAL, ' ');
    var found = lowered.match(WORD) || [];
    return found.filter(function (word) { return word.length <= MAX_WORD_CHARS; });
  }

  /** The Porter (1980) stemmer, as Martin Porter's reference implementation. */
  function stem(word) {
    if (word.length <= 2 || !/^[a-z]+$/.test(word)) {
      return word;
    }
    var b = word.split('');
    var k = b.length - 1;
    var j = 0;

    function isConsonant(i) {
      switch (b[i]) {
        case 'a': case 'e': case 'i': case 'o': case 'u': return false;
        case 'y': return i === 0 || !isConsonant(i - 1);
        default: return true;
      }
    }
    function measure() {
      var count = 0;
      var i = 0;
      for (;;) {
        if (i > j) return count;
        if (!isConsonant(i)) break;
        i += 1;
      }
      i += 1;
      for (;;) {
        for (;;) {
          if (i > j) return count;
          if (isConsonant(i)) break;
          i += 1;
        }
        i += 1;
        count += 1;
        for (;;) {
          if (i > j) return count;
          if (!isConsonant(i)) break;
          i += 1;
        }
        i += 1;
      }
    }
    function vowelInStem() {
      for (var i = 0; i <= j; i += 1) {
        if (!isConsonant(i)) return true;
      }
      return false;
    }
    function doubleConsonant(i) {
      return i >= 1 && b[i] === b[i - 1] && isConsonant(i);
    }
    function cvc(i) {
      if (i < 2 || !isConsonant(i) || isConsonant(i - 1) || !isConsonant(i - 2)) return false;
      return b[i] !== 'w' && b[i] !== 'x' && b[i] !== 'y';
    }
    function ends(suffix) {
      var length = suffix.length;
      if (length > k + 1) return false;
      if (b.slice(k - length + 1, k + 1).join('') !== suffix) return false;
      j = k - length;
      return true;
    }
    function setTo(replacement) {
      b.length = j + 1;
      for (var i = 0; i < replacement.length; i += 1) b.push(replacement[i]);
      k = j + replacement.length;
    }
    function replaceIfMeasured(replacement) {
      if (measure() > 0) setTo(replacement);
    }
    // The first suffix that matches ends the search, whatever its condition.
    function firstRule(rules) {
      for (var i = 0; i < rules.length; i += 1) {
        if (ends(rules[i][0])) {
          replaceIfMeasured(rules[i][1]);
          return;
        }
      }
    }

    // Step 1ab
    if (b[k] === 's') {
      if (ends('sses')) k -= 2;
      else if (ends('ies')) setTo('i');
      else if (b[k - 1] !== 's') k -= 1;
    }
    if (ends('eed')) {
      if (measure() > 0) k -= 1;
    } else if ((ends('ed') || ends('ing')) && vowelInStem()) {
      k = j;
      if (ends('at')) setTo('ate');
      else if (ends('bl')) setTo('ble');
      else if (ends('iz')) setTo('ize');
      else if (doubleConsonant(k)) {
        k -= 1;
        if (b[k] === 'l' || b[k] === 's' || b[k] === 'z') k += 1;
      } else if (measure() === 1 && cvc(k)) setTo('e');
    }
    if (k > 0) {
      // Step 1c
      if (ends('y') && vowelInStem()) b[k] = 'i';
      // Step 2
      firstRule({
        a: [['ational', 'ate'], ['tional', 'tion']],
        c: [['enci', 'ence'], ['anci', 'ance']],
        e: [['izer', 'ize']],
        l: [['bli', 'ble'], ['alli', 'al'], ['entli', 'ent'], ['eli', 'e'], ['ousli', 'ous']],
        o: [['ization', 'ize'], ['ation', 'ate'], ['ator', 'ate']],
        s: [['alism', 'al'], ['iveness', 'ive'], ['fulness', 'ful'], ['ousness', 'ous']],
        t: [['aliti', 'al'], ['iviti', 'ive'], ['biliti', 'ble']],
        g: [['logi', 'log']]
      }[b[k - 1]] || []);
      // Step 3
      firstRule({
        e: [['icate', 'ic'], ['ative', ''], ['alize', 'al']],
        i: [['iciti', 'ic']],
        l: [['ical', 'ic'], ['ful', '']],
        s: [['ness', '']]
      }[b[k]] || []);
      // Step 4
      step4();
      // Step 5
      j = k;
      if (b[k] === 'e') {
        var m = measure();
        if (m > 1 || (m === 1 && !cvc(k - 1))) k -= 1;
      }
      if (b[k] === 'l' && doubleConsonant(k) && measure() > 1) k -= 1;
    }
    return b.slice(0, k + 1).join('');

    function step4() {
      var suffixes = {
        a: ['al'], c: ['ance', 'ence'], e: ['er'], i: ['ic'], l: ['able', 'ible'],
        n: ['ant', 'ement', 'ment', 'ent'], s: ['ism'], t: ['ate', 'iti'], u: ['ous'],
        v: ['ive'], z: ['ize']
      };
      var letter = b[k - 1];
      if (letter === 'o') {
        // "-ion" goes only after s or t; otherwise try "-ou".
        var afterSOrT = ends('ion') && j >= 0 && (b[j] === 's' || b[j] === 't');
        if (!afterSOrT && !ends('ou')) return;
      } else {
        var list = Object.prototype.hasOwnProperty.call(suffixes, letter) ? suffixes[letter] : null;
        if (!list || !list.some(function (suffix) { return ends(suffix); })) return;
      }
      if (measure() > 1) k = j;
    }
  }

  /** Optimal-string-alignment distance, or limit + 1 once it must exceed limit. */
  function editDistance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) return limit + 1;
    var width = b.length + 1;
    var beforePrevious = new Array(width).fill(0);
    var previous = [];
    for (var x = 0; x < width; x += 1) previous.push(x);
    var current = new Array(width).fill(0);
    for (var i = 1; i <= a.length; i += 1) {
      current[0] = i;
      var rowMinimum = i;
      for (var jj = 1; jj <= b.length; jj += 1) {
        var cost = a[i - 1] === b[jj - 1] ? 0 : 1;
        var best = Math.min(previous[jj] + 1, current[jj - 1] + 1, previous[jj - 1] + cost);
        if (i > 1 && jj > 1 && a[i - 1] === b[jj - 2] && a[i - 2] === b[jj - 1]) {
          best = Math.min(best, beforePrevious[jj - 2] + 1);
        }
        current[jj] = best;
        rowMinimum = Math.min(rowMinimum, best);
      }
      if (rowMinimum > limit) return limit + 1;
      var spare = beforePrevious;
      beforePrevious = previous;
      previous = current;
      current = spare;
    }
    return Math.min(previous[b.length], limit + 1);
  }

  // ---- Query (mirror of src/search/lookup.rs) ----

  var FORMAT_VERSION = 1;
  var MAX_QUERY_WORDS = 8;
  var MIN_PREFIX_CHARS = 3;
  var MAX_PREFIX_SHARDS = 3;
  var EXACT_WEIGHT = 4;
  var PREFIX_WEIGHT = 2;
  var TYPO_WEIGHTS = [0, 2, 1];

  function queryWords(q) {
    var all = words(q);
    var typing = all.length > 0 && !/\s$/.test(q) ? all[all.length - 1] : null;
    var result = [];
    for (var i = 0; i < all.length; i += 1) {
      var word = all[i];
      if (isStopWord(word) || result.some(function (known) { return known.word === word; })) continue;
      if (result.length === MAX_QUERY_WORDS) break;
      result.push({ word: word, stem: stem(word), prefix: false });
    }
    if (typing !== null && typing.length >= MIN_PREFIX_CHARS) {
      var last = result.find(function (known) { return known.word === typing; });
      if (last) last.prefix = true;
    }
    return result;
  }

  function shardOf(firstTerms, term) {
    var low = 0;
    var high = firstTerms.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (firstTerms[middle] <= term) low = middle + 1;
      else high = middle;
    }
    return Math.max(low - 1, 0);
  }

  function prefixShards(firstTerms, prefix) {
    var start = shardOf(firstTerms, prefix);
    var end = start;
    while (end + 1 < firstTerms.length && firstTerms[end + 1].startsWith(prefix)) end += 1;
    if (end - start >= MAX_PREFIX_SHARDS) return [];
    var shards = [];
    for (var s = start; s <= end; s += 1) shards.push(s);
    return shards;
  }

  function neighbourShards(firstTerms, term, into) {
    var shard = shardOf(firstTerms, term);
    into.add(Math.max(shard - 1, 0));
    into.add(shard);
    if (shard + 1 < firstTerms.length) into.add(shard + 1);
  }

  function typoBudget(word) {
    if (word.length <= 3) return 0;
    if (word.length <= 7) return 1;
    return 2;
  }

  function findEntry(entries, term) {
    var low = 0;
    var high = entries.length;
    while (low < high) {
      var middle = (low + high) >> 1;
      var found = entries[middle][0];
      if (found === term) return middle;
      if (found < term) low = middle + 1;
      else high = middle;
    }
    return -1;
  }

  /**
   * An index at `base` (the URL of search/index/, ending in "/"), read with
   * `fetchJson(url) -> Promise<parsed JSON>`. Every file is fetched once.
   */
  function createIndex(base, fetchJson) {
    var cache = new Map();
    function load(url) {
      if (!cache.has(url)) {
        var pending = fetchJson(url);
        cache.set(url, pending);
        // A failed fetch may be retried by the next query.
        pending.catch(function () { cache.delete(url); });
      }
      return cache.get(url);
    }
    function meta() {
      return load(base + 'meta.json').then(function (found) {
        if (!found || found.v !== FORMAT_VERSION) throw new Error('unknown search index format');
        return found;
      });
    }
    function loadShards(info, wanted, shards) {
      var missing = Array.from(wanted).filter(function (shard) { return !shards.has(shard); });
      missing.sort(function (x, y) { return x - y; });
      return Promise.all(missing.map(function (shard) {
        return load(base + info.dir + 't' + shard + '.json').then(function (entries) {
          shards.set(shard, entries);
        });
      }));
    }

    /**
     * Ranks the documents for `q`: resolves to { ranked: [document number],
     * terms: Set of matched index terms (for highlighting) }.
     */
    async function search(q) {
      var qws = queryWords(q);
      if (qws.length === 0) return { ranked: [], terms: new Set() };
      var info = await meta();
      var firstTerms = info.terms;
      if (firstTerms.length === 0) return { ranked: [], terms: new Set() };
      var shards = new Map();

      var wanted = new Set();
      var prefixRanges = qws.map(function (qw) {
        wanted.add(shardOf(firstTerms, qw.stem));
        var range = qw.prefix ? prefixShards(firstTerms, qw.word) : [];
        range.forEach(function (shard) { wanted.add(shard); });
        return range;
      });
      await loadShards(info, wanted, shards);

      var matches = qws.map(function (qw, i) {
        var found = [];
        var exactShard = shardOf(firstTerms, qw.stem);
        var index = findEntry(shards.get(exactShard), qw.stem);
        if (index >= 0) found.push([exactShard, index, EXACT_WEIGHT]);
        prefixRanges[i].forEach(function (shard) {
          shards.get(shard).forEach(function (entry, entryIndex) {
            if (entry[0].startsWith(qw.word) && entry[0] !== qw.stem) {
              found.push([shard, entryIndex, PREFIX_WEIGHT]);
            }
          });
        });
        return found;
      });

      wanted = new Set();
      qws.forEach(function (qw, i) {
        if (matches[i].length === 0 && typoBudget(qw.word) > 0) {
          neighbourShards(firstTerms, qw.stem, wanted);
          neighbourShards(firstTerms, qw.word, wanted);
        }
      });
      await loadShards(info, wanted, shards);
      qws.forEach(function (qw, i) {
        var budget = typoBudget(qw.word);
        if (matches[i].length > 0 || budget === 0) return;
        var near = new Set();
        neighbourShards(firstTerms, qw.stem, near);
        neighbourShards(firstTerms, qw.word, near);
        var ordered = Array.from(near).sort(function (x, y) { return x - y; });
        var firstChar = qw.stem[0];
        ordered.forEach(function (shard) {
          shards.get(shard).forEach(function (entry, entryIndex) {
            if (entry[0][0] !== firstChar) return;
            var distance = editDistance(qw.stem, entry[0], budget);
            entry[1].forEach(function (form) {
              distance = Math.min(distance, editDistance(qw.word, form, budget));
            });
            if (distance <= budget) matches[i].push([shard, entryIndex, TYPO_WEIGHTS[distance]]);
          });
        });
      });

      var terms = new Set();
      var documents = new Map();
      matches.forEach(function (found) {
        var best = new Map();
        found.forEach(function (match) {
          var entry = shards.get(match[0])[match[1]];
          terms.add(entry[0]);
          var postings = entry[2];
          var doc = 0;
          for (var p = 0; p + 1 < postings.length; p += 2) {
            doc += postings[p];
            var score = postings[p + 1] * match[2];
            var known = best.get(doc);
            if (known === undefined || score > known) best.set(doc, score);
          }
        });
        best.forEach(function (score, doc) {
          var slot = documents.get(doc);
          if (slot) {
            slot[0] += 1;
            slot[1] += score;
          } else {
            documents.set(doc, [1, score]);
          }
        });
      });
      var ranked = Array.from(documents.entries());
      ranked.sort(function (x, y) {
        return (y[1][0] - x[1][0]) || (y[1][1] - x[1][1]) || (x[0] - y[0]);
      });
      return { ranked: ranked.map(function (pair) { return pair[0]; }), terms: terms };
    }

    /** The stored documents for the given numbers: { url, title, section, text }. */
    async function documents(numbers) {
      if (numbers.length === 0) return [];
      var info = await meta();
      var perChunk = Math.max(info.per_chunk, 1);
      return Promise.all(numbers.map(function (doc) {
        var chunk = Math.floor(doc / perChunk);
        return load(base + info.dir + 'd' + chunk + '.json').then(function (stored) {
          var row = stored[doc % perChunk];
          return { url: row[0], title: row[1], section: row[2], text: row[3] };
        });
      }));
    }

    return { search: search, documents: documents };
  }

  // ---- Excerpts ----

  var EXCERPT_WORDS = 28;
  var WORDS_BEFORE_FIRST_HIT = 5;
  var SPAN = /[\p{Alphabetic}\p{N}'\u2019]+/gu;

  /**
   * A short stretch of `text` around the words whose stems are in `terms`:
   * a list of { text, mark } pieces, marked pieces being matched words.
   */
  function excerpt(text, terms) {
    var spans = [];
    var found;
    SPAN.lastIndex = 0;
    while ((found = SPAN.exec(text)) !== null) {
      var normal = words(found[0])[0] || '';
      spans.push({ start: found.index, end: found.index + found[0].length, hit: terms.has(stem(normal)) });
    }
    if (spans.length === 0) return [{ text: text, mark: false }];
    var start = 0;
    var bestHits = 0;
    spans.forEach(function (span, i) {
      if (!span.hit) return;
      var from = Math.max(i - WORDS_BEFORE_FIRST_HIT, 0);
      var hits = 0;
      for (var w = from; w < Math.min(from + EXCERPT_WORDS, spans.length); w += 1) {
        if (spans[w].hit) hits += 1;
      }
      if (hits > bestHits) {
        bestHits = hits;
        start = from;
      }
    });
    var end = Math.min(start + EXCERPT_WORDS, spans.length);
    var pieces = [];
    if (start > 0) pieces.push({ text: '… ', mark: false });
    var position = spans[start].start;
    for (var s = start; s < end; s += 1) {
      if (!spans[s].hit) continue;
      if (spans[s].start > position) pieces.push({ text: text.slice(position, spans[s].start), mark: false });
      pieces.push({ text: text.slice(spans[s].start, spans[s].end), mark: true });
      position = spans[s].end;
    }
    var stop = spans[end - 1].end;
    if (stop > position) pieces.push({ text: text.slice(position, stop), mark: false });
    if (end < spans.length) pieces.push({ text: ' …', mark: false });
    return pieces;
  }

  // ---- The search page ----

  var RESULTS_PER_PAGE = 10;
  var TYPING_PAUSE_MS = 200;

  function startSearchPage(document, window) {
    var results = document.getElementById('search-results');
    var input = document.getElementById('search-query');
    var form = document.getElementById('search-form');
    var status = document.getElementById('search-status');
    var more = document.getElementById('search-more');
    if (!results || !input || !status) return;
    var base = new URL(results.getAttribute('data-index'), window.location.href).href;
    var index = createIndex(base, function (url) {
      return window.fetch(url, { credentials: 'same-origin' }).then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      });
    });
    var generation = 0;
    var current = null;
    var timer = null;

    function say(message) {
      status.textContent = message;
    }

    function renderResult(doc, terms) {
      var item = document.createElement('li');
      item.className = 'search-result';
      var heading = document.createElement('h2');
      heading.className = 'search-result-title';
      var link = document.createElement('a');
      link.href = doc.url;
      link.textContent = doc.title;
      heading.appendChild(link);
      item.appendChild(heading);
      if (doc.section) {
        var section = document.createElement('p');
        section.className = 'search-result-section';
        section.textContent = doc.section;
        item.appendChild(section);
      }
      var text = document.createElement('p');
      text.className = 'search-result-excerpt';
      excerpt(doc.text, terms).forEach(function (piece) {
        if (piece.mark) {
          var mark = document.createElement('mark');
          mark.textContent = piece.text;
          text.appendChild(mark);
        } else {
          text.appendChild(document.createTextNode(piece.text));
        }
      });
      item.appendChild(text);
      return item;
    }

    async function showMore(focusFirst) {
      var run = current;
      var numbers = run.ranked.slice(run.shown, run.shown + RESULTS_PER_PAGE);
      var docs = await index.documents(numbers);
      if (run !== current) return;
      var firstLink = null;
      docs.forEach(function (doc) {
        var item = renderResult(doc, run.terms);
        if (!firstLink) firstLink = item.querySelector('a');
        results.appendChild(item);
      });
      run.shown += numbers.length;
      if (more) more.hidden = run.shown >= run.ranked.length;
      if (focusFirst && firstLink) firstLink.focus();
    }

    function describe(count, q) {
      if (count === 0) return 'No results for “' + q + '”.';
      return count + (count === 1 ? ' result' : ' results') + ' for “' + q + '”.';
    }

    async function run(q) {
      generation += 1;
      var mine = generation;
      var trimmed = q.trim();
      var address = new URL(window.location.href);
      if (trimmed) address.searchParams.set('q', trimmed);
      else address.searchParams.delete('q');
      window.history.replaceState(null, '', address.pathname + address.search + address.hash);
      if (!trimmed) {
        current = null;
        results.replaceChildren();
        if (more) more.hidden = true;
        say('');
        return;
      }
      try {
        var found = await index.search(trimmed);
        if (mine !== generation) return;
        current = { ranked: found.ranked, terms: found.terms, shown: 0 };
        results.replaceChildren();
        await showMore(false);
        if (mine !== generation) return;
        say(describe(found.ranked.length, trimmed));
      } catch (error) {
        if (mine !== generation) return;
        results.replaceChildren();
        if (more) more.hidden = true;
        say('Search is not available right now. Please try again later.');
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { run(input.value); }, TYPING_PAUSE_MS);
    }

    function resultLinks() {
      return Array.from(results.querySelectorAll('.search-result-title a'));
    }

    input.addEventListener('input', schedule);
    input.addEventListener('keydown', function (event) {
      if (event.key === 'ArrowDown') {
        var links = resultLinks();
        if (links.length > 0) {
          event.preventDefault();
          links[0].focus();
        }
      }
    });
    results.addEventListener('keydown', function (event) {
      var links = resultLinks();
      var at = links.indexOf(document.activeElement);
      if (at < 0) return;
      if (event.key === 'ArrowDown' && at + 1 < links.length) {
        event.preventDefault();
        links[at + 1].focus();
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        (at > 0 ? links[at - 1] : input).focus();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        input.focus();
      }
    });
    if (form) {
      form.addEventListener('submit', function (event) {
        event.preventDefault();
        window.clearTimeout(timer);
        run(input.value);
      });
    }
    if (more) {
      more.addEventListener('click', function () {
        if (current) showMore(true);
      });
    }

    var initial = new URL(window.location.href).searchParams.get('q') || '';
    var header = document.getElementById('site-search');
    if (header && !header.value) header.value = initial;
    if (initial) {
      input.value = initial;
      run(initial);
    }
  }

  var api = {
    words: words,
    stem: stem,
    isStopWord: isStopWord,
    editDistance: editDistance,
    queryWords: queryWords,
    createIndex: createIndex,
    excerpt: excerpt
  };
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (typeof document !== 'undefined') {
    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', function () { startSearchPage(document, window); });
    } else {
      startSearchPage(document, window);
    }
  }
})();
