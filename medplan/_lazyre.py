"""A regular expression compiled where it is first used, not when its module is imported.

Compiling a pattern runs the ``re`` module's parser and compiler, in Python:
the four that read a pasted medicine name cost more than a tenth of a
millisecond each, and a one-shot ``medplan plan`` whose names all resolve as
written, or that reads the prebuilt table rather than parsing the CSV, never
uses them. A :class:`LazyPattern` stands where the compiled pattern stood and
answers the same methods with the same results (tests/api/test_lazyre.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

__all__ = ["LazyPattern"]


class LazyPattern:
    """``re.compile(pattern, flags)``, compiled on the first call of one of its methods."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern: compiled on the first call, the same object after."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def fullmatch(self, string: str) -> re.Match[str] | None:
        """As :meth:`re.Pattern.fullmatch`."""
        return self.compiled().fullmatch(string)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        """As :meth:`re.Pattern.finditer`."""
        return self.compiled().finditer(string)

    def findall(self, string: str) -> list[Any]:
        """As :meth:`re.Pattern.findall`."""
        return self.compiled().findall(string)

    def sub(self, repl: str, string: str) -> str:
        """As :meth:`re.Pattern.sub`."""
        return self.compiled().sub(repl, string)
