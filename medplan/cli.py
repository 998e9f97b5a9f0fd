"""The command line: ``medplan plan``, ``earliest``, ``batch``, ``recheck``, ``serve``, ``example`` and the listings.

Exit status: 0 a plan was printed (it may still need review: the plan says
so); 1 ``recheck`` found the stored plan changed; 2 the request or the
command line is wrong (for ``batch``: at least one line was); 3 a data table
or a clinic policy file is malformed; 69 the output asked for needs an extra
that is not installed (``--format ics`` without ``medplan[calendar]``, ``serve``
without ``medplan[server]``); 70 an internal error, which is a bug to report;
130 stopped by Ctrl-C (the output lines written so far are whole).
Errors are one line on standard error, never a traceback.

This is the one place that reads files and the clock: a request without a
``now`` (and no ``--now``) is planned as of the clock, and says so in its
plan (``booking.now_source``); everything below is given the moment.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TextIO

from medplan import clock
from medplan._version import __version__
from medplan.api import earliest, plan
from medplan.csvrows import package_files
from medplan.exceptions import (
    InputError,
    MedplanError,
    MissingExtraError,
    PolicyError,
    TableError,
)
from medplan.jsontext import decode, request_object
from medplan.model import ClinicRule, Plan
from medplan.procedures import default_catalogue
from medplan.profiles import Profiles, default_profiles, load_profiles
from medplan.recheck import recheck
from medplan.render import render_booking, render_json, render_text
from medplan.table import Table, default_table, load_table

__all__ = [
    "EXIT_CHANGED",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_MISSING_EXTRA",
    "EXIT_OK",
    "EXIT_TABLE",
    "main",
]

EXIT_OK = 0
EXIT_CHANGED = 1
EXIT_INPUT = 2
EXIT_TABLE = 3
# sysexits.h's EX_UNAVAILABLE, beside EX_SOFTWARE (70): neither the request
# nor the clinic's data is wrong, the installation lacks a part.
EXIT_MISSING_EXTRA = 69
EXIT_INTERNAL = 70
# 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


# The patient's renderers are imported only when asked for: a one-shot
# command's time is mostly imports (uuid, for one, loads platform).
def _render_calendar(plan: Plan) -> str:
    from medplan.patient import render_calendar  # noqa: PLC0415 - see above

    return render_calendar(plan)


def _render_ics(plan: Plan) -> str:
    from medplan.ics import render_ics  # noqa: PLC0415 - see above

    return render_ics(plan)


# What --format prints: the pharmacist's text, the JSON contract, and what the
# patient receives (the day-by-day calendar in words, and an iCalendar file).
RENDERERS: dict[str, Callable[[Plan], str]] = {
    "text": render_text,
    "json": render_json,
    "calendar": _render_calendar,
    "ics": _render_ics,
}

# A request lists a handful of medicines; anything this large is not one.
# A stored plan carries its request and every dated step, so it may be larger.
MAX_REQUEST_BYTES = 1_000_000
MAX_PLAN_BYTES = 5_000_000
# The progress line is redrawn at most this often (seconds).
_PROGRESS_EVERY = 0.2


def _examples() -> dict[str, Any]:
    # package_files, not importlib.resources: the same folder, and `medplan plan`
    # does not pay for importing importlib.resources at start-up.
    folder = package_files() / "examples"
    return {
        entry.name.removesuffix(".json"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


def _read(stream: TextIO, label: str, limit: int = MAX_REQUEST_BYTES) -> str:
    # Read at most one character past the limit: a huge file is refused, not read whole.
    text = stream.read(limit + 1)
    if len(text) > limit:
        what = "a request" if limit == MAX_REQUEST_BYTES else "a stored plan"
        raise InputError(label, f"is larger than {limit:,} characters; {what} is far smaller")
    return text


def _load_request(path: str, limit: int = MAX_REQUEST_BYTES) -> dict[str, Any]:
    if path == "-":
        data = decode(_read(sys.stdin, "stdin", limit), "stdin")
    else:
        try:
            with open(path, encoding="utf-8") as stream:  # noqa: PTH123 - the path is the user's, as given
                text = _read(stream, path, limit)
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise InputError(path, f"cannot be read ({reason})") from None
        data = decode(text, path)
    return request_object(data)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medplan",
        description="Peri-procedural medication plans: hold, last dose, checks and restart, with sources.",
    )
    parser.add_argument("--version", action="version", version=f"medplan {__version__}")
    commands = parser.add_subparsers(
        dest="command",
        required=True,
        metavar="COMMAND",
        help="what to do; medplan COMMAND --help describes its arguments",
    )
    formats = tuple(RENDERERS)
    formats_help = (
        "text: for the pharmacist; json: the plan contract; calendar: the patient's day-by-day "
        "calendar; ics: the patient's iCalendar file (needs medplan[calendar])"
    )

    plan_cmd = commands.add_parser(
        "plan", help="plan a request (a JSON file, or - for standard input)"
    )
    request_help = "the request: a JSON file, or - for standard input"
    plan_cmd.add_argument("request", metavar="REQUEST.json", help=request_help)
    plan_cmd.add_argument("--format", choices=formats, default="text", help=formats_help)
    policies_help = "use this clinic policy file (TOML) instead of the bundled profiles"
    now_help = (
        "when the booking is made (YYYY-MM-DDTHH:MM in the procedure's zone, or with a UTC "
        "offset); replaces the request's 'now'"
    )

    def data_options(command: argparse.ArgumentParser) -> None:
        command.add_argument(
            "--table", metavar="CSV", help="use this drug-class table instead of the bundled one"
        )
        command.add_argument("--policies", metavar="TOML", help=policies_help)

    data_options(plan_cmd)
    plan_cmd.add_argument("--now", metavar="WHEN", help=now_help)

    earliest_cmd = commands.add_parser(
        "earliest",
        help="the earliest start every hold allows, and when the patient must be told",
    )
    earliest_cmd.add_argument(
        "request", metavar="REQUEST.json", help=f"{request_help}; procedure.start may be left out"
    )
    earliest_cmd.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    earliest_cmd.add_argument(
        "--now", metavar="WHEN", help=now_help.replace("replaces", "default: the clock; replaces")
    )
    data_options(earliest_cmd)

    batch_cmd = commands.add_parser(
        "batch",
        help="plan JSON Lines (one request per line) into JSON Lines (one plan or error per line)",
    )
    batch_cmd.add_argument(
        "input",
        metavar="REQUESTS.jsonl",
        nargs="?",
        default="-",
        help="one JSON request per line; standard input when left out or -",
    )
    batch_cmd.add_argument("--now", metavar="WHEN", help=now_help + ", on every line")
    batch_cmd.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="plan in N worker processes (output stays in input order); default 1",
    )
    data_options(batch_cmd)

    recheck_cmd = commands.add_parser(
        "recheck",
        help="plan a stored plan's request again and report what changed (exit 1 if anything did)",
    )
    recheck_cmd.add_argument(
        "stored", metavar="PLAN.json", help="a plan medplan made earlier (its JSON), or - for stdin"
    )
    recheck_cmd.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: the differences (default); json: them and the new plan",
    )
    data_options(recheck_cmd)

    example_cmd = commands.add_parser("example", help="plan a bundled example request")
    example_cmd.add_argument(
        "name",
        nargs="?",
        default="nerve-root-sleeve-injection",
        help="which example (default: %(default)s; --list names them all)",
    )
    example_cmd.add_argument(
        "--format",
        choices=(*formats, "request"),
        default="text",
        help=f"{formats_help}; request: the example's request instead of its plan",
    )
    example_cmd.add_argument("--list", action="store_true", help="list the bundled examples")

    commands.add_parser(
        "procedures", help="list the procedure catalogue's codes, tiers and guidelines"
    )
    policies_cmd = commands.add_parser(
        "policies", help="list the clinic policy profiles and what each does (checks the file)"
    )
    policies_cmd.add_argument("--policies", metavar="TOML", help=policies_help)

    serve_cmd = commands.add_parser(
        "serve", help="serve plans over HTTP as JSON (needs medplan[server]; docs/service.md)"
    )
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve_cmd.add_argument(
        "--port", type=_number(0, 65535), default=8080, help="port (default: %(default)s)"
    )
    serve_cmd.add_argument(
        "--workers",
        type=_number(1, 64),
        default=1,
        help="worker processes, each planning on its own core (default: %(default)s)",
    )
    serve_cmd.add_argument(
        "--header-timeout",
        type=_number(1, 300),
        default=10,
        metavar="SECONDS",
        help="close a connection that has not sent a request's headers this long after "
        "opening or after its last response (default: %(default)s)",
    )
    serve_cmd.add_argument(
        "--max-connections",
        type=_number(1, 100_000),
        default=1000,
        metavar="N",
        help="answer 503 past N connections and calls in flight, per worker (default: %(default)s)",
    )
    serve_cmd.add_argument(
        "--no-access-log",
        action="store_true",
        help="no log line per call (errors are still logged)",
    )
    data_options(serve_cmd)
    return parser


def _number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            message = f"must be a whole number from {low} to {high} (got {text!r})"
            raise argparse.ArgumentTypeError(message)
        return int(text)

    return parse


def _list_procedures(out: TextIO) -> int:
    catalogue = default_catalogue()
    entries = sorted(
        catalogue.procedures.values(), key=lambda p: (p.guideline, -p.planned_risk.rank, p.code)
    )
    width = max(len(p.code) for p in entries)
    for entry in entries:
        tier = entry.planned_risk.value + (
            f" (from {entry.bleeding_risk.value})" if entry.escalates_to else ""
        )
        out.write(f"{entry.code.ljust(width)}  {entry.guideline:<14}  {tier:<13}  {entry.name}\n")
    return EXIT_OK


def _load_profiles(path: str, table: Table | None) -> Profiles:
    """A clinic's policy file, checked against the catalogue and the table it will plan with."""
    table = default_table() if table is None else table
    return load_profiles(
        path,
        catalogue=default_catalogue(),
        variants=table.variants,
        drug_classes=table.drug_classes,
    )


