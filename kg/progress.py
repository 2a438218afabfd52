"""A one-line progress bar on stderr for long runs, silent unless stderr is a terminal.

Pipes and log files get no bar at all (no carriage-return debris); the
summary line the CLI prints afterwards is the record of a run.
"""
from __future__ import annotations

import sys
import time

REDRAW = 0.2  # seconds between redraws


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds + 0.5), 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _rate(chars_per_s: float) -> str:
    if chars_per_s >= 1e6:
        return f"{chars_per_s / 1e6:.1f}M"
    if chars_per_s >= 1e3:
        return f"{chars_per_s / 1e3:.1f}k"
    return f"{chars_per_s:.0f}"


class Progress:
    """Pages done of `total`, chars/s and ETA; `weight` (e.g. bytes) paces the ETA when pages differ in size."""

    def __init__(self, total: int | None = None, weight: int | None = None, stream=None, label: str = "pages", enabled=None):
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = _is_terminal(self.stream)
        self.enabled = enabled
        self.total, self.weight, self.label = total, weight, label
        self.done = self.chars = self.weighed = 0
        self._start = time.monotonic()
        self._drawn = 0.0
        self._width = 0

    def update(self, pages: int = 1, chars: int = 0, weight: int = 0) -> None:
        self.done += pages
        self.chars += chars
        self.weighed += weight
        if self.enabled and time.monotonic() - self._drawn >= REDRAW:
            self._draw()

    def line(self) -> str:
        elapsed = max(time.monotonic() - self._start, 1e-9)
        done = f"{self.done}/{self.total}" if self.total else str(self.done)
        parts = [f"{self.label} {done}", f"{_rate(self.chars / elapsed)} chars/s"]
        if self.total:
            frac = self.weighed / self.weight if self.weight else self.done / self.total
            if 0 < frac < 1:
                parts.append(f"ETA {_clock(elapsed * (1 - frac) / frac)}")
            bar = int(20 * min(max(frac, 0), 1))
            parts.insert(0, "[" + "#" * bar + "." * (20 - bar) + "]")
        else:
            parts.append(_clock(elapsed))
        return "  ".join(parts)

    def _draw(self) -> None:
        text = self.line()
        pad = max(self._width - len(text), 0)
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self._width = len(text)
        self._drawn = time.monotonic()

    def close(self) -> None:
        """Leave the last state on its own line (nothing when disabled)."""
        if self.enabled and self.done:
            self._draw()
            self.stream.write("\n")
            self.stream.flush()
        self.enabled = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
