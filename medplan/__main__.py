"""``python -m medplan`` and the ``medplan`` command: the command line, run as a process."""

from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import NoReturn


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


def run() -> NoReturn:
    """The ``medplan`` command: :func:`main`, then the process ends with its status.

    After one plainly written plan the interpreter is not torn down: the
    plan is out, and freeing what the imports and the tables made, module
    by module, is some 6M instructions (a fiftieth of the command) that
    change nothing. The process ends as ``os._exit`` ends it, once standard
    output and error are flushed, and only when nothing else would run at
    exit: no function registered with :mod:`atexit` (coverage's, say), no
    trace or profile function. Any other command, and a flush that fails,
    ends as ``sys.exit`` ends it.
    """
    status = main()
    from medplan import cli  # noqa: PLC0415 - imported by main(), with the collector off

    if cli.is_one_plan(sys.argv[1:]) and _nothing_at_exit():
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (AttributeError, OSError, ValueError):  # no stream (None), a closed or broken one
            pass  # reported as the interpreter reports it, by the teardown below
        else:
            os._exit(status)
    sys.exit(status)


def _nothing_at_exit() -> bool:
    # atexit counts its functions only in a call private to CPython; where it
    # is missing, the process is torn down as any other.
    count = getattr(atexit, "_ncallbacks", None)
    return (
        count is not None and count() == 0 and sys.gettrace() is None and sys.getprofile() is None
    )


if __name__ == "__main__":
    sys.exit(main())
