"""`pingan serve`: the TUI in a browser through textual-serve, on this computer unless told.

The server runs as a real child process on a free port; a test waits on its output and on
the page answering, fetches the page over HTTP, opens the websocket a browser would open
and reads what the served TUI draws, then stops the server.
"""

from __future__ import annotations

import asyncio
import os
import queue
import re
import shlex
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import aiohttp
import pytest

from plugins import actions
from plugins.actions import ActionContext, Actor
from plugins.manager import PluginHost
from store import Store, Village
from tui.serve import is_local, served_command, served_environment, url_host

READ_TIMEOUT = 120.0
"""How long a test waits for the server's next line or the TUI's next frame; only a hung
child should ever reach it."""
CONNECT_ATTEMPTS = 5000
PASSWORD = "s3cret-pass"


def free_port() -> int:
    """A port nobody listens on now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def small_store(path: Path, host: PluginHost, *, accounts: bool) -> Store:
    store = Store(path)
    store.init("桑村镇")
    store.open()
    with store.transaction("setup") as tx:
        tx.add_village(Village("V001", "东村", "东片"))
    if accounts:
        ctx = ActionContext(store, host, Actor("setup"))
        actions.add_user(ctx, "boss", PASSWORD, role="office")
    return store


class Served:
    """A running `pingan serve` child and the lines it printed, read on a thread."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, needle: str) -> str:
        """Read lines until one holds needle; fails with everything printed if the child ends."""
        while True:
            line = self.lines.get(timeout=READ_TIMEOUT)
            if line is None:
                raise AssertionError(f"serve ended before {needle!r}:\n{''.join(self.seen)}")
            self.seen.append(line)
            if needle in line:
                return line


