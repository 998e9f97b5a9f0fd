"""Ctrl-C during ``medplan batch``'s writes: the output holds whole lines only, then the batch stops.

A write to a pipe whose reader is slow waits in write(2) for room; SIGINT
then ends it after part of a line. These tests make that happen on purpose:
in-process with a pipe that takes part of a write as the signal comes, and
with a real child whose standard output is a one-page pipe.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import signal
import subprocess
import sys
import termios
import threading
import time

import pytest
import testchild
from strategies import VALID

from medplan import batch, cli

LINE = json.dumps(VALID) + "\n"
INTERRUPTED = "medplan: interrupted (Ctrl-C); the lines written so far are complete\n"
# fcntl's F_SETPIPE_SZ (Linux): the pipe's capacity, here one page, shorter than any plan.
F_SETPIPE_SZ = 1031
PIPE_BYTES = 4096


class ShortPipe(io.RawIOBase):
    """A pipe whose ``cut``-th write takes ``taken`` bytes as SIGINT comes, as write(2) does when a Ctrl-C ends its wait."""

    def __init__(self, cut: int, taken: int = 1000) -> None:
        self.data = bytearray()
        self.writes = 0
        self.cut, self.taken = cut, taken

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.writes += 1
        if self.writes == self.cut:
            signal.raise_signal(signal.SIGINT)
            b = bytes(b)[: self.taken]
        self.data += b
        return len(b)


@pytest.fixture
def ctrl_c_raises():
    """SIGINT raises KeyboardInterrupt in this test, as at a terminal, even where the suite runs with it ignored."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def whole_plans(data: bytes) -> list[str]:
    """The booking names of the output's lines, each of which must be a whole plan ending in a newline."""
    text = data.decode()
    assert text.endswith("\n"), f"a torn last line: ...{text[-60:]!r}"
    return [json.loads(line)["procedure"]["name"] for line in text.splitlines()]


@pytest.mark.parametrize("cut", [1, 2], ids=["first-line", "second-line"])
@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_during_a_short_write_finishes_the_line_then_stops(cut, monkeypatch, capsys, tmp_path):
    """SIGINT as a write takes part of a line (standard output unbuffered, as under PYTHONUNBUFFERED): the line is finished, nothing after it, exit 130."""
    pipe = ShortPipe(cut)
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(pipe, encoding="utf-8", write_through=True))
    path = tmp_path / "day.jsonl"
    path.write_text(LINE * 4, encoding="utf-8")

    status = cli.main(["batch", str(path)])

    assert (status, capsys.readouterr().err) == (130, INTERRUPTED)
    assert whole_plans(pipe.data) == [VALID["procedure"]["name"]] * cut
    assert pipe.writes == cut + 1  # the rest of the cut line, and no line begun after it


@pytest.mark.usefixtures("ctrl_c_raises")
def test_ctrl_c_during_the_last_flush_stops_after_it(capsys, tmp_path):
    """SIGINT as the batch's buffered lines go out at its end: every line is sent whole, then exit 130."""
    pipe = ShortPipe(1)
    out = io.TextIOWrapper(io.BufferedWriter(pipe, buffer_size=1 << 20), encoding="utf-8")
    path = tmp_path / "day.jsonl"
    path.write_text(LINE * 3, encoding="utf-8")
    args = cli._parser("batch").parse_args(["batch", str(path)])  # noqa: SLF001

    with pytest.raises(KeyboardInterrupt):
        batch.run_batch(args, out)

    assert whole_plans(pipe.data) == [VALID["procedure"]["name"]] * 3
    assert capsys.readouterr().err == ""  # the command line, not run_batch, says it was interrupted


