"""Tests of the command line, ``medplan.cli.main``, in-process and as installed.

The in-process tests run ``main(argv)`` from a temporary working directory
(so no file of the checkout can be picked up by accident) and read what it
printed with ``capsys``. A few tests run the installed ``medplan`` console
script and ``python -m medplan`` in a subprocess, also from a temporary
directory, to show that the bundled table and examples are found from
anywhere.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import runpy
import shutil
import subprocess
import sys
import sysconfig
from importlib import resources
from pathlib import Path

import attrs
import pytest
from strategies import VALID
from testclock import TEST_NOW

import medplan
from medplan import cli, exit_status

EXAMPLE = "nerve-root-sleeve-injection"



def valid_with(section: str, **fields: object) -> str:
    """VALID as JSON text, with ``fields`` of ``section`` replaced."""
    return json.dumps(VALID | {section: VALID.get(section, {}) | fields})


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Every test runs with an empty temporary directory as its working directory."""
    monkeypatch.chdir(tmp_path)


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run ``medplan ARGV`` in-process; the exit status, standard output and standard error."""
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err: str, prefix: str) -> None:
    """``err`` is exactly one line, without a traceback, starting with ``prefix``."""
    assert "Traceback" not in err
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert err.startswith(prefix), err


# --- medplan example ------------------------------------------------------


def test_example_prints_text_plan(capsys):
    """`medplan example` prints the bundled example's plan as text, with warfarin held, and exits 0."""
    status, out, err = run(["example"], capsys)

    assert (status, err) == (0, "")
    summary = next(line for line in out.splitlines() if line.startswith("Warfarin "))
    assert summary.split()[:3] == ["Warfarin", "warfarin", "hold"]
    assert "Last dose: Wednesday 2 December 2026 at 18:00" in out


def test_example_json_keeps_input_order_and_dates(capsys):
    """`medplan example --format json` lists the medicines in input order with warfarin's documented dates."""
    status, out, err = run(["example", "--format", "json"], capsys)

    assert (status, err) == (0, "")
    plan = json.loads(out)
    assert [m["input"] for m in plan["medications"]] == ["Warfarin", "Plavix", "Aspirin", "Eliquis"]
    warfarin = plan["medications"][0]
    assert warfarin["action"] == "hold"
    assert warfarin["last_dose"] == "2026-12-02T18:00:00+08:00"
    assert warfarin["resume"] == "2026-12-09T18:00:00+08:00"


def test_example_list_names_the_bundled_examples(capsys):
    """`medplan example --list` prints one example name a line, including the seed example."""
    status, out, err = run(["example", "--list"], capsys)

    assert (status, err) == (0, "")
    assert EXAMPLE in out.splitlines()


def test_example_request_is_the_bundled_json(capsys):
    """`medplan example --format request` prints the example's request as valid JSON, unplanned."""
    bundled = (resources.files("medplan") / "examples" / f"{EXAMPLE}.json").read_text(
        encoding="utf-8"
    )

    status, out, err = run(["example", "--format", "request"], capsys)

    assert (status, err) == (0, "")
    assert json.loads(out) == json.loads(bundled)
    assert json.loads(out)["procedure"]["timezone"] == "Australia/Perth"


def test_unknown_example_exits_2(capsys):
    """`medplan example NAME` for an example that is not bundled exits 2 with one line naming the bundled ones."""
    status, out, err = run(["example", "no-such-example"], capsys)

    assert (status, out) == (2, "")
    assert_one_line_error(err, "InputError: example: no bundled example 'no-such-example' (have: ")
    assert EXAMPLE in err


# --- medplan plan -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "calendar", "ics"])
@pytest.mark.parametrize("source", ["file", "stdin"])
def test_plan_reads_file_or_stdin(source, fmt, capsys, monkeypatch):
    """`medplan plan FILE` and `medplan plan -` print the same plan as `medplan example` for the example's request."""
    status, request, _ = run(["example", "--format", "request"], capsys)
    assert status == 0
    _, expected, _ = run(["example", "--format", fmt], capsys)
    if source == "file":
        Path("request.json").write_text(request, encoding="utf-8")
        argv = ["plan", "request.json", "--format", fmt]
    else:
        monkeypatch.setattr(sys, "stdin", io.StringIO(request))
        argv = ["plan", "-", "--format", fmt]

    status, out, err = run(argv, capsys)

    assert (status, err) == (0, "")
    assert out == expected


