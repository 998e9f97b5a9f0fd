"""The booking-system commands: ``medplan earliest``, ``medplan batch``, ``medplan recheck`` and ``plan --now``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import datafiles
import pytest
import testchild
from strategies import VALID

import medplan
from medplan import batch, cli, jsonlines


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    """Every test runs with an empty temporary directory as its working directory."""
    monkeypatch.chdir(tmp_path)


def run(argv, capsys):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def write(name, data):
    Path(name).write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return name


# VALID: warfarin 18:00, Tuesday 8 December 2026 09:30 Perth, intermediate risk.


def test_earliest_prints_the_start_and_the_notify_by(capsys):
    """Asked on Wednesday 2 December at 10:00: any time on Monday 7 December, tell the patient before 18:00 that day."""
    status, out, err = run(["earliest", write("r.json", VALID), "--now", "2026-12-02T10:00"], capsys)

    assert (status, err) == (0, "")
    assert out.splitlines()[:3] == [
        "Asked: Wednesday 2 December 2026 at 10:00 (Australia/Perth, UTC+0800)",
        "Earliest start: Monday 7 December 2026 (any time that day) (set by Warfarin)",
        "Tell the patient by: Wednesday 2 December 2026 at 18:00 (the first dose to leave out)",
    ]


def test_earliest_json(capsys):
    """The JSON answer is the plan's booking object."""
    status, out, _ = run(["earliest", write("r.json", VALID), "--now", "2026-12-02T10:00", "--format", "json"], capsys)

    assert status == 0
    answer = json.loads(out)
    assert (answer["earliest_start"], answer["notify_by"], answer["limited_by"]) == (
        "2026-12-07T00:00:00+08:00", "2026-12-02T18:00:00+08:00", ["Warfarin"])


def test_earliest_without_now_asks_the_clock(capsys):
    """The command line reads the clock when no moment is given, and the answer says so."""
    status, out, _ = run(["earliest", write("r.json", VALID), "--format", "json"], capsys)

    assert status == 0
    assert (json.loads(out)["now"], json.loads(out)["now_source"]) == ("2026-01-01T08:00:00+08:00", "clock")


def test_earliest_with_now_says_the_request_gave_it(capsys):
    """With --now, the answer's now_source is request."""
    status, out, _ = run(["earliest", write("r.json", VALID), "--now", "2026-12-02T10:00", "--format", "json"], capsys)

    assert (status, json.loads(out)["now_source"]) == (0, "request")


def test_earliest_with_a_bad_now_names_it(capsys):
    """A moment that is not one is an input error, on one line."""
    status, _, err = run(["earliest", write("r.json", VALID), "--now", "tomorrow"], capsys)

    assert status == 2
    assert err == "InputError: now: must be a local date and time YYYY-MM-DDTHH:MM (got 'tomorrow')\n"


def test_plan_too_soon_says_so_first(capsys):
    """Booked on Friday 4 December for Tuesday: the text says plainly the booking is too soon."""
    status, out, _ = run(["plan", write("r.json", VALID), "--now", "2026-12-04T10:00"], capsys)

    assert status == 0
    assert "  - Booked too soon: told now (Friday 4 December 2026 at 10:00), Warfarin cannot be stopped in time;" in out
    assert "TOO SOON: the booked start is before the earliest start every hold allows." in out


# --- batch -----------------------------------------------------------------------------------


def lines(*records):
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_batch_writes_one_plan_or_error_per_line_and_goes_on(capsys):
    """A bad line gives an error record with its number; the lines after it are still planned; exit 2."""
    broken = dict(VALID, procedure=dict(VALID["procedure"], timezone="Mars/Olympus"))
    path = write("day.jsonl", lines(VALID, "{not json", "", broken, [1, 2], dict(VALID, booking_id="B-7")))

    status, out, err = run(["batch", path], capsys)

    records = [json.loads(line) for line in out.splitlines()]
    assert (status, err) == (2, "")
    assert len(records) == 5  # the blank line 3 is not a request
    assert records[0]["medications"][0]["action"] == "hold"
    assert records[1] == {"line": 2, "error": {
        "type": "InputError", "field": "request",
        "problem": "not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)",
        "message": "line 2: request: not valid JSON (Expecting property name enclosed in double quotes at line 1 column 2)"}}
    assert records[2]["line"] == 4
    assert records[2]["error"]["field"] == "procedure.timezone"
    assert records[3]["error"]["problem"] == "must be a JSON object"
    assert records[4]["booking_id"] == "B-7"


