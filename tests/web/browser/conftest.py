"""Fixtures for the browser tests in tests/web/browser/: the service under uvicorn and headless Chromium.

Each test module gets its own server and browser (module scope), as when the
tests were one file. Without selenium or uvicorn the folder is skipped; without
/usr/bin/chromium each module's pytestmark (browsercases.MARKS) skips its tests.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is in the test extra")
uvicorn = pytest.importorskip("uvicorn", reason="uvicorn is in the test extra")

from browsercases import CHROMEDRIVER, CHROMIUM, CHROMIUM_FLAGS  # noqa: E402 - after the skip
from selenium.webdriver.chrome.service import Service  # noqa: E402

from medplan.web.app import create_app  # noqa: E402


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The service, under uvicorn in a thread, on a loopback port the system chose."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    config = uvicorn.Config(create_app(), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped before it started"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    listener.close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    """Headless Chromium from Debian, with a fresh profile; nothing is downloaded to run it."""
    with pytest.MonkeyPatch.context() as patch:
        # Selenium Manager is never needed with both paths given; if it ran, it must not go online.
        patch.setenv("SE_OFFLINE", "true")
        patch.setenv("SE_AVOID_STATS", "true")
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)
        for flag in CHROMIUM_FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        service = Service(executable_path=str(CHROMEDRIVER), log_output=os.devnull)
        driver = webdriver.Chrome(service=service, options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield driver
    driver.quit()
