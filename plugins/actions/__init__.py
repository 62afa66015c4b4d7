"""The actions layer: every change a person makes, one function each, with every rule it obeys.

The command line, the TUI and plugins call these; each takes an `ActionContext` (store,
plugins, operator, today) and returns what changed or raises `Refusal`.
"""

from plugins.actions.context import ActionContext, Actor, Role, ensure_open
from plugins.actions.decisions import (
    DecisionMade,
    DecisionWithdrawn,
    decide,
    decide_many,
    undecided,
    verdict_words,
    withdraw_decision,
)
from plugins.actions.imports import (
    ImportPreview,
    ImportUndone,
    RecordImport,
    VillageImport,
    import_batches,
    import_records,
    import_villages,
    preview_import,
    undo_import,
)
from plugins.actions.meeting import MeetingRecorded, record_meeting
from plugins.actions.plugin_switch import PluginSwitched, disable_plugin, enable_plugin
from plugins.actions.quarter import (
    Finalized,
    RectificationChanged,
    Reopened,
    Reported,
    add_rectification_note,
    finalize,
    mark_reported,
    reopen,
    set_rectification_deadline,
)
from plugins.actions.records import (
    RecordDeleted,
    RecordRefused,
    RecordSaved,
    add_record,
    delete_record,
    edit_record,
)
from plugins.actions.reports import WrittenReport, write_report, write_report_file
from plugins.actions.returns import ReturnChanged, file_return, withdraw_return
from plugins.actions.safety import backup_store, restore_store
from plugins.actions.settings import (
    SettingChanged,
    set_setting,
    set_user_language,
    unset_setting,
)
from plugins.actions.setup import create_store, fill_demo
from plugins.actions.users import (
    UserChanged,
    UserInfo,
    add_user,
    change_password,
    disable_user,
    list_users,
    login,
)
from plugins.actions.villages import VillageChanged, add_village, update_village
from plugins.refusal import Refusal

__all__ = [
    "WrittenReport",
    "write_report",
    "write_report_file",
    "ActionContext",
    "Actor",
    "DecisionMade",
    "DecisionWithdrawn",
    "Finalized",
    "MeetingRecorded",
    "PluginSwitched",
    "RectificationChanged",
    "Reopened",
    "Reported",
    "ImportPreview",
    "ImportUndone",
    "RecordDeleted",
    "RecordImport",
    "RecordRefused",
    "RecordSaved",
    "Refusal",
    "ReturnChanged",
    "Role",
    "SettingChanged",
    "UserChanged",
    "UserInfo",
    "VillageChanged",
    "VillageImport",
    "add_rectification_note",
    "add_record",
    "add_user",
    "add_village",
    "backup_store",
    "change_password",
    "create_store",
    "decide",
    "decide_many",
    "delete_record",
    "disable_plugin",
    "disable_user",
    "edit_record",
    "enable_plugin",
    "ensure_open",
    "file_return",
    "fill_demo",
    "finalize",
    "mark_reported",
    "import_records",
    "import_villages",
    "record_meeting",
    "reopen",
    "set_rectification_deadline",
    "import_batches",
    "preview_import",
    "list_users",
    "login",
    "restore_store",
    "set_setting",
    "set_user_language",
    "undecided",
    "unset_setting",
    "undo_import",
    "update_village",
    "verdict_words",
    "withdraw_decision",
    "withdraw_return",
]
