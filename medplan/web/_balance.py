"""Connections spread evenly over ``medplan serve --workers N``: a worker holding more lets another take the next.

A keep-alive connection stays with the worker that accepted it, and each
worker answers its own connections one call at a time, so a worker holding
more connections than another makes each of their calls wait longer in
proportion. Left to asyncio, the worker that looks first at uvicorn's shared
listening socket accepted every connection waiting (50 of 50 were measured);
with one listening socket per worker (``SO_REUSEPORT``), Linux hashes each
connection to one of them, which left up to 32 of 50 on one worker, and the
slowest calls were that worker's (docs/performance.md).

Here the workers keep sharing the one socket, and each keeps a count of the
connections it holds open in a small file they all map (a :class:`Board`,
one slot per worker: its process id and its count). A worker accepts a
connection only while it holds no more than the fewest any other worker
holds; otherwise it leaves the connection in the queue for another worker,
and looks again :data:`LOOK_AGAIN` seconds later. So 50 connections end 25
and 25, and clients that open a connection per call reach the worker with
the fewest in hand. No connection waits on a worker that does not take its
turn (busy, or hung): after :data:`LONGEST_WAIT` a worker takes it whatever
it holds.

``medplan serve`` makes the board (:func:`board`) and names it to its
workers in ``MEDPLAN_WORKER_BOARD``; a worker joins it when its event loop
is handed the shared socket (:func:`listener`). This module does not import
uvicorn.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import mmap
import os
import select
import socket
import struct
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "BOARD_ENV",
    "LONGEST_WAIT",
    "LOOK_AGAIN",
    "SLOTS",
    "BalancedListener",
    "Board",
    "board",
    "listener",
]

# Set by medplan serve for its worker processes: the board's path.
BOARD_ENV = "MEDPLAN_WORKER_BOARD"

# Workers a board has room for; one more (uvicorn's SIGTTIN) accepts without turns.
SLOTS = 64

# Seconds a worker that is not to take the waiting connections leaves its listener
# alone before it looks again: often enough that a connection is taken within a
# few milliseconds, seldom enough that looking costs nothing measurable.
LOOK_AGAIN = 0.002

# The longest a worker leaves waiting connections to the others: longer than a
# loaded worker's turn of its event loop, in which it answers every call its
# connections have sent before it looks at the socket again (25 calls of 1.3 ms,
# three times that on a machine whose cores are shared; with 50 ms, 50 connections
# opened under load ended 24 and 26 in one try of three), and short beside a
# client's connect timeout, should a worker be hung.
LONGEST_WAIT = 0.5

# A slot: a worker's process id (0: free) and the connections it holds open.
_SLOT = struct.Struct("=qq")


class Board:
    """The file the workers share, in which each notes how many connections it holds open."""

    def __init__(self, path: str) -> None:
        """Map the board at ``path`` (made by :func:`board`); :meth:`join` takes this process's slot."""
        self.path = path
        with Path(path).open("r+b") as file:
            self._map = mmap.mmap(file.fileno(), SLOTS * _SLOT.size)
        self._offset = -1

    def join(self) -> bool:
        """Take a free slot, or the slot of a worker that has died, for this process; False if none is left."""
        with Path(self.path).open("r+b") as file:
            fcntl.flock(file, fcntl.LOCK_EX)  # two workers starting at once take two slots
            for offset in range(0, SLOTS * _SLOT.size, _SLOT.size):
                pid, _ = _SLOT.unpack_from(self._map, offset)
                if pid == 0 or not _alive(pid):
                    _SLOT.pack_into(self._map, offset, os.getpid(), 0)
                    self._offset = offset
                    return True
        return False

    def leave(self) -> None:
        """Free this process's slot: the others no longer wait for it to take its turn."""
        if self._offset >= 0:
            _SLOT.pack_into(self._map, self._offset, 0, 0)
            self._offset = -1

    def held(self) -> int:
        """The connections this process holds open, as the board says."""
        held: int = _SLOT.unpack_from(self._map, self._offset)[1]
        return held

    def opened(self) -> None:
        """Count a connection this process has accepted."""
        self._add(1)

    def closed(self) -> None:
        """Count a connection this process has closed."""
        self._add(-1)

    def _add(self, change: int) -> None:
        # Only this process writes its slot, from its event loop's thread.
        if self._offset >= 0:
            _SLOT.pack_into(self._map, self._offset, os.getpid(), self.held() + change)

    def my_turn(self) -> bool:
        """Whether this process holds no more connections than any other worker on the board."""
        if self._offset < 0:
            return True
        held = self.held()
        for offset in range(0, SLOTS * _SLOT.size, _SLOT.size):
            pid, others = _SLOT.unpack_from(self._map, offset)
            # A worker killed outright keeps its slot until a new one takes it: skip it.
            if pid and offset != self._offset and others < held and _alive(pid):
                return False
        return True