def _list_policies(out: TextIO, path: str | None) -> int:
    profiles = _load_profiles(path, None) if path is not None else default_profiles()
    width = max(len(name) for name in profiles.names)
    indent = " " * (width + 2)
    for profile in profiles.profiles.values():
        out.write(f"{profile.name.ljust(width)}  {profile.description}\n")
        # Who signed the numbers is what a pharmacist checks before using a profile.
        approval = profile.policy.approval
        out.write(f"{indent}{'approval: none recorded' if approval is None else approval}\n")
        out.writelines(f"{indent}rule: {_say_rule(rule)}\n" for rule in profile.policy.rules)
    return EXIT_OK


def _say_rule(rule: ClinicRule) -> str:
    """A protocol's rule on one line: ``clopidogrel at intermediate risk: hold 10 days, ...``."""
    return f"{rule.drug_class} at {rule.bleeding_risk.value} risk: {rule}"


def _data(args: argparse.Namespace) -> tuple[Table | None, Profiles | None]:
    """The table and policy file the command line names, or None for the bundled ones."""
    table = None if args.table is None else load_table(args.table)
    profiles = None if args.policies is None else _load_profiles(args.policies, table)
    return table, profiles


def _earliest(args: argparse.Namespace, out: TextIO) -> int:
    request = _load_request(args.request)
    table, profiles = _data(args)
    answer = earliest(request, now=args.now, table=table, profiles=profiles, clock=clock.now())
    if args.format == "json":
        out.write(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(render_booking(answer))
    return EXIT_OK


def _recheck(args: argparse.Namespace, out: TextIO) -> int:
    stored = _load_request(args.stored, MAX_PLAN_BYTES)
    table, profiles = _data(args)
    result = recheck(stored, table=table, profiles=profiles)
    if args.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        verdict = (
            f"CHANGED: {len(result.differences)} difference(s) from the stored plan"
            if result.changed
            else "Unchanged: the stored plan is what medplan plans today."
        )
        lines = [verdict, *(f"  {d}" for d in result.differences)]
        if result.provenance:
            lines += ["Made with:", *(f"  {d}" for d in result.provenance)]
        out.write("\n".join(lines) + "\n")
    return EXIT_CHANGED if result.changed else EXIT_OK


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


def _lines(stream: IO[bytes]) -> Iterator[bytes | None]:
    """The input's lines as bytes, one at a time; None for a line over the size limit (skipped whole)."""
    while line := stream.readline(MAX_REQUEST_BYTES + 1):
        if len(line) > MAX_REQUEST_BYTES and not line.endswith(b"\n"):
            while (rest := stream.readline(65536)) and not rest.endswith(b"\n"):
                pass
            yield None
        else:
            yield line


def _error_record(number: int, error: Exception) -> dict[str, Any]:
    detail: dict[str, str | None]
    if isinstance(error, InputError):
        detail = {"type": "InputError", "field": error.field, "problem": error.problem}
    else:
        problem = f"{type(error).__name__}: {error}"
        detail = {"type": "InternalError", "field": None, "problem": problem}
    return {"line": number, "error": {**detail, "message": f"line {number}: {error}"}}


def _line_request(raw: bytes | None) -> object:
    """A JSON Lines line as JSON data; None stands for a line over the size limit."""
    if raw is None:
        problem = f"is larger than {MAX_REQUEST_BYTES:,} bytes; a request is far smaller"
        raise InputError("request", problem)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problem = f"is not UTF-8 ({error.reason} at byte {error.start})"
        raise InputError("request", problem) from None
    return decode(text, "request")


def _plan_line(
    raw: bytes | None, now: str | None, table: Table, profiles: Profiles | None
) -> dict[str, Any]:
    request = request_object(_line_request(raw))
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
        record, outcome = _error_record(number, error), _REFUSED
    except (TableError, PolicyError):
        raise  # the clinic's data, not this line: stop the whole batch
    except Exception as error:  # noqa: BLE001 - one bad line must not stop the day's bookings
        record, outcome = _error_record(number, error), _BROKEN
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n", outcome


# A worker process's table, policy profiles and moment, loaded once by _start_worker.
_WORKER: dict[str, Any] = {}


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
    _end_with_parent(parent)
    # Ctrl-C reaches the whole process group: the parent stops the batch, the workers do not print.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _start_worker(table_path, policies_path, now)


def _start_worker(table_path: str | None, policies_path: str | None, now: str | None) -> None:
    table = default_table() if table_path is None else load_table(table_path)
    profiles = None if policies_path is None else _load_profiles(policies_path, table)
    _WORKER.update(table=table, profiles=profiles, now=now)


def _answer_chunk(chunk: list[tuple[int, bytes | None]]) -> list[tuple[str, str]]:
    table, profiles, now = _WORKER["table"], _WORKER["profiles"], _WORKER["now"]
    return [_answer_line(number, raw, now, table, profiles) for number, raw in chunk]


def _requests(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None, int]]:
    """The non-blank lines with their numbers, and the bytes read so far."""
    read = 0
    for number, raw in enumerate(_lines(stream), start=1):
        read += MAX_REQUEST_BYTES if raw is None else len(raw)
        if raw is not None and not raw.strip():
            continue  # a blank line is not a request
        yield number, raw, read


