"""The command line: ``medplan plan REQUEST.json``, ``medplan example`` and the listings.

Exit status: 0 a plan was printed (it may still need review: the plan says
so); 2 the request or the command line is wrong; 3 a data table or a clinic
policy file is malformed; 70 an internal error, which is a bug to report.
Errors are one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO

from medplan._version import __version__
from medplan.api import plan
from medplan.csvrows import package_files
from medplan.exceptions import InputError, MedplanError, PolicyError, TableError
from medplan.procedures import default_catalogue
from medplan.profiles import Profiles, default_profiles, load_profiles
from medplan.render import render_json, render_text
from medplan.table import Table, default_table, load_table

__all__ = ["EXIT_INPUT", "EXIT_INTERNAL", "EXIT_OK", "EXIT_TABLE", "main"]

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_TABLE = 3
EXIT_INTERNAL = 70

# A request lists a handful of medicines; anything this large is not one.
MAX_REQUEST_BYTES = 1_000_000


def _examples() -> dict[str, Any]:
    # package_files, not importlib.resources: the same folder, and `medplan plan`
    # does not pay for importing importlib.resources at start-up.
    folder = package_files() / "examples"
    return {
        entry.name.removesuffix(".json"): entry
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    }


class _NotJSONNumberError(ValueError):
    pass


def _reject_constant(name: str) -> NoReturn:
    # Python's decoder accepts NaN and Infinity; JSON does not.
    raise _NotJSONNumberError(name)


def _decode(text: str, label: str) -> object:
    try:
        return json.loads(text.removeprefix("\ufeff"), parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        problem = f"not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        raise InputError(label, problem) from None
    except _NotJSONNumberError as error:
        raise InputError(label, f"not valid JSON ({error} is not a number JSON allows)") from None
    except RecursionError:
        raise InputError(label, "not valid JSON (nested too deeply)") from None


def _read(stream: TextIO, label: str) -> str:
    text = stream.read(MAX_REQUEST_BYTES + 1)
    if len(text) > MAX_REQUEST_BYTES:
        raise InputError(
            label, f"is larger than {MAX_REQUEST_BYTES:,} characters; a request is far smaller"
        )
    return text


def _load_request(path: str) -> object:
    if path == "-":
        return _decode(_read(sys.stdin, "stdin"), "stdin")
    try:
        with open(path, encoding="utf-8") as stream:  # noqa: PTH123 - the path is the user's, as given
            text = _read(stream, path)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(path, f"cannot be read ({reason})") from None
    return _decode(text, path)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medplan",
        description="Peri-procedural medication plans: hold, last dose, checks and restart, with sources.",
    )
    parser.add_argument("--version", action="version", version=f"medplan {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    formats = ("text", "json")

    plan_cmd = commands.add_parser(
        "plan", help="plan a request (a JSON file, or - for standard input)"
    )
    plan_cmd.add_argument("request", metavar="REQUEST.json")
    plan_cmd.add_argument("--format", choices=formats, default="text")
    plan_cmd.add_argument(
        "--table", metavar="CSV", help="use this drug-class table instead of the bundled one"
    )
    policies_help = "use this clinic policy file (TOML) instead of the bundled profiles"
    plan_cmd.add_argument("--policies", metavar="TOML", help=policies_help)

    example_cmd = commands.add_parser("example", help="plan a bundled example request")
    example_cmd.add_argument("name", nargs="?", default="nerve-root-sleeve-injection")
    example_cmd.add_argument(
        "--format",
        choices=(*formats, "request"),
        default="text",
        help="'request' prints the example's request instead of its plan",
    )
    example_cmd.add_argument("--list", action="store_true", help="list the bundled examples")

    commands.add_parser(
        "procedures", help="list the procedure catalogue's codes, tiers and guidelines"
    )
    policies_cmd = commands.add_parser(
        "policies", help="list the clinic policy profiles and what each does (checks the file)"
    )
    policies_cmd.add_argument("--policies", metavar="TOML", help=policies_help)
    return parser


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
    return load_profiles(path, catalogue=default_catalogue(), variants=table.variants)


def _list_policies(out: TextIO, path: str | None) -> int:
    profiles = _load_profiles(path, None) if path is not None else default_profiles()
    width = max(len(name) for name in profiles.names)
    out.writelines(
        f"{profile.name.ljust(width)}  {profile.description}\n"
        for profile in profiles.profiles.values()
    )
    return EXIT_OK


def _run(args: argparse.Namespace, out: TextIO) -> int:
    table: Table | None = None
    profiles: Profiles | None = None
    if args.command == "procedures":
        return _list_procedures(out)
    if args.command == "policies":
        return _list_policies(out, args.policies)
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
        request = _decode(text, args.name)
    else:
        request = _load_request(args.request)
        if args.table is not None:
            table = load_table(args.table)
        if args.policies is not None:
            profiles = _load_profiles(args.policies, table)
    if not isinstance(request, dict):
        raise InputError("request", "must be a JSON object")
    result = plan(request, table=table, profiles=profiles)
    out.write(render_json(result) if args.format == "json" else render_text(result))
    return EXIT_OK


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
        sys.stderr.write(f"{type(error).__name__}: {error}\n")
        # A table or a policy file is the clinic's configuration, not the request.
        return EXIT_TABLE if isinstance(error, TableError | PolicyError) else EXIT_INPUT
    except Exception as error:  # noqa: BLE001 - a user sees one line, never a traceback
        sys.stderr.write(
            f"medplan: internal error, please report it: {type(error).__name__}: {error}\n"
        )
        return EXIT_INTERNAL