def _alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 is sent to nobody)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process took the id: it exists
        return True
    return True


@contextlib.contextmanager
def board() -> Iterator[str | None]:
    """A new board's path, for the workers of one ``medplan serve``; the file is removed afterwards.

    In memory (``/dev/shm``) where there is one, else in the temporary folder;
    readable and writable by this user only. None where neither can hold it
    (a read-only file system): the workers then accept as uvicorn alone would.
    """
    path = _new_board()
    try:
        yield path
    finally:
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                Path(path).unlink()


def _new_board() -> str | None:
    shm = "/dev/shm"  # noqa: S108 - a mkstemp name in it, private to this user
    for folder in ([shm] if Path(shm).is_dir() else []) + [None]:
        try:
            handle, path = tempfile.mkstemp(prefix="medplan-workers-", dir=folder)
        except OSError:
            continue
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(bytes(SLOTS * _SLOT.size))
        except OSError:  # no room
            Path(path).unlink()
            continue
        return path
    return None


class _Connection(socket.socket):
    """An accepted connection that tells the board when it is closed."""

    board: Board | None = None

    def close(self) -> None:
        """Close the socket; the board counts it once, however often it is closed."""
        board, self.board = self.board, None
        if board is not None:
            board.closed()
        super().close()


class BalancedListener(socket.socket):
    """This worker's handle on the shared listening socket: it accepts a connection only on the worker's turn.

    Attributes:
        board: The board this worker has joined.
        turned_away: Whether the last :meth:`accept` left a connection to the
            other workers (the event loop then looks again a moment later).
    """

    board: Board
    turned_away = False
    _waiting_since: float | None = None

    @classmethod
    def over(cls, shared: socket.socket, board: Board) -> BalancedListener:
        """A listener on ``shared``'s socket (a second descriptor: uvicorn keeps and closes its own)."""
        listener = cls(shared.family, shared.type, shared.proto, fileno=os.dup(shared.fileno()))
        listener.board = board
        return listener

    def accept(self) -> tuple[socket.socket, Any]:
        """A waiting connection, counted on the board; BlockingIOError if none, or if it is another's turn."""
        self.turned_away = self._leave_to_others()
        if self.turned_away:
            raise BlockingIOError(errno.EAGAIN, "another worker holds fewer connections")
        try:
            accepted, address = super().accept()
        except BlockingIOError:
            self._waiting_since = None  # nothing waits: the next wait starts afresh
            raise
        self._waiting_since = None
        connection = _Connection(fileno=accepted.detach())
        connection.board = self.board
        self.board.opened()
        return connection, address

    def look_again(self) -> None:
        """Before the event loop watches the socket again: if no connection waits now, the next wait starts afresh."""
        poller = select.poll()
        poller.register(self, select.POLLIN)
        if not poller.poll(0):
            self._waiting_since = None

    def close(self) -> None:
        """Stop listening here and leave the board, so that the other workers stop waiting on this one."""
        self.board.leave()
        super().close()

    def _leave_to_others(self) -> bool:
        if self.board.my_turn():
            return False
        now = time.monotonic()
        if self._waiting_since is None:
            self._waiting_since = now
        return now - self._waiting_since < LONGEST_WAIT


def listener(shared: socket.socket) -> socket.socket:
    """The socket a worker serves: a :class:`BalancedListener` on ``medplan serve``'s board, else ``shared``.

    Without a board (one worker; another server than ``medplan serve``), or
    if the board cannot be opened or is full, the worker serves the shared
    socket as uvicorn alone would.
    """
    path = os.environ.get(BOARD_ENV)
    if not path or shared.type != socket.SOCK_STREAM:
        return shared
    try:
        joined = Board(path)
    except (OSError, ValueError):  # removed, unreadable, or not a board's size
        return shared
    if not joined.join():
        return shared
    return BalancedListener.over(shared, joined)
