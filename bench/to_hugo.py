#!/usr/bin/env python3
"""Turn a site written by bench/generate.py into an equivalent Hugo site.

    python3 bench/to_hugo.py CITED_SITE HUGO_SITE

So that Hugo can be timed on the same content as `cited build`. Reads
CITED_SITE/content/ (the YAML that generate.py writes: a small subset of
YAML that this script parses itself and refuses beyond, standard library
only) and writes HUGO_SITE/hugo.toml and HUGO_SITE/content/, using the theme
in bench/hugo/themes/cited-bench (by absolute path: the theme is read where it
is, so editing it needs no new conversion).

What maps to what (bench/README.md says what is equivalent and what is not):

  question  -> content/questions/ID.md: the answer as the body, everything
               else in front matter; topic, tags, quoted sources and cautions
               as taxonomy terms, so Hugo builds their listings
  topic     -> term page content/topics/ID/_index.md (intro as body)
  source    -> term page content/sources/ID/_index.md, part 1 of its page;
               parts 2... as content/source-parts/ID-N.md at /sources/ID/N/:
               each quoted passage once, by paragraph, with who quotes it
  caution   -> term page content/cautions/ID/_index.md (message as body)
  glossary  -> content/glossary/ID.md, not rendered alone, listed whole on
               /glossary/ as in cited
  page      -> content/ID.md (/about/ etc.)
  reviewer  -> term page content/reviewers/ID/_index.md: its answers with
               their review dates; questions name theirs (taxonomy
               `reviewers`, in the order `reviewed.by` gives)

Fields generate.py does not write are refused (FIELDS), not dropped.

Links: cited's `[[id]]` becomes `[](/questions/id)` (or the path of that
kind); the theme's link render hook resolves it with site.GetPage, fails the
build on an unknown target, and writes the target's title as the text, as
cited does. Work cited does while it builds but Hugo has no feature for is
done here, before the timed run: `related` made symmetric, "pages that link
here" (backlinks), the first mention of each glossary term linked, where
each quote is in its archive (its ellipses, paragraph, passage anchor, part
of the source's page and text-fragment link to the original) and how a
fact's disagreement is worded. Those results go into front matter and the
markdown, and Hugo only renders them.

Refuses to write into a HUGO_SITE that it did not write before (a marker file
says so), and writes beside it then swaps, so an interrupted run leaves no
half-written site.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import re
import shutil
import sys

THEME_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "hugo", "themes")
THEME = "cited-bench"
MARKER = ".bench-hugo-generated"

# cited kind folder -> the Hugo path prefix of its pages
KIND_PATHS = {
    "questions": "/questions/",
    "topics": "/topics/",
    "sources": "/sources/",
    "cautions": "/cautions/",
    "glossary": "/glossary/",
    "pages": "/",
    "reviewers": "/reviewers/",
}

# The fields generate.py writes, per kind of file: all that this script
# converts. A field outside them (a care card, a clinical review, a page
# history...) changes what cited's pages show, and the Hugo copy would
# silently lack it: refused instead, so the two sites never drift unseen.
# A dict is a mapping's fields, a one-item list a sequence of that shape,
# None any scalar or flow sequence.
_QUOTES = [{"source": None, "text": None, "attribution": None, "stance": None}]
FIELDS = {
    "site": {"title": None, "base_url": None, "language": None, "description": None,
             "disclaimer": None, "review": {"max_age_days": None},
             "readability": {"max_grade": None}},
    "sources": {"title": None, "archive": None, "publisher": None, "url": None,
                "published": None, "accessed": None, "type": None, "author": None},
    "topics": {"title": None, "order": None, "intro": None},
    "questions": {
        "question": None, "topic": None, "tags": None, "summary": None, "answer": None,
        "facts": [{"claim": None, "quotes": _QUOTES}], "related": None, "cautions": None,
        "reviewed": {"on": None, "by": None, "next": None},
        "cost": {"currency": None, "per": None, "typical": None, "low": None, "high": None,
                 "basis": None, "factors": None, "quotes": _QUOTES},
        "comparison": {"with": None, "rows": [{"aspect": None, "ours": None, "theirs": None}],
                       "quotes": _QUOTES},
        "timeline": {"steps": [{"when": None, "what": None}], "quotes": _QUOTES},
    },
    "cautions": {"title": None, "severity": None, "message": None, "quotes": _QUOTES},
    "glossary": {"term": None, "aliases": None, "definition": None},
    "pages": {"title": None, "body": None},
    "reviewers": {"name": None, "role": None, "kind": None, "team": None},
}


def only_known_fields(value, shape, where: str) -> None:
    """Refuses a field this script does not convert (see FIELDS)."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise SubsetError(f"{where}: expected a mapping")
        for key, inner in value.items():
            if key not in shape:
                raise SubsetError(f"{where}: field `{key}` is not one generate.py writes, "
                                  "and to_hugo.py does not convert it")
            only_known_fields(inner, shape[key], f"{where}.{key}")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise SubsetError(f"{where}: expected a list")
        for i, item in enumerate(value):
            only_known_fields(item, shape[0], f"{where}[{i}]")
    elif isinstance(value, (dict, list)) and not (
            isinstance(value, list) and all(isinstance(x, str) for x in value)):
        raise SubsetError(f"{where}: expected a value, not a block")


