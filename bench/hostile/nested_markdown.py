"""100,000 nested `<div>` in one answer, `cited build`.

Before the fix, ammonia's HTML parser (html5ever's tree builder) walked the
whole stack of open elements for every block-level start tag, so the build
took time quadratic in the depth. Markdown nesting deeper than
`markdown::MAX_NESTING` is now reported as `deep-nesting` with its position,
and the renderer never hands such a field to the sanitiser.
"""

from __future__ import annotations

import pathlib

DEPTH = 100_000
DESCRIPTION = f"{DEPTH:,} nested <div> in one answer, `cited build`"


def make(site: pathlib.Path) -> list[str]:
    question = site / "content" / "questions" / "yeast-vs-sourdough.yaml"
    text = question.read_text(encoding="utf-8")
    nested = "<div>" * DEPTH + "deep" + "</div>" * DEPTH
    first_line = "  Most bakers agree that yeast bread is quicker to make.\n"
    assert first_line in text, "the fixture's answer changed"
    question.write_text(text.replace(first_line, f"{first_line}\n  {nested}\n"), encoding="utf-8")
    return ["build", "--out", str(site / "public")]
