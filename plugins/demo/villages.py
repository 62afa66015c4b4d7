"""The demo town's forty villages in four sub-district offices, with secretaries and sizes."""

from __future__ import annotations

import random

from store import Village

TOWN = "桑村镇"

# Pinyin initials are unique except 高庄 and 郭庄 (both gz), a realistic tie for the TUI's
# type-to-jump; 东庄 (dz) is unique.
OFFICE_VILLAGES: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (office, tuple(names.split()))
    for office, names in (
        ("城区办事处", "南关 西关 前楼 后楼 南楼 刘集 李家村 张家庄 陈家洼 华村"),
        ("东部办事处", "东庄 东辛庄 赵庄 孙家营 马桥 石桥 杨柳湾 高庄 黄河涯 金山"),
        ("西部办事处", "西王庄 王官屯 大孟 小屯 周家岭 吴家坡 郑楼 冯家庄 褚集 郭庄"),
        ("北部办事处", "北辛庄 北王庄 卫庄 蒋家圩 沈庄 韩家店 朱营 秦家沟 许庄 何家湾"),
    )
)
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁宋谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
_GIVEN_PAIRS = "建国建华国强志刚海涛永胜卫东红军秀英桂兰玉梅春生长青德胜金海立新振华玉兰明亮宝山"
_GIVEN = tuple(_GIVEN_PAIRS[i : i + 2] for i in range(0, len(_GIVEN_PAIRS), 2))


def village_code(index: int) -> str:
    """The code of the index-th village (0-based): SC001, SC002..."""
    return f"SC{index + 1:03d}"


def make_villages(rng: random.Random) -> list[Village]:
    """The forty demo villages in code order, with a secretary, population and households each."""
    villages: list[Village] = []
    for office, names in OFFICE_VILLAGES:
        for name in names:
            population = rng.randrange(900, 4600, 10)
            villages.append(
                Village(
                    code=village_code(len(villages)),
                    name=name,
                    office=office,
                    secretary=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                    population=population,
                    households=round(population / rng.uniform(2.9, 3.6)),
                )
            )
    return villages
