"""medplan serve --workers: the workers take turns at accepting, so that each holds an equal share of the connections.

Each "worker" here is a :class:`Board` joined in this process (each takes a
slot of its own) and a :class:`BalancedListener` on one shared listening
socket, as each worker process has in ``medplan serve``.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import pytest

from medplan.web import _balance
from medplan.web._balance import BalancedListener, Board


@pytest.fixture
def board_path():
    with _balance.board() as path:
        yield path


@pytest.fixture
def shared():
    """A listening TCP socket on a free loopback port, as the workers share uvicorn's."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(100)
        sock.setblocking(False)
        yield sock


def joined(path: str) -> Board:
    board = Board(path)
    assert board.join()
    return board


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The board's clock, stopped at 0 s: a test moves it by setting ``clock[0]``."""
    now = [0.0]
    monkeypatch.setattr(_balance.time, "monotonic", lambda: now[0])
    return now

@attrs.frozen
class TwoWorkers:
    """Two workers on one board, with two clients waiting on the shared socket.

    ``fuller`` is the one each test lets accept first; ``keep`` closes a
    socket the test makes (an accepted connection, another client) at the end.
    """

    fuller: BalancedListener
    emptier: BalancedListener
    keep: Callable[[socket.socket], socket.socket]


@pytest.fixture
def two_workers(board_path, shared) -> Iterator[TwoWorkers]:
    with contextlib.ExitStack() as stack:

        def keep(sock: socket.socket) -> socket.socket:
            stack.callback(sock.close)
            return sock

        fuller, emptier = (keep(BalancedListener.over(shared, joined(board_path))) for _ in range(2))
        for _ in range(2):
            keep(socket.create_connection(shared.getsockname()))
        yield TwoWorkers(fuller=fuller, emptier=emptier, keep=keep)


def accept_all(listener: BalancedListener) -> list[socket.socket]:
    """Every connection the listener accepts now, until it finds none or leaves the next to another worker."""
    accepted = []
    with contextlib.suppress(BlockingIOError):
        while True:
            accepted.append(listener.accept()[0])
    return accepted


def test_two_workers_taking_turns_hold_20_of_40_connections_each(board_path, shared):
    """Whichever worker looks first, each accepts only while it holds no more than the other: 40 connections end 20 and 20."""
    workers = [BalancedListener.over(shared, joined(board_path)) for _ in range(2)]
    clients = [socket.create_connection(shared.getsockname()) for _ in range(40)]
    held: list[list[socket.socket]] = [[], []]
    try:
        for _ in range(40):  # the first worker looks first each time, as one scheduled more often would
            for index, worker in enumerate(workers):
                held[index] += accept_all(worker)

        assert [len(each) for each in held] == [20, 20]
        assert [worker.board.held() for worker in workers] == [20, 20]
    finally:
        for sock in (*clients, *held[0], *held[1], *workers):
            sock.close()


def test_a_worker_left_alone_on_the_board_takes_every_connection(board_path, shared):
    """With no other worker on the board (or every other gone), nothing waits for a turn."""
    alone = BalancedListener.over(shared, joined(board_path))
    clients = [socket.create_connection(shared.getsockname()) for _ in range(5)]
    try:
        accepted = accept_all(alone)

        assert len(accepted) == 5
        assert not alone.turned_away
    finally:
        for sock in (*clients, *accepted, alone):
            sock.close()


def test_a_worker_holding_more_leaves_the_connection_waiting_in_the_queue(two_workers):
    """A worker holding one connection more than another is turned away, and the connection is still there for the other."""
    fuller, emptier, keep = two_workers.fuller, two_workers.emptier, two_workers.keep
    keep(fuller.accept()[0])

    with pytest.raises(BlockingIOError):
        fuller.accept()
    assert fuller.turned_away
    keep(emptier.accept()[0])
    assert not emptier.turned_away


def test_a_worker_takes_the_connection_once_the_others_have_left_it_the_longest_wait(two_workers, clock):
    """Should the worker whose turn it is not take the connection (busy, hung), another takes it after LONGEST_WAIT."""
    fuller, keep = two_workers.fuller, two_workers.keep
    keep(fuller.accept()[0])
    with pytest.raises(BlockingIOError):
        fuller.accept()
    clock[0] = _balance.LONGEST_WAIT / 2
    with pytest.raises(BlockingIOError):
        fuller.accept()
    clock[0] = _balance.LONGEST_WAIT

    keep(fuller.accept()[0])

    assert fuller.board.held() == 2


