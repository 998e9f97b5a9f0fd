"""The command line: ``medplan plan``, ``review``, ``earliest``, ``batch``, ``recheck``, ``serve``, and more.

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

import gc
import json
import sys
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TextIO, cast

from medplan import clock
from medplan._version import __version__
from medplan.api import earliest, plan
from medplan.exceptions import (
    InputError,
    MedplanError,
    MissingExtraError,
    PolicyError,
    TableError,
)
from medplan.exit_status import (
    EXIT_CHANGED,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_MISSING_EXTRA,
    EXIT_OK,
    EXIT_TABLE,
)
from medplan.jsonlines import (
    MAX_PLAN_BYTES,
    MAX_REQUEST_BYTES,
    decode,
    request_object,
)
from medplan.render.plan_json import render_json
from medplan.tables.drug_classes import default_table, load_table
from medplan.tables.loader import package_files
from medplan.tables.procedures import default_catalogue

if TYPE_CHECKING:
    import argparse

    from medplan.model import Plan
    from medplan.tables.drug_classes import Table
    from medplan.tables.policies import ClinicRule, Profiles

__all__ = [
    "EXIT_INTERRUPTED",
    "is_one_plan",
    "main",
]

# 128 + SIGINT, as a shell reports a command stopped by Ctrl-C.
EXIT_INTERRUPTED = 130


# The renderers but the JSON contract's are imported only when asked for: a
# one-shot command's time is mostly imports (uuid, for one, loads platform).
def _render_text(plan: Plan) -> str:
    from medplan.render.pharmacist import render_text  # noqa: PLC0415 - see above

    return render_text(plan)


def _render_calendar(plan: Plan) -> str:
    from medplan.render.calendar import render_calendar  # noqa: PLC0415 - see above

    return render_calendar(plan)


def _render_ics(plan: Plan) -> str:
    from medplan.render.ics import render_ics  # noqa: PLC0415 - see above

    return render_ics(plan)


# What --format prints: the pharmacist's text, the JSON contract, and what the
# patient receives (the day-by-day calendar in words, and an iCalendar file).
RENDERERS: dict[str, Callable[[Plan], str]] = {
    "text": _render_text,
    "json": render_json,
    "calendar": _render_calendar,
    "ics": _render_ics,
}


def _examples(*below: str) -> dict[str, Any]:
    # package_files, not importlib.resources: the same folder, and `medplan plan`
    # does not pay for importing importlib.resources at start-up.
    folder = package_files() / "examples"
    for name in below:
        folder /= name
    return {
        entry.name.removesuffix(".json"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


# The pharmacist's decisions for a bundled example, where one is shipped (docs/decisions.md).
_DECISIONS_FOLDER = "decisions"
_DECISIONS_HELP = (
    "the pharmacist's decisions (a JSON file: a list of decisions, or an object with "
    "'decisions'); replaces the request's 'decisions' (docs/decisions.md)"
)


def _read(stream: TextIO, label: str, limit: int = MAX_REQUEST_BYTES) -> str:
    # Read at most one character past the limit: a huge file is refused, not read whole.
    text = stream.read(limit + 1)
    if len(text) > limit:
        what = "a request" if limit == MAX_REQUEST_BYTES else "a stored plan"
        raise InputError(label, f"is larger than {limit:,} characters; {what} is far smaller")
    return text


def _load_json(path: str, limit: int = MAX_REQUEST_BYTES) -> object:
    if path == "-":
        return decode(_read(sys.stdin, "stdin", limit), "stdin")
    try:
        with open(path, encoding="utf-8") as stream:  # noqa: PTH123 - the path is the user's, as given
            text = _read(stream, path, limit)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(path, f"cannot be read ({reason})") from None
    return decode(text, path)


def _load_request(path: str, limit: int = MAX_REQUEST_BYTES) -> dict[str, Any]:
    return request_object(_load_json(path, limit))


_FORMATS_HELP = (
    "text: for the pharmacist; json: the plan contract; calendar: the patient's day-by-day "
    "calendar; ics: the patient's iCalendar file (needs medplan[calendar])"
)
_REQUEST_HELP = "the request: a JSON file, or - for standard input"
_POLICIES_HELP = "use this clinic policy file (TOML) instead of the bundled profiles"
_NOW_HELP = (
    "when the booking is made (YYYY-MM-DDTHH:MM in the procedure's zone, or with a UTC "
    "offset); replaces the request's 'now'"
)


def _data_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--table", metavar="CSV", help="use this drug-class table instead of the bundled one"
    )
    command.add_argument("--policies", metavar="TOML", help=_POLICIES_HELP)


def _plan_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("request", metavar="REQUEST.json", help=_REQUEST_HELP)
    command.add_argument("--format", choices=tuple(RENDERERS), default="text", help=_FORMATS_HELP)
    _data_options(command)
    command.add_argument("--now", metavar="WHEN", help=_NOW_HELP)
    command.add_argument("--decisions", metavar="DECISIONS.json", help=_DECISIONS_HELP)


def _review_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("request", metavar="REQUEST.json", help=_REQUEST_HELP)
    command.add_argument(
        "--format",
        choices=("text", "json", "template"),
        default="text",
        help="text: each item, its question and how to answer it; json: the items; template: "
        "a decisions file to fill in, one entry per open item a decision answers",
    )
    command.add_argument("--decisions", metavar="DECISIONS.json", help=_DECISIONS_HELP)
    command.add_argument("--now", metavar="WHEN", help=_NOW_HELP)
    _data_options(command)


def _earliest_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "request", metavar="REQUEST.json", help=f"{_REQUEST_HELP}; procedure.start may be left out"
    )
    command.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or json"
    )
    command.add_argument(
        "--now", metavar="WHEN", help=_NOW_HELP.replace("replaces", "default: the clock; replaces")
    )
    _data_options(command)


def _batch_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "input",
        metavar="REQUESTS.jsonl",
        nargs="?",
        default="-",
        help="one JSON request per line; standard input when left out or -",
    )
    command.add_argument("--now", metavar="WHEN", help=_NOW_HELP + ", on every line")
    command.add_argument(
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="plan in N worker processes (output stays in input order); default 1",
    )
    _data_options(command)


def _recheck_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "stored", metavar="PLAN.json", help="a plan medplan made earlier (its JSON), or - for stdin"
    )
    command.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text: the differences (default); json: them and the new plan",
    )
    _data_options(command)


def _example_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "name",
        nargs="?",
        default="nerve-root-sleeve-injection",
        help="which example (default: %(default)s; --list names them all)",
    )
    command.add_argument(
        "--format",
        choices=(*RENDERERS, "request", "decisions"),
        default="text",
        help=f"{_FORMATS_HELP}; request: the example's request instead of its plan; decisions: "
        "the pharmacist's decisions shipped for it",
    )
    command.add_argument("--list", action="store_true", help="list the bundled examples")


def _no_arguments(_command: argparse.ArgumentParser) -> None:
    pass


def _policies_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--policies", metavar="TOML", help=_POLICIES_HELP)


def _serve_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    command.add_argument(
        "--port", type=_number(0, 65535), default=8080, help="port (default: %(default)s)"
    )
    command.add_argument(
        "--workers",
        type=_number(1, 64),
        default=1,
        help="worker processes, each planning on its own core (default: %(default)s)",
    )
    command.add_argument(
        "--header-timeout",
        type=_number(1, 300),
        default=10,
        metavar="SECONDS",
        help="close a connection that has not sent a request's headers this long after "
        "opening or after its last response (default: %(default)s)",
    )
    command.add_argument(
        "--max-connections",
        type=_number(1, 100_000),
        default=1000,
        metavar="N",
        help="answer 503 past N connections and calls in flight, per worker (default: %(default)s)",
    )
    command.add_argument(
        "--no-access-log",
        action="store_true",
        help="no log line per call (errors are still logged)",
    )
    _data_options(command)


# Each command, in the order --help lists them: what it does, and its arguments.
_COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "plan": ("plan a request (a JSON file, or - for standard input)", _plan_arguments),
    "review": (
        "list a request's review items and their ids, open or answered (docs/decisions.md)",
        _review_arguments,
    ),
    "earliest": (
        "the earliest start every hold allows, and when the patient must be told",
        _earliest_arguments,
    ),
    "batch": (
        "plan JSON Lines (one request per line) into JSON Lines (one plan or error per line)",
        _batch_arguments,
    ),
    "recheck": (
        "plan a stored plan's request again and report what changed (exit 1 if anything did)",
        _recheck_arguments,
    ),
    "example": ("plan a bundled example request", _example_arguments),
    "procedures": ("list the procedure catalogue's codes, tiers and guidelines", _no_arguments),
    "policies": (
        "list the clinic policy profiles and what each does (checks the file)",
        _policies_arguments,
    ),
    "serve": (
        "serve plans over HTTP as JSON (needs medplan[server]; docs/service.md)",
        _serve_arguments,
    ),
}


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or only ``command``'s.

    Building a parser is a good part of a one-shot command's start-up, so
    ``medplan plan ...`` builds the plan command's alone; anything else
    (``medplan --help``, a mistyped command) gets the whole parser.
    """
    import argparse  # noqa: PLC0415 - a plainly written `medplan plan` needs no parser (_plain_plan)

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
    for name, (what, arguments) in _COMMANDS.items():
        if command is None or name == command:
            arguments(commands.add_parser(name, help=what))
    return parser


