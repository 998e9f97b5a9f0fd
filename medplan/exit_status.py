"""The command line's exit statuses (sysexits where one fits), for medplan and medplan batch."""

from __future__ import annotations

__all__ = [
    "EXIT_CHANGED",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_MISSING_EXTRA",
    "EXIT_OK",
    "EXIT_TABLE",
]


EXIT_OK = 0

EXIT_CHANGED = 1

EXIT_INPUT = 2

EXIT_TABLE = 3

# sysexits.h's EX_UNAVAILABLE, beside EX_SOFTWARE (70): neither the request
# nor the clinic's data is wrong, the installation lacks a part.
EXIT_MISSING_EXTRA = 69

EXIT_INTERNAL = 70
