"""100,000 nested list items and one raw HTML tag in one answer, `cited build`.

The worst other nesting found: markdown alone (`- - - … x`, `> > > … x`,
emphasis, links) is parsed in linear time by pulldown-cmark, but one raw
HTML tag anywhere in the field sends the whole rendered field through
ammonia, whose HTML parser is quadratic in the depth of the `<ul><li>`
nesting (20,000 levels took 17 s before the fix, 10,000 took 4 s). Now
reported as `deep-nesting`, like nested `<div>`.
"""

from __future__ import annotations

import pathlib

DEPTH = 100_000
DESCRIPTION = f"{DEPTH:,} nested list items + one <b> in one answer, `cited build`"


def make(site: pathlib.Path) -> list[str]:
    question = site / "content" / "questions" / "yeast-vs-sourdough.yaml"
    text = question.read_text(encoding="utf-8")
    nested = "- " * DEPTH + "deep <b>bold</b>"
    first_line = "  Most bakers agree that yeast bread is quicker to make.\n"
    assert first_line in text, "the fixture's answer changed"
    question.write_text(text.replace(first_line, f"{first_line}\n  {nested}\n"), encoding="utf-8")
    return ["build", "--out", str(site / "public")]