def test_plan_json_is_the_documented_plan(capsys):
    """`medplan plan FILE --format json` prints the plan's to_dict() as JSON, planned as of the clock."""
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")

    status, out, err = run(["plan", "request.json", "--format", "json"], capsys)

    assert (status, err) == (0, "")
    assert json.loads(out) == medplan.plan(VALID, clock=TEST_NOW).to_dict()


def test_plan_text_is_the_rendered_plan(capsys):
    """`medplan plan FILE` prints the plan as render_text gives it."""
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")

    status, out, err = run(["plan", "request.json"], capsys)

    assert (status, err) == (0, "")
    assert out == medplan.render_text(medplan.plan(VALID, clock=TEST_NOW))


@attrs.frozen(kw_only=True)
class PatientFormatCase:
    """One case of test_example_prints_what_the_patient_receives: fmt, render."""

    fmt: str
    render: object


@pytest.mark.parametrize(
    "case",
    [PatientFormatCase(fmt="calendar", render=medplan.render_calendar), PatientFormatCase(fmt="ics", render=medplan.render_ics)],
    ids=["calendar", "ics"],
)
def test_example_prints_what_the_patient_receives(case, capsys):
    """`medplan example NAME --format calendar|ics` prints the patient's calendar text or iCalendar file for the example's plan."""
    name = "warfarin-bridging-mitral-valve"
    _, request, _ = run(["example", name, "--format", "request"], capsys)

    status, out, err = run(["example", name, "--format", case.fmt], capsys)

    assert (status, err) == (0, "")
    assert out == case.render(medplan.plan(json.loads(request)))