@contextmanager
def serving(
    db: Path, home: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[Served]:
    """`pingan --db DB serve ARGS` as a child; terminated and waited for on the way out."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    child_env.update({"PINGAN_HOME": str(home), "PINGAN_USER": "tester", **(env or {})})
    process = subprocess.Popen(
        [sys.executable, "-m", "tui.cli.main", "--db", str(db), "serve", *args],
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    try:
        yield Served(process)
    finally:
        process.terminate()
        process.wait(timeout=READ_TIMEOUT)


def fetch(url: str, served: Served) -> str:
    """The page at url, retried while the server is still binding its port."""
    for _ in range(CONNECT_ATTEMPTS):
        try:
            with urllib.request.urlopen(url, timeout=READ_TIMEOUT) as response:
                return str(response.read().decode("utf-8"))
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError):
                raise
            assert served.process.poll() is None, "".join(served.seen)
    raise AssertionError(f"{url} never answered")


async def _screen_text(url: str, needles: tuple[str, ...]) -> bytes:
    """What the served TUI draws over the websocket, read until one of needles appears."""
    drawn = b""
    wanted = [n.encode("utf-8") for n in needles]
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url) as websocket,
    ):
        await websocket.send_json(["resize", {"width": 100, "height": 30}])
        while not any(n in drawn for n in wanted):
            message = await websocket.receive(timeout=READ_TIMEOUT)
            if message.type == aiohttp.WSMsgType.BINARY:
                drawn += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                drawn += message.data.encode("utf-8")
            else:
                break
    return drawn


def screen_text(url: str, *needles: str) -> str:
    return asyncio.run(_screen_text(url, needles)).decode("utf-8", "replace")


def test_serve_listens_on_localhost_and_serves_the_tui_of_the_store(
    tmp_path: Path, host: PluginHost
) -> None:
    store = small_store(tmp_path / "town.json", host, accounts=False)
    port = free_port()
    with serving(store.path, tmp_path / "home", "--port", str(port)) as served:
        assert f"http://localhost:{port}" in served.wait_for("在浏览器中打开")
        served.wait_for("只在本机监听（localhost）")
        served.wait_for("Ctrl+C to quit")
        page = fetch(f"http://localhost:{port}/", served)
        assert "桑村镇" in page
        assert f"ws://localhost:{port}/ws" in page
        drawn = screen_text(f"ws://localhost:{port}/ws?width=100&height=30", "个村")
        assert "个村" in drawn and "请登录" not in drawn
    assert served.process.returncode == 0


class _References(HTMLParser):
    """Every address a page makes its browser load: src and href attributes, CSS url()s."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.addresses += [v for k, v in attrs if k in ("src", "href") and v]
        self._style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._style = False

    def handle_data(self, data: str) -> None:
        if self._style:
            self.addresses += css_addresses(data)


def css_addresses(css: str) -> list[str]:
    """The addresses of a style sheet's url(...) and @import rules."""
    found = re.findall(r"""url\(\s*['"]?([^'")\s]+)""", css)
    return found + re.findall(r"""@import\s+['"]([^'"]+)""", css)


def test_the_served_page_loads_nothing_from_another_host(tmp_path: Path, host: PluginHost) -> None:
    """A township office may have no internet: page, style sheets and fonts come from here."""
    store = small_store(tmp_path / "town.json", host, accounts=False)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    with serving(
        store.path, tmp_path / "home", "--host", "127.0.0.1", "--port", str(port)
    ) as served:
        served.wait_for("Ctrl+C to quit")
        page = fetch(f"{origin}/", served)
        parser = _References()
        parser.feed(page)
        addresses = [urljoin(f"{origin}/", a) for a in parser.addresses]
        for sheet in [a for a in addresses if a.endswith(".css")]:
            addresses += [urljoin(sheet, a) for a in css_addresses(fetch(sheet, served))]
        assert addresses, "the page loads its script, style sheet and font"
        elsewhere = [a for a in addresses if not a.startswith(f"{origin}/")]
        assert not elsewhere, f"the page loads {elsewhere}"
        fonts = [a for a in addresses if a.endswith(".ttf")]
        assert fonts, "the terminal's font is served from here"
        for address in fonts + [a for a in addresses if a.endswith(".js")]:
            with urllib.request.urlopen(address, timeout=READ_TIMEOUT) as response:
                assert response.status == 200 and response.read(), address


def test_with_accounts_the_served_tui_asks_for_a_login_even_with_a_password_in_the_env(
    tmp_path: Path, host: PluginHost
) -> None:
    store = small_store(tmp_path / "town.json", host, accounts=True)
    port = free_port()
    env = {"PINGAN_USER": "boss", "PINGAN_PASSWORD": PASSWORD}
    with serving(
        store.path, tmp_path / "home", "--host", "127.0.0.1", "--port", str(port), env=env
    ) as served:
        served.wait_for("Ctrl+C to quit")
        page = fetch(f"http://127.0.0.1:{port}/", served)
        assert f"ws://127.0.0.1:{port}/ws" in page
        drawn = screen_text(f"ws://127.0.0.1:{port}/ws?width=100&height=30", "请登录", "个村")
        assert "桑村镇 平安村创建工作台：请登录" in drawn
        assert "个村" not in drawn


def test_a_host_that_is_not_local_is_warned_about(tmp_path: Path, host: PluginHost) -> None:
    """An address of no interface here (TEST-NET-1): the warning comes, then the bind fails."""
    store = small_store(tmp_path / "town.json", host, accounts=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env.update(PINGAN_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli.main", "--lang", "en", "--db", str(store.path)]
        + ["serve", "--host", "192.0.2.1", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=READ_TIMEOUT,
        check=False,
    )
    assert "warning: listening on 192.0.2.1" in done.stderr
    assert "no operator accounts" in done.stderr
    assert "this computer only" not in done.stdout
    assert done.returncode == 1


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PINGAN_")}
    env.update(PINGAN_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli.main", "--db", str(tmp_path / "none.json"), "serve"],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=READ_TIMEOUT,
        check=False,
    )
    assert done.returncode == 1 and "pingan init" in done.stderr


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.8.0.1", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.20", False),
        ("meeting-room", False),
    ],
)
def test_which_hosts_count_as_this_computer_only(host: str, local: bool) -> None:
    assert is_local(host) is local


@pytest.mark.skipif(os.name == "nt", reason="checks the POSIX shell's quoting")
def test_the_served_command_names_the_store_and_no_operator(tmp_path: Path) -> None:
    command = served_command(tmp_path / "镇 数据.json", lang="en", plugin_dirs=[tmp_path / "p"])
    parts = shlex.split(command)
    assert parts[:3] == [sys.executable, "-m", "tui.cli.main"]
    assert parts[3:] == [
        "--db",
        str((tmp_path / "镇 数据.json").resolve()),
        "--plugins-dir",
        str(tmp_path / "p"),
        "--lang",
        "en",
    ]
    assert url_host("::1") == "[::1]" and url_host("localhost") == "localhost"


def test_the_served_environment_drops_the_password_and_with_accounts_the_name() -> None:
    environ = {"PINGAN_USER": "boss", "PINGAN_PASSWORD": "x", "PINGAN_HOME": "/h", "PATH": "/b"}
    assert served_environment(environ, accounts_on=False) == {
        "PINGAN_USER": "boss",
        "PINGAN_HOME": "/h",
        "PATH": "/b",
    }
    assert served_environment(environ, accounts_on=True) == {"PINGAN_HOME": "/h", "PATH": "/b"}
