"""Tests of ``medplan.web._uvicorn``: uvicorn's HTTP protocol with Nagle's algorithm off on TCP connections only."""

from __future__ import annotations

import asyncio
import socket

import pytest

from medplan.web import _uvicorn


class RecordingSocket(socket.socket):
    """A real socket that records each option set on it."""

    def __init__(self, family: socket.AddressFamily) -> None:
        super().__init__(family, socket.SOCK_STREAM)
        self.options: list[tuple[int, int, int]] = []

    def setsockopt(self, level, option, value):
        self.options.append((level, option, value))
        super().setsockopt(level, option, value)


def transport_of(sock):
    """An asyncio transport whose only extra is ``sock`` (None: a transport without a socket)."""
    return type("Transport", (), {"get_extra_info": lambda _self, name: sock if name == "socket" else None})()


@pytest.fixture
def handed(monkeypatch):
    """The transports the protocol handed on to uvicorn's own connection_made (which is not under test)."""
    transports = []
    monkeypatch.setattr(_uvicorn._Protocol, "connection_made", lambda _self, transport: transports.append(transport))  # noqa: SLF001
    return transports


def connect(transport) -> None:
    """The protocol's connection_made, in an event loop as uvicorn calls it; its header clock then stopped."""
    protocol = object.__new__(_uvicorn.NoDelayHTTPProtocol)

    async def made():
        protocol.connection_made(transport)
        protocol._stop_clock()

    asyncio.run(made())


def test_the_protocol_turns_nagle_off_on_a_socket_asyncio_left_it_on(handed):
    """A connection accepted from a listener bound with proto 0 (uvicorn's --workers socket) gets TCP_NODELAY from the protocol."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname()) as _, listener.accept()[0] as accepted:
            before = accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
            transport = transport_of(accepted)

            connect(transport)

            assert (accepted.proto, before) == (0, 0)
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
            assert handed == [transport]


def test_a_unix_socket_connection_is_handed_to_uvicorn_without_a_tcp_option(handed):
    """A connection over a Unix socket (uvicorn --uds) has no Nagle's algorithm: no option is set, uvicorn gets it as it came."""
    with RecordingSocket(socket.AF_UNIX) as unix:
        transport = transport_of(unix)

        connect(transport)

        assert unix.options == []
        assert handed == [transport]


def test_a_transport_without_a_socket_is_handed_to_uvicorn(handed):
    """A transport that exposes no socket is passed on to uvicorn untouched."""
    transport = transport_of(None)

    connect(transport)

    assert handed == [transport]


def test_a_tcp_socket_already_closed_is_still_handed_to_uvicorn(handed):
    """A TCP connection closed before the option is set is not an error here: uvicorn gets it and sees the close itself."""
    closed = RecordingSocket(socket.AF_INET)
    closed.close()
    transport = transport_of(closed)

    connect(transport)

    assert closed.options == [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    assert handed == [transport]