def test_the_wait_starts_afresh_once_no_connection_waits(two_workers, shared, clock):
    """A worker turned away long ago, whose queue has since emptied, waits its turn again for the next connection."""
    fuller, emptier, keep = two_workers.fuller, two_workers.emptier, two_workers.keep
    keep(fuller.accept()[0])
    with pytest.raises(BlockingIOError):
        fuller.accept()
    keep(emptier.accept()[0])  # the other takes it: the queue is empty
    fuller.look_again()
    keep(socket.create_connection(shared.getsockname()))
    clock[0] += 10 * _balance.LONGEST_WAIT
    emptier.board.closed()  # as if emptier's connection had closed: fuller holds more again

    with pytest.raises(BlockingIOError):
        fuller.accept()


def test_looking_again_while_a_connection_waits_keeps_counting_the_wait(two_workers, clock):
    """A connection still waiting when the worker looks again is taken once it has waited LONGEST_WAIT in all."""
    fuller, keep = two_workers.fuller, two_workers.keep
    keep(fuller.accept()[0])
    with pytest.raises(BlockingIOError):
        fuller.accept()
    clock[0] = _balance.LONGEST_WAIT
    fuller.look_again()

    keep(fuller.accept()[0])

    assert fuller.board.held() == 2


def test_a_closed_connection_is_counted_off_once(board_path, shared):
    """Closing an accepted connection takes it off the worker's count, and closing it again changes nothing."""
    worker = BalancedListener.over(shared, joined(board_path))
    client = socket.create_connection(shared.getsockname())
    try:
        connection = worker.accept()[0]
        assert worker.board.held() == 1

        connection.close()
        connection.close()

        assert worker.board.held() == 0
    finally:
        client.close()
        worker.close()


def test_an_empty_queue_raises_blocking_io_without_turning_away(board_path, shared):
    """With no connection waiting, accept says so as a plain socket does, and the worker was not turned away."""
    worker = BalancedListener.over(shared, joined(board_path))
    try:
        with pytest.raises(BlockingIOError):
            worker.accept()
        assert not worker.turned_away
        assert worker.board.held() == 0
    finally:
        worker.close()


def test_a_worker_that_stops_listening_leaves_the_board(board_path, shared):
    """Once a worker closes its listener, another holding more no longer waits for it to take its turn."""
    leaving, staying = (BalancedListener.over(shared, joined(board_path)) for _ in range(2))
    client = socket.create_connection(shared.getsockname())
    other = socket.create_connection(shared.getsockname())
    try:
        first = staying.accept()[0]
        leaving.close()

        second = staying.accept()[0]

        assert staying.board.held() == 2
        assert shared.fileno() >= 0  # uvicorn's own socket stays open: it closes it itself
    finally:
        for sock in (client, other, staying):
            sock.close()
    first.close()
    second.close()