@pytest.mark.parametrize("fmt", ["ics", "text"])
def test_a_text_stream_that_translates_newlines_leaves_the_ics_crlf_alone(fmt, monkeypatch):
    """On a stdout that writes each newline as CRLF (Windows), the .ics lines still end in one CRLF; the text plan takes the platform's line ends."""
    binary = io.BytesIO()
    stdout = io.TextIOWrapper(binary, encoding="utf-8", newline="\r\n", write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")

    status = cli.main(["plan", "request.json", "--format", fmt])

    stdout.flush()
    planned = medplan.plan(VALID, clock=TEST_NOW)
    expected = medplan.render_ics(planned) if fmt == "ics" else medplan.render_text(planned).replace("\n", "\r\n")
    assert (status, binary.getvalue()) == (0, expected.encode("utf-8"))
    assert b"\r\r\n" not in binary.getvalue()


def test_missing_calendar_extra_exits_69_naming_the_extra(capsys, monkeypatch):
    """`--format ics` without icalendar installed prints one line naming the extra and exits 69, not a traceback."""
    monkeypatch.setitem(sys.modules, "icalendar", None)
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")

    status, out, err = run(["plan", "request.json", "--format", "ics"], capsys)

    assert (status, out) == (exit_status.EXIT_MISSING_EXTRA, "")
    assert exit_status.EXIT_MISSING_EXTRA == 69
    assert_one_line_error(
        err, "MissingExtraError: the iCalendar export needs icalendar>=6.1, which is not installed: pip install 'medplan[calendar]'"
    )


@attrs.frozen(kw_only=True)
class BadInputCase:
    """One case of test_bad_input_exits_2_with_one_line: content, field."""

    content: object
    field: str


BAD_INPUTS = [
    pytest.param(BadInputCase(content="hello", field="req.json"), id="not-json"),
    pytest.param(BadInputCase(content="[1, 2]", field="request"), id="json-array"),
    pytest.param(BadInputCase(content=json.dumps({"medications": []}), field="procedure"), id="missing-procedure"),
    pytest.param(BadInputCase(content=valid_with("procedure", start="2026-02-30T09:00"), field="procedure.start"), id="30-february"),
    pytest.param(BadInputCase(content=valid_with("procedure", timezone="Mars/Olympus"), field="procedure.timezone"), id="unknown-zone"),
    # A folder of the zone database: zoneinfo raises IsADirectoryError.
    pytest.param(BadInputCase(content=valid_with("procedure", timezone="Europe"), field="procedure.timezone"), id="zone-database-folder"),
    pytest.param(BadInputCase(content=valid_with("procedure", bleeding_risk="medium"), field="procedure.bleeding_risk"), id="unknown-tier"),
    pytest.param(
        BadInputCase(content=json.dumps(VALID | {"medications": [{"name": "Warfarin", "times": ["25:00"]}]}), field="medications[0].times[0]"),
        id="dose-at-25h",
    ),
    pytest.param(BadInputCase(content=valid_with("patient", crcl_ml_min=-5), field="patient.crcl_ml_min"), id="negative-crcl"),
    # JSON integers have no size limit; this one is larger than any float.
    pytest.param(
        BadInputCase(content=valid_with("patient", crcl_ml_min=62).replace("62", "1" + "0" * 400), field="patient.crcl_ml_min"),
        id="crcl-beyond-float",
    ),
    pytest.param(
        BadInputCase(content=valid_with("procedure", timezone="Europe/London", start="2026-03-29T01:30"), field="procedure.start"),
        id="nonexistent-local-start",
    ),
    pytest.param(BadInputCase(content=None, field="missing.json"), id="missing-file"),
    pytest.param(BadInputCase(content=json.dumps(VALID) + " " * 1_000_000, field="req.json"), id="larger-than-1e6-characters"),
    # Not JSON (RFC 8259 has no NaN); like any other decoding error, the
    # message names the file it is in.
    pytest.param(BadInputCase(content=valid_with("patient", crcl_ml_min=62).replace("62", "NaN"), field="req.json"), id="nan-literal"),
    # Deeper than the json module's recursion allows: not a request either.
    pytest.param(BadInputCase(content="[" * 100_000 + "]" * 100_000, field="req.json"), id="nested-too-deeply"),
]


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_exits_2_with_one_line(case, capsys):
    """A bad request exits 2, prints nothing on stdout and one line on stderr naming the field, without a traceback."""
    if case.content is None:
        path = "missing.json"
    else:
        path = "req.json"
        Path(path).write_text(case.content, encoding="utf-8")

    status, out, err = run(["plan", path], capsys)

    assert (status, out) == (2, "")
    assert_one_line_error(err, f"InputError: {case.field}: ")


# --- medplan plan --table -------------------------------------------------


def write_table_copy(corrupt: dict[str, str] | None = None) -> Path:
    """Copy the installed package's table to ./drug_classes.csv, with ``corrupt`` cells of its first row replaced."""
    bundled = resources.files("medplan") / "data" / "drug_classes.csv"
    rows = list(csv.DictReader(io.StringIO(bundled.read_text(encoding="utf-8"))))
    rows[0].update(corrupt or {})
    copy = Path("drug_classes.csv")
    with copy.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return copy


def test_table_copy_is_used(capsys):
    """`medplan plan FILE --table CSV` with an intact copy of the bundled table plans as usual."""
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")
    table = write_table_copy()

    status, out, err = run(["plan", "request.json", "--table", str(table), "--format", "json"], capsys)

    assert (status, err) == (0, "")
    assert json.loads(out)["medications"][0]["last_dose"] == "2026-12-02T18:00:00+08:00"


def test_broken_table_exits_3_naming_row_and_column(capsys):
    """A table with one malformed cell exits 3 with one line naming the file, the row and the column."""
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")
    table = write_table_copy({"dosing": "weekly"})

    status, out, err = run(["plan", "request.json", "--table", str(table)], capsys)

    assert (status, out) == (3, "")
    assert_one_line_error(err, "TableError: drug_classes.csv, row 2: column 'dosing': ")
    assert "'weekly'" in err


# --- medplan policies and medplan plan --policies ------------------------------

CLINIC_POLICIES = """\
[profiles.dr-jones]
description = "Dr Jones: P2Y12 antiplatelets held 10 days, INR 1.3 or less"
inr_max = 1.3
antiplatelet_hold_days = 10

[profiles.dr-smith]
description = "Dr Smith: epidurals planned at high bleeding risk"
bleeding_risk = { tfesi-lumbar = "high" }
"""


def test_policies_lists_the_bundled_profiles(capsys):
    """`medplan policies` prints each bundled profile, one a line, with its description, in the file's order."""
    profiles = medplan.default_profiles()

    status, out, err = run(["policies"], capsys)

    assert (status, err) == (0, "")
    lines = [line for line in out.splitlines() if not line.startswith(" ")]
    assert [line.split()[0] for line in lines] == list(profiles.names)
    for line, profile in zip(lines, profiles.profiles.values(), strict=True):
        assert line.endswith(f"  {profile.description}")


def test_policies_lists_a_clinics_file(capsys):
    """`medplan policies --policies FILE` lists that file's profiles instead of the bundled ones."""
    Path("clinic.toml").write_text(CLINIC_POLICIES, encoding="utf-8")

    status, out, err = run(["policies", "--policies", "clinic.toml"], capsys)

    assert (status, err) == (0, "")
    assert out == (
        "dr-jones  Dr Jones: P2Y12 antiplatelets held 10 days, INR 1.3 or less\n"
        "          approval: none recorded\n"
        "dr-smith  Dr Smith: epidurals planned at high bleeding risk\n"
        "          approval: none recorded\n"
    )


def test_plan_with_a_clinics_policies(capsys):
    """`medplan plan FILE --policies TOML` plans with the profile the request names from the clinic's file, and names both."""
    Path("clinic.toml").write_text(CLINIC_POLICIES, encoding="utf-8")
    Path("request.json").write_text(valid_with("policy", profile="dr-jones"), encoding="utf-8")

    status, out, err = run(["plan", "request.json", "--policies", "clinic.toml", "--format", "json"], capsys)

    assert (status, err) == (0, "")
    policy = json.loads(out)["policy"]
    assert (policy["name"], policy["inr_max"]) == ("dr-jones", 1.3)
    assert policy["source"].startswith("clinic.toml sha256:")
    assert policy["antiplatelet_hold_days"] == 10


@attrs.frozen(kw_only=True)
class BrokenPoliciesCase:
    """One case of test_broken_policies_exit_3_with_one_line: content, message."""

    content: object
    message: str


BROKEN_POLICIES = [
    pytest.param(
        BrokenPoliciesCase(
            content=CLINIC_POLICIES.replace("inr_max = 1.3", "inr_max = 5"),
            message="PolicyError: clinic.toml: profiles.dr-jones.inr_max: must be between 1 and 3 (got 5)\n",
        ),
        id="out-of-range",
    ),
    pytest.param(
        BrokenPoliciesCase(
            content=CLINIC_POLICIES.replace("tfesi-lumbar", "tfesi"),
            message="PolicyError: clinic.toml: profiles.dr-smith.bleeding_risk.tfesi: is not in the procedure catalogue ('medplan procedures' lists the codes)\n",
        ),
        id="unknown-code",
    ),
    pytest.param(
        BrokenPoliciesCase(
            content=CLINIC_POLICIES.replace("inr_max = 1.3", "inr_max = "),
            message="PolicyError: clinic.toml: not valid TOML: Invalid value (at line 3, column 11)\n",
        ),
        id="toml-syntax",
    ),
    pytest.param(
        BrokenPoliciesCase(content=None, message="PolicyError: clinic.toml: cannot be read (No such file or directory)\n"), id="missing-file"
    ),
]


@pytest.mark.parametrize("command", ["plan", "policies"])
@pytest.mark.parametrize("case", BROKEN_POLICIES)
def test_broken_policies_exit_3_with_one_line(command, case, capsys):
    """A malformed or missing policy file exits 3, a configuration error, with one line naming the file and the key."""
    if case.content is not None:
        Path("clinic.toml").write_text(case.content, encoding="utf-8")
    Path("request.json").write_text(json.dumps(VALID), encoding="utf-8")
    argv = ["plan", "request.json"] if command == "plan" else ["policies"]

    status, out, err = run([*argv, "--policies", "clinic.toml"], capsys)

    assert (status, out) == (3, "")
    assert_one_line_error(err, "PolicyError: clinic.toml: ")
    assert err == case.message


@attrs.frozen(kw_only=True)
class UnknownProfileCase:
    """One case of test_unknown_profile_exits_2_with_one_line: argv, message."""

    argv: list
    message: str


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            UnknownProfileCase(argv=[], message="InputError: policy.profile: is not a profile in policies.toml (got 'dr-jones'; it has "),
            id="bundled",
        ),
        pytest.param(
            UnknownProfileCase(
                argv=["--policies", "clinic.toml"], message="InputError: policy.profile: is not a profile in clinic.toml (got 'dr-jones'; it has "
            ),
            id="clinic-file",
        ),
    ],
)
def test_unknown_profile_exits_2_with_one_line(case, capsys):
    """A request naming a profile the policy file lacks is a bad request: exit 2, one line naming policy.profile."""
    Path("clinic.toml").write_text(CLINIC_POLICIES.replace("dr-jones", "dr-brown"), encoding="utf-8")
    Path("request.json").write_text(valid_with("policy", profile="dr-jones"), encoding="utf-8")

    status, out, err = run(["plan", "request.json", *case.argv], capsys)

    assert (status, out) == (2, "")
    assert_one_line_error(err, case.message)


