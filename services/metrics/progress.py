"""A progress line on stderr: events, rate and time left (no dependency needed)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    """Rewrites one line at most every `every` seconds, and once more at the end."""

    def __init__(self, what: str = "events", stream: TextIO | None = None,
                 every: float = 0.5) -> None:
        # The stream of the moment of use: stderr may have been replaced since import.
        self.what, self.stream, self.every = what, stream or sys.stderr, every
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.shown < self.every and done < total:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate else 0.0
        share = done / total if total else 1.0
        bar = "#" * int(share * 30)
        self.stream.write(f"\r[{bar:<30}] {done:,}/{total:,} {self.what}  {rate:,.0f}/s  "
                          f"{left:,.0f} s left ")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
