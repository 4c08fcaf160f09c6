"""A real Cocreate server in a subprocess and headless Debian Chromium to drive it."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
# Settings a developer's or CI's shell may carry that would point the server away from its own data folder:
# another database, a shared cache (rate-limit counters), or real mail delivery.
_FOREIGN_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "COCREATE_SMTP_HOST",
    "COCREATE_EMAIL",
    "COCREATE_TASK_BACKEND",
    "COCREATE_PUBLIC_URL",
    "COCREATE_BEHIND_PROXY",
    "DJANGO_SETTINGS_MODULE",
)


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    log: Path

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"


def _cocreate_command() -> list[str]:
    # The console script beside the running interpreter: CI calls .venv/bin/pytest without activating
    # the venv, so `cocreate` may not be on PATH (or may be another install's).
    script = Path(sys.executable).parent / "cocreate"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "cocreate"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _PortTaken(Exception):
    """The server exited before answering, its log naming the port as in use."""


def _wait_healthy(
    url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 30.0, *, retry: bool = False
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-4000:]
            if retry and "in use" in tail.lower():
                raise _PortTaken(url)
            pytest.fail(f"cocreate serve exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (local URL)
                # A server that lost the port to another worker's dies within moments of starting: an
                # answer counts only while ours still runs (else the loop sees it exit and retries).
                if response.status == 200 and proc.poll() is None:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    pytest.fail(f"cocreate serve was not healthy within {timeout:.0f}s:\n{log.read_text()[-4000:]}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    # The server runs in its own session, so the group holds granian and its workers and nothing else.
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(autouse=True)
def _isolated() -> Iterator[None]:
    """Replaces the suite-wide fixture: its cache.clear() needs the test database, which browser tests
    never touch (the server under test has its own data folder)."""
    yield


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("COCREATE_REQUIRE_BROWSER") == "1":
            pytest.fail(
                f"COCREATE_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: "
                "apt-get install -y --no-install-recommends chromium"
            )
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


def _server_env(data_dir: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    # SQLite in the temp folder, even in the PostgreSQL pass: the server must not share the test database.
    env.update(COCREATE_DATA=str(data_dir), COCREATE_PUBLIC_URL=url, COCREATE_LOG_FORMAT="plain")
    return env


@pytest.fixture(scope="session")
def migrated_database(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated SQLite file, made once per test process and copied for each live server.

    Migrating costs far more than the browser steps of a module; every server still starts from an
    empty database of its own. Under pytest-xdist each worker makes its own (tmp_path_factory is per
    worker), so no two processes ever write the same file.
    """
    data_dir = tmp_path_factory.mktemp("cocreate-migrated")
    env = _server_env(data_dir, "http://127.0.0.1:8000")
    for step in (["migrate", "--no-input", "-v", "0"], ["createcachetable"]):
        done = subprocess.run(
            [*_cocreate_command(), *step], env=env, capture_output=True, text=True, timeout=180
        )
        if done.returncode != 0:
            pytest.fail(f"cocreate {' '.join(step)} failed:\n{done.stdout}\n{done.stderr}")
    return data_dir / "cocreate.sqlite3"


def _copy_database(source: Path, data_dir: Path) -> None:
    # SQLite's backup API rather than a file copy: the source is in WAL mode, and the copy must hold every
    # committed page whether or not it was checkpointed.
    with (
        closing(sqlite3.connect(source)) as src,
        closing(sqlite3.connect(data_dir / "cocreate.sqlite3")) as dst,
    ):
        src.backup(dst)


@pytest.fixture(scope="module")
def live_server_proc(
    migrated_database: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    # Depends on chromium_path (through migrated_database) so a missing browser skips before anything
    # is started for nothing.
    data_dir = tmp_path_factory.mktemp("cocreate-live")
    _copy_database(migrated_database, data_dir)
    command = _cocreate_command()
    log = data_dir / "server.log"
    # A free port is only free until someone binds it: another worker's server may take it first, and then
    # ours exits at once. Try a fresh port a few times before calling the server broken.
    for attempt in range(3):
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as sink:
            proc = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
                env=_server_env(data_dir, url),
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            _wait_healthy(url, proc, log, retry=attempt < 2)
        except _PortTaken:
            continue
        except BaseException:
            _stop(proc)
            raise
        break
    try:
        yield LiveServer(url=url, data_dir=data_dir, log=log)
    finally:
        _stop(proc)
        # Captured by pytest and shown only when a test failed: the server's traceback for a 500.
        print(f"--- cocreate serve log (tail) ---\n{log.read_text(errors='replace')[-6000:]}")


@pytest.fixture
def browser_page(chromium_path: str) -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.set_default_timeout(10_000)
            yield context.new_page()
        finally:
            browser.close()


def live_env(server: LiveServer) -> dict[str, str]:
    """The environment `live_server_proc` gives the server, for commands run against its data folder."""
    return _server_env(server.data_dir, server.url)


def run_cocreate(server: LiveServer, *args: str) -> str:
    """Run a `cocreate` command against the live server's data (a worker batch, a shell snippet)."""
    done = subprocess.run(
        [*_cocreate_command(), *args], env=live_env(server), capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        pytest.fail(f"cocreate {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def log_in(page: Page, base: str, email: str, password: str) -> None:
    """Log in through the real form, starting from a clean browser session."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    form = page.locator("main form")
    form.locator("input[name=login]").fill(email)
    form.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.fixture
def add_account(live_server_proc: LiveServer) -> Callable[..., None]:
    """Creates a verified account on the live server with `cocreate user add`, as an operator would."""

    def add(email: str, *, password: str, role: str = "member", name: str = "") -> None:
        command = [*_cocreate_command(), "user", "add", email, "--role", role, "--password", password]
        if name:
            command += ["--name", name]
        done = subprocess.run(
            command, env=live_env(live_server_proc), capture_output=True, text=True, timeout=60
        )
        if done.returncode != 0:
            pytest.fail(f"cocreate user add {email} failed:\n{done.stdout}\n{done.stderr}")

    return add
