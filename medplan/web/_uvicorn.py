"""uvicorn's HTTP protocol with ``TCP_NODELAY`` on every connection, for ``medplan serve``.

With ``--workers N`` uvicorn binds the listening socket itself with ``proto``
0, so asyncio, which turns Nagle's algorithm off only for a socket whose
``proto`` is ``IPPROTO_TCP``, leaves it on for every accepted connection.
uvicorn writes a response's head and its body separately, so on a keep-alive
connection the body then waits for the client's delayed ACK: about 40 ms a
call on Linux (uvicorn issue #3149). Measured here, a plan took 48 ms with two
workers and 5 ms with one. Setting the option on each connection, whatever
made its socket, gives every worker count the same latency.

uvicorn times out a connection idle between requests (``timeout_keep_alive``)
but not one that is slow to send a request's headers: a client sending a
byte now and then holds its connection, and a few hundred of them hold a
few hundred. This protocol closes a connection on which no request has
begun within ``MEDPLAN_HEADER_TIMEOUT`` seconds (10 by default) of its
opening or of its last response; ``medplan serve --header-timeout`` sets it.

With ``--workers N`` the workers also share that one listening socket, and
asyncio accepts every connection waiting on it whenever it looks: the
worker that looks first takes a burst of new connections whole (6 and 44 of
50 were measured), and a keep-alive connection stays with its worker, so the
calls on the busier one waited seven times as long. :func:`loop_factory`'s
event loop gives each worker a listening socket of its own on the same
address (``SO_REUSEPORT``, Linux), and the kernel spreads new connections
over them evenly, whichever worker is scheduled first.

This module imports uvicorn; only :func:`medplan.web.app.serve` names it (as
an import string, so that worker processes import it too).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

# Set by medplan serve, for its worker processes too, which import this module afresh.
from medplan.web.app import DEFAULT_HEADER_TIMEOUT, HEADER_TIMEOUT_ENV

__all__ = ["NoDelayHTTPProtocol", "header_timeout", "loop_factory", "own_listener"]


def header_timeout() -> float:
    """Seconds a connection may take to send a request's headers: ``MEDPLAN_HEADER_TIMEOUT``, else 10."""
    return float(os.environ.get(HEADER_TIMEOUT_ENV) or DEFAULT_HEADER_TIMEOUT)


# uvicorn's choice (httptools when it is installed, else h11), as a base class.
_Protocol: Any = AutoHTTPProtocol


class NoDelayHTTPProtocol(_Protocol):  # type: ignore[misc]  # uvicorn types its choice as type[Protocol]
    """uvicorn's own HTTP protocol, with Nagle's algorithm off before the first byte and a header timeout."""

    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Turn ``TCP_NODELAY`` on for a TCP connection, hand it to uvicorn, and start the header clock."""
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in {socket.AF_INET, socket.AF_INET6}:
            with contextlib.suppress(OSError):  # a socket closed already: uvicorn will see it
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        self._await_request()

    def on_response_complete(self) -> None:
        """After uvicorn's end of a response, await the next request's headers as the first's."""
        super().on_response_complete()
        self._await_request()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the header clock, then let uvicorn end the connection."""
        self._stop_clock()
        super().connection_lost(exc)

    def _stop_clock(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _await_request(self) -> None:
        self._stop_clock()
        loop = asyncio.get_running_loop()
        self._header_timer = loop.call_later(header_timeout(), self._headers_overdue)

    def _headers_overdue(self) -> None:
        """Close the connection unless a request has begun since the clock started."""
        self._header_timer = None
        cycle = self.cycle
        if (cycle is None or cycle.response_complete) and not self.transport.is_closing():
            self.transport.close()


def own_listener(shared: socket.socket) -> socket.socket:
    """A listening socket for this worker alone, on the address of the one uvicorn shares; else that one.

    The shared socket is bound but not listening (uvicorn's supervisor binds
    it; each worker's server would listen on it). With ``SO_REUSEPORT`` on it
    and on one socket per worker, bound to the same address, Linux hashes
    each new connection to one of the listening sockets: the workers get
    equal shares, each from its own queue. Only processes of the same user
    can join such a group. Elsewhere (``SO_REUSEPORT`` does not spread
    connections on macOS or the BSDs), or if the kernel refuses, the workers
    keep sharing the one socket.
    """
    if not sys.platform.startswith("linux") or shared.family not in {
        socket.AF_INET,
        socket.AF_INET6,
    }:
        return shared
    own = socket.socket(shared.family, shared.type, shared.proto)
    try:
        shared.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        own.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        if shared.family == socket.AF_INET6:  # IPv6 only, or IPv4 too, as the shared one
            v6only = shared.getsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY)
            own.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, v6only)
        own.bind(shared.getsockname())
    except OSError:
        own.close()
        return shared
    return own


class _WorkerLoop(asyncio.SelectorEventLoop):
    """asyncio's event loop, whose server on a socket handed to it listens on :func:`own_listener`'s."""

    async def create_server(
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        *args: Any,  # noqa: ANN401 - asyncio's own arguments (host, port), passed on as they are
        sock: socket.socket | None = None,
        **kwargs: Any,  # noqa: ANN401 - and its keywords (ssl, backlog)
    ) -> asyncio.Server:
        """Serve as asyncio does; a socket uvicorn hands a worker is replaced by one of the worker's own."""
        if sock is None:
            return await super().create_server(protocol_factory, *args, **kwargs)
        return await super().create_server(
            protocol_factory, *args, sock=own_listener(sock), **kwargs
        )


def loop_factory() -> asyncio.AbstractEventLoop:
    """The event loop for ``medplan serve`` (uvicorn's ``loop`` option, as an import string)."""
    return _WorkerLoop()