def test_a_worker_killed_outright_is_skipped_and_its_slot_taken_by_the_next(board_path):
    """A slot whose process has died (killed, no clean exit) neither holds the others back nor stays taken."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    worker = joined(board_path)
    worker.opened()
    ghost = Board(board_path)
    assert ghost.join()
    _balance._SLOT.pack_into(ghost._map, ghost._offset, dead_pid, 0)  # noqa: SLF001 - a dead worker's slot, holding none

    assert worker.my_turn()
    replacement = Board(board_path)
    assert replacement.join()
    assert replacement._offset == ghost._offset  # noqa: SLF001


def test_a_board_with_every_slot_taken_turns_the_next_worker_away():
    """Past SLOTS workers (uvicorn's SIGTTIN adds them), join says no, and that worker serves the socket as it is."""
    with _balance.board() as path:
        boards = [Board(path) for _ in range(_balance.SLOTS)]
        assert all(board.join() for board in boards)

        assert not Board(path).join()


def test_a_board_not_joined_counts_nothing_and_never_waits(board_path):
    """A board this process has not joined (or has left) neither counts connections nor asks for a turn."""
    board = Board(board_path)
    board.opened()
    board.leave()

    assert board.my_turn()
    assert joined(board_path).held() == 0


@pytest.mark.parametrize("error", [ProcessLookupError, PermissionError])
def test_a_process_is_alive_unless_the_kernel_says_there_is_none(monkeypatch, error):
    """Signal 0 to a process of another user is refused, but that process exists; only 'no such process' is dead."""

    def kill(_pid, _signal):
        raise error

    monkeypatch.setattr(_balance.os, "kill", kill)

    assert _balance._alive(12345) is (error is PermissionError)  # noqa: SLF001


def test_the_board_is_removed_after_serving_even_if_it_was_removed_already():
    """The board file lives only while medplan serve runs; a file someone removed meanwhile is no error."""
    with _balance.board() as path:
        assert Path(path).stat().st_size == _balance.SLOTS * _balance._SLOT.size  # noqa: SLF001
        Path(path).unlink()
    with _balance.board() as path:
        pass

    assert not Path(path).exists()


def test_without_a_shared_folder_in_memory_the_board_goes_in_the_temporary_folder(monkeypatch, tmp_path):
    """Where there is no /dev/shm, the board is a file in the temporary folder."""
    monkeypatch.setattr(_balance.Path, "is_dir", lambda _self: False)
    monkeypatch.setattr(_balance.tempfile, "tempdir", str(tmp_path))

    with _balance.board() as path:
        assert Path(path).parent == tmp_path


def test_a_shared_folder_in_memory_that_refuses_the_board_leaves_it_in_the_temporary_folder(monkeypatch, tmp_path):
    """A /dev/shm this user cannot write in (a locked-down container) is passed over for the temporary folder."""
    made = _balance.tempfile.mkstemp

    def mkstemp(prefix, dir=None):  # noqa: A002 - tempfile's own keyword
        if dir is not None:
            raise PermissionError(13, "Permission denied")
        return made(prefix=prefix, dir=tmp_path)

    monkeypatch.setattr(_balance.tempfile, "mkstemp", mkstemp)

    with _balance.board() as path:
        assert Path(path).parent == tmp_path
        assert Path(path).stat().st_size == _balance.SLOTS * _balance._SLOT.size  # noqa: SLF001


def test_with_nowhere_to_write_a_board_there_is_none_and_nothing_is_left_behind(monkeypatch, tmp_path):
    """Folders full or read-only: no board (the workers accept without turns), and no empty file stays."""
    made = _balance.tempfile.mkstemp
    monkeypatch.setattr(_balance.tempfile, "mkstemp", lambda prefix, dir=None: made(prefix=prefix, dir=tmp_path))  # noqa: A006, ARG005

    class Full:
        def __init__(self, handle, _mode):
            _balance.os.close(handle)

        def __enter__(self):
            return self

        def __exit__(self, *_):
            return False

        def write(self, _data):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(_balance.os, "fdopen", Full)

    with _balance.board() as path:
        assert path is None
    assert list(tmp_path.iterdir()) == []


def test_when_no_folder_takes_a_board_at_all_there_is_none(monkeypatch):
    """Neither /dev/shm nor the temporary folder can hold a file: no board."""

    def mkstemp(prefix, dir=None):  # noqa: A002, ARG001 - tempfile's own keywords
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(_balance.tempfile, "mkstemp", mkstemp)

    with _balance.board() as path:
        assert path is None


# --- which socket a worker serves ------------------------------------------------------


def test_a_worker_serves_a_balanced_listener_on_the_board_medplan_serve_names(board_path, shared, monkeypatch):
    """With MEDPLAN_WORKER_BOARD set, the worker joins the board and serves the shared socket through a balanced listener."""
    monkeypatch.setenv(_balance.BOARD_ENV, board_path)

    served = _balance.listener(shared)

    try:
        assert isinstance(served, BalancedListener)
        assert served.getsockname() == shared.getsockname()
        assert served.fileno() != shared.fileno()
    finally:
        served.close()


@pytest.mark.parametrize("path", ["", "missing", "short"], ids=["unset", "removed", "not-a-board"])
def test_without_a_usable_board_the_worker_serves_the_shared_socket(shared, monkeypatch, tmp_path, path):
    """No board, a board removed, or a file that is not one: the worker serves the shared socket as uvicorn would."""
    (tmp_path / "short").write_bytes(b"\0")
    monkeypatch.setenv(_balance.BOARD_ENV, str(tmp_path / path) if path else "")

    assert _balance.listener(shared) is shared


def test_a_worker_past_the_boards_slots_serves_the_shared_socket(board_path, shared, monkeypatch):
    """When every slot is taken, the next worker serves the shared socket without taking turns."""
    monkeypatch.setenv(_balance.BOARD_ENV, board_path)
    boards = [Board(board_path) for _ in range(_balance.SLOTS)]
    assert all(board.join() for board in boards)

    assert _balance.listener(shared) is shared


def test_a_datagram_socket_is_served_as_it_is(board_path, monkeypatch):
    """Only a stream socket accepts connections to take turns at."""
    monkeypatch.setenv(_balance.BOARD_ENV, board_path)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as datagrams:
        assert _balance.listener(datagrams) is datagrams
