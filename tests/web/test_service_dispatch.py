"""Where the service plans a call: in the event loop for a small body, in a thread for a large one.

Either way the answer is the same bytes; only the thread differs, and which
one it was is recorded by wrapping the planner the routes call.
"""

from __future__ import annotations

import json
import threading

import attrs
import pytest
from servicecases import EXAMPLE

import medplan
from medplan.web import routes

# anyio names the threads of the pool Starlette's run_in_threadpool uses.
POOL_THREAD = "AnyIO worker thread"


@attrs.frozen
class Dispatch:
    """A body of ``size`` bytes sent to ``path``, planned in the thread pool or not."""

    path: str
    size: int
    in_pool: bool


def padded(data: dict, size: int) -> bytes:
    """The JSON text of ``data``, padded with trailing spaces (still the same JSON) to ``size`` bytes."""
    text = json.dumps(data).encode()
    assert len(text) <= size
    return text + b" " * (size - len(text))


@pytest.fixture
def threads(monkeypatch):
    """The names of the threads the routes' planner ran in, call by call."""
    seen: list[str] = []

    def recorded(planner):
        def wrapper(*args, **kwargs):
            seen.append(threading.current_thread().name)
            return planner(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(routes, "plan", recorded(routes.plan))
    monkeypatch.setattr(routes, "earliest", recorded(routes.earliest))
    return seen


DISPATCHES = [
    Dispatch(path="/v1/plan", size=routes.INLINE_BYTES, in_pool=False),
    Dispatch(path="/v1/plan", size=routes.INLINE_BYTES + 1, in_pool=True),
    Dispatch(path="/v1/earliest", size=routes.INLINE_BYTES, in_pool=False),
    Dispatch(path="/v1/earliest", size=routes.INLINE_BYTES + 1, in_pool=True),
]


@pytest.mark.parametrize("case", DISPATCHES, ids=lambda c: f"{c.path}-{c.size}")
def test_a_body_up_to_the_inline_size_is_planned_in_the_event_loop_and_a_larger_one_in_a_thread(client, threads, case):
    """A body of at most INLINE_BYTES is planned in the event loop's thread; one byte more, in the thread pool."""
    response = client.post(case.path, content=padded(EXAMPLE, case.size), headers={"Content-Type": "application/json"})

    assert response.status_code == 200
    assert len(threads) == 1
    assert (threads[0] == POOL_THREAD) is case.in_pool


def test_a_plan_is_the_same_bytes_whichever_thread_made_it(client):
    """The same request, small enough for the event loop or padded past INLINE_BYTES, is answered with the same plan bytes."""
    expected = medplan.render_json(medplan.plan(EXAMPLE)).encode()
    answers = [
        client.post("/v1/plan", content=padded(EXAMPLE, size), headers={"Content-Type": "application/json"}).content
        for size in (len(json.dumps(EXAMPLE)), routes.INLINE_BYTES + 1)
    ]

    assert answers == [expected, expected]


def test_the_bundled_example_and_an_eight_medicine_booking_fit_the_event_loop():
    """The bundled example is well under INLINE_BYTES, so the common call skips the thread pool."""
    assert len(json.dumps(EXAMPLE).encode()) * 2 < routes.INLINE_BYTES
