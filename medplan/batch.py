"""``medplan batch``: a day's bookings as JSON Lines, streamed, in one process or several."""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any, TextIO

from medplan import clock
from medplan.api import plan
from medplan.exceptions import InputError, PolicyError, TableError
from medplan.exit_status import EXIT_INPUT, EXIT_INTERNAL, EXIT_OK
from medplan.jsonlines import (
    MAX_REQUEST_BYTES,
    error_record,
    line_request,
    read_lines,
    request_object,
)
from medplan.tables.drug_classes import Table
from medplan.tables.policies import Profiles, table_and_profiles

__all__ = [
    "WORKER",
    "answer_chunk",
    "load_data",
    "run_batch",
    "start_worker",
]


# The progress line is redrawn at most this often (seconds).
_PROGRESS_EVERY = 0.2


def load_data(args: argparse.Namespace) -> tuple[Table, Profiles | None]:
    """The table and policy file the command line names (profiles None for the bundled ones)."""
    return table_and_profiles(args.table, args.policies)


class _Progress:
    """A one-line progress report on a terminal's standard error; silent elsewhere."""

    def __init__(self, stream: TextIO, total_bytes: int | None) -> None:
        self._stream = stream
        self._total = total_bytes
        self._shown = 0.0

    def show(self, lines: int, failed: int, read: int, *, final: bool = False) -> None:
        moment = time.monotonic()
        if not final and moment - self._shown < _PROGRESS_EVERY:
            return
        self._shown = moment
        share = f", {100 * read / self._total:.0f}%" if self._total else ""
        end = "\n" if final else ""
        self._stream.write(f"\rmedplan batch: {lines:,} lines, {failed:,} failed{share}{end}")
        self._stream.flush()


def _plan_line(
    raw: bytes | None, now: str | None, table: Table, profiles: Profiles | None
) -> dict[str, Any]:
    request = request_object(line_request(raw))
    result = plan(request, table=table, profiles=profiles, now=now, clock=clock.now())
    return result.to_dict()


def _open_input(path: str) -> tuple[IO[bytes], int | None]:
    """The batch input as bytes, and its size when it is a regular file (for the progress line)."""
    if path == "-":
        stream: IO[bytes] = sys.stdin.buffer
    else:
        try:
            stream = open(path, "rb")  # noqa: SIM115, PTH123 - the caller closes it; the path is the user's
        except OSError as error:
            raise InputError(path, f"cannot be read ({error.strerror or error})") from None
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):  # a stream without a file behind it
        return stream, None
    return stream, info.st_size if stat.S_ISREG(info.st_mode) else None


# prctl's option: the signal this process gets when its parent dies (linux/prctl.h).
_PR_SET_PDEATHSIG = 1

# A line's outcome: planned, refused (an input error), or an internal error.
_PLANNED, _REFUSED, _BROKEN = "planned", "refused", "broken"

# Lines a worker plans per task, and tasks in flight per worker: enough to keep
# the workers busy, few enough that memory stays flat however long the input.
_CHUNK = 64

_IN_FLIGHT = 4


def _answer_line(
    number: int, raw: bytes | None, now: str | None, table: Table, profiles: Profiles | None
) -> tuple[str, str]:
    """One output line (a plan or an error record) and its outcome; TableError and PolicyError pass."""
    try:
        record = _plan_line(raw, now, table, profiles)
        outcome = _PLANNED
    except InputError as error:
        record, outcome = error_record(number, error), _REFUSED
    except (TableError, PolicyError):
        raise  # the clinic's data, not this line: stop the whole batch
    except Exception as error:  # noqa: BLE001 - one bad line must not stop the day's bookings
        record, outcome = error_record(number, error), _BROKEN
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n", outcome


# A worker process's table, policy profiles and moment, loaded once by start_worker.
WORKER: dict[str, Any] = {}


def _cpus() -> int:
    """The CPUs this process may run on (its affinity where the platform says, else the machine's)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _watch_parent(parent: int, every: float = 1.0) -> None:
    """End this worker once its parent, the batch process, has gone (its parent id changes)."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(EXIT_INTERNAL)


def _end_with_parent(parent: int) -> None:
    """Make this worker process end when ``medplan batch`` ends, however it ends (SIGKILL too).

    On Linux the kernel sends SIGTERM the moment the parent dies
    (``PR_SET_PDEATHSIG``); everywhere, and for a parent gone before that
    call, a thread checks the parent once a second.
    """
    if sys.platform.startswith("linux"):
        import ctypes  # noqa: PLC0415 - Linux only, in a worker only

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _start_worker_process(
    parent: int, table_path: str | None, policies_path: str | None, now: str | None
) -> None:
    """A --jobs worker's start: it ends with its parent, leaves Ctrl-C to it, and loads the data once."""
    # Ctrl-C reaches the whole process group: the parent stops the batch, the workers do not print.
    # First, before the slow part of the start (ctypes), so a Ctrl-C then is no worker traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _end_with_parent(parent)
    start_worker(table_path, policies_path, now)


