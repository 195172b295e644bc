"""A 64 MiB archive and one quote that is not in it.

Times `cited check` when one quote of a source is missing from an archive
as large as the default archive limit allows: the quote is searched for,
then the closest passage and its differences are worked out for the help.
The archive is English-like prose (sentences drawn from a fixed vocabulary
with a fixed seed), so the closest-passage search sees realistic words; the
fixture's own sentences stay at its start, so its other quotes still verify.
"""

from __future__ import annotations

import pathlib
import random

DESCRIPTION = "64 MiB archive, one quote not in it (check)"

# The default limit on an archive's size (64 MiB): the largest archive a
# site can have without changing it.
ARCHIVE_BYTES = 64 * 1024 * 1024

WORDS = (
    "the a of to and in is it that for on with as by this be are from at or "
    "bread dough loaf flour water salt yeast sourdough starter oven crust crumb "
    "rise proof knead bake baking baker bakers kitchen warm cold hours minutes "
    "day night overnight temperature shape fold rest bowl tin tray steam heat "
    "usually often sometimes rarely always never most many some few every each "
    "between about around nearly less more than after before during until while"
).split()

MISSING_QUOTE = (
    "A sourdough starter kept in a cold fridge usually needs three days of "
    "feeding before it can raise a loaf"
)


def filler(size: int) -> str:
    rng = random.Random(20261130)
    lines = []
    total = 0
    while total < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 24)))
        line = sentence[0].upper() + sentence[1:] + rng.choice(".!?.") + "\n"
        lines.append(line)
        total += len(line)
    return "".join(lines)


def make(site: pathlib.Path) -> list[str]:
    archive = site / "content" / "sources" / "baking-notes.txt"
    head = archive.read_bytes()
    # The filler is ASCII, so cutting it at a byte count keeps valid UTF-8.
    body = filler(ARCHIVE_BYTES - len(head)).encode("ascii")
    archive.write_bytes(head + body[: ARCHIVE_BYTES - len(head)])
    (site / "content" / "questions" / "how-to-keep-a-starter.yaml").write_text(
        "question: How do I keep a sourdough starter?\n"
        "topic: basics\n"
        "summary: Feed it for a few days before baking.\n"
        "answer: Feed it regularly.\n"
        "facts:\n"
        "  - claim: A cold starter needs feeding before baking.\n"
        "    quotes:\n"
        "      - source: baking-notes\n"
        f"        text: {MISSING_QUOTE}\n"
        "reviewed:\n"
        "  on: 2026-01-15\n"
        "  by: [kitchen-editors]\n",
        encoding="utf-8",
    )
    return ["check"]