# --- usage ------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param([], id="no-command"),
        pytest.param(["frobnicate"], id="unknown-command"),
        pytest.param(["example", "--format", "xml"], id="unknown-example-format"),
        pytest.param(["plan", "request.json", "--format", "request"], id="unknown-plan-format"),
        pytest.param(["plan"], id="plan-without-request"),
    ],
)
def test_usage_error_exits_2(argv, capsys):
    """A command line argparse cannot parse exits 2 with its usage message on stderr and nothing on stdout."""
    status, out, err = run(argv, capsys)

    assert (status, out) == (2, "")
    assert err.startswith("usage: medplan")
    assert "error: " in err


def test_version(capsys):
    """`medplan --version` prints the package version and exits 0."""
    status, out, err = run(["--version"], capsys)

    assert (status, out, err) == (0, f"medplan {medplan.__version__}\n", "")


def test_python_m_medplan_runs_the_command_line(capsys, monkeypatch):
    """`python -m medplan ARGS` runs `medplan ARGS` and exits with its status."""
    monkeypatch.setattr(sys, "argv", ["medplan", "example", "--list"])
    # runpy warns when the module is already imported, as the console script's test does.
    monkeypatch.delitem(sys.modules, "medplan.__main__", raising=False)

    with pytest.raises(SystemExit) as info:
        runpy.run_module("medplan", run_name="__main__")

    assert info.value.code == 0
    assert capsys.readouterr().out.splitlines() == sorted(
        entry.name.removesuffix(".json") for entry in (resources.files("medplan") / "examples").iterdir() if entry.name.endswith(".json")
    )


