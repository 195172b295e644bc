"""20,000 bad tags in one question: one diagnostic each, in one file.

Before the fix, terminal output cost (number of diagnostics × file size):
annotate-snippets was handed the whole file for every diagnostic. Each
diagnostic now costs the lines it shows, and a human sees the first few of
each code per file followed by one "and N more" line.
"""

from __future__ import annotations

import pathlib

TAGS = 20_000
DESCRIPTION = f"{TAGS:,} bad tags (one per line) in one question, `cited check`"


def make(site: pathlib.Path) -> list[str]:
    question = site / "content" / "questions" / "how-long-to-rise.yaml"
    text = question.read_text(encoding="utf-8")
    tags = "tags:\n" + "".join(f"  - Bad Tag {i}\n" for i in range(TAGS))
    text = text.replace("tags: [sourdough, timing]\n", tags)
    assert "Bad Tag 0" in text, "the fixture's tags line changed"
    question.write_text(text, encoding="utf-8")
    return ["check"]
