"""A content file larger than the site's limit, and a FIFO where a content
file should be.

Both are refused before anything is read: the figure shows that a 200 MB
file costs nothing (before, it was read whole into memory; a symlink to
`/dev/zero` ate all memory, and a FIFO blocked the build forever).
"""

from __future__ import annotations

import os
import pathlib

SIZE = 200 * 1024 * 1024
DESCRIPTION = "a 200 MB question file and a FIFO, `cited check`"


def make(site: pathlib.Path) -> list[str]:
    huge = site / "content" / "questions" / "huge.yaml"
    with open(huge, "wb") as f:
        f.truncate(SIZE)  # sparse: the disk is not filled
    os.mkfifo(site / "content" / "questions" / "pipe.yaml")
    return ["check"]
