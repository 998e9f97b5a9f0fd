"""Reading a real child process with a deadline: a child that never answers fails its test, never hangs it."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

T = TypeVar("T")

# Generous: a healthy child answers in about a second, but the suite may share
# two cores with other work, and a deadline that trips on a slow machine is a
# flaky test. Anything this late is a child that will not answer at all.
DEADLINE = 60.0


def within(read: Callable[[], T], what: str, seconds: float = DEADLINE) -> T:
    """What ``read`` (a blocking read of, or wait on, a child) gives, or the test fails saying ``what`` never came.

    The read runs in a daemon thread, so the test can give up on it; pair
    this with ``ended`` so the child is killed and the read ends too.
    """
    answer: concurrent.futures.Future[T] = concurrent.futures.Future()

    def run() -> None:
        try:
            answer.set_result(read())
        except BaseException as error:  # noqa: BLE001 - handed to the test as it is
            answer.set_exception(error)

    threading.Thread(target=run, daemon=True).start()
    try:
        return answer.result(timeout=seconds)
    except TimeoutError:
        pytest.fail(f"{what}: nothing within {seconds:g} s; the child does not answer")


@contextlib.contextmanager
def ended(process: subprocess.Popen, *, group: bool = False) -> Iterator[subprocess.Popen]:
    """The child, killed (with its process group, if it leads one) if it still runs when the block leaves.

    ``Popen``'s own exit waits for the child without a limit: a test that
    fails or gives up while the child runs would otherwise hang there.
    """
    try:
        yield process
    finally:
        if process.poll() is None:
            if group:
                os.killpg(process.pid, signal.SIGKILL)
            else:
                process.kill()
