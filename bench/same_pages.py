#!/usr/bin/env python3
"""Check that Hugo's build of a converted site shows what cited's shows.

    python3 bench/same_pages.py CITED_OUT HUGO_OUT [--show N]

For every `index.html` cited wrote, reads the same path in Hugo's output and
compares what a reader gets from the page's <main>: its visible words, in
order, and the set of links (href, with how many times each). Prints one
line: how many pages are the same, how many differ, how many Hugo lacks,
and the first N differences; then the same per kind of page (the first
folder of its path: questions, reviewers, sources...), so that a kind of
page Hugo lacks altogether, or one that drifts, shows by name. cited's reading level (a check with no Hugo
counterpart) and its search page are left out of the comparison, and said
so. Exits 1 if any page differs or is missing, so that a change to the
converter or the theme that drifts from cited's output is seen.

Standard library only: html.parser.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import os
import re
import sys
from html.parser import HTMLParser

# What cited shows that the Hugo site cannot: readability is one of cited's
# checks (see bench/README.md).
CITED_ONLY_TEXT = re.compile(r"Reading level: about school grade [0-9.]+\. ")
CITED_ONLY_PAGES = {"search/index.html"}


class MainContent(HTMLParser):
    """The words and links inside <main>, scripts and styles left out."""

    def __init__(self):
        super().__init__()
        self.links: collections.Counter = collections.Counter()
        self.words: list[str] = []
        self.in_main = 0
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        elif tag in ("script", "style"):
            self.skipping += 1
        elif tag == "a" and self.in_main:
            self.links[dict(attrs).get("href")] += 1

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        elif tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.words.extend(data.split())


def read(path: str) -> MainContent:
    parser = MainContent()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    return parser


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("cited_out")
    ap.add_argument("hugo_out")
    ap.add_argument("--show", type=int, default=3, help="differences to print")
    a = ap.parse_args()

    pages = []
    for folder, _, names in os.walk(a.cited_out):
        if "index.html" in names:
            pages.append(os.path.relpath(os.path.join(folder, "index.html"), a.cited_out))
    pages.sort()
    same, differ, missing, shown = 0, 0, 0, 0
    # kind of page -> [same, differ, missing]
    kinds: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    for rel in pages:
        if rel in CITED_ONLY_PAGES:
            continue
        kind = kinds[rel.split(os.sep)[0] if os.sep in rel else "home"]
        theirs = os.path.join(a.hugo_out, rel)
        if not os.path.exists(theirs):
            missing += 1
            kind[2] += 1
            if shown < a.show:
                print(f"  missing in Hugo's output: {rel}")
                shown += 1
            continue
        ours, hugo = read(os.path.join(a.cited_out, rel)), read(theirs)
        our_words = CITED_ONLY_TEXT.sub("", " ".join(ours.words) + " ").split()
        if our_words == hugo.words and ours.links == hugo.links:
            same += 1
            kind[0] += 1
            continue
        differ += 1
        kind[1] += 1
        if shown < a.show:
            shown += 1
            print(f"  differs: {rel}")
            only_ours = sorted((ours.links - hugo.links).elements())[:5]
            only_hugo = sorted((hugo.links - ours.links).elements())[:5]
            if only_ours or only_hugo:
                print(f"    links only in cited's: {only_ours}; only in Hugo's: {only_hugo}")
            words = [w for w in difflib.ndiff(our_words, hugo.words) if w[0] in "+-"]
            if words:
                print(f"    words (- cited, + Hugo): {' '.join(words[:30])}")
    print(f"pages with the same words and links in <main>: {same} of {same + differ + missing}"
          f" ({differ} differ, {missing} missing in Hugo's; not compared: cited's search page"
          " and reading level)")
    print("  by kind (same of all): " + ", ".join(
        f"{name} {k[0]} of {sum(k)}" for name, k in sorted(kinds.items(), key=lambda x: -sum(x[1]))))
    return 0 if differ == 0 and missing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
