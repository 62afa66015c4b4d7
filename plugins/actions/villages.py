"""Adding a village and changing one: the same field rules as a village import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from plugins.actions.context import ActionContext, audited, writing
from plugins.i18n import Text
from plugins.importing import VILLAGE_FIELDS
from plugins.refusal import Refusal
from plugins.schema import parse_fields
from store import Village


@dataclass(frozen=True, slots=True)
class VillageChanged:
    """A village as it was (None when new) and as it is now."""

    before: Village | None
    after: Village


def _parsed(values: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    chosen = tuple(f for f in VILLAGE_FIELDS if f.name in fields)
    unknown = sorted(set(values) - {f.name for f in VILLAGE_FIELDS})
    if unknown:
        raise Refusal(Text("没有这一项", "no such field"), field=unknown[0])
    clean, errors = parse_fields(chosen, values)
    if errors:
        raise Refusal(errors[0].message, field=errors[0].field)
    return clean


@audited
def add_village(ctx: ActionContext, values: Mapping[str, Any]) -> VillageChanged:
    """Add a village (code, name, office required); refused if its code is taken."""
    ctx.require(None, Text("新增村", "add villages"))
    clean = _parsed(values, tuple(f.name for f in VILLAGE_FIELDS))
    code = clean["code"]
    if ctx.store.village(code) is not None:
        raise Refusal(Text(f"村代码 {code} 已存在", f"village code {code} exists"), field="code")
    village = Village(
        code=code,
        name=clean["name"],
        office=clean["office"],
        secretary=clean.get("secretary") or "",
        population=clean.get("population"),
        households=clean.get("households"),
    )
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        tx.add_village(village)
    return VillageChanged(None, village)


@audited
def update_village(
    ctx: ActionContext, code: str, values: Mapping[str, Any], *, active: bool | None = None
) -> VillageChanged:
    """Change some of a village's fields (not its code), or set it active or inactive."""
    ctx.require(None, Text("修改村", "change villages"))
    before = ctx.store.village(code)
    if before is None:
        raise Refusal(Text(f"没有代码为 {code} 的村", f"no village {code}"), field="code")
    if "code" in values:
        raise Refusal(Text("村代码不能修改", "a village's code cannot change"), field="code")
    clean = _parsed(values, tuple(values))
    after = replace(before, **clean)
    if active is not None:
        after = replace(after, active=active)
    with writing(), ctx.store.transaction(ctx.actor.name) as tx:
        tx.put_village(after)
    return VillageChanged(before, after)
