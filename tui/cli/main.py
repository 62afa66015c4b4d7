"""The `pingan` command: global options, sub-commands and exit codes (0 done, 1 refused, 2 usage).

The sub-command names, options and output formats are a contract other tools rely on.
Refused input is reported on stderr without a traceback; Textual is imported only when
the TUI opens.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from plugins.refusal import Refusal
from store import StoreError
from tui.cli.commands import Invocation, cli
from tui.cli.help import HelpState, render_usage_error
from tui.cli.session import CliError, Session


def _prefer_utf8(stream: object) -> None:
    """Write UTF-8 when output goes to a file or pipe (Chinese Windows would pick GBK)."""
    reconfigure = getattr(stream, "reconfigure", None)
    isatty = getattr(stream, "isatty", None)
    if reconfigure is None or isatty is None or isatty():
        return
    with contextlib.suppress(ValueError, OSError):
        reconfigure(encoding="utf-8")


def parse(argv: list[str], state: HelpState) -> Invocation | int:
    """The command line as an Invocation, or the exit code when parsing ends the run."""
    try:
        result: Any = cli.main(argv, prog_name="pingan", standalone_mode=False, obj=state)
    except click.UsageError as exc:
        print(render_usage_error(exc, state.lang), file=sys.stderr)
        return 2
    except click.ClickException as exc:
        print(exc.format_message(), file=sys.stderr)
        return exc.exit_code
    except click.Abort:
        return 130
    except SystemExit as exc:  # click ends a help page cut short by a closed pipe this way
        return exc.code if isinstance(exc.code, int) else 1
    if isinstance(result, Invocation):
        return result
    return result if isinstance(result, int) else 0


def main(argv: list[str] | None = None) -> int:
    """Run `pingan` with argv (default: the process's arguments); returns the exit code."""
    _prefer_utf8(sys.stdout)
    _prefer_utf8(sys.stderr)
    arguments = sys.argv[1:] if argv is None else list(argv)
    try:
        parsed = parse(arguments, HelpState(arguments))
    except KeyboardInterrupt:
        return 130
    if isinstance(parsed, int):
        return parsed
    args = parsed.args
    session = Session.from_options(args.db, args.plugins_dir, args.lang, args.user)
    try:
        return parsed.run(session, args)
    except Refusal as exc:
        for line in exc.render(session.lang):
            print(line, file=session.err)
        return 1
    except StoreError as exc:
        print(exc.message.get(session.lang), file=session.err)
        return 1
    except CliError as exc:
        print(str(exc), file=session.err)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        print(exc, file=session.err)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
