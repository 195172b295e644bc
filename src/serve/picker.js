// cited serve: the quote picker. Served only by `cited serve` (never written
// to public/) and loaded by live.js on a source's page, where the preview
// build leaves an empty `data-cited-source` element (templates/source.html).
//
// It shows the source's text exactly as quotes are matched against it
// (/__cited/sources/<id>.txt) in a text box that keeps its text, which the
// mouse and the keyboard (Shift with the arrow keys) can select in. It is not
// `readonly`: Chromium gives a read-only text box no caret, so the keyboard
// could not select in it; instead every edit is refused (beforeinput) or,
// where a browser will not let it be refused (some input methods), undone.
// For a selection
// it shows a quote ready to paste under `quotes:` of a fact, and a button
// that copies it:
//
//   - source: web-excerpts
//     text: "Within 48 hours, the majority of the redness …"
//
// A quote is matched with every run of white space as one space and from
// whole words to whole words, and needs three words (src/check/quotes/): so
// the selection's white space is collapsed, a selection that starts or ends
// inside a word takes the whole word (and says so), and one of fewer than
// three words gets no quote, only a note saying why.
//
// The pages' Content-Security-Policy allows no inline script or style: this
// file builds the panel with DOM calls, sets text with textContent and value
// only, and styles it with /__cited/picker.css.
//
// The functions from a selection to YAML are pure and exported under node,
// where tests/quote_picker.rs runs them (and parses their YAML back with
// cited's own loader).
(() => {
  "use strict";

  // As src/check/quotes/mod.rs (MIN_WORDS).
  const MIN_WORDS = 3;
  const TEXT_URL = "/__cited/sources/";
  const STYLE_URL = "/__cited/picker.css";

  // White space as the quote matcher reads it: Rust's char::is_whitespace
  // (Unicode's White_Space), which is not quite JavaScript's \s (that has
  // U+FEFF, and lacks U+0085).
  const WHITE_SPACE_CLASS =
    "\\t\\n\\v\\f\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
  const WHITE_SPACE_RUNS = new RegExp(`[${WHITE_SPACE_CLASS}]+`, "g");
  const WHITE_SPACE = new RegExp(`[${WHITE_SPACE_CLASS}]`);

  // Characters written as escapes in the YAML: those YAML cannot hold as
  // they are (controls, lone surrogates, U+FFFE and U+FFFF), those older
  // YAML reads as line breaks (U+0085, U+2028, U+2029), and the invisible
  // ones an editor could not see in the file (soft hyphen, zero-width space,
  // byte-order mark, direction marks and overrides…). The joiners U+200C
  // and U+200D stay as they are: they belong inside words and emoji.
  const NEEDS_ESCAPE = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}\uFFFE\uFFFF]|(?![\u200C\u200D])\p{Cf}/u;
  // The control characters cited refuses in any text (src/load/fields.rs):
  // all of them but tab and line feed, which are white space here anyway.
  const FORBIDDEN_CONTROL = /\p{Cc}/u;
  const NAMED_ESCAPES = { '"': '\\"', "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

  // Whole words are Unicode's (UAX #29), as the matcher's are.
  const WORDS = new Intl.Segmenter(undefined, { granularity: "word" });
  // A word is looked for this many characters either side of a position at
  // most, so that selecting in a long archive costs the same as in a short one.
  const WINDOW = 256;

  /** Every run of white space as one space, none at either end. */
  function collapseWhiteSpace(text) {
    return text.replace(WHITE_SPACE_RUNS, " ").replace(/^ | $/g, "");
  }

  /** `text` as a YAML double-quoted scalar that reads back as exactly `text`. */
  function yamlDoubleQuoted(text) {
    let out = '"';
    for (const character of text) {
      const named = NAMED_ESCAPES[character];
      if (named !== undefined) {
        out += named;
      } else if (NEEDS_ESCAPE.test(character)) {
        const code = character.codePointAt(0).toString(16).toUpperCase();
        out += code.length <= 4 ? `\\u${code.padStart(4, "0")}` : `\\U${code.padStart(8, "0")}`;
      } else {
        out += character;
      }
    }
    return `${out}"`;
  }

  /**
   * A source id as YAML text: plain, unless YAML would read it as something
   * else (`null`, `true`, a number such as `2024` or `1e5`).
   */
  function yamlId(id) {
    return /^(null|true|false)$|^[0-9]/.test(id) ? yamlDoubleQuoted(id) : id;
  }

  /** The quote of `text` from source `sourceId`, as an item of a fact's `quotes:`. */
  function quoteSnippet(sourceId, text) {
    return `- source: ${yamlId(sourceId)}\n  text: ${yamlDoubleQuoted(collapseWhiteSpace(text))}`;
  }

  /** How many words `text` has, counting no further than `atMost`. */
  function countWords(text, atMost = Infinity) {
    let count = 0;
    for (const piece of WORDS.segment(text)) {
      if (piece.isWordLike && ++count >= atMost) break;
    }
    return count;
  }

  /**
   * The piece of `text` (a word, a space, a mark) that holds position `at`,
   * found in a window of `text` around it that starts and ends at white
   * space (where Unicode's rules always break) or WINDOW characters away.
   */
  function pieceAt(text, at) {
    let from = Math.max(0, at - WINDOW);
    for (let i = at - 1; i > from; i -= 1) {
      if (WHITE_SPACE.test(text[i])) {
        from = i;
        break;
      }
    }
    let to = Math.min(text.length, at + WINDOW);
    for (let i = at + 1; i < to; i += 1) {
      if (WHITE_SPACE.test(text[i])) {
        to = i;
        break;
      }
    }
    // Never cut a character written as two UTF-16 units in half.
    if (from > 0 && isLowSurrogate(text.charCodeAt(from))) from -= 1;
    if (to < text.length && isLowSurrogate(text.charCodeAt(to))) to += 1;
    const piece = WORDS.segment(text.slice(from, to)).containing(at - from);
    return { start: from + piece.index, end: from + piece.index + piece.segment.length, piece };
  }

  function isLowSurrogate(unit) {
    return unit >= 0xdc00 && unit <= 0xdfff;
  }

  /**
   * What the selection from `start` to `end` (UTF-16 offsets, as a text
   * box's selectionStart and selectionEnd) of `text` makes:
   *
   * - `{ kind: "nothing" }` when it holds no word;
   * - `{ kind: "control", text, character }` when it holds a control
   *   character, which no text of cited's may hold (the archive may);
   * - `{ kind: "too-short", text, words }` under MIN_WORDS words;
   * - `{ kind: "quote", text, words, cut, start, end }` otherwise.
   *
   * White space at either end is left out; a selection that starts or ends
   * inside a word takes the whole word, and `cut` lists those words.
   * `words` counts up to MIN_WORDS only.
   */
  function describeSelection(text, start, end) {
    start = Math.max(0, Math.min(start, text.length));
    end = Math.max(start, Math.min(end, text.length));
    while (start < end && WHITE_SPACE.test(text[start])) start += 1;
    while (end > start && WHITE_SPACE.test(text[end - 1])) end -= 1;
    if (start === end) return { kind: "nothing" };
    const cut = [];
    const first = pieceAt(text, start);
    if (first.start < start) {
      if (first.piece.isWordLike) cut.push(first.piece.segment);
      start = first.start;
    }
    const last = pieceAt(text, end - 1);
    if (last.end > end) {
      if (last.piece.isWordLike && last.start !== first.start) cut.push(last.piece.segment);
      end = last.end;
    }
    const selected = collapseWhiteSpace(text.slice(start, end));
    const words = countWords(selected, MIN_WORDS);
    if (words === 0) return { kind: "nothing" };
    const control = FORBIDDEN_CONTROL.exec(selected);
    if (control) {
      const code = control[0].codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
      return { kind: "control", text: selected, character: `U+${code}` };
    }
    if (words < MIN_WORDS) return { kind: "too-short", text: selected, words };
    return { kind: "quote", text: selected, words, cut, start, end };
  }

  /** What the panel says about a selection (see describeSelection). */
  function explain(selection) {
    switch (selection.kind) {
      case "too-short":
        return `“${selection.text}” is ${selection.words === 1 ? "one word" : "two words"}: `
          + `a quote needs at least ${MIN_WORDS} (shorter ones prove nothing). Select more.`;
      case "control":
        return `The selection holds an invisible control character (${selection.character}), `
          + "which a quote cannot hold: select the words before or after it.";
      case "quote": {
        if (selection.cut.length === 0) return "Ready: copy it and paste it under quotes: of a fact.";
        const words = selection.cut.map((word) => `“${word}”`).join(" and ");
        return `The selection cut into ${words}: quotes start and end with whole words, so it `
          + `takes ${selection.cut.length === 1 ? "that word" : "those words"} whole. `
          + "Copy it and paste it under quotes: of a fact.";
      }
      default:
        return "Select words in the text above (at least three) to make a quote.";
    }
  }

  // --- The panel -----------------------------------------------------------

  function element(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function startPicker(slot) {
    const sourceId = slot.dataset.citedSource || "";
    // Ids are checked by the build; anything else is not a hook of ours.
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(sourceId)) return;

    const style = element("link", { rel: "stylesheet", href: STYLE_URL });
    document.head.append(style);

    const panel = element("section", { class: "cited-picker", "aria-labelledby": "cited-picker-title" });
    const title = element("h2", { id: "cited-picker-title", class: "cited-picker-title" }, "Quote from this source");
    title.append(" ", element("span", { class: "cited-picker-badge" }, "preview only"));
    const help = element(
      "p",
      { id: "cited-picker-help", class: "cited-picker-help" },
      "Select words in the text below, with the mouse or with Shift and the arrow keys: "
        + "a quote ready to paste into a fact appears under it. This is the source's text "
        + "exactly as quotes are checked against it. Only cited serve shows this panel; "
        + "the published site does not.",
    );
    const label = element("label", { for: "cited-picker-text", class: "cited-picker-label" },
      "Text of this source");
    const box = element("textarea", {
      id: "cited-picker-text",
      class: "cited-picker-text",
      rows: "12",
      "aria-readonly": "true",
      autocomplete: "off",
      autocorrect: "off",
      autocapitalize: "off",
      spellcheck: "false",
      "aria-describedby": "cited-picker-help",
    });
    const status = element("p", { id: "cited-picker-status", class: "cited-picker-status", role: "status" },
      "Loading the text…");
    const result = element("div", { class: "cited-picker-result" });
    result.hidden = true;
    const figure = element("figure", { class: "cited-picker-figure" });
    const caption = element("figcaption", { class: "cited-picker-label" },
      "Quote to paste under quotes: of a fact");
    // Focusable from script only, for the copy fallback.
    const snippet = element("pre", { id: "cited-picker-snippet", class: "cited-picker-snippet", tabindex: "-1" });
    const code = element("code");
    snippet.append(code);
    figure.append(caption, snippet);
    const copy = element("button", { type: "button", class: "cited-picker-copy" }, "Copy quote");
    result.append(figure, copy);
    panel.append(title, help, label, box, status, result);
    slot.append(panel);

    let shown = { start: -1, end: -1 };
    let pending = false;

    function update() {
      pending = false;
      const { selectionStart: start, selectionEnd: end } = box;
      if (start === shown.start && end === shown.end) return;
      shown = { start, end };
      const selection = describeSelection(box.value, start, end);
      status.textContent = explain(selection);
      if (selection.kind === "quote") {
        showSnippet(quoteSnippet(sourceId, selection.text));
        result.hidden = false;
      } else {
        code.textContent = "";
        result.hidden = true;
      }
    }

    // Each line of the YAML in a block of its own, so that a long line,
    // wrapped, goes on indented under its key (picker.css) instead of at the
    // margin, where it would look like a line of its own. The line breaks
    // stay in the text, so the snippet reads and copies as the YAML it is.
    function showSnippet(yaml) {
      const lines = yaml.split("\n");
      code.replaceChildren(...lines.map((line, index) =>
        element("span", { class: "cited-picker-line" }, index < lines.length - 1 ? `${line}\n` : line)));
    }

    function soon() {
      if (!pending) {
        pending = true;
        requestAnimationFrame(update);
      }
    }

    // The text as loaded; nothing the editor does in the box changes it.
    let sourceText = "";
    box.addEventListener("beforeinput", (event) => event.preventDefault());
    box.addEventListener("input", () => {
      if (box.value === sourceText) return;
      const { selectionStart: start } = box;
      box.value = sourceText;
      box.setSelectionRange(start, start);
    });

    for (const event of ["select", "selectionchange", "keyup", "pointerup", "focus"]) {
      box.addEventListener(event, soon);
    }
    // Older browsers tell of a text box's selection on the document only.
    document.addEventListener("selectionchange", () => {
      if (document.activeElement === box) soon();
    });

    copy.addEventListener("click", async () => {
      const text = code.textContent;
      try {
        await navigator.clipboard.writeText(text);
        status.textContent = "Copied. Paste it under quotes: of a fact; cited checks it when you save.";
      } catch {
        // No Clipboard API (a page not served from this machine), or
        // permission refused: select the quote for the editor to copy.
        const range = document.createRange();
        range.selectNodeContents(code);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        snippet.focus({ preventScroll: true });
        status.textContent = "This browser did not let the page copy. The quote is selected: "
          + "press Ctrl+C (⌘C on a Mac) to copy it.";
      }
    });

    fetch(`${TEXT_URL}${sourceId}.txt`, { cache: "no-cache" })
      .then((response) => {
        if (!response.ok) throw new Error(`status ${response.status}`);
        return response.text();
      })
      .then((text) => {
        sourceText = text;
        box.value = text;
        shown = { start: -1, end: -1 };
        update();
      })
      .catch((error) => {
        status.textContent = `The text of this source could not be loaded (${error.message}). `
          + "Reload the page once the site builds.";
      });
  }

  const api = { MIN_WORDS, collapseWhiteSpace, yamlDoubleQuoted, quoteSnippet, countWords, describeSelection, explain };
  if (typeof module === "object" && module.exports) {
    module.exports = api;
  } else if (typeof document !== "undefined") {
    const slot = document.querySelector("[data-cited-source]");
    if (slot) startPicker(slot);
  }
})();
