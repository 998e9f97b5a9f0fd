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

With ``--workers N`` the workers share one listening socket, and a
keep-alive connection stays with the worker that accepted it. The event
loop of :func:`loop_factory` serves that socket through
:func:`medplan.web._balance.listener`, which accepts a connection only on
the worker's turn (it holds no more connections than any other), so the
connections are spread evenly whichever worker is scheduled first; when it
is another's turn, the loop leaves the socket alone for a moment rather than
being woken again at once.

This module imports uvicorn; only :func:`medplan.web.app.serve` names it (as
an import string, so that worker processes import it too).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

# Set by medplan serve, for its worker processes too, which import this module afresh.
from medplan.web._balance import LOOK_AGAIN, BalancedListener, listener
from medplan.web.app import DEFAULT_HEADER_TIMEOUT, HEADER_TIMEOUT_ENV

__all__ = ["NoDelayHTTPProtocol", "header_timeout", "loop_factory"]


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


class _WorkerLoop(asyncio.SelectorEventLoop):
    """asyncio's event loop, whose server on a socket handed to it takes turns with the other workers."""

    async def create_server(
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        *args: Any,  # noqa: ANN401 - asyncio's own arguments (host, port), passed on as they are
        sock: socket.socket | None = None,
        **kwargs: Any,  # noqa: ANN401 - and its keywords (ssl, backlog)
    ) -> asyncio.Server:
        """Serve as asyncio does; a socket uvicorn hands a worker is served through a balanced listener."""
        if sock is not None:
            sock = listener(sock)
        return await super().create_server(protocol_factory, *args, sock=sock, **kwargs)

    def _accept_connection(
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        sock: socket.socket,
        *args: Any,  # noqa: ANN401 - asyncio's own (ssl context, server, backlog, timeouts)
    ) -> None:
        """Accept as asyncio does when the socket is readable; on another worker's turn, look again later.

        The connection left waiting keeps the socket readable: watched at once
        again, this loop would be woken again and again until another worker
        took it.
        """
        super()._accept_connection(protocol_factory, sock, *args)  # type: ignore[misc]  # asyncio's own, untyped
        if isinstance(sock, BalancedListener) and sock.turned_away:
            self.remove_reader(sock.fileno())
            self.call_later(LOOK_AGAIN, self._look_again, protocol_factory, sock, *args)

    def _look_again(
        self,
        protocol_factory: Callable[[], asyncio.BaseProtocol],
        sock: BalancedListener,
        *args: Any,  # noqa: ANN401 - as _accept_connection's
    ) -> None:
        if sock.fileno() < 0:  # the server has closed it meanwhile
            return
        sock.look_again()
        self.add_reader(sock.fileno(), self._accept_connection, protocol_factory, sock, *args)


def loop_factory() -> asyncio.AbstractEventLoop:
    """The event loop for ``medplan serve`` (uvicorn's ``loop`` option, as an import string)."""
    return _WorkerLoop()
