"""medplan serve: the optional extra, its options, signals and a real server."""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import uvicorn
from servicecases import (
    EXAMPLE,
)
from uvicorn.importer import import_from_string

import medplan
from medplan import cli
from medplan.web import _uvicorn, app

# --- the optional extra ---------------------------------------------------


def test_importing_medplan_and_its_command_line_never_imports_the_server():
    """`import medplan` and `medplan.cli` do not import starlette or uvicorn: the extra stays optional."""
    code = "import sys, medplan, medplan.cli; print(sorted(m for m in ('starlette', 'uvicorn') if m in sys.modules))"

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603 - our own command

    assert result.stdout == "[]\n"


def serve_without(module: str, monkeypatch, capsys) -> tuple[int, str, str]:
    """Run `medplan serve` in-process as if ``module`` were not installed, medplan.web.app imported afresh; its status, out and err."""
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("uvicorn was started"))
    monkeypatch.setitem(sys.modules, module, None)  # `import module` raises ImportError
    for name in ("app", "routes", "http"):  # each imported afresh: the one guard is medplan.web.http's
        monkeypatch.delitem(sys.modules, f"medplan.web.{name}")
        monkeypatch.delattr(medplan.web, name)

    status = cli.main(["serve", "--port", "0"])

    out, err = capsys.readouterr()
    return status, out, err


def test_serve_without_starlette_exits_69_naming_the_extra(monkeypatch, capsys):
    """`medplan serve` without starlette prints one line naming medplan[server] and exits 69."""
    assert serve_without("starlette", monkeypatch, capsys) == (
        69,
        "",
        "MissingExtraError: the HTTP service needs starlette>=1.7, which is not installed: pip install 'medplan[server]'\n",
    )


def test_serve_without_uvicorn_exits_69_naming_the_extra(monkeypatch, capsys):
    """`medplan serve` with starlette but not uvicorn names the missing server the same way."""
    assert serve_without("uvicorn", monkeypatch, capsys) == (
        69,
        "",
        "MissingExtraError: the HTTP service needs uvicorn>=0.50, which is not installed: pip install 'medplan[server]'\n",
    )


