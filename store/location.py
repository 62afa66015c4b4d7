"""Where pingan keeps its data by default: PINGAN_HOME, else the user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

HOME_ENV = "PINGAN_HOME"
DB_ENV = "PINGAN_DB"


def data_home() -> Path:
    """The data folder: $PINGAN_HOME, else the platform's user data folder for pingan."""
    override = os.environ.get(HOME_ENV)
    return (
        Path(override) if override else Path(platformdirs.user_data_dir("pingan", appauthor=False))
    )


def default_db(explicit: str | None = None) -> Path:
    """The store to use: an explicit --db, else $PINGAN_DB, else pingan.json in the data folder."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(DB_ENV)
    return Path(env) if env else data_home() / "pingan.json"


def plugins_dir() -> Path:
    """The folder of local .py plugins: the data folder's plugins/."""
    return data_home() / "plugins"


def config_home() -> Path:
    """The user's own settings folder: $PINGAN_HOME/config, else the platform's user config folder.

    Per user, not per town: a desk's language choice must not switch the other desks.
    """
    override = os.environ.get(HOME_ENV)
    return (
        Path(override) / "config"
        if override
        else Path(platformdirs.user_config_dir("pingan", appauthor=False))
    )