# How cited names a source's type (SourceType::describe in src/model.rs).
SOURCE_TYPE_WORDS = {
    "guideline": "Clinical guideline", "systematic-review": "Systematic review",
    "study": "Research study", "professional-body": "Professional body",
    "government": "Government or health service", "news": "News article",
    "commercial": "Commercial website", "patient-reviews": "Patient reviews",
    "forum": "Online forum", "unknown": "Source of unknown type",
}
# cited's severities, the most serious first (its listings' order)
SEVERITY_RANK = {"danger": 0, "warning": 1, "info": 2}


class SubsetError(Exception):
    pass


class YamlSubset:
    """The YAML generate.py writes, and nothing more: block mappings and
    sequences by indentation, `|` literal blocks, double-quoted (JSON)
    strings, `[a, "b"]` flow sequences and plain scalars. Anything else is
    an error with its line, never a guess."""

    def __init__(self, text: str, path: str):
        self.lines = text.split("\n")
        self.path = path

    def fail(self, i: int, why: str):
        raise SubsetError(f"{self.path}:{i + 1}: {why} (to_hugo.py reads only "
                          "the YAML subset that generate.py writes)")

    @staticmethod
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip(" "))

    def skip_blank(self, i: int) -> int:
        while i < len(self.lines) and not self.lines[i].strip():
            i += 1
        return i

    def parse(self):
        value, i = self.node(0, 0)
        i = self.skip_blank(i)
        if i < len(self.lines):
            self.fail(i, "unexpected indentation")
        return value

    def node(self, i: int, min_indent: int):
        i = self.skip_blank(i)
        if i >= len(self.lines) or self.indent(self.lines[i]) < min_indent:
            return None, i
        ind = self.indent(self.lines[i])
        if self.lines[i][ind:].startswith("- "):
            return self.sequence(i, ind)
        return self.mapping(i, ind)

    def mapping(self, i: int, ind: int):
        out: dict = {}
        while True:
            i = self.skip_blank(i)
            if i >= len(self.lines):
                break
            line = self.lines[i]
            here = self.indent(line)
            if here < ind or (here == ind and line[here:].startswith("- ")):
                break
            if here > ind:
                self.fail(i, "unexpected indentation")
            m = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*):(?: (.*))?", line[ind:])
            if not m:
                self.fail(i, "expected `key: value`")
            key, rest = m.group(1), (m.group(2) or "").strip()
            if key in out:
                self.fail(i, f"duplicate key {key}")
            if rest == "":
                out[key], i = self.node(i + 1, ind + 1)
            elif rest == "|":
                out[key], i = self.literal(i + 1, ind)
            else:
                out[key] = self.scalar(rest, i)
                i += 1
        return out, i

    def sequence(self, i: int, ind: int):
        out: list = []
        while True:
            i = self.skip_blank(i)
            if i >= len(self.lines):
                break
            line = self.lines[i]
            if self.indent(line) != ind or not line[ind:].startswith("- "):
                if self.indent(line) > ind:
                    self.fail(i, "unexpected indentation")
                break
            item = line[ind + 2:]
            if re.match(r"[A-Za-z_][A-Za-z0-9_]*:( |$)", item):
                # `- key: value` opens a mapping whose keys line up after "- "
                self.lines[i] = " " * (ind + 2) + item
                value, i = self.mapping(i, ind + 2)
            else:
                value = self.scalar(item.strip(), i)
                i += 1
            out.append(value)
        return out, i

    def literal(self, i: int, key_indent: int):
        body: list[str] = []
        block_indent = None
        while i < len(self.lines):
            line = self.lines[i]
            if line.strip():
                here = self.indent(line)
                if here <= key_indent:
                    break
                if block_indent is None:
                    block_indent = here
                if here < block_indent:
                    self.fail(i, "a literal block line less indented than its first")
                body.append(line[block_indent:])
            else:
                body.append("")
            i += 1
        while body and body[-1] == "":
            body.pop()
        return "\n".join(body) + "\n", i

    def scalar(self, text: str, i: int):
        if text.startswith('"'):
            try:
                value, end = json.JSONDecoder().raw_decode(text)
            except json.JSONDecodeError as e:
                self.fail(i, f"bad double-quoted string ({e.msg})")
            if text[end:].strip():
                self.fail(i, "text after a quoted string")
            return value
        if text.startswith("["):
            return self.flow(text, i)
        if text[0] in "{&*!|>'%@`#":
            self.fail(i, f"unsupported scalar {text[:20]!r}")
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        return text

    def flow(self, text: str, i: int) -> list:
        if not text.endswith("]"):
            self.fail(i, "a flow sequence must end the line with ]")
        inner = text[1:-1].strip()
        items: list = []
        pos = 0
        decoder = json.JSONDecoder()
        while pos < len(inner):
            if inner[pos] == '"':
                try:
                    value, pos = decoder.raw_decode(inner, pos)
                except json.JSONDecodeError as e:
                    self.fail(i, f"bad string in a flow sequence ({e.msg})")
            else:
                end = inner.find(",", pos)
                end = len(inner) if end < 0 else end
                value = inner[pos:end].strip()
                if not value or value[0] in "[{\"'":
                    self.fail(i, "unsupported flow sequence item")
                pos = end
            items.append(value)
            rest = inner[pos:].lstrip()
            if rest.startswith(","):
                pos = len(inner) - len(rest) + 1
                while pos < len(inner) and inner[pos] == " ":
                    pos += 1
            elif rest:
                self.fail(i, "expected , between flow sequence items")
            else:
                break
        return items


