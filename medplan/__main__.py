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
    ``cli.main`` freezes it, and collection resumes for the command itself;
    for one plainly written plan only once it is done. That plan's tables and
    plan live until the process exits, and it makes next to no garbage, so the
    collector stays off while it runs and what it made is frozen before the
    collection at exit (together about 2M instructions).
    """
    gc.disable()
    from medplan import cli  # noqa: PLC0415 - imported with the collector off, above

    gc.freeze()
    one_plan = cli.is_one_plan(sys.argv[1:])
    if not one_plan:
        gc.enable()
    status = cli.main()
    if one_plan:
        gc.freeze()
        gc.enable()
    return status


if __name__ == "__main__":
    sys.exit(main())
