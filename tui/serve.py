"""The meeting room's screen: the TUI served to a browser by textual-serve.

Each browser visit starts its own `pingan --db STORE` process, which opens the TUI on the
same store (with its login screen when the store has accounts); textual-serve has no
authentication of its own, so it listens on this computer only unless told otherwise.
The page comes from our copy of textual-serve's template, which takes its font from
textual-serve's static files instead of Google Fonts: no request leaves this computer, so
the page works in an office without internet access.
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual_serve.server import Server

LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
TEMPLATES = Path(__file__).parent / "serve_templates"
"""Our copy of textual-serve's page template; its static files stay textual-serve's."""
SECRET_VARIABLES = ("PINGAN_PASSWORD", "PINGAN_NEW_PASSWORD")
"""Never handed to a served TUI: whoever opens the page would act as that operator."""


def is_local(host: str) -> bool:
    """Whether host names this computer only (localhost or a loopback address)."""
    name = host.strip().strip("[]").lower()
    if name in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def shell_join(parts: Sequence[str]) -> str:
    """One command line for the platform's shell, each part quoted."""
    if os.name == "nt":
        return subprocess.list2cmdline(list(parts))
    return shlex.join(parts)


def served_command(db: Path, *, lang: str | None = None, plugin_dirs: Sequence[Path] = ()) -> str:
    """The command each visit runs: the TUI on db, with no operator given (the TUI asks)."""
    parts = [sys.executable, "-m", "tui.cli.main", "--db", str(db.resolve())]
    for folder in plugin_dirs:
        parts += ["--plugins-dir", str(folder)]
    if lang:
        parts += ["--lang", lang]
    return shell_join(parts)


def served_environment(environ: dict[str, str], *, accounts_on: bool) -> dict[str, str]:
    """The environment the served TUIs inherit: no password, and no name with accounts on."""
    dropped = set(SECRET_VARIABLES) | ({"PINGAN_USER"} if accounts_on else set())
    return {key: value for key, value in environ.items() if key not in dropped}


def url_host(host: str) -> str:
    """host as it stands in a URL (an IPv6 address in brackets)."""
    try:
        if ipaddress.ip_address(host.strip("[]")).version == 6:
            return f"[{host.strip('[]')}]"
    except ValueError:
        pass
    return host


class PinganServer(Server):
    """textual-serve's server, giving each page the address the browser itself used.

    Its own page names the listening address, which is wrong for a browser on another
    computer when the server listens on 0.0.0.0.
    """

    async def handle_index(self, request: Any) -> Any:
        # The index handler reads public_url synchronously, so setting it here is safe.
        self.public_url = f"{request.scheme}://{request.host}"
        return await super().handle_index(request)


def serve(command: str, host: str, port: int, *, title: str, environ: dict[str, str]) -> None:
    """Serve the command's TUI on host:port until Ctrl+C or SIGTERM, its visits in environ.

    textual-serve hands each visit this process's environment, so it becomes environ.
    """
    os.environ.clear()
    os.environ.update(environ)
    server = PinganServer(command, host=host, port=port, title=title, templates_path=TEMPLATES)
    server.serve()