# The plan command's options that take a value, and where its parser puts them.
_PLAN_OPTIONS = {
    "--format": "format",
    "--table": "table",
    "--policies": "policies",
    "--now": "now",
    "--decisions": "decisions",
}


def is_one_plan(argv: Sequence[str]) -> bool:
    """Whether the arguments are one plainly written ``medplan plan`` (a one-shot plan, read without argparse)."""
    return _plain_plan(list(argv)) is not None


def _plain_plan(argv: list[str]) -> argparse.Namespace | None:
    """``medplan plan``'s arguments as its parser reads them, when they are plainly written; else None.

    Importing argparse (with gettext, locale and shutil) and building the
    parser was a tenth of a one-shot plan's instructions. Read here: ``plan``,
    one request, and each option at most once, spelt in full, its value the
    next word, which starts with no ``-`` (``-`` itself is standard input).
    Anything else (``--help``, an abbreviation, ``--now=...``, a repeated
    option, a mistake) is left to the parser, so every message is its own;
    tests/cli/test_plain_plan.py checks that both read every argument list alike.
    """
    if argv[:1] != ["plan"]:
        return None
    found: dict[str, str | None] = dict.fromkeys(("table", "policies", "now", "decisions"))
    found["format"] = "text"
    given: set[str] = set()
    requests = []
    words = iter(argv[1:])
    for word in words:
        if word[:1] != "-" or word == "-":
            requests.append(word)
            continue
        where = _PLAN_OPTIONS.get(word)
        value = next(words, "-x")
        if where is None or where in given or (value[:1] == "-" and value != "-"):
            return None
        given.add(where)
        found[where] = value
    if len(requests) != 1 or found["format"] not in RENDERERS:
        return None
    # The attributes argparse's Namespace would carry, without importing it.
    return cast("argparse.Namespace", SimpleNamespace(command="plan", request=requests[0], **found))