def test_batch_of_good_lines_exits_0_and_reads_stdin(capsys, monkeypatch):
    """From standard input, every line planned: exit 0, and each plan is one line of compact JSON."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(lines(VALID, VALID).encode())))

    status, out, err = run(["batch", "--now", "2026-12-02T10:00"], capsys)

    assert (status, err) == (0, "")
    plans = [json.loads(line) for line in out.splitlines()]
    assert [p["booking"]["notify_by"] for p in plans] == ["2026-12-03T18:00:00+08:00"] * 2


def test_batch_refuses_an_oversized_line_without_reading_it_whole(capsys):
    """A line beyond the size limit is an error record, and the next line is planned."""
    path = write("big.jsonl", "x" * (jsonlines.MAX_REQUEST_BYTES + 10) + "\n" + lines(VALID))

    status, out, _ = run(["batch", path], capsys)

    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 2
    assert first["error"]["problem"] == "is larger than 1,000,000 bytes; a request is far smaller"
    assert second["medications"][0]["input"] == "Warfarin"


def test_batch_skips_an_oversized_line_of_many_reads_whole(capsys):
    """A line several reads beyond the size limit is one error record, and the line after it is planned."""
    path = write("big.jsonl", "x" * (jsonlines.MAX_REQUEST_BYTES + 5 * 65536) + "\n" + lines(VALID))

    status, out, _ = run(["batch", path], capsys)

    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 2
    assert first["line"] == 1
    assert first["error"]["problem"] == "is larger than 1,000,000 bytes; a request is far smaller"
    assert second["medications"][0]["input"] == "Warfarin"


def test_batch_names_a_line_that_is_not_utf8(capsys):
    """A line whose bytes are not UTF-8 is an error record giving the byte, and the batch goes on."""
    Path("day.jsonl").write_bytes(b"\xff{}\n" + lines(VALID).encode())

    status, out, _ = run(["batch", "day.jsonl"], capsys)

    first, second = (json.loads(line) for line in out.splitlines())
    assert status == 2
    assert first == {"line": 1, "error": {
        "type": "InputError", "field": "request", "problem": "is not UTF-8 (invalid start byte at byte 0)",
        "message": "line 1: request: is not UTF-8 (invalid start byte at byte 0)"}}
    assert second["medications"][0]["input"] == "Warfarin"


def test_batch_records_an_internal_error_and_goes_on_then_exits_70(capsys, monkeypatch):
    """A bug on one line is an InternalError record, the other lines are still planned, and the batch exits 70."""
    planned = cli.plan

    def plan_but_not_b2(request, **options):
        if request.get("booking_id") == "B-2":
            raise KeyError("medications")
        return planned(request, **options)

    monkeypatch.setattr(batch, "plan", plan_but_not_b2)
    path = write("day.jsonl", lines(VALID, dict(VALID, booking_id="B-2"), dict(VALID, booking_id="B-3")))

    status, out, err = run(["batch", path], capsys)

    first, second, third = (json.loads(line) for line in out.splitlines())
    assert (status, err) == (70, "")
    assert second == {"line": 2, "error": {
        "type": "InternalError", "field": None, "problem": "KeyError: 'medications'",
        "message": "line 2: 'medications'"}}
    assert (first["booking_id"], third["booking_id"]) == (None, "B-3")


def test_batch_stops_at_a_table_error_with_exit_3(capsys):
    """A line the clinic's table cannot plan (its procedure's guideline is not in the table) stops the batch: exit 3."""
    records = datafiles.records("drug_classes.csv")
    with Path("asra-only.csv").open("w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(
            [records[0], *(r for r in records[1:] if r[1] == "asra-pain-2018")]
        )
    chest = dict(VALID, procedure={"code": "paracentesis", "start": "2026-12-08T09:30", "timezone": "Australia/Perth"})
    path = write("day.jsonl", lines(VALID, chest, VALID))

    status, out, err = run(["batch", path, "--table", "asra-only.csv"], capsys)

    row = datafiles.row_numbers("procedures.csv")["paracentesis"]
    assert status == 3
    assert len(out.splitlines()) == 1  # line 1's plan; nothing after the table error
    assert err == f"TableError: procedures.csv, row {row}: column 'guideline': 'chest-2022' is not a guideline of the drug table\n"


def test_batch_shows_progress_only_on_a_terminal(monkeypatch):
    """On a terminal, a progress line on standard error; elsewhere (as in the other tests) nothing."""
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    status = cli.main(["batch", write("day.jsonl", lines(VALID, VALID, "{"))])

    assert status == 2
    assert terminal.getvalue().endswith("\rmedplan batch: 3 lines, 1 failed, 100%\n")


def test_batch_of_a_missing_file_is_one_error_line(capsys):
    """A file that cannot be opened is an input error of the whole command."""
    status, out, err = run(["batch", "nowhere.jsonl"], capsys)

    assert (status, out) == (2, "")
    assert err == "InputError: nowhere.jsonl: cannot be read (No such file or directory)\n"


def test_batch_streams_its_output():
    """Each plan is written as its line is read: the first plan arrives while the input is still open."""
    with subprocess.Popen(
        [sys.executable, "-m", "medplan", "batch", "--now", "2026-12-01T10:00"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1,
    ) as process, testchild.ended(process):
        process.stdin.write(lines(VALID))
        process.stdin.flush()
        # A batch that waited for the end of its input would never answer this.
        first = testchild.within(process.stdout.readline, "the first plan, the input still open")
        process.stdin.write(lines(VALID))
        process.stdin.close()
        rest = testchild.within(process.stdout.read, "the second plan")
        assert testchild.within(process.wait, "the batch's exit") == 0
    assert json.loads(first)["medications"][0]["action"] == "hold"
    assert len(rest.splitlines()) == 1


# --- recheck ---------------------------------------------------------------------------------


def test_recheck_of_an_unchanged_plan_exits_0(capsys):
    """A plan stored today is what medplan plans today."""
    run(["plan", write("r.json", VALID), "--format", "json"], capsys)
    status, stored, _ = run(["plan", "r.json", "--format", "json"], capsys)

    status, out, err = run(["recheck", write("plan.json", stored)], capsys)

    assert (status, err) == (0, "")
    assert out == "Unchanged: the stored plan is what medplan plans today.\n"


def test_recheck_of_a_stale_plan_exits_1_and_names_the_change(capsys):
    """A stored resume that today's rules would not give: exit 1 and the difference, in text and in JSON."""
    plan = medplan.plan(VALID).to_dict()
    plan["medications"][0]["resume"] = "2026-12-08T18:00:00+08:00"
    path = write("plan.json", plan)

    status, out, _ = run(["recheck", path], capsys)
    json_status, json_out, _ = run(["recheck", path, "--format", "json"], capsys)

    assert status == json_status == 1
    assert out.splitlines()[:2] == [
        "CHANGED: 1 difference(s) from the stored plan",
        "  medications[0].resume: 2026-12-08T18:00:00+08:00 -> 2026-12-09T18:00:00+08:00",
    ]
    assert json.loads(json_out)["changed"] is True


