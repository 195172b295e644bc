"""80,000 keys in one mapping of a question file.

Before the fix, each key was compared with every key before it to find a
duplicate, so the parse took time quadratic in the number of keys (80,000
keys took over 120 s). A mapping with more than a few keys now indexes them,
and the parse is linear. The keys are unknown fields, so the file is refused
(80,000 `unknown-field` errors); `--format json` keeps the figure about the
parse, not about printing.
"""

from __future__ import annotations

import pathlib

KEYS = 80_000
DESCRIPTION = f"{KEYS:,} distinct keys in one mapping, `cited check --format json`"


def make(site: pathlib.Path) -> list[str]:
    question = site / "content" / "questions" / "how-long-to-rise.yaml"
    text = question.read_text(encoding="utf-8")
    keys = "".join(f"key{i}: value\n" for i in range(KEYS))
    question.write_text(text + keys, encoding="utf-8")
    return ["check", "--format", "json"]
