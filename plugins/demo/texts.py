"""Chinese wording of the demo's records: summaries, categories and accident kinds."""

from __future__ import annotations

PATROL_NOTES = (
    "夜间治安巡逻",
    "重点部位巡查",
    "校园周边巡逻",
    "集市秩序巡查",
    "节假日安全巡逻",
    "联防队员例行巡逻",
    "出租房屋走访巡查",
    "沿河堤坝巡查",
)
DISPUTE_CATEGORIES = (
    ("land", 4),
    ("neighbour", 5),
    ("family", 4),
    ("labour", 2),
    ("contract", 2),
    ("other", 1),
)
HAZARD_NOTES = (
    "村委会配电箱线路老化",
    "沿街商铺消防通道堵塞",
    "废弃坑塘未设警示标志",
    "液化气瓶存放不规范",
    "危房未设置围挡",
    "农机具停放占道",
    "学校周边缺少减速带",
    "养殖场沼气池未加盖",
    "烟花爆竹违规存放",
    "村办厂房灭火器过期",
)
MAJOR_HAZARD_NOTES = (
    "化工仓库违规存放危险化学品",
    "加油点储罐无防雷接地",
    "桥梁护栏大面积损毁",
    "燃气管道穿越民房",
)
PETITION_NOTES = (
    "反映低保评定问题",
    "咨询土地承包政策",
    "反映道路积水",
    "反映宅基地界址问题",
    "反映拖欠工资问题",
    "反映自来水水压不足",
    "咨询养老保险缴费",
)
KEY_CATEGORIES = (
    "community_correction",
    "released_prisoner",
    "mental_disorder",
    "drug_user",
    "threat_speaker",
    "other",
)
SECURITY_NOTES = ("酒后打架斗殴", "邻里口角引发殴打", "盗窃少量农作物", "故意损毁财物", "寻衅滋事")
CRIMINAL_TAGGED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("盗窃电动车", ()),
    ("入室盗窃", ()),
    ("电信网络诈骗", ("fraud",)),
    ("冒充客服诈骗", ("fraud",)),
    ("故意伤害致人轻伤", ()),
)
ACCIDENTS = (
    ("traffic", "农用三轮车侧翻"),
    ("fire", "民房电线老化起火"),
    ("production", "作坊机械伤人"),
    ("gas", "液化气泄漏爆燃"),
    ("electrical", "私拉电线触电"),
    ("drowning", "村民坑塘溺水"),
    ("other", "围墙倒塌砸伤行人"),
)
LAWSUIT_NOTES = (
    "宅基地使用权纠纷诉至法院",
    "土地承包合同纠纷起诉",
    "民间借贷纠纷起诉",
    "赡养纠纷起诉",
)
MASS_INCIDENT_NOTES = ("因拆迁补偿问题群众聚集堵路", "企业欠薪引发工人聚集", "因排污问题村民聚集")
