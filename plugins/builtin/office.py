"""The leadership office (领导小组办公室): owns villages and meeting decisions, and G1 and G2.

G1 and G2 have no checks: they are decided in the quarterly meeting, so their cells
stay PENDING until a decision is taken.
"""

from __future__ import annotations

from plugins import Plugin, Text, Threshold, UnitSpec, ViewSpec

UNIT = UnitSpec(
    code="office",
    name=Text("领导小组办公室", "Leadership office"),
    criteria=("G1", "G2"),
    thresholds=(
        Threshold(
            "supervision_quarters",
            2,
            Text("连续不达标几个季度列为重点督导", "Quarters failing in a row before supervision"),
        ),
        Threshold(
            "public_notice_quarters",
            4,
            Text("连续不达标几个季度予以通报", "Quarters failing in a row before public notice"),
        ),
        Threshold(
            "return_due_days",
            3,
            Text(
                "单位季度报表在季度结束后几天内报送为按时",
                "Days after the quarter within which a unit's return is on time",
            ),
        ),
    ),
    files_returns=False,
)


plugin = Plugin(
    units=(UNIT,),
    views=(
        ViewSpec(
            "office",
            "decisions",
            Text("会议决定与季度报表", "Meeting decisions and returns"),
            "plugins.builtin.views.office:OfficeView",
        ),
    ),
)
