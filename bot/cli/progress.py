"""A progress bar on a terminal, silence elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    """Yield an ``advance(n)`` callback drawing a bar when stderr is a terminal, else None."""
    if not sys.stderr.isatty():
        yield None
        return
    with tqdm(total=total, desc=label, unit="doc", file=sys.stderr) as bar:
        yield bar.update