def start_worker(table_path: str | None, policies_path: str | None, now: str | None) -> None:
    """Load a --jobs worker's table, policies and clock once, for every chunk it answers."""
    table, profiles = table_and_profiles(table_path, policies_path)
    WORKER.update(table=table, profiles=profiles, now=now)


def answer_chunk(chunk: list[tuple[int, bytes | None]]) -> list[tuple[str, str]]:
    """A worker's answers to a chunk of numbered lines, with the data it loaded at start."""
    table, profiles, now = WORKER["table"], WORKER["profiles"], WORKER["now"]
    return [_answer_line(number, raw, now, table, profiles) for number, raw in chunk]


def _requests(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None, int]]:
    """The non-blank lines with their numbers, and the bytes read so far."""
    read = 0
    for number, raw in enumerate(read_lines(stream), start=1):
        read += MAX_REQUEST_BYTES if raw is None else len(raw)
        if raw is not None and not raw.strip():
            continue  # a blank line is not a request
        yield number, raw, read


def _answers_here(
    requests: Iterator[tuple[int, bytes | None, int]], args: argparse.Namespace
) -> Iterator[tuple[str, str, int]]:
    table, profiles = load_data(args)  # loaded and checked once, before line 1
    for number, raw, read in requests:
        yield (*_answer_line(number, raw, args.now, table, profiles), read)


def _answers_in_workers(
    requests: Iterator[tuple[int, bytes | None, int]], args: argparse.Namespace
) -> Iterator[tuple[str, str, int]]:
    """The same answers, planned by ``--jobs`` worker processes, in input order."""
    from collections import deque  # noqa: PLC0415 - only a parallel batch needs these
    from concurrent.futures import Future, ProcessPoolExecutor  # noqa: PLC0415
    from itertools import islice  # noqa: PLC0415

    load_data(args)  # a malformed table or policy file stops the batch before any worker starts
    pending: deque[tuple[Future[list[tuple[str, str]]], int]] = deque()
    initargs = (os.getpid(), args.table, args.policies, args.now)
    with ProcessPoolExecutor(
        args.jobs, initializer=_start_worker_process, initargs=initargs
    ) as pool:
        try:
            while True:
                while len(pending) < args.jobs * _IN_FLIGHT:
                    chunk = list(islice(requests, _CHUNK))
                    if not chunk:
                        break
                    work = [(number, raw) for number, raw, _ in chunk]
                    pending.append((pool.submit(answer_chunk, work), chunk[-1][2]))
                if not pending:
                    return
                future, read = pending.popleft()
                for line, outcome in future.result():
                    yield line, outcome, read
        except KeyboardInterrupt:
            pool.shutdown(cancel_futures=True)  # what no worker has begun is dropped, not planned
            raise


def run_batch(args: argparse.Namespace, out: TextIO) -> int:
    """Plan each line as it comes and write it at once: memory stays flat however long the input."""
    if args.jobs < 1:
        raise InputError("--jobs", f"must be 1 or more (got {args.jobs})")
    if args.jobs > (cpus := _cpus()):
        # More processes than CPUs plan no faster and each holds the table: a
        # script written for a larger machine still runs, saying so.
        sys.stderr.write(
            f"medplan batch: --jobs {args.jobs} is more than the {cpus} CPUs this process may "
            f"use; planning in {cpus}\n"
        )
        args.jobs = cpus
    stream, total = _open_input(args.input)
    progress = _Progress(sys.stderr, total) if sys.stderr.isatty() else None
    counts = {_PLANNED: 0, _REFUSED: 0, _BROKEN: 0}
    read = 0
    answers = _answers_in_workers if args.jobs > 1 else _answers_here
    try:
        for line, outcome, read in answers(_requests(stream), args):
            out.write(line)
            counts[outcome] += 1
            if progress is not None:
                progress.show(sum(counts.values()), counts[_REFUSED] + counts[_BROKEN], read)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if progress is not None:
        progress.show(sum(counts.values()), counts[_REFUSED] + counts[_BROKEN], read, final=True)
    if counts[_BROKEN]:
        return EXIT_INTERNAL
    return EXIT_INPUT if counts[_REFUSED] else EXIT_OK
