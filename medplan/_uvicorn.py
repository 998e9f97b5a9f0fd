"""uvicorn's HTTP protocol with ``TCP_NODELAY`` on every connection, for ``medplan serve``.

With ``--workers N`` uvicorn binds the listening socket itself with ``proto``
0, so asyncio, which turns Nagle's algorithm off only for a socket whose
``proto`` is ``IPPROTO_TCP``, leaves it on for every accepted connection.
uvicorn writes a response's head and its body separately, so on a keep-alive
connection the body then waits for the client's delayed ACK: about 40 ms a
call on Linux (uvicorn issue #3149). Measured here, a plan took 48 ms with two
workers and 5 ms with one. Setting the option on each connection, whatever
made its socket, gives every worker count the same latency.

This module imports uvicorn; only :func:`medplan.service.serve` names it (as
an import string, so that worker processes import it too).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from typing import Any

from uvicorn.protocols.http.auto import AutoHTTPProtocol

__all__ = ["NoDelayHTTPProtocol"]

# uvicorn's choice (httptools when it is installed, else h11), as a base class.
_Protocol: Any = AutoHTTPProtocol


class NoDelayHTTPProtocol(_Protocol):  # type: ignore[misc]  # uvicorn types its choice as type[Protocol]
    """uvicorn's own HTTP protocol, with Nagle's algorithm off before the first byte."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        """Turn ``TCP_NODELAY`` on for a TCP connection, then hand it to uvicorn."""
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in {socket.AF_INET, socket.AF_INET6}:
            with contextlib.suppress(OSError):  # a socket closed already: uvicorn will see it
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