def _answers_here(
    requests: Iterator[tuple[int, bytes | None, int]], args: argparse.Namespace
) -> Iterator[tuple[str, str, int]]:
    table, profiles = _data(args)
    table = default_table() if table is None else table  # loaded and checked once, before line 1
    for number, raw, read in requests:
        yield (*_answer_line(number, raw, args.now, table, profiles), read)


def _answers_in_workers(
    requests: Iterator[tuple[int, bytes | None, int]], args: argparse.Namespace
) -> Iterator[tuple[str, str, int]]:
    """The same answers, planned by ``--jobs`` worker processes, in input order."""
    from collections import deque  # noqa: PLC0415 - only a parallel batch needs these
    from concurrent.futures import Future, ProcessPoolExecutor  # noqa: PLC0415
    from itertools import islice  # noqa: PLC0415

    _data(args)  # a malformed table or policy file stops the batch before any worker starts
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
                    pending.append((pool.submit(_answer_chunk, work), chunk[-1][2]))
                if not pending:
                    return
                future, read = pending.popleft()
                for line, outcome in future.result():
                    yield line, outcome, read
        except KeyboardInterrupt:
            pool.shutdown(cancel_futures=True)  # what no worker has begun is dropped, not planned
            raise


def _batch(args: argparse.Namespace, out: TextIO) -> int:
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