def test_an_error_with_a_line_break_is_still_one_line(capsys):
    """A file name holding a line break is shown with the break escaped, so the error stays one line."""
    status, out, err = run(["plan", "missing\nrequest.json"], capsys)

    assert (status, out) == (2, "")
    assert err == "InputError: missing\\nrequest.json: cannot be read (No such file or directory)\n"


def test_an_example_that_is_not_a_json_object_is_refused_as_a_request_would_be(capsys, monkeypatch):
    """A bundled example holding a JSON list, not an object, exits 2 with the request's error."""
    broken = Path("broken.json")
    broken.write_text("[1, 2]", encoding="utf-8")
    monkeypatch.setattr(cli, "_examples", lambda: {"broken": broken})

    status, out, err = run(["example", "broken"], capsys)

    assert (status, out, err) == (2, "", "InputError: request: must be a JSON object\n")


def test_an_internal_error_exits_70_in_one_line_asking_for_a_report(capsys, monkeypatch):
    """An exception that is no MedplanError (a bug) exits 70 with one line naming it, never a traceback."""

    def broken_plan(*_args, **_kwargs):
        return 1 // 0

    monkeypatch.setattr(cli, "plan", broken_plan)

    status, out, err = run(["example"], capsys)

    assert (status, out) == (70, "")
    assert err == "medplan: internal error, please report it: ZeroDivisionError: integer division or modulo by zero\n"


