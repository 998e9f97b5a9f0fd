"""``python -m medplan`` and the ``medplan`` command: the command line, run as a process."""

from __future__ import annotations

import gc
import sys


def main() -> int:
    """Run :func:`medplan.cli.main` on the process's arguments; returns the exit status.

    Importing the command line makes a few hundred thousand objects that live
    until the process exits and next to no garbage, so the collector is off
    while it runs: it would only walk them, again and again (about a thirtieth
    of a one-shot ``medplan plan``). What the imports made is frozen, as
    ``cli.main`` freezes it, and collection resumes for the command itself.
    """
    gc.disable()
    from medplan import cli  # noqa: PLC0415 - imported with the collector off, above

    gc.freeze()
    gc.enable()
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