# --- medplan serve --------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_port_in_use_exits_2_in_one_line(capsys):
    """A port something already listens on is the command line's error: exit 2, one line, before uvicorn starts."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        status = cli.main(["serve", "--port", str(port)])

    err = capsys.readouterr().err
    assert status == 2
    assert err == f"InputError: --port: cannot listen on 127.0.0.1:{port} (Address already in use)\n"


def test_serve_with_a_malformed_table_exits_3_before_listening(capsys, tmp_path):
    """A table that does not load stops `medplan serve` with exit 3 and one line, as for `medplan plan`."""
    (tmp_path / "bad.csv").write_text("rule_id\n", encoding="utf-8")

    status = cli.main(["serve", "--table", "bad.csv", "--port", str(free_port())])

    err = capsys.readouterr().err
    assert status == 3
    assert err.startswith("TableError: bad.csv")
    assert err.count("\n") == 1


@pytest.mark.parametrize("port", ["70000", "http", "-1"])
def test_serve_refuses_a_port_that_is_not_one(capsys, port):
    """--port must be a whole number from 0 to 65535: a usage error, exit 2."""
    status = cli.main(["serve", "--port", port])

    assert status == 2
    assert "--port: must be a whole number from 0 to 65535" in capsys.readouterr().err


def test_serve_runs_uvicorn_with_nagle_off_and_workers_from_an_import_string(monkeypatch, tmp_path):
    """serve() hands uvicorn the no-delay protocol and, for several workers, the environment factory with absolute data paths."""
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi_app, **options: calls.append((asgi_app, options)))
    # Set here so that monkeypatch restores both when serve() has changed them.
    monkeypatch.setenv(app.TABLE_ENV, "a table serve() must unset")
    monkeypatch.setenv(app.POLICIES_ENV, "a file serve() must replace")
    policies = tmp_path / "clinic.toml"
    policies.write_text('[profiles.dr-jones]\ndescription = "Dr Jones."\ninr_max = 1.3\n', encoding="utf-8")

    app.serve(port=free_port())
    app.serve(port=free_port(), workers=2, policies_path="clinic.toml")

    (one, one_options), (many, many_options) = calls
    assert import_from_string(one_options["http"]) is _uvicorn.NoDelayHTTPProtocol
    assert many_options["http"] == one_options["http"]
    assert one.state.medplan.table is medplan.default_table()
    assert (many, many_options["factory"], many_options["workers"]) == ("medplan.web.app:app_from_environment", True, 2)
    assert (one_options["server_header"], many_options["server_header"]) == (False, False)
    assert app.TABLE_ENV not in os.environ
    assert os.environ[app.POLICIES_ENV] == str(policies)
    assert app.app_from_environment().state.medplan.profiles.names == ("dr-jones",)


def test_medplan_serve_hands_uvicorn_its_options_and_exits_0_when_uvicorn_returns(monkeypatch, capsys):
    """`medplan serve` runs one uvicorn server with the host, port, access log and policy file it was given, says where its API document and page are, then exits 0."""
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda asgi_app, **options: calls.append((asgi_app, options)))
    Path("clinic.toml").write_text('[profiles.dr-jones]\ndescription = "Dr Jones."\ninr_max = 1.3\n', encoding="utf-8")
    port = free_port()

    status = cli.main(["serve", "--host", "127.0.0.1", "--port", str(port), "--no-access-log", "--policies", "clinic.toml"])

    assert (status, *capsys.readouterr()) == (
        0,
        "",
        (
            f"medplan serve: http://127.0.0.1:{port}\n"
            f"  API (OpenAPI 3.1): http://127.0.0.1:{port}/openapi.json\n"
            f"  Pharmacist page:   http://127.0.0.1:{port}/pharmacist\n"
        ),
    )
    [(asgi_app, options)] = calls
    assert {name: options[name] for name in ("host", "port", "access_log", "log_level")} == {
        "host": "127.0.0.1", "port": port, "access_log": False, "log_level": "info"}
    assert "workers" not in options
    assert asgi_app.state.medplan.profiles.names == ("dr-jones",)


def test_serve_says_where_the_page_is_only_once_the_data_has_loaded(monkeypatch, capsys):
    """serve() prints the addresses to the stream it is given after the checks, so a failed start prints none, and prints nothing without a stream."""
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: None)
    port = free_port()

    app.serve(host="0.0.0.0", port=port)  # noqa: S104 - never bound: uvicorn.run is replaced
    quiet = capsys.readouterr()
    app.serve(host="0.0.0.0", port=port, out=sys.stdout)  # noqa: S104 - never bound
    told = capsys.readouterr().out
    with pytest.raises(medplan.TableError):
        app.serve(port=port, table_path="missing.csv", out=sys.stdout)

    assert (quiet.out, quiet.err) == ("", "")
    assert told.splitlines() == [
        f"medplan serve: http://127.0.0.1:{port} (every address of this machine)",
        f"  API (OpenAPI 3.1): http://127.0.0.1:{port}/openapi.json",
        f"  Pharmacist page:   http://127.0.0.1:{port}/pharmacist",
    ]
    assert capsys.readouterr().out == ""


def test_serve_on_a_host_that_is_not_an_address_exits_2_in_one_line(monkeypatch, capsys):
    """A --host the resolver does not know is the command line's error, in the resolver's words: exit 2, one line, before uvicorn starts."""
    asked = []

    def unknown(host, port, **options):
        asked.append((host, port, options))
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", unknown)
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: pytest.fail("uvicorn was started"))

    status = cli.main(["serve", "--host", "pharmacy.invalid", "--port", "8080"])

    assert (status, capsys.readouterr().err) == (2, "InputError: --host: is not an address to listen on (Name or service not known)\n")
    assert asked == [("pharmacy.invalid", 8080, {"type": socket.SOCK_STREAM})]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_medplan_serve_stopped_by_a_signal_exits_0_and_puts_the_handlers_back(monkeypatch, capsys, caplog, signum):
    """SIGINT or SIGTERM while uvicorn runs ends `medplan serve` with exit 0 and one log line, not a traceback or a death by signal."""
    before = signal.getsignal(signum)

    def run(_app, **_options):
        signal.raise_signal(signum)  # as uvicorn does once the calls in flight are finished
        pytest.fail("the signal did not stop serve")

    monkeypatch.setattr(uvicorn, "run", run)

    with caplog.at_level(logging.INFO, logger="medplan"):
        status = cli.main(["serve", "--port", str(free_port())])

    assert (status, capsys.readouterr().out) == (0, "")
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [("medplan.web", "INFO", "medplan serve stopped")]
    assert signal.getsignal(signum) is before


def test_serve_in_a_thread_that_is_not_the_main_one_leaves_the_signal_handlers_alone(monkeypatch):
    """Only the main thread may set signal handlers: serve() from another thread runs uvicorn with the process's own, where the main thread replaces them."""
    signals = (signal.SIGINT, signal.SIGTERM)
    before = {number: signal.getsignal(number) for number in signals}
    seen = []
    monkeypatch.setattr(uvicorn, "run", lambda _app, **_: seen.append({n: signal.getsignal(n) for n in signals}))

    app.serve(port=free_port())
    with ThreadPoolExecutor(1) as pool:
        pool.submit(app.serve, port=free_port()).result(timeout=60)  # raises what serve() raised there

    in_main, in_thread = seen
    assert in_thread == before
    assert all(in_main[number] is not before[number] for number in signals)
    assert {number: signal.getsignal(number) for number in signals} == before


def wait_for_health(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail("medplan serve did not answer /health")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_medplan_serve_answers_over_http_and_stops_cleanly_on_sigterm(tmp_path, workers):
    """The installed `medplan serve` answers POST /v1/plan over a real socket with the CLI's bytes, and exits 0 on SIGTERM."""
    port = free_port()
    medplan_script = Path(sys.executable).parent / "medplan"
    command = [str(medplan_script), "serve", "--port", str(port), "--workers", workers]
    process = subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603 - our own command
    try:
        wait_for_health(port, process)
        call = urllib.request.Request(
            f"http://127.0.0.1:{port}/v1/plan", data=json.dumps(EXAMPLE).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with urllib.request.urlopen(call, timeout=10) as answer:  # noqa: S310 - http to our own server
            body, headers = answer.read(), answer.headers
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)

    assert body == medplan.render_json(medplan.plan(EXAMPLE)).encode()
    assert "server" not in {name.lower() for name in headers}
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert '"POST /v1/plan HTTP/1.1" 200' in out