def test_recheck_text_lists_what_the_plan_was_made_with(capsys):
    """A stored plan made with another table version is unchanged, and the text says what it was made with."""
    plan = medplan.plan(VALID).to_dict()
    current = plan["table_version"]
    plan["table_version"] = "drug_classes.csv sha256:0000000000000000"

    status, out, _ = run(["recheck", write("plan.json", plan)], capsys)

    assert status == 0
    assert out.splitlines() == [
        "Unchanged: the stored plan is what medplan plans today.",
        "Made with:",
        f"  table_version: drug_classes.csv sha256:0000000000000000 -> {current}",
    ]


def test_recheck_of_something_that_is_not_a_plan(capsys):
    """A request given where a plan is expected: one error line naming the missing request."""
    status, _, err = run(["recheck", write("r.json", VALID)], capsys)

    assert status == 2
    assert err == "InputError: request: the stored plan carries no request to plan again (it must be a JSON object)\n"


def test_batch_in_worker_processes_writes_the_same_lines_in_order(capsys):
    """--jobs 2 gives byte for byte what one process gives, error records and line numbers included."""
    broken = dict(VALID, procedure=dict(VALID["procedure"], timezone="Mars/Olympus"))
    records = [dict(VALID, booking_id=f"B-{n}") for n in range(150)]
    records[70] = broken
    path = write("day.jsonl", lines(*records[:100], "{", *records[100:]))

    serial = run(["batch", path], capsys)
    parallel = run(["batch", "--jobs", "2", path], capsys)

    assert parallel == serial
    assert serial[0] == 2
    assert [json.loads(line).get("line") for line in serial[1].splitlines()].count(None) == 149


