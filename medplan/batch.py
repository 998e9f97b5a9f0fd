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
from collections.abc import Callable, Iterator
from types import FrameType
from typing import IO, Any, Self, TextIO

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
        except (KeyboardInterrupt, GeneratorExit):
            # Ctrl-C here, or the batch stopped between lines (a Ctrl-C during a
            # write closes this generator): what no worker has begun is dropped, not planned.
            pool.shutdown(cancel_futures=True)
            raise


class _WholeLines:
    """The batch's output, written so that Ctrl-C never cuts a line: it takes effect between lines.

    SIGINT while a write to a pipe waits for room ends write(2) after part of
    a line. Under ``python -u`` or PYTHONUNBUFFERED (usual in containers),
    standard output is a text layer straight over the file, which drops the
    rest of such a short write; buffered, Python's handler raises
    KeyboardInterrupt before the buffer writes the rest. Either way the
    output ended in a torn line. So each line goes to the binary layer as
    bytes, written on from where a short write stopped, and while a line is
    written (or the lines so far flushed) this handler only notes a Ctrl-C,
    which takes effect once the line is out. It is installed only where
    SIGINT has a Python handler that this (main) thread can change: an
    ignored or default SIGINT is left as it is.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        # A stream without a binary layer (a StringIO) has no short writes.
        self._binary: IO[bytes] | None = getattr(out, "buffer", None)
        self._writing = False
        self._noted = False
        self._previous: Callable[[int, FrameType | None], Any] = signal.default_int_handler
        self._installed = False

    def __enter__(self) -> Self:
        self._out.flush()  # anything written before goes out before the lines written as bytes
        previous = signal.getsignal(signal.SIGINT)
        if threading.current_thread() is threading.main_thread() and callable(previous):
            self._previous, self._installed = previous, True
            signal.signal(signal.SIGINT, self._interrupted)
        return self

    def __exit__(self, *_: object) -> None:
        if self._installed:
            signal.signal(signal.SIGINT, self._previous)

    def _interrupted(self, signum: int, frame: FrameType | None) -> None:
        if self._writing:
            self._noted = True
        else:
            self._previous(signum, frame)

    def _whole(self, text: str | None) -> None:
        self._writing = True
        try:
            if text is None:
                self._out.flush()
            elif self._binary is None:
                self._out.write(text)
            else:
                data = memoryview(text.encode(self._out.encoding, self._out.errors or "strict"))
                while data:
                    data = data[self._binary.write(data) :]
        finally:
            self._writing = False

    def write(self, line: str) -> None:
        """Write one line whole; a Ctrl-C during it stops the batch once it is out."""
        self._whole(line)
        self.stop_if_interrupted()

    def flush(self) -> None:
        """Send the lines written so far, whole even if Ctrl-C comes meanwhile."""
        self._whole(None)

    def stop_if_interrupted(self) -> None:
        """Raise the Ctrl-C noted during a write, once the lines written so far are sent."""
        if self._noted:
            self._whole(None)
            self._previous(signal.SIGINT, None)


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
    with _WholeLines(out) as lines:
        try:
            for line, outcome, read in answers(_requests(stream), args):
                lines.write(line)
                counts[outcome] += 1
                if progress is not None:
                    progress.show(sum(counts.values()), counts[_REFUSED] + counts[_BROKEN], read)
        except KeyboardInterrupt:
            lines.flush()  # the whole lines buffered so far, before the one line on stderr
            raise
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()
        # Sent here, not at the interpreter's exit, where a Ctrl-C could cut a line.
        lines.flush()
        lines.stop_if_interrupted()
    if progress is not None:
        progress.show(sum(counts.values()), counts[_REFUSED] + counts[_BROKEN], read, final=True)
    if counts[_BROKEN]:
        return EXIT_INTERNAL
    return EXIT_INPUT if counts[_REFUSED] else EXIT_OK