def read_yaml(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        value = YamlSubset(f.read(), path).parse()
    if not isinstance(value, dict):
        raise SubsetError(f"{path}: expected a mapping at the top")
    return value


# --------------------------------------------------------------------------
# The content, as cited sees it
# --------------------------------------------------------------------------

class Site:
    def __init__(self, root: str):
        content = os.path.join(root, "content")
        if not os.path.isfile(os.path.join(content, "site.yaml")):
            raise SubsetError(f"{root} has no content/site.yaml: not a cited site")
        self.site = read_yaml(os.path.join(content, "site.yaml"))
        only_known_fields(self.site, FIELDS["site"], "site.yaml")
        self.kinds: dict[str, dict[str, dict]] = {}
        for kind in KIND_PATHS:
            folder = os.path.join(content, kind)
            entries = {}
            if os.path.isdir(folder):
                for name in sorted(os.listdir(folder)):
                    if name.endswith(".yaml"):
                        entry = read_yaml(os.path.join(folder, name))
                        only_known_fields(entry, FIELDS[kind], f"{kind}/{name}")
                        entries[name[:-5]] = entry
            self.kinds[kind] = entries
        self.archives: dict[str, Archive] = {}
        for sid, src in self.kinds["sources"].items():
            if src.get("archive"):
                with open(os.path.join(content, "sources", src["archive"]), encoding="utf-8") as f:
                    self.archives[sid] = Archive(f.read())
        # every id is unique across kinds (cited checks it; so does this)
        self.kind_of: dict[str, str] = {}
        for kind, entries in self.kinds.items():
            for eid in entries:
                if eid in self.kind_of:
                    raise SubsetError(f"id {eid} is both a {self.kind_of[eid]} and a {kind}")
                self.kind_of[eid] = kind
        for qid, q in self.kinds["questions"].items():
            by = (q.get("reviewed") or {}).get("by")
            # by id, as generate.py writes it; a bare name (cited's
            # reviewer-name-only warning) has no reviewer page to link
            if not isinstance(by, list) or not by or any(
                    self.kind_of.get(r) != "reviewers" for r in by):
                raise SubsetError(f"questions/{qid}.yaml: reviewed.by must list reviewer ids, "
                                  f"not {by!r}")

    def title(self, eid: str) -> str:
        e = self.kinds[self.kind_of[eid]][eid]
        return e.get("question") or e.get("title") or e.get("term") or e.get("name") or eid

    def path(self, eid: str) -> str:
        return KIND_PATHS[self.kind_of[eid]] + eid


WIKI_LINK = re.compile(r"\[\[([^\]\n]+)\]\]")
MD_LINK_TO_ID = re.compile(r"\]\(([a-z0-9]+(?:-[a-z0-9]+)*)\)")
# What must not get a glossary link inside it: links, code, headings.
NO_GLOSSARY = re.compile(r"\[[^\]\n]*\]\([^)\n]*\)|\[\[[^\]\n]*\]\]|`[^`\n]*`|^#.*$", re.M)


def link_targets(text: str) -> list[str]:
    return [m.group(1).strip() for m in WIKI_LINK.finditer(text)] + \
        [m.group(1) for m in MD_LINK_TO_ID.finditer(text)]


class Glossary:
    """First whole-word mention of each term or alias (or its plural), any
    case, longest first: the rule of cited's GlossaryMatcher."""

    def __init__(self, terms: dict[str, dict]):
        self.id_of: dict[str, str] = {}
        for gid, t in terms.items():
            for word in [t["term"], *(t.get("aliases") or [])]:
                word = word.strip()
                if not word:
                    continue
                plural = word + ("es" if re.search(r"(s|x|z|ch|sh)$", word) else "s")
                for w in (word, plural):
                    self.id_of.setdefault(w.lower(), gid)
        words = sorted(self.id_of, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(w) for w in words), re.I) if words else None

    def link(self, text: str, skip_id: str | None = None) -> str:
        if not self.pattern:
            return text
        blocked = [m.span() for m in NO_GLOSSARY.finditer(text)]
        linked: set[str] = set()
        out, last = [], 0
        for m in self.pattern.finditer(text):
            start, end = m.span()
            if any(a <= start < b for a, b in blocked):
                continue
            before = text[start - 1] if start else ""
            after = text[end] if end < len(text) else ""
            gid = self.id_of[m.group(0).lower()]
            if before.isalnum() or after.isalnum() or gid == skip_id or gid in linked:
                continue
            linked.add(gid)
            out.append(text[last:start])
            out.append(f"[{m.group(0)}](/glossary/{gid})")
            last = end
        out.append(text[last:])
        return "".join(out)


# --------------------------------------------------------------------------
# Quoted passages, as cited shows them (src/check/quotes/place.rs,
# src/link/passages.rs, src/render/pages.rs): each quote with its ellipses,
# its paragraph and a text-fragment link to the original; each source's page
# in parts, listing each quoted place once with who quotes it. Worked out
# here, before Hugo's timed run (cited works it out while it builds), and
# rendered by the theme. The archives generate.py writes are ASCII prose
# wrapped at 78 columns, so words are runs of letters and digits.
# --------------------------------------------------------------------------