# --- the installed command, in a subprocess --------------------------------


def installed_script() -> str:
    """The `medplan` console script installed beside the running interpreter."""
    script = shutil.which("medplan", path=sysconfig.get_path("scripts"))
    assert script is not None, "the medplan console script is not installed"
    return script


COMMANDS = [pytest.param(lambda: [installed_script()], id="console-script"), pytest.param(lambda: [sys.executable, "-m", "medplan"], id="python-m")]


def run_installed(command, *argv: str, cwd: Path, text: bool = True) -> subprocess.CompletedProcess:
    """The installed command run with ``argv`` in ``cwd``, its output captured (bytes unless ``text``)."""
    return subprocess.run([*command(), *argv], cwd=cwd, capture_output=True, text=text, check=False)  # noqa: S603 - our own command


@pytest.mark.parametrize("command", COMMANDS)
def test_installed_command_plans_example_from_any_directory(command, tmp_path):
    """The installed command, run from an empty directory, finds its table and example and prints the plan."""
    result = run_installed(command, "example", "--format", "json", cwd=tmp_path)

    assert (result.returncode, result.stderr) == (0, "")
    warfarin = json.loads(result.stdout)["medications"][0]
    assert (warfarin["input"], warfarin["last_dose"]) == ("Warfarin", "2026-12-02T18:00:00+08:00")


@pytest.mark.parametrize("command", COMMANDS)
def test_installed_command_reports_bad_input_in_one_line(command, tmp_path):
    """The installed command exits 2 on a bad request, with one line on stderr and no traceback."""
    (tmp_path / "req.json").write_text(valid_with("procedure", start="2026-02-30T09:00"), encoding="utf-8")

    result = run_installed(command, "plan", "req.json", cwd=tmp_path)

    assert (result.returncode, result.stdout) == (2, "")
    assert_one_line_error(result.stderr, "InputError: procedure.start: 2026-02-30T09:00 is not a real date")


@pytest.mark.parametrize("command", COMMANDS)
def test_installed_command_writes_ics_with_crlf_line_ends(command, tmp_path):
    """The installed command's `--format ics` reaches standard output with RFC 5545's CRLF line ends intact."""
    result = run_installed(command, "example", "--format", "ics", cwd=tmp_path, text=False)

    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert result.stdout.count(b"\n") == result.stdout.count(b"\r\n")


@pytest.mark.parametrize("command", COMMANDS)
def test_installed_command_version(command, tmp_path):
    """The installed command's --version prints the package version and exits 0."""
    result = run_installed(command, "--version", cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr) == (0, f"medplan {medplan.__version__}\n", "")


def test_the_console_script_entry_runs_the_command_line(capsys, monkeypatch):
    """`medplan.__main__.main`, which the console script's entry `run` calls, runs the command line on the process's arguments."""
    from medplan.__main__ import main  # noqa: PLC0415 - imported as the console script imports it

    monkeypatch.setattr(sys, "argv", ["medplan", "example", "--list"])

    assert main() == 0
    assert "nerve-root-sleeve-injection" in capsys.readouterr().out.splitlines()


def test_the_console_script_entry_plans_and_turns_collection_back_on(capsys, monkeypatch):
    """The entry plans one plainly written request with the collector off and leaves it on afterwards, as it found it."""
    from medplan.__main__ import main  # noqa: PLC0415 - imported as the console script imports it

    path = str(resources.files("medplan") / "examples" / f"{EXAMPLE}.json")
    monkeypatch.setattr(sys, "argv", ["medplan", "plan", path, "--format", "json"])

    assert main() == 0
    assert json.loads(capsys.readouterr().out)["procedure"]["code"] == "tfesi-lumbar"
    assert gc.isenabled()