def test_ctrl_c_between_lines_stops_at_once():
    """SIGINT while no line is being written: the handler the batch found runs then and there, and is put back after."""
    calls = []

    def found(signum, _frame):
        calls.append(signum)

    before = signal.signal(signal.SIGINT, found)
    try:
        with batch._WholeLines(io.StringIO()):  # noqa: SLF001
            signal.raise_signal(signal.SIGINT)
            assert calls == [signal.SIGINT]
        assert signal.getsignal(signal.SIGINT) is found
    finally:
        signal.signal(signal.SIGINT, before)


def test_a_stream_without_bytes_is_written_as_text():
    """A text stream with no binary layer below it (a StringIO) gets each line as text."""
    out = io.StringIO()

    with batch._WholeLines(out) as lines:  # noqa: SLF001
        lines.write("one\n")
        lines.write("two\n")

    assert out.getvalue() == "one\ntwo\n"


@pytest.mark.parametrize("where", ["ignored", "thread"])
def test_the_handler_is_left_alone_where_it_cannot_or_need_not_change(where):
    """An ignored SIGINT stays ignored, and a batch run from another thread leaves the main thread's handler."""
    before = signal.signal(signal.SIGINT, signal.SIG_IGN if where == "ignored" else signal.default_int_handler)
    seen = []

    def write() -> None:
        out = io.StringIO()
        with batch._WholeLines(out) as lines:  # noqa: SLF001
            seen.append(signal.getsignal(signal.SIGINT))
            lines.write("one\n")
        seen.append(out.getvalue())

    try:
        if where == "thread":
            thread = threading.Thread(target=write)
            thread.start()
            thread.join()
        else:
            write()
        expected = signal.SIG_IGN if where == "ignored" else signal.default_int_handler
        assert seen == [expected, "one\n"]
        assert signal.getsignal(signal.SIGINT) is expected
    finally:
        signal.signal(signal.SIGINT, before)


def waiting_bytes(fd: int) -> int:
    """How many bytes the pipe holds, unread."""
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_SETPIPE_SZ is Linux's")
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "PYTHONUNBUFFERED"])
def test_ctrl_c_while_a_real_batch_waits_mid_line_leaves_whole_lines(buffered, tmp_path):
    """A real `medplan batch` whose output pipe is full in the middle of a line: SIGINT, then the reader reads; whole lines, one stderr line, exit 130."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, PIPE_BYTES)
    with (
        subprocess.Popen(
            [sys.executable, "-m", "medplan", "batch"],
            stdin=subprocess.PIPE, stdout=write_end, stderr=subprocess.PIPE,
            cwd=tmp_path, env=env, start_new_session=True,
            preexec_fn=ctrl_c_as_at_a_terminal,  # noqa: PLW1509 - a signal disposition, set in the child before exec
        ) as process,
        open(read_end, "rb") as output,  # noqa: PTH123 - a pipe's file descriptor
        testchild.ended(process, group=True),
    ):
        os.close(write_end)
        process.stdin.write(LINE.encode() * 3)  # the input stays open: the batch waits for more
        process.stdin.flush()
        deadline = time.monotonic() + testchild.DEADLINE
        # The pipe is full, and a plan is longer than it: the batch is waiting in the middle of a line.
        while waiting_bytes(read_end) < PIPE_BYTES:
            assert time.monotonic() < deadline, "the batch never filled its output pipe"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.2)  # the signal arrives while the write waits, as when the reader is slow
        out = testchild.within(output.read, "the interrupted batch's output")
        err = testchild.within(process.stderr.read, "the interrupted batch's error line")
        testchild.within(process.wait, "the interrupted batch's exit")

    assert process.returncode == 130
    assert err.decode() == INTERRUPTED
    # The first plan did not fit in the pipe: it was cut as the signal came, then finished, and no
    # line was begun after it (a plan is longer than a pipe's buffer, so buffered output writes it at once).
    assert whole_plans(out) == [VALID["procedure"]["name"]]
    assert len(out) > PIPE_BYTES


def ctrl_c_as_at_a_terminal() -> None:
    """In the batch's process before it starts: Ctrl-C's default action, even where the suite runs with it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