def test_batch_jobs_must_be_positive(capsys):
    """Zero workers cannot plan anything: an input error naming the option."""
    status, _, err = run(["batch", "--jobs", "0", write("day.jsonl", lines(VALID))], capsys)

    assert status == 2
    assert err == "InputError: --jobs: must be 1 or more (got 0)\n"


def test_a_malformed_table_stops_a_parallel_batch_before_any_line(capsys):
    """The clinic's table is checked once, before the workers start: exit 3, nothing written."""
    table = write("table.csv", "rule_id\nx\n")

    status, out, err = run(["batch", "--jobs", "2", "--table", table, write("day.jsonl", lines(VALID))], capsys)

    assert (status, out) == (3, "")
    assert err.startswith("TableError: table.csv, row 1: missing columns: ")


# --- the --jobs worker processes, run here so that their lines are measured ---

DR_JONES = '[profiles.dr-jones]\ndescription = "Dr Jones."\ninr_max = 1.3\n'


def test_a_worker_answers_a_chunk_exactly_as_one_process_does(capsys, monkeypatch):
    """A worker started with the table, policy file and --now of a batch answers its lines with the serial batch's bytes and outcomes."""
    monkeypatch.setattr(batch, "WORKER", {})  # this process stands in for a worker; restored after
    write("table.csv", datafiles.bundled("drug_classes.csv"))
    write("clinic.toml", DR_JONES)
    text = lines(dict(VALID, policy={"profile": "dr-jones"}), "{", [1]) + "x" * (jsonlines.MAX_REQUEST_BYTES + 10) + "\n"
    options = ["--table", "table.csv", "--policies", "clinic.toml", "--now", "2026-12-02T10:00"]
    status, out, err = run(["batch", write("day.jsonl", text), *options], capsys)
    chunk = [(1, text.splitlines(keepends=True)[0].encode()), (2, b"{\n"), (3, b"[1]\n"), (4, None)]

    batch.start_worker("table.csv", "clinic.toml", "2026-12-02T10:00")
    answers = batch.answer_chunk(chunk)

    assert (status, err) == (2, "")
    assert "".join(line for line, _ in answers) == out
    assert [outcome for _, outcome in answers] == ["planned", "refused", "refused", "refused"]
    plan = json.loads(answers[0][0])
    assert plan["table_version"].startswith("table.csv sha256:")
    assert (plan["policy"]["name"], plan["policy"]["inr_max"]) == ("dr-jones", 1.3)
    assert plan["booking"]["notify_by"] == "2026-12-03T18:00:00+08:00"


def test_a_worker_without_files_plans_with_the_bundled_data_and_the_clock(monkeypatch):
    """A worker for a batch with no --table, --policies or --now keeps the bundled table, no profiles and no moment."""
    monkeypatch.setattr(batch, "WORKER", {})

    batch.start_worker(None, None, None)

    worker = batch.WORKER
    assert sorted(worker) == ["now", "profiles", "table"]
    assert worker["table"] is medplan.default_table()  # the bundled table, loaded once, not again
    assert (worker["profiles"], worker["now"]) == (None, None)


def test_a_parallel_batch_with_more_chunks_than_may_be_in_flight_keeps_input_order(capsys, monkeypatch):
    """With one line a chunk and one chunk a worker in flight, later lines wait for a free slot and the output is still the serial one."""
    monkeypatch.setattr(batch, "_CHUNK", 1)
    monkeypatch.setattr(batch, "_IN_FLIGHT", 1)
    path = write("day.jsonl", lines(*(dict(VALID, booking_id=f"B-{n}") for n in range(7))))

    serial = run(["batch", path], capsys)
    parallel = run(["batch", "--jobs", "2", path], capsys)

    assert parallel == serial
    assert serial[0] == 0
    assert [json.loads(line)["booking_id"] for line in parallel[1].splitlines()] == [f"B-{n}" for n in range(7)]