def _number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            import argparse  # noqa: PLC0415 - as in _parser

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


def _table_and_profiles(args: argparse.Namespace) -> tuple[Table, Profiles | None]:
    """The table and the policy profiles the command names, as ``policies.table_and_profiles`` gives them.

    Without a policy file that is the table alone (the bundled profiles are
    loaded when a request names one), so a plan does not import the policy
    file's code.
    """
    if args.policies is None:
        return (default_table() if args.table is None else load_table(args.table)), None
    from medplan.tables.policies import table_and_profiles  # noqa: PLC0415 - see above

    return table_and_profiles(args.table, args.policies)


def _list_policies(out: TextIO, path: str | None) -> int:
    from medplan.tables.policies import default_profiles, load_profiles_for_table  # noqa: PLC0415

    profiles = load_profiles_for_table(path, None) if path is not None else default_profiles()
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


def _batch(args: argparse.Namespace, out: TextIO) -> int:
    from medplan.batch import run_batch  # noqa: PLC0415 - only this command needs it

    return run_batch(args, out)


def _earliest(args: argparse.Namespace, out: TextIO) -> int:
    request = _load_request(args.request)
    table, profiles = _table_and_profiles(args)
    answer = earliest(request, now=args.now, table=table, profiles=profiles, clock=clock.now())
    if args.format == "json":
        out.write(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        from medplan.render.pharmacist import render_booking  # noqa: PLC0415 - as _render_text

        out.write(render_booking(answer))
    return EXIT_OK


def _with_decisions(request: dict[str, Any], path: str | None) -> dict[str, Any]:
    """The request with the decisions file's decisions in place of its own."""
    if path is None:
        return request
    data = _load_json(path)
    if isinstance(data, dict):
        if set(data) != {"decisions"}:
            raise InputError(
                path, "must be a list of decisions, or an object with only 'decisions'"
            )
        data = data["decisions"]
    return {**request, "decisions": data}


def _review(args: argparse.Namespace, out: TextIO) -> int:
    """``medplan review``: the items, their ids and how to answer them; exit 0 either way."""
    request = _with_decisions(_load_request(args.request), args.decisions)
    table, profiles = _table_and_profiles(args)
    result = plan(request, table=table, profiles=profiles, now=args.now, clock=clock.now())
    if args.format == "json":
        body = {
            "needs_review": result.needs_review,
            "reviews": [r.to_dict() for r in result.reviews],
        }
        out.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "template":
        template = [
            {
                "review": item.id,
                "answer": " | ".join(a.value for a in item.answer_with.decision),
                "by": "",
                "reason": "",
            }
            for item in result.reviews
            if item.open and item.answer_with.decision
        ]
        out.write(json.dumps({"decisions": template}, indent=2, ensure_ascii=False) + "\n")
    else:
        still = sum(1 for r in result.reviews if r.open)
        verdict = (
            f"NEEDS PHARMACIST REVIEW: {still} of {len(result.reviews)} item(s) open."
            if result.needs_review
            else "Final: every review item is answered."
        )
        from medplan.render.pharmacist import render_reviews  # noqa: PLC0415 - as _render_text

        out.write(f"{verdict}\n{render_reviews(result)}")
    return EXIT_OK


def _recheck(args: argparse.Namespace, out: TextIO) -> int:
    stored = _load_request(args.stored, MAX_PLAN_BYTES)
    table, profiles = _table_and_profiles(args)
    from medplan.rechecking import recheck  # noqa: PLC0415 - only this command needs it

    result = recheck(stored, table=table, profiles=profiles)
    if args.format == "json":
        out.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        if result.differences:
            verdict = f"CHANGED: {len(result.differences)} difference(s) from the stored plan"
        elif result.changed:
            verdict = (
                "CHANGED: the same answers, but the pharmacist's decisions need confirming again"
            )
        else:
            verdict = "Unchanged: the stored plan is what medplan plans today."
        lines = [verdict, *(f"  {d}" for d in result.differences)]
        lines += [f"DECISIONS: {note}" for note in result.decisions]
        if result.provenance:
            lines += ["Made with:", *(f"  {d}" for d in result.provenance)]
        out.write("\n".join(lines) + "\n")
    return EXIT_CHANGED if result.changed else EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    """``medplan serve``: until stopped. The server extra is imported here and nowhere else in the CLI."""
    from medplan.web import app as service  # noqa: PLC0415 - raises MissingExtraError without medplan[server]

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
        # Each output line is written whole (batch._WholeLines finishes one a Ctrl-C cuts); none is begun after.
        sys.stderr.write("medplan: interrupted (Ctrl-C); the lines written so far are complete\n")
        return EXIT_INTERRUPTED


def _command(args: argparse.Namespace, out: TextIO) -> int:
    commands = {
        "procedures": lambda: _list_procedures(out),
        "policies": lambda: _list_policies(out, args.policies),
        "earliest": lambda: _earliest(args, out),
        "batch": lambda: _batch(args, out),
        "recheck": lambda: _recheck(args, out),
        "review": lambda: _review(args, out),
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
        if args.format == "decisions":
            decided = _examples(_DECISIONS_FOLDER)
            if args.name not in decided:
                raise InputError(
                    "example",
                    f"no decisions are shipped for {args.name!r} (have: {', '.join(decided)})",
                )
            out.write(decided[args.name].read_text(encoding="utf-8"))
            return EXIT_OK
        text = examples[args.name].read_text(encoding="utf-8")
        if args.format == "request":
            out.write(text)
            return EXIT_OK
        request = request_object(decode(text, args.name))
    else:
        request = _with_decisions(_load_request(args.request), args.decisions)
        table, profiles = _table_and_profiles(args)
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
    if argv is None:
        # Run as the command: what is imported by now lives until the process
        # exits, so no collection (the one at exit included) need walk it again.
        gc.freeze()
        argv = sys.argv[1:]
    argv = list(argv)
    args = _plain_plan(argv)
    if args is None:
        # The first word names the command when it is one (options come after it).
        parser = _parser(argv[0] if argv and argv[0] in _COMMANDS else None)
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
