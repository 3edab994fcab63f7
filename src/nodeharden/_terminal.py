"""Everything that depends on a terminal: colour, the progress bar, the rich console, the
one-line error on stderr, and the check that there is a terminal to ask on.

Commands and the wizard import these helpers from here only; rich is imported when a helper
actually draws something, so a piped ``nodeharden check`` never loads it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from nodeharden.errors import InteractiveRequiredError

if TYPE_CHECKING:
    from rich.console import Console

#: A progress callback: ``progress(done, total)``.
Progress = Callable[[int, int], None]


def use_color(stream: IO[str]) -> bool:
    """Return True when ``stream`` is a terminal and NO_COLOR is not set."""
    return stream.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def print_error(message: str) -> None:
    """Print ``nodeharden: error: MESSAGE`` on one line of stderr (red on a terminal)."""
    line = " ".join(message.split("\n"))
    if sys.stderr.isatty() and not os.environ.get("NO_COLOR"):
        print(f"\x1b[31mnodeharden: error: {line}\x1b[0m", file=sys.stderr)
    else:
        print(f"nodeharden: error: {line}", file=sys.stderr)


class ProgressBar:
    """A progress bar on stderr that appears only after about a second, and only when stderr
    is a terminal (nothing extra otherwise)."""

    def __init__(self) -> None:
        import time

        self._started = time.monotonic()
        self._progress: Any = None
        self._task: Any = None

    def update(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` files."""
        if self._progress is None:
            import time

            if time.monotonic() - self._started < 1.0 or total < 50:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            self._progress = Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                                      transient=True, console=Console(file=sys.stderr))
            self._progress.start()
            self._task = self._progress.add_task("scan", total=total)
        self._progress.update(self._task, completed=done)

    def close(self) -> None:
        """Remove the bar (it is transient)."""
        if self._progress is not None:
            self._progress.stop()


def progress_bar() -> tuple[Progress | None, Callable[[], None]]:
    """Return (callback, close) for a progress bar on stderr; no callback without a terminal."""
    if not sys.stderr.isatty():
        return None, lambda: None
    bar = ProgressBar()
    return bar.update, bar.close


def make_console() -> Console:
    """Return the rich console of interactive output (rich honours NO_COLOR and TERM=dumb)."""
    from rich.console import Console

    return Console(highlight=False)


def require_terminal(what: str) -> None:
    """Raise ``InteractiveRequiredError`` when there is no terminal to ask on."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InteractiveRequiredError(
            f"{what} needs a terminal to ask on; review with `nodeharden fix --dry-run`, then "
            "run `nodeharden fix` (limit it with `--select RULE`, add `--unsafe` for unsafe "
            "fixes)")
