"""Creating a town's store."""

from __future__ import annotations

from plugins.actions.context import Actor, writing
from plugins.i18n import Text
from plugins.manager import PluginHost
from plugins.refusal import Refusal
from store import Store


def create_store(store: Store, town: str, actor: Actor | None = None) -> Store:
    """Create an empty store for town at store's path; refused if one is already there."""
    town = town.strip()
    if not town:
        raise Refusal(Text("镇名不能为空", "the town name must not be empty"), field="town")
    if store.path.exists():
        raise Refusal(
            Text(
                f"{store.path}：这里已有数据库，未做任何改动；要另建请用 --db 指定新文件",
                f"{store.path}: a store already exists here; nothing was changed. "
                "Choose a new file with --db",
            )
        )
    with writing():
        store.init(town, (actor or Actor.current()).name)
    return store


def fill_demo(store: Store, host: PluginHost) -> None:
    """Fill a new or empty store with the demo town; refused if the store holds any data."""
    if store.holds_data():
        raise Refusal(
            Text(
                f"{store.path}：数据库里已有数据，示范镇不会覆盖它；请用 --db 指定一个新文件",
                f"{store.path}: the store already holds data and the demo will not "
                "overwrite it; choose a new file with --db",
            )
        )
    from plugins import demo

    demo.build_demo(store, host)
