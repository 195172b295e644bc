"""20,000 bad tags in one flow list, on one line of one question.

Like `many_errors`, but every diagnostic is on the same 280 kB line: before
the fix, each column was counted from the start of that line (in `check`,
for the JSON output too), and the terminal renderer was handed the whole file
for each diagnostic.
"""

from __future__ import annotations

import pathlib

TAGS = 20_000
DESCRIPTION = f"{TAGS:,} bad tags on one line of one question, `cited check`"


def make(site: pathlib.Path) -> list[str]:
    question = site / "content" / "questions" / "how-long-to-rise.yaml"
    text = question.read_text(encoding="utf-8")
    tags = "tags: [" + ", ".join(f"Bad Tag {i}" for i in range(TAGS)) + "]\n"
    text = text.replace("tags: [sourdough, timing]\n", tags)
    assert "Bad Tag 0" in text, "the fixture's tags line changed"
    question.write_text(text, encoding="utf-8")
    return ["check"]
