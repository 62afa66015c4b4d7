"""Sub-commands that report: the quarter's grid."""

from __future__ import annotations

import argparse

from plugins.engine import Engine
from store import Quarter
from tui.cli.output import grid_errors, render_grid, symbols_for
from tui.cli.session import Session


def run_grid(session: Session, args: argparse.Namespace) -> int:
    """`pingan grid`: the quarter's grid, one row per active village; plugin errors on stderr."""
    store = session.store()
    quarter: Quarter = args.quarter or store.latest_quarter()
    grid = Engine(store, session.host()).grid(quarter)
    text = render_grid(
        grid,
        args.format,
        lang=session.lang,
        town=store.settings().town,
        symbols=symbols_for(session.out),
    )
    session.out.write(text)
    for line in grid_errors(grid, session.lang):
        print(line, file=session.err)
    return 0
