"""The shell's interface strings in Chinese and English, and `tr`, the one way tui/ reads them.

Every translated string in tui/ is a `Text`: a catalogue entry named by key, a screen's own
constant, or a plugin's label. `tr` reads any of them in a language and fills placeholders.
"""

from __future__ import annotations

from plugins.i18n import Text

CATALOGUE: dict[str, Text] = {
    # login
    "login.title": Text("{town} 平安村创建工作台：请登录", "{town} safe-village workbench: log in"),
    "login.name": Text("用户名", "name"),
    "login.password": Text("密码", "password"),
    "login.checking": Text("正在核对", "checking"),
    "login.as": Text("已登录：{name}（{unit}，{role}）", "logged in as {name} ({unit}, {role})"),
    # header
    "header.actor": Text("操作员 {actor}", "user {actor}"),
    # tabs
    "tab.dashboard": Text("仪表盘", "Dashboard"),
    "tab.grid": Text("网格", "Grid"),
    # grid columns and bars
    "col.code": Text("编号", "Code"),
    "col.village": Text("村", "Village"),
    "col.office": Text("办事处", "Office"),
    "col.complies": Text("达标", "OK"),
    "grid.office_all": Text("全部办事处", "all offices"),
    "grid.office": Text("办事处：{office}", "office: {office}"),
    "grid.sort": Text("排序：{order}", "sort: {order}"),
    "grid.sort.code": Text("编号", "code"),
    "grid.sort.office": Text("按办事处分组", "grouped by office"),
    "grid.sort.failures": Text("不达标项数", "failures"),
    "grid.villages": Text("{shown}/{total} 个村", "{shown}/{total} villages"),
    "grid.computing": Text("正在计算...", "computing..."),
    "grid.compliant": Text(
        "达标村 {compliant}/{total}（{rate}）目标 {target}",
        "compliant {compliant}/{total} ({rate}) target {target}",
    ),
    "grid.compliant_town": Text(
        "全镇达标村 {compliant}/{total}（{rate}）目标 {target}",
        "town: compliant {compliant}/{total} ({rate}) target {target}",
    ),
    "grid.compliant_office": Text(
        "；{office} {compliant}/{total}（符号计数只计本办事处）",
        "; {office}: {compliant}/{total} (symbol counts: this office only)",
    ),
    "grid.errors": Text("出错 {count} 项（插件 {plugins}）", "{count} errors (plugins {plugins})"),
    "grid.failed": Text("网格计算失败：{reason}", "could not compute the grid: {reason}"),
    # the complies column
    "complies.yes": Text("全部达标", "complies"),
    "complies.no": Text("{count} 项不达标", "{count} failing"),
    "complies.pending": Text("尚有待定项", "some pending"),
    # evidence
    "history.title": Text(
        "{village} {quarter} {code} 的历史", "History of {village}, {quarter}, {code}"
    ),
    "history.col.time": Text("时间", "Time"),
    "history.col.actor": Text("操作员", "Operator"),
    "history.col.action": Text("操作", "Action"),
    "history.col.target": Text("对象", "Item"),
    "history.loading": Text("正在读取审计日志", "reading the audit log"),
    "history.none": Text("此格背后没有审计记录", "No audit entries behind this cell"),
    "history.hint": Text("按 Esc 回到依据", "Esc goes back to the evidence"),
    "evidence.title": Text(
        "{village} {quarter} {code} {criterion}", "{village} {quarter} {code} {criterion}"
    ),
    "evidence.state": Text("结果：{state}", "Result: {state}"),
    "evidence.data_state": Text("数据结论：{state}", "The data says: {state}"),
    "evidence.decision": Text("会议决定", "Meeting decision"),
    "evidence.decision_head": Text("会议决定：", "Meeting decision: "),
    "evidence.decision_line": Text("{verdict}（{actor} {at}）", "{verdict} ({actor} {at})"),
    "evidence.reason": Text("理由：{reason}", "Reason: {reason}"),
    "evidence.no_reason": Text("理由：未填写", "Reason: none given"),
    "evidence.against_data": Text("（与数据结论相反）", " (goes against the data)"),
    "evidence.findings": Text("检查结果", "Findings"),
    "evidence.no_findings": Text(
        "本标准没有检查规则，由会议决定", "No checks: decided in the meeting"
    ),
    "evidence.finding": Text("{unit}（插件 {plugin}）", "{unit} (plugin {plugin})"),
    "evidence.waiting": Text(
        "等待季度报表：{units}", "Waiting for the quarterly return of: {units}"
    ),
    "evidence.records": Text("依据记录（{count} 条）", "Records behind it ({count})"),
    "evidence.no_records": Text("没有依据记录", "No records behind it"),
    "evidence.loading": Text("正在读取记录...", "reading records..."),
    "evidence.record_missing": Text("记录 {id} 已不存在", "record {id} no longer exists"),
    "evidence.record_head": Text("#{id} {type}  {date}  {unit}", "#{id} {type}  {date}  {unit}"),
    "evidence.village": Text("村", "Village"),
    "evidence.author": Text("录入人", "Entered by"),
    "evidence.field": Text("{label}：", "{label}: "),
    # help
    "help.title": Text("按键（{screen}）", "Keys ({screen})"),
    "help.key": Text("按键", "Key"),
    "help.description": Text("功能", "Does"),
    "help.tooltip": Text("说明", "Details"),
    "help.id": Text("编号", "Id"),
    "help.close": Text("Esc 关闭", "Esc closes"),
    "help.hint": Text(
        "Esc 关闭；方向键、Tab、空格、回车照常使用",
        "Esc closes; arrows, Tab, Space and Enter work as usual",
    ),
    # jump
    "jump.title": Text("跳转到村", "Jump to village"),
    "jump.placeholder": Text(
        "村名、编号或拼音首字母（如 dz）", "name, code or pinyin initials (e.g. dz)"
    ),
    "jump.none": Text("没有匹配的村", "no village matches"),
    # notices
    "notice.plugins_failed": Text(
        "以下插件未能加载，其余功能照常：{names}。按 ! 查看文件与错误",
        "these plugins did not load; the rest works: {names}. Press ! for files and errors",
    ),
    "header.plugins_failed": Text("! {count} 个插件未加载（按 !）", "! {count} plugins failed (!)"),
    "notice.read_failed": Text("读取失败：{reason}", "could not read: {reason}"),
    "notice.save_failed": Text("保存失败：{reason}", "could not save: {reason}"),
    "notice.keymap_unknown": Text(
        "设置中的按键编号无效：{ids}", "unknown binding ids in the keymap: {ids}"
    ),
    "notice.no_cell": Text("网格还没有数据", "the grid has no data yet"),
    # palette
    "cmd.grid.jump": Text("网格：跳转到村", "Grid: Jump to village"),
    "cmd.grid.jump.help": Text(
        "按村名、编号或拼音首字母查找", "Find by name, code or pinyin initials"
    ),
    "cmd.grid.show": Text("网格：显示网格", "Grid: Show the grid"),
    "cmd.grid.office": Text("网格：切换办事处筛选", "Grid: Next office filter"),
    "cmd.grid.sort": Text("网格：切换排序", "Grid: Next sort order"),
    "cmd.grid.evidence": Text("网格：查看当前格的依据", "Grid: Open the cell's evidence"),
    "cmd.dashboard.show": Text("仪表盘：显示仪表盘", "Dashboard: Show the dashboard"),
    "cmd.quarter.next": Text("季度：下一季度", "Quarter: Next"),
    "cmd.quarter.previous": Text("季度：上一季度", "Quarter: Previous"),
    "cmd.quarter.help": Text("当前 {quarter}", "now {quarter}"),
    "cmd.quarter.meeting": Text("季度：开季度会议", "Quarter: Hold the meeting"),
    "cmd.quarter.finalize": Text("季度：定稿", "Quarter: Finalize"),
    "cmd.quarter.lists": Text("季度：红黑榜", "Quarter: Lists"),
    "cmd.rectification": Text("整改：整改事项", "Rectification: Items"),
    "cmd.quarter.report": Text("季度：向区里上报的报告", "Quarter: Report to the district"),
    "cmd.language": Text("语言：Switch to English", "Language: 切换到中文"),
    "cmd.records.new": Text("记录：新建记录", "Records: New record"),
    "cmd.records.list": Text("记录：本季度记录", "Records: The quarter's records"),
    "cmd.records.import": Text("记录：导入文件", "Records: Import a file"),
    "cmd.records.import.help": Text(
        "CSV 或 XLSX，先预览每一行和每处问题", "CSV or XLSX, every row and problem previewed first"
    ),
    "cmd.units.open": Text("单位：打开单位菜单", "Units: Open the units menu"),
    "cmd.units.view": Text("单位：打开 {unit} {view}", "Units: Open {unit} {view}"),
    "cmd.plugins.failed": Text(
        "插件：未能加载的插件（{count} 个）", "Plugins: The {count} that did not load"
    ),
    "cmd.help": Text("帮助：按键一览", "Help: Show the keys"),
    # Textual's own commands and sentences
    "palette.placeholder": Text(
        "搜索命令（中文或英文均可）", "Search for commands (English or Chinese)"
    ),
    "palette.no_matches": Text("没有匹配的命令", "No matches found"),
    "palette.themes": Text("搜索配色主题", "Search for themes"),
    "sys.theme": Text("界面：配色主题", "Theme"),
    "sys.theme.help": Text("换一种配色", "Change the current theme"),
    "sys.quit": Text("退出", "Quit"),
    "sys.quit.help": Text("立即退出程序", "Quit the application as soon as possible"),
    "sys.keys": Text("按键", "Keys"),
    "sys.keys.help": Text("本屏幕的全部按键及说明", "Every key of this screen, with what it does"),
    "sys.maximize": Text("界面：放大当前控件", "Maximize"),
    "sys.maximize.help": Text("让光标所在的控件占满屏幕", "Maximize the focused widget"),
    "sys.minimize": Text("界面：还原", "Minimize"),
    "sys.minimize.help": Text(
        "让放大的控件恢复原来大小", "Minimize the widget and restore to normal size"
    ),
    "sys.screenshot": Text("界面：截图", "Screenshot"),
    "sys.screenshot.help": Text(
        "把当前屏幕存为 SVG 图片", "Save an SVG 'screenshot' of the current screen"
    ),
    "sys.screenshot.saved": Text("截图已保存到 {path}", "Saved screenshot to {path}"),
    "sys.screenshot.failed": Text("截图没有保存成功", "Failed to save screenshot"),
    "sys.screenshot.title": Text("截图", "Screenshot"),
    "sys.how_to_quit": Text("按 {key} 退出程序", "Press {key} to quit the app"),
    "sys.how_to_quit.title": Text("要退出吗？", "Do you want to quit?"),
}


def tr(text: str | Text, lang: str, **values: object) -> str:
    """text (a catalogue key or a Text) in lang, with `{name}` placeholders filled from values."""
    words = (CATALOGUE[text] if isinstance(text, str) else text).get(lang)
    return words.format(**values) if values else words