def _serve(args: argparse.Namespace) -> int:
    """``medplan serve``: until stopped. The server extra is imported here and nowhere else in the CLI."""
    from medplan import service  # noqa: PLC0415 - raises MissingExtraError without medplan[server]

    service.serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        table_path=args.table,
        policies_path=args.policies,
        access_log=not args.no_access_log,
        header_timeout=args.header_timeout,
        max_connections=args.max_connections,
        out=sys.stderr,
    )
    return EXIT_OK


def _run(args: argparse.Namespace, out: TextIO) -> int:
    try:
        return _command(args, out)
    except KeyboardInterrupt:
        # Each output line is written whole (one write a line); no line after it is begun.
        sys.stderr.write("medplan: interrupted (Ctrl-C); the lines written so far are complete\n")
        return EXIT_INTERRUPTED


def _command(args: argparse.Namespace, out: TextIO) -> int:
    commands = {
        "procedures": lambda: _list_procedures(out),
        "policies": lambda: _list_policies(out, args.policies),
        "earliest": lambda: _earliest(args, out),
        "batch": lambda: _batch(args, out),
        "recheck": lambda: _recheck(args, out),
        "serve": lambda: _serve(args),
    }
    if args.command in commands:
        return commands[args.command]()
    return _plan(args, out)