PART_BYTES = 2048
CONTEXT_BYTES = 400
LOOK = 256
WHOLE_QUOTE_WORDS, DIRECTIVE_MIN_WORDS, DIRECTIVE_MAX_WORDS = 8, 3, 12
WHOLE_QUOTE_FALLBACK_WORDS = 40
ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "st", "e.g", "i.e", "vs", "approx"}
OPENING = "\"'\u201c\u2018\u201e\u201a\u00ab\u2039([{"
CLOSING = "\"'\u201d\u2019\u00bb\u203a)]}"
# what a text directive leaves as it is (cited's TEXT_DIRECTIVE set)
DIRECTIVE_SAFE = set(b"!$'()*+./:;=?@_~")
WORD = re.compile(r"[A-Za-z0-9]+")


def collapse(text: str) -> str:
    """Runs of white space as one space, at the ends too."""
    return re.sub(r"\s+", " ", text)


def ends_sentence_mark(text: str) -> bool:
    text = text.rstrip(CLOSING)
    if not text.endswith((".", "!", "?", "\u2026")):
        return False
    last = (text.split()[-1] if text.split() else "")
    last = re.sub(r"^[^0-9A-Za-z]+", "", last).rstrip(".").lower()
    return not (text.endswith(".") and last in ABBREVIATIONS)


def encode_directive(text: str) -> str:
    return "".join(chr(b) if (chr(b).isascii() and chr(b).isalnum()) or b in DIRECTIVE_SAFE
                   else f"%{b:02X}" for b in text.encode("utf-8"))


class Archive:
    """One source's archive: where its quotes are, and its words."""

    def __init__(self, text: str):
        self.text = text
        self.spans = [m.span() for m in WORD.finditer(text)]
        self.starts = [a for a, _ in self.spans]
        self.ends = [b for _, b in self.spans]
        self.keys = [text[a:b].lower() for a, b in self.spans]
        self.places: dict[tuple, list[int]] = {}
        self.found: dict[str, tuple] = {}
        for i in range(len(self.keys) - 2):
            self.places.setdefault(tuple(self.keys[i:i + 3]), []).append(i)

    def find(self, quote: str):
        """Where cited finds a quote (the first place its words are, white
        space as any white space), with its paragraph and sentence ends."""
        if quote not in self.found:
            self.found[quote] = self.locate(quote)
        return self.found[quote]

    def locate(self, quote: str):
        words = quote.split()
        m = re.search(r"\s+".join(map(re.escape, words)), self.text)
        if not m:
            raise SubsetError(f"a quote is not in its archive: {quote!r}")
        start, end = m.span()
        t = self.text
        para = (t.rfind("\n", 0, start) + 1, (t.find("\n", end) + 1 or len(t) + 1) - 1)
        before = t[max(start - LOOK, para[0]):start].rstrip().rstrip(OPENING).rstrip()
        starts = not before or ends_sentence_mark(before)
        after = t[end:min(end + LOOK, para[1])].lstrip(CLOSING)
        ends = (ends_sentence_mark(t[start:end]) or after.startswith((".", "!", "?", "\u2026"))
                or not after.strip())
        return (start, end), para, starts, ends

    def word_range(self, rng) -> tuple[int, int]:
        first = bisect.bisect_left(self.starts, rng[0])
        end = bisect.bisect_right(self.ends, rng[1])
        return first, max(end, first)

    def phrase(self, a: int, b: int) -> str:
        return collapse(self.text[self.spans[a][0]:self.spans[b - 1][1]])

    def directive(self, rng):
        first, end = self.word_range(rng)
        count = end - first
        if count == 0:
            return None

        def whole():
            return (self.phrase(first, end), None) if count <= WHOLE_QUOTE_FALLBACK_WORDS else None
        if count <= WHOLE_QUOTE_WORDS:
            return whole()
        keys = self.keys
        earlier = [p for p in self.places.get(tuple(keys[first:first + 3]), []) if p < first]
        start_words = None
        for k in range(DIRECTIVE_MIN_WORDS, min(count - DIRECTIVE_MIN_WORDS, DIRECTIVE_MAX_WORDS) + 1):
            earlier = [p for p in earlier if p + k - 1 < len(keys) and keys[p + k - 1] == keys[first + k - 1]]
            if not earlier:
                start_words = k
                break
        if start_words is None:
            return whole()
        after_start = first + start_words
        for k in range(DIRECTIVE_MIN_WORDS, min(count - start_words, DIRECTIVE_MAX_WORDS) + 1):
            at = end - k
            phrase = keys[at:end]
            if not any(after_start <= p < at and keys[p:p + k] == phrase
                       for p in self.places.get(tuple(keys[at:at + 3]), [])):
                return self.phrase(first, after_start), self.phrase(at, end)
        return whole()

    def window(self, para, quoted):
        t = self.text
        start, end = para
        if quoted[0] - para[0] > CONTEXT_BYTES:
            frm = quoted[0] - CONTEXT_BYTES
            m = re.search(r"\s", t[frm:quoted[0]])
            start = frm + m.start() if m else quoted[0]
        if para[1] - quoted[1] > CONTEXT_BYTES:
            to = quoted[1] + CONTEXT_BYTES
            ws = [i for i, c in enumerate(t[quoted[1]:to]) if c.isspace()]
            end = quoted[1] + ws[-1] if ws else quoted[1]
        return (start, end), start > para[0], end < para[1]

    def segments(self, rng, marks) -> list[dict]:
        """The text of rng in pieces, marks marked (merged), as cited's."""
        marks = sorted((max(a, rng[0]), min(b, rng[1])) for a, b in marks)
        merged: list[list[int]] = []
        for a, b in marks:
            if a >= b:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        pieces, at = [], rng[0]
        for a, b in merged:
            pieces += [((at, a), False), ((a, b), True)]
            at = b
        pieces.append(((at, rng[1]), False))
        out = []
        for i, ((a, b), mark) in enumerate(pieces):
            text = collapse(self.text[a:b])
            if i == 0:
                text = text.lstrip()
            if i == len(pieces) - 1:
                text = text.rstrip()
            if text:
                out.append({"text": text, "mark": mark})
        return out

    def shown(self, para, quoted, marks) -> tuple[list[dict], bool]:
        """The window of para around quoted, in pieces with "..." where cut."""
        rng, cut_before, cut_after = self.window(para, quoted)
        ellipsis = [{"text": "\u2026", "mark": False}]
        return ((ellipsis if cut_before else []) + self.segments(rng, marks)
                + (ellipsis if cut_after else [])), cut_before or cut_after


def with_text_fragment(url: str, directive) -> str:
    if directive is None or not url.startswith(("http://", "https://")):
        return url
    start, end = directive
    frag = ":~:text=" + encode_directive(start) + ("," + encode_directive(end) if end else "")
    base, _, kept = url.partition("#")
    return f"{base}#{kept.split(':~:')[0]}{frag}"


def by_title_key(title: str):
    return (title.lower(), title)


class Converter:
    def __init__(self, site: Site):
        self.s = site
        self.glossary = Glossary(site.kinds["glossary"])

    def markdown(self, text: str, where: str, glossary: bool = False,
                 skip_glossary: str | None = None) -> str:
        """cited markdown -> Hugo markdown: entity links as site paths that
        the theme's link hook resolves; glossary mentions linked."""
        if glossary:
            text = self.glossary.link(text, skip_glossary)

        def wiki(m):
            eid = m.group(1).strip()
            if eid not in self.s.kind_of:
                raise SubsetError(f"{where}: [[{eid}]] names no entity")
            return f"[]({self.s.path(eid)})"

        def md(m):
            eid = m.group(1)
            return f"]({self.s.path(eid)})" if eid in self.s.kind_of else m.group(0)

        return MD_LINK_TO_ID.sub(md, WIKI_LINK.sub(wiki, text))

    # -- cross-links cited works out while building --------------------------

    def questions_in_reading_order(self) -> list[str]:
        qs = self.s.kinds["questions"]
        return sorted(qs, key=lambda q: (qs[q].get("order", 2**63),
                                         *by_title_key(qs[q]["question"]), q))

    @staticmethod
    def question_quotes(q: dict) -> list[dict]:
        quotes = [x for f in q.get("facts") or [] for x in f.get("quotes") or []]
        for b in ("cost", "comparison", "timeline"):
            quotes += (q.get(b) or {}).get("quotes") or []
        return quotes

    def passages(self) -> None:
        """Each source's quoted places, in the archive's order, each once with
        who quotes it (questions in reading order, then cautions by title):
        self.source_passages[sid], and self.passage_of[(sid, text)]."""
        s = self.s
        citations: dict[str, list[tuple[str, str]]] = {}
        for qid in self.questions_in_reading_order():
            for quote in self.question_quotes(s.kinds["questions"][qid]):
                citations.setdefault(quote["source"], []).append((quote["text"], qid))
        cautions = s.kinds["cautions"]
        for cid in sorted(cautions, key=lambda c: (*by_title_key(cautions[c]["title"]), c)):
            for quote in cautions[cid].get("quotes") or []:
                citations.setdefault(quote["source"], []).append((quote["text"], cid))
        self.source_passages: dict[str, list[dict]] = {}
        self.passage_of: dict[tuple[str, str], dict] = {}
        for sid, cites in citations.items():
            archive = s.archives.get(sid)
            if archive is None:
                raise SubsetError(f"source {sid} has no archive")
            url = s.kinds["sources"][sid].get("url")
            places: dict[tuple[int, int], dict] = {}
            for text, by in cites:
                rng, para, starts, ends = archive.find(text)
                p = places.setdefault(rng, {"range": rng, "paragraph": para, "cutBefore": not starts,
                                            "cutAfter": not ends, "texts": [], "citing": []})
                p["texts"].append(text)
                if by not in p["citing"]:
                    p["citing"].append(by)
            taken: set[str] = set()
            passages = []
            for rng in sorted(places):
                p = places[rng]
                words = collapse(archive.text[rng[0]:rng[1]])
                anchor = "passage-" + hashlib.sha256(words.encode()).hexdigest()[:10]
                candidate, number = anchor, 2
                while candidate in taken:
                    candidate, number = f"{anchor}-{number}", number + 1
                taken.add(candidate)
                p.update(anchor=candidate, text=words, part=rng[0] // PART_BYTES + 1,
                         original=with_text_fragment(url, archive.directive(rng)) if url else None)
                p["url"] = f"{self.part_url(sid, p['part'])}#{candidate}"
                passages.append(p)
                for text in p["texts"]:
                    self.passage_of[(sid, text)] = p
            self.source_passages[sid] = passages

    @staticmethod
    def part_url(sid: str, part: int) -> str:
        return f"/sources/{sid}/" + (f"{part}/" if part > 1 else "")

    def quote(self, quote: dict) -> dict:
        """A quote as cited shows it: its words as in the archive, "..."
        where it starts or ends inside a sentence, the paragraph around it
        (unless it is the whole paragraph), its place on its source's page
        and in the original."""
        archive = self.s.archives[quote["source"]]
        p = self.passage_of[(quote["source"], quote["text"])]
        rng, para = p["range"], p["paragraph"]
        whole = archive.text[para[0]:para[1]].strip() == archive.text[rng[0]:rng[1]].strip()
        context, cut = ([], False) if whole else archive.shown(para, rng, [rng])
        return quote | {"shown": p["text"], "cutBefore": p["cutBefore"], "cutAfter": p["cutAfter"],
                        "context": context, "contextCut": cut, "passageURL": p["url"],
                        "original": p["original"]}

    def agreement(self, fact: dict) -> dict:
        """How cited words a fact's disagreement (src/render/pages.rs): from
        several sources, or one; and who speaks on each side."""
        quotes = fact.get("quotes") or []

        def voices(qs):
            names: list[str] = []
            for x in qs:
                name = (x.get("attribution") or "").strip() or "the source itself"
                if name not in names:
                    names.append(name)
            return names
        contradicted = any(x.get("stance") == "contradicts" for x in quotes)

        def this_side(x):
            stance = x.get("stance") or "supports"
            return stance == "supports" or (stance == "qualifies" and contradicted)
        sources = sorted({x["source"] for x in quotes})
        if len(sources) == 1:
            kind = "one-source-voices" if len(voices(quotes)) > 1 else "one-source"
            source = self.s.title(sources[0])
        else:
            kind, source = "sources", None
        return {"kind": kind, "source": source,
                "thisSide": voices(x for x in quotes if this_side(x)),
                "otherSide": voices(x for x in quotes if not this_side(x))}

    def source_part(self, sid: str, part: int) -> dict:
        """What part `part` of a source's page shows: the parts to go to,
        and its passages grouped by paragraph."""
        s = self.s
        passages = self.source_passages.get(sid, [])
        parts: list[dict] = []
        for p in passages:
            if parts and parts[-1]["number"] == p["part"]:
                parts[-1]["passages"] += 1
            else:
                parts.append({"number": p["part"], "url": self.part_url(sid, p["part"]),
                              "current": p["part"] == part, "passages": 1})
        if len(parts) == 1 and parts[0]["number"] == 1:
            parts = []
        archive = s.archives.get(sid)
        blocks = []
        in_part = [p for p in passages if p["part"] == part]
        i = 0
        while i < len(in_part):
            first = in_part[i]
            members, quoted_end = [first], first["range"][1]
            i += 1
            while (i < len(in_part) and in_part[i]["paragraph"][0] == first["paragraph"][0]
                   and in_part[i]["range"][0] <= quoted_end + 2 * CONTEXT_BYTES):
                quoted_end = max(quoted_end, in_part[i]["range"][1])
                members.append(in_part[i])
                i += 1
            para = (first["paragraph"][0], max(m["paragraph"][1] for m in members))
            shown, _ = archive.shown(para, (first["range"][0], quoted_end), [m["range"] for m in members])
            blocks.append({
                "paragraph": shown,
                "passages": [{"anchor": m["anchor"], "text": m["text"], "cutBefore": m["cutBefore"],
                              "cutAfter": m["cutAfter"], "original": m["original"],
                              "citing": [s.path(c) for c in m["citing"]]} for m in members]})
        return {"part": part, "parts": parts, "passageCount": len(passages), "blocks": blocks}

    def ranks(self, kind: str, field: str) -> dict[str, int]:
        """Listing order as cited's (by title, any case, then id), as page
        weights: Hugo lists pages by weight before anything else."""
        entries = self.s.kinds[kind]
        order = sorted(entries, key=lambda e: (*by_title_key(entries[e][field]), e))
        return {e: rank for rank, e in enumerate(order, start=1)}

    def caution_ranks(self) -> dict[str, int]:
        """Cautions in cited's listing order, as page weights: the most
        serious first, then by title."""
        cs = self.s.kinds["cautions"]
        order = sorted(cs, key=lambda c: (SEVERITY_RANK[cs[c].get("severity", "info")],
                                          *by_title_key(cs[c]["title"]), c))
        return {c: rank for rank, c in enumerate(order, start=1)}

    @staticmethod
    def type_words(sid: str, src: dict) -> str:
        kind = src.get("type", "unknown")
        if kind not in SOURCE_TYPE_WORDS:
            raise SubsetError(f"sources/{sid}.yaml: unknown type {kind!r}")
        return SOURCE_TYPE_WORDS[kind]

    @staticmethod
    def unknowns(src: dict, author: bool) -> str:
        """What a source does not say about itself, in cited's words
        (src/render/pages.rs, `unknowns`)."""
        missing = [word for word, absent in [("author", author and not src.get("author")),
                                              ("publisher", not src.get("publisher")),
                                              ("date", not src.get("published"))] if absent]
        if not missing:
            return ""
        if len(missing) == 1:
            return f"{missing[0]} unknown"
        return f"{', '.join(missing[:-1])} and {missing[-1]} unknown"

    def related(self) -> dict[str, list[str]]:
        """Each question's own list first, then the questions listing it."""
        qs = self.s.kinds["questions"]
        out: dict[str, list[str]] = {}
        for qid, q in qs.items():
            lst = out.setdefault(qid, [])
            for other in q.get("related") or []:
                if other in qs and other != qid and other not in lst:
                    lst.append(other)
        for qid in self.questions_in_reading_order():
            for other in qs[qid].get("related") or []:
                if other in qs and other != qid and qid not in out[other]:
                    out[other].append(qid)
        return out

    def backlinks(self) -> dict[str, list[str]]:
        fields = []
        for tid, t in self.s.kinds["topics"].items():
            if t.get("intro"):
                fields.append((tid, t["intro"]))
        fields += [(qid, q.get("answer", "")) for qid, q in self.s.kinds["questions"].items()]
        fields += [(cid, c.get("message", "")) for cid, c in self.s.kinds["cautions"].items()]
        fields += [(gid, g.get("definition", "")) for gid, g in self.s.kinds["glossary"].items()]
        fields += [(pid, p.get("body", "")) for pid, p in self.s.kinds["pages"].items()]
        out: dict[str, list[str]] = {}
        for source, text in fields:
            for target in link_targets(text):
                if target in self.s.kind_of and target != source:
                    lst = out.setdefault(target, [])
                    if source not in lst:
                        lst.append(source)
        return {t: sorted(lst, key=lambda e: by_title_key(self.s.title(e)))
                for t, lst in out.items()}

    # -- writing ---------------------------------------------------------------

    def write(self, out: str) -> int:
        s = self.s
        related = self.related()
        backlinks = self.backlinks()
        question_rank = {q: rank for rank, q in enumerate(self.questions_in_reading_order(), start=1)}
        glossary_rank = self.ranks("glossary", "term")
        caution_rank = self.caution_ranks()
        paths = lambda ids: [s.path(i) for i in ids]  # noqa: E731
        files = 0
        self.passages()

        def put(rel: str, front: dict, body: str = "") -> None:
            nonlocal files
            path = os.path.join(out, "content", rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                # JSON front matter: Hugo reads it, and the standard library writes it
                f.write(json.dumps(front, ensure_ascii=False, indent=1))
                f.write("\n\n")
                f.write(body)
            files += 1

        site = s.site
        review = site.get("review") or {}
        config = {
            "baseURL": site["base_url"],
            "locale": site.get("language", "en"),
            "defaultContentLanguage": site.get("language", "en"),
            "title": site["title"],
            "themesDir": THEME_DIR,
            "theme": THEME,
            "enableRobotsTXT": True,
            "disableHugoGeneratorInject": True,
            # tag names as written (cited shows `red-itching`, not `Red-Itching`)
            "titleCaseStyle": "none",
        }
        toml = [f"{k} = {json.dumps(v)}" for k, v in config.items()]
        toml += [
            "",
            "[params]",
            f"description = {json.dumps(site.get('description', ''))}",
            f"disclaimer = {json.dumps(self.markdown(site.get('disclaimer', ''), 'site.yaml'))}",
            f"maxAgeDays = {int(review.get('max_age_days', 365))}",
            "",
            "# cited's listings: topics, tags, the questions quoting a source,",
            "# the questions carrying a caution",
            "[taxonomies]",
            'topic = "topics"',
            'tag = "tags"',
            'source = "sources"',
            'caution = "cautions"',
            'reviewer = "reviewers"',
            "",
            "# cited writes one feed (the 50 newest reviews), no feed per listing",
            "[outputs]",
            'home = ["html", "rss"]',
            'section = ["html"]',
            'taxonomy = ["html"]',
            'term = ["html"]',
            "",
            "[services.rss]",
            "limit = 50",
            "",
            "# cited sanitises markdown's raw HTML; Hugo's default drops it",
            "[markup.goldmark.renderer]",
            "unsafe = false",
            "",
        ]
        with open(os.path.join(out, "hugo.toml"), "w", encoding="utf-8") as f:
            f.write("\n".join(toml))

        put("_index.md", {"title": site["title"]})
        put("tags/_index.md", {"title": "All tags"})
        # listings cited does not have: not written (their pages still list)
        for kind, title in [("questions", "Questions"), ("topics", "Topics"),
                            ("sources", "Sources"), ("reviewers", "Reviewers")]:
            put(f"{kind}/_index.md", {"title": title, "build": {"render": "never"}})
        # cited's /cautions/ lists every caution (the theme's cautions/taxonomy.html)
        put("cautions/_index.md", {"title": "Safety notes"})
        # and /get-help/ every care card: generate.py writes none (FIELDS)
        put("get-help.md", {"title": "When to get help", "layout": "get-help",
                            "build": {"list": "never"}})

        for rid, r in s.kinds["reviewers"].items():
            put(f"reviewers/{rid}/_index.md",
                {"title": r["name"],
                 "params": {"role": r["role"], "kind": r["kind"],
                            "team": r.get("team") == "true",
                            "backlinks": paths(backlinks.get(rid, []))}})

        for tid, t in s.kinds["topics"].items():
            put(f"topics/{tid}/_index.md",
                {"title": t["title"], "weight": t.get("order", 0),
                 "params": {"backlinks": paths(backlinks.get(tid, []))}},
                self.markdown(t.get("intro", ""), f"topics/{tid}.yaml"))

        # a source's page is its part 1; parts 2... are pages of their own
        put("source-parts/_index.md", {"title": "Source parts", "build": {"render": "never"}})
        for sid, src in s.kinds["sources"].items():
            put(f"sources/{sid}/_index.md",
                {"title": src["title"],
                 "params": {k: src[k] for k in ("publisher", "author", "url", "published",
                                                "accessed", "type") if k in src}
                 | {"typeWords": self.type_words(sid, src),
                    # in quote captions; the source's page names each unknown itself
                    "unknowns": self.unknowns(src, author=False),
                    "backlinks": paths(backlinks.get(sid, []))}
                 | self.source_part(sid, 1)})
            parts = sorted({p["part"] for p in self.source_passages.get(sid, [])} - {1})
            for part in parts:
                put(f"source-parts/{sid}-{part}.md",
                    {"title": src["title"], "url": self.part_url(sid, part),
                     "build": {"list": "never"},
                     "params": {"source": sid, "backlinks": paths(backlinks.get(sid, []))}
                     | self.source_part(sid, part)})

        for cid, c in s.kinds["cautions"].items():
            put(f"cautions/{cid}/_index.md",
                {"title": c["title"], "weight": caution_rank[cid],
                 "params": {"severity": c.get("severity", "info"),
                            "quotes": [self.quote(x) for x in c.get("quotes") or []],
                            "backlinks": paths(backlinks.get(cid, []))}},
                self.markdown(c.get("message", ""), f"cautions/{cid}.yaml"))

        put("glossary/_index.md", {"title": "Glossary"})
        for gid, g in s.kinds["glossary"].items():
            put(f"glossary/{gid}.md",
                {"title": g["term"], "weight": glossary_rank[gid],
                 "build": {"render": "never", "list": "local"},
                 "params": {"alsoCalled": g.get("aliases") or [],
                            "backlinks": paths(backlinks.get(gid, []))}},
                self.markdown(g.get("definition", ""), f"glossary/{gid}.yaml",
                              glossary=True, skip_glossary=gid))

        for pid, p in s.kinds["pages"].items():
            put(f"{pid}.md",
                {"title": p["title"],
                 "params": {"backlinks": paths(backlinks.get(pid, []))}},
                self.markdown(p.get("body", ""), f"pages/{pid}.yaml"))

        for qid, q in s.kinds["questions"].items():
            quoted = []
            blocks = [f.get("quotes") or [] for f in q.get("facts") or []]
            blocks += [(q[b] or {}).get("quotes") or [] for b in ("cost", "comparison", "timeline") if b in q]
            for quotes in blocks:
                for quote in quotes:
                    if quote["source"] not in quoted:
                        quoted.append(quote["source"])
            reviewed = q.get("reviewed") or {}
            facts = [f | {"quotes": [self.quote(x) for x in f.get("quotes") or []],
                          "agreement": self.agreement(f)}
                     for f in q.get("facts") or []]
            params = {
                "facts": facts,
                "related": paths(related.get(qid, [])),
                "backlinks": paths(backlinks.get(qid, [])),
                "reviewed": reviewed,
            }
            for b in ("cost", "comparison", "timeline"):
                if b in q:
                    params[b] = q[b] | {"quotes": [self.quote(x) for x in q[b].get("quotes") or []]}
            put(f"questions/{qid}.md",
                {"title": q["question"], "weight": question_rank[qid],
                 "summary": q.get("summary", ""),
                 # the feed lists the newest reviews, as cited's does
                 "date": str(reviewed.get("on", "")),
                 "topics": [q["topic"]] if q.get("topic") else [],
                 "tags": q.get("tags") or [],
                 "sources": sorted(quoted),
                 "cautions": q.get("cautions") or [],
                 "reviewers": reviewed["by"],
                 "params": params},
                self.markdown(q.get("answer", ""), f"questions/{qid}.yaml", glossary=True))
        return files


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cited_site", help="a site written by bench/generate.py")
    ap.add_argument("hugo_site", help="the Hugo site to write")
    a = ap.parse_args()
    out = os.path.abspath(a.hugo_site)
    if os.path.exists(out) and not os.path.exists(os.path.join(out, MARKER)):
        sys.exit(f"to_hugo.py: {out} exists and was not written by this script; "
                 "refusing to replace it")
    try:
        site = Site(a.cited_site)
        new = out + ".new"
        shutil.rmtree(new, ignore_errors=True)
        os.makedirs(new)
        with open(os.path.join(new, MARKER), "w") as f:
            f.write("written by bench/to_hugo.py; may be replaced\n")
        files = Converter(site).write(new)
    except SubsetError as e:
        shutil.rmtree(out + ".new", ignore_errors=True)
        print(f"to_hugo.py: {e}", file=sys.stderr)
        return 1
    if os.path.exists(out):
        shutil.rmtree(out)
    os.rename(new, out)
    print(f"to_hugo.py: {files} content files in {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