def _plan(args: argparse.Namespace, out: TextIO) -> int:
    """``medplan plan`` and ``medplan example``."""
    table: Table | None = None
    profiles: Profiles | None = None
    now = None
    if args.command == "example":
        examples = _examples()
        if args.list:
            out.write("".join(f"{name}\n" for name in examples))
            return EXIT_OK
        if args.name not in examples:
            raise InputError(
                "example", f"no bundled example {args.name!r} (have: {', '.join(examples)})"
            )
        text = examples[args.name].read_text(encoding="utf-8")
        if args.format == "request":
            out.write(text)
            return EXIT_OK
        request = request_object(decode(text, args.name))
    else:
        request = _load_request(args.request)
        table, profiles = _data(args)
        now = args.now
    result = plan(request, table=table, profiles=profiles, now=now, clock=clock.now())
    text = RENDERERS[args.format](result)
    binary = getattr(out, "buffer", None)
    if args.format == "ics" and binary is not None:
        # RFC 5545 lines end in CRLF already; a text stream on Windows would
        # turn each into CR CR LF, so the calendar goes out as bytes.
        out.flush()
        binary.write(text.encode("utf-8"))
        binary.flush()
    else:
        out.write(text)
    return EXIT_OK


def _one_line(message: str) -> str:
    """The message with any line break or control character escaped: an error is one line."""
    if message.isprintable():
        return message
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in message
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Args:
        argv: The arguments, without the program name; ``sys.argv[1:]`` when None.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 0 for --help/--version, 2 for usage errors
        return int(exit_.code or 0)
    try:
        return _run(args, sys.stdout)
    except MedplanError as error:
        sys.stderr.write(f"{type(error).__name__}: {_one_line(str(error))}\n")
        match error:
            # A table or a policy file is the clinic's configuration, not the request.
            case TableError() | PolicyError():
                return EXIT_TABLE
            case MissingExtraError():
                return EXIT_MISSING_EXTRA
            case _:
                return EXIT_INPUT
    except Exception as error:  # noqa: BLE001 - a user sees one line, never a traceback
        sys.stderr.write(
            f"medplan: internal error, please report it: {type(error).__name__}: {error}\n"
        )
        return EXIT_INTERNAL
