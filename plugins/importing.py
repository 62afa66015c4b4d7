"""Turning rows read from a file into validated villages or records, all or nothing.

Every bad row is reported as `FILE:LINE: field: reason`, the reason in either language;
if there is any, nothing is returned for storing. Readers (importers), built-in or outside,
hand over `(line, cells)` with the header first, and `rows_from_cells` builds the one `Table`
of `(line, {column: value})` rows from them; cells that stand under no column name are gathered
under the key `STRAY_CELLS` as a list of `(column number, value)` so the row's line can be
refused for them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from plugins.api import READER_OPTIONS, Importer
from plugins.i18n import Text
from plugins.manager import PLUGIN_ERRORS, describe
from plugins.refusal import Refusal, finalized
from plugins.registry import Registry
from plugins.schema import Field, Kind, RecordType, parse_fields
from store import NewRecord, Quarter, Record, Village

STRAY_CELLS = ""
"""The row key under which cells without a column name arrive (no real column name is empty)."""

Row = tuple[int, dict[str, Any]]
Progress = Callable[[int, int], None]
"""Told (rows checked, rows in all) as a big file is checked, for a progress bar."""
PROGRESS_STEP = 200

NO_SUCH_FILE = Text("文件不存在", "no such file")
REPEATED_COLUMN = Text("表头里这一列出现了不止一次", "column appears more than once in the header")
MISSING_COLUMN = Text("缺少必填的列", "required column is missing")
VILLAGES = Text("村名单", "villages")
NO_TYPES = Text("无（没有加载任何单位插件）", "(none: no unit plugin loaded)")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """How to read a file: an encoding to force (text files) and a sheet to read (workbooks)."""

    encoding: str | None = None
    sheet: str | None = None


@dataclass(slots=True)
class ReadReport:
    """How a reader read a file, for the result to say: its encoding, its sheet, any notes."""

    encoding: str | None = None
    sheet: str | None = None
    notes: list[Text] = field(default_factory=list)


class Table(list[Row]):
    """Rows read from a file, with the header's line and column names (known even with no rows).

    `report` says how the file was read and `digest` identifies its content (and sheet).
    """

    def __init__(
        self, rows: Iterable[Row] = (), *, header_line: int | None, columns: Sequence[str]
    ) -> None:
        super().__init__(rows)
        self.header_line = header_line
        self.columns = list(columns)
        self.report = ReadReport()
        self.digest = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a file was refused: the line (None for the whole file), the field, and why.

    The message is bilingual; a plain string (an outside reader's) reads the same in both.
    """

    line: int | None
    field: str
    message: Text | str

    @property
    def reason(self) -> str:
        """Why, in English."""
        return self.reason_in("en")

    def reason_in(self, lang: str) -> str:
        """Why, in lang."""
        return self.message if isinstance(self.message, str) else self.message.get(lang)

    def render(self, path: Path | str, lang: str = "en") -> str:
        """`FILE:LINE: field: reason` in lang, leaving out the parts that do not apply."""
        where = f"{path}:{self.line}" if self.line is not None else f"{path}"
        reason = self.reason_in(lang)
        return f"{where}: {self.field}: {reason}" if self.field else f"{where}: {reason}"


class ImportRefused(Refusal):
    """A file refused as a whole, carrying every problem found in it; str() is in English."""

    def __init__(self, path: Path | str, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line or 0)
        count = len(self.problems)
        summary = Text(
            f"{path}：共 {count} 处问题，未导入任何数据",
            f"{path}: {count} problem{'s' if count != 1 else ''}; nothing was imported",
        )
        super().__init__(summary, path=path)
        self.args = ("\n".join(self.lines()),)

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def lines(self, lang: str = "en") -> list[str]:
        """One `FILE:LINE: field: reason` line per problem in file order, in lang."""
        return [p.render(self.path or "", lang) for p in self.problems]

    def render(self, lang: str) -> list[str]:
        """Every problem's line, then how many there were and that nothing was imported."""
        return [*self.lines(lang), self.message.get(lang)]


class UnknownRecordType(Refusal, LookupError):
    """A record type that no loaded plugin declares; the message lists the known ones.

    str() is the English; `message` holds both languages.
    """


# reading


def rows_from_cells(path: Path, lines: Iterable[tuple[int, Sequence[Any]]]) -> Table:
    """Turn (line, cells) with the header first into a Table of (line, {column: value}) rows.

    Blank lines are skipped, header names are stripped, a repeated column name refuses
    the file, and cells beyond the header (or under an empty header cell) are kept
    under `STRAY_CELLS` so that their line can be refused.
    """
    header: list[str] | None = None
    table = Table(header_line=None, columns=())
    for line, cells in lines:
        if isinstance(cells, str | bytes | Mapping) or not isinstance(cells, Sequence):
            raise TypeError(f"line {line}: cells must be a list, not {type(cells).__name__}")
        if all(_blank(cell) for cell in cells):
            continue
        if header is None:
            header = [_header_name(cell) for cell in cells]
            _refuse_repeated_columns(path, line, header)
            table.header_line, table.columns = line, [name for name in header if name]
            continue
        row: dict[str, Any] = dict.fromkeys(table.columns)
        stray: list[tuple[int, Any]] = []
        for index, cell in enumerate(cells):
            name = header[index] if index < len(header) else ""
            if name:
                row[name] = cell
            elif not _blank(cell):
                stray.append((index + 1, cell))
        if stray:
            row[STRAY_CELLS] = stray
        table.append((line, row))
    return table


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_name(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


def _refuse_repeated_columns(path: Path, line: int, header: list[str]) -> None:
    seen: set[str] = set()
    problems: list[Problem] = []
    for name in header:
        if name and name in seen:
            problems.append(Problem(line, name, REPEATED_COLUMN))
        seen.add(name)
    if problems:
        raise ImportRefused(path, problems)


def importer_for(registry: Registry, path: Path) -> Importer:
    """The importer registered for the file's suffix; refuses naming the supported suffixes."""
    importer = registry.importer_for(path.suffix)
    if importer is None:
        supported = ", ".join(sorted({s for i in registry.importers.values() for s in i.suffixes}))
        reason = Text(
            f"不支持的文件类型 {path.suffix or '（无后缀）'}；支持：{supported}",
            f"unsupported file type {path.suffix or '(none)'}; supported: {supported}",
        )
        raise ImportRefused(path, [Problem(None, "", reason)])
    return importer


def read_table(registry: Registry, path: Path, options: ReadOptions | None = None) -> Table:
    """Every data row of the file, read by the importer for its suffix into a Table."""
    options = options or ReadOptions()
    importer = importer_for(registry, path)
    if not path.is_file():
        raise ImportRefused(path, [Problem(None, "", NO_SUCH_FILE)])
    report = ReadReport()
    kwargs = _reader_keywords(path, importer, options, report)
    try:
        table = rows_from_cells(path, importer.read_rows(path, **kwargs))
        data = path.read_bytes()
    except ImportRefused:
        raise
    except OSError as exc:
        why = exc.strerror or str(exc)
        reason = Text(f"无法读取：{why}", f"cannot read: {why}")
        raise ImportRefused(path, [Problem(None, "", reason)]) from None
    except PLUGIN_ERRORS as exc:
        why = describe(exc)
        reason = Text(
            f"读取程序 {importer.name} 出错：{why}", f"the {importer.name} reader failed: {why}"
        )
        raise ImportRefused(path, [Problem(None, "", reason)]) from None
    table.report = report
    digest = hashlib.sha256(data)
    if report.sheet is not None:
        digest.update(b"\0sheet:" + report.sheet.encode("utf-8"))
    table.digest = digest.hexdigest()
    return table


def _reader_keywords(
    path: Path, importer: Importer, options: ReadOptions, report: ReadReport
) -> dict[str, Any]:
    """The keywords the reader takes; an option given to a reader that cannot use it refuses."""
    given = {"encoding": options.encoding, "sheet": options.sheet}
    problems = [
        Problem(
            None,
            name,
            Text(
                f"{importer.label.zh}不支持 --{name}", f"--{name} does not apply to {importer.name}"
            ),
        )
        for name, value in given.items()
        if value is not None and name not in importer.options
    ]
    if problems:
        raise ImportRefused(path, problems)
    wanted = {**given, "report": report}
    return {name: wanted[name] for name in READER_OPTIONS if name in importer.options}


def read_table_for(
    registry: Registry, path: Path, fields: Sequence[Field], options: ReadOptions | None = None
) -> Table:
    """The file's table; in a workbook whose sheet lacks required columns, the one sheet with them.

    When exactly one other sheet has every required column, that sheet is read instead and
    the table's report says so; otherwise the chosen sheet stands and its columns are refused.
    """
    options = options or ReadOptions()
    table = read_table(registry, path, options)
    importer = importer_for(registry, path)
    if importer.sheets is None or not missing_columns(table, fields):
        return table
    chosen = table.report.sheet
    try:
        others = [name for name in importer.sheets(path) if name != chosen]
    except PLUGIN_ERRORS:
        return table
    fitting: list[Table] = []
    for name in others:
        try:
            other = read_table(registry, path, replace(options, sheet=name))
        except ImportRefused:
            continue
        if other.header_line is not None and not missing_columns(other, fields):
            fitting.append(other)
    if len(fitting) != 1:
        return table
    found = fitting[0]
    found.report.notes.append(
        Text(
            f"工作表“{chosen}”缺少必填的列，已改读含有这些列的工作表“{found.report.sheet}”",
            f"sheet {chosen!r} lacks required columns; read sheet {found.report.sheet!r}, "
            "the one sheet that has them",
        )
    )
    return found


# columns


def column_key(name: str) -> str:
    """A column heading as compared: full-width folded, case-folded, a trailing * dropped."""
    text = unicodedata.normalize("NFKC", name).strip().rstrip("*").strip().casefold()
    return re.sub(r"[\s_]+", " ", text)


def column_names(fields: Sequence[Field]) -> dict[str, str]:
    """Accepted column key (see column_key) → field: its name, labels, then declared synonyms."""
    names: dict[str, str] = {}
    for f in fields:
        names[column_key(f.name)] = f.name
    for f in fields:
        for alias in (f.label.zh, f.label.en):
            names.setdefault(column_key(alias), f.name)
    for f in fields:
        for alias in f.synonyms:
            names.setdefault(column_key(alias), f.name)
    return names


def missing_columns(table: Table, fields: Sequence[Field]) -> list[str]:
    """The required fields that no column of the table maps to."""
    accepted = column_names(fields)
    present = {accepted.get(column_key(column)) for column in table.columns}
    return [f.name for f in fields if f.required and f.name not in present]


@dataclass(frozen=True, slots=True)
class _Columns:
    """How a file's columns map to fields, and what is wrong with its header."""

    mapping: dict[str, str]
    missing: frozenset[str]
    problems: list[Problem]


def _map_columns(table: Table, fields: Sequence[Field], what: Text) -> _Columns:
    """Map the file's columns to fields; unknown columns and missing required ones are problems.

    They are reported once against the header line, not on every row.
    """
    accepted = column_names(fields)
    mapping: dict[str, str] = {}
    problems: list[Problem] = []
    line = table.header_line
    known = Text(
        "、".join(f"{f.name}（{f.label.zh}）" for f in fields), ", ".join(f.name for f in fields)
    )
    for column in table.columns:
        target = accepted.get(column_key(column))
        if target is None:
            reason = Text(
                f"{what.zh}没有这一列；可用的列：{known.zh}",
                f"unknown column for {what.en} (known: {known.en})",
            )
            problems.append(Problem(line, column, reason))
        elif target in mapping.values():
            reason = Text(f"字段 {target} 已有另一列", f"a second column for field {target}")
            problems.append(Problem(line, column, reason))
        else:
            mapping[column] = target
    present = set(mapping.values())
    missing = [f.name for f in fields if f.required and f.name not in present]
    problems.extend(Problem(line, name, MISSING_COLUMN) for name in missing)
    return _Columns(mapping, frozenset(missing), problems)


def _stray_problems(line: int, row: Mapping[str, Any]) -> list[Problem]:
    return [
        Problem(
            line,
            f"column {number}",
            Text(
                f"单元格 {value!r} 所在的列在表头里没有列名",
                f"cell {value!r} has no column name in the header",
            ),
        )
        for number, value in row.get(STRAY_CELLS) or ()
    ]


def _renamed(row: Mapping[str, Any], mapping: Mapping[str, str]) -> dict[str, Any]:
    return {mapping[k]: v for k, v in row.items() if k in mapping}


# villages


VILLAGE_FIELDS: tuple[Field, ...] = (
    Field("code", Kind.TEXT, Text("代码", "Code"), required=True),
    Field("name", Kind.TEXT, Text("村名", "Name"), required=True),
    Field("office", Kind.TEXT, Text("办事处", "Office"), required=True),
    Field("secretary", Kind.TEXT, Text("书记", "Secretary")),
    Field("population", Kind.INT, Text("人口", "Population"), minimum=0),
    Field("households", Kind.INT, Text("户数", "Households"), minimum=0),
)


def parse_villages(
    path: Path, table: Table, existing: Mapping[str, Village] | None = None
) -> list[Village]:
    """Validate village rows; raises ImportRefused with every problem, else returns the villages.

    A village already stored keeps its active flag; a code may appear only once in the file.
    """
    existing = existing or {}
    columns = _map_columns(table, VILLAGE_FIELDS, VILLAGES)
    problems = list(columns.problems)
    villages: list[Village] = []
    first_line: dict[str, int] = {}
    for line, raw in table:
        problems.extend(_stray_problems(line, raw))
        clean, field_errors = parse_fields(VILLAGE_FIELDS, _renamed(raw, columns.mapping))
        errors = [
            Problem(line, e.field, e.message)
            for e in field_errors
            if e.field not in columns.missing
        ]
        code = clean.get("code")
        if code in first_line:
            first = first_line[code]
            reason = Text(
                f"代码 {code!r} 重复（首次出现在第 {first} 行）",
                f"duplicate code {code!r} (first on line {first})",
            )
            errors.append(Problem(line, "code", reason))
        elif code is not None:
            first_line[code] = line
        problems.extend(errors)
        if errors or columns.missing:
            continue
        village = Village(
            code=clean["code"],
            name=clean["name"],
            office=clean["office"],
            secretary=clean.get("secretary") or "",
            population=clean.get("population"),
            households=clean.get("households"),
        )
        before = existing.get(village.code)
        villages.append(village if before is None else replace(village, active=before.active))
    if problems:
        raise ImportRefused(path, problems)
    return villages


# records


def record_type(registry: Registry, name: str) -> RecordType:
    """The registered record type of that name; UnknownRecordType lists the known ones."""
    found = registry.record_types.get(name)
    if found is None:
        known = ", ".join(sorted(registry.record_types))
        shown = Text(known, known) if known else NO_TYPES
        raise UnknownRecordType(
            Text(
                f"没有记录类型 {name!r}；可用的类型：{shown.zh}",
                f"unknown record type {name!r}; known types: {shown.en}",
            )
        )
    return found


def new_record(rtype: RecordType, clean: Mapping[str, Any]) -> NewRecord:
    """A row that passed `rtype.validate` as a record to store: date and village taken out."""
    fields = {k: v for k, v in clean.items() if k not in ("date", "village")}
    return NewRecord(
        rtype.name, clean["village"], date.fromisoformat(clean["date"]), fields, rtype.unit
    )


def guess_record_type(registry: Registry, columns: Sequence[str]) -> str | None:
    """The one record type whose fields take every column and whose required fields are there.

    None when no type or several fit (patrols and mass incidents share their columns).
    """
    fitting: list[str] = []
    for name, rtype in registry.record_types.items():
        fields = rtype.all_fields()
        accepted = column_names(fields)
        mapped = [accepted.get(column_key(column)) for column in columns]
        if columns and None not in mapped and len(set(mapped)) == len(mapped):
            present = set(mapped)
            if all(f.name in present for f in fields if f.required):
                fitting.append(name)
    return fitting[0] if len(fitting) == 1 else None


class VillageNames:
    """Village codes, and names that stand for a code when exactly one village bears them."""

    def __init__(self, villages: Iterable[Village]) -> None:
        self.codes: set[str] = set()
        self._by_name: dict[str, set[str]] = {}
        for v in villages:
            self.codes.add(v.code)
            name = _name_key(v.name)
            for alias in {name, name.removesuffix("村")} - {""}:
                self._by_name.setdefault(alias, set()).add(v.code)

    def resolve(self, raw: Any) -> tuple[Any, Text | None]:
        """The code a cell stands for (or the cell itself), and why it is refused if it is."""
        if raw is None or isinstance(raw, bool):
            return raw, None
        text = str(raw).strip()
        if not text or text in self.codes:
            return raw, None
        codes = self._by_name.get(_name_key(text), set())
        if len(codes) == 1:
            return next(iter(codes)), None
        if codes:
            listed = "、".join(sorted(codes))
            return raw, Text(
                f"村名 {text!r} 对应多个村（{listed}），请填村代码",
                f"village name {text!r} matches several villages ({', '.join(sorted(codes))}); "
                "give the code",
            )
        return raw, Text(
            f"没有这个村（代码或村名）：{text!r}", f"no village with code or name {text!r}"
        )


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).casefold()


def parse_rows(
    path: Path,
    table: Table,
    rtype: RecordType,
    villages: VillageNames,
    is_locked: Callable[[Quarter], bool] = lambda _q: False,
    progress: Progress | None = None,
) -> list[tuple[int, NewRecord]]:
    """Validate record rows against the type's schema; raises ImportRefused with every problem.

    Villages may be given by code or by a name unique in the town; a row dated in a finalized
    quarter is refused here too, so its line can be named.
    """
    fields = rtype.all_fields()
    columns = _map_columns(table, fields, Text(f"记录类型 {rtype.name} ", rtype.name))
    village_fields = [f.name for f in fields if f.kind is Kind.VILLAGE]
    problems = list(columns.problems)
    records: list[tuple[int, NewRecord]] = []
    for index, (line, raw) in enumerate(table):
        if progress is not None and index % PROGRESS_STEP == 0:
            progress(index, len(table))
        problems.extend(_stray_problems(line, raw))
        values = _renamed(raw, columns.mapping)
        why_village: dict[str, Text] = {}
        for name in village_fields:
            values[name], why = villages.resolve(values.get(name))
            if why is not None:
                why_village[name] = why
        clean, field_errors = rtype.validate(values, villages.codes)
        errors = [
            Problem(line, e.field, why_village.get(e.field, e.message))
            for e in field_errors
            if e.field not in columns.missing
        ]
        problems.extend(errors)
        if errors or columns.missing:
            continue
        record = new_record(rtype, clean)
        quarter = Quarter.of(record.date)
        if is_locked(quarter):
            problems.append(Problem(line, "date", finalized(quarter)))
            continue
        records.append((line, record))
    if progress is not None:
        progress(len(table), len(table))
    if problems:
        raise ImportRefused(path, problems)
    return records


def parse_records(
    path: Path,
    table: Table,
    rtype: RecordType,
    known_villages: set[str] | VillageNames,
    is_locked: Callable[[Quarter], bool] = lambda _q: False,
) -> list[NewRecord]:
    """Validate record rows against the type's schema; raises ImportRefused with every problem."""
    villages = (
        known_villages
        if isinstance(known_villages, VillageNames)
        else VillageNames(Village(code, "", "") for code in known_villages)
    )
    return [record for _, record in parse_rows(path, table, rtype, villages, is_locked)]


@dataclass(frozen=True, slots=True)
class KeyedRows:
    """Rows split by natural key: new records, and stored records each row replaces."""

    new: list[tuple[int, NewRecord]]
    replacing: list[tuple[int, NewRecord, Record]]


def match_natural_keys(
    path: Path,
    rtype: RecordType,
    rows: Sequence[tuple[int, NewRecord]],
    stored: Iterable[Record],
    *,
    update: bool,
    is_locked: Callable[[Quarter], bool] = lambda _q: False,
) -> KeyedRows:
    """Rows whose natural key is already stored are refused, or with update replace that record.

    A key given twice in the file refuses the later row, naming the first.
    """
    if not rtype.natural_key:
        return KeyedRows(list(rows), [])
    by_key: dict[tuple[str, ...], Record] = {}
    for record in stored:
        key = rtype.key_of(record.fields)
        if record.type == rtype.name and key is not None:
            by_key.setdefault(key, record)
    field_name = rtype.natural_key[0]
    first_line: dict[tuple[str, ...], int] = {}
    problems: list[Problem] = []
    result = KeyedRows([], [])
    for line, new in rows:
        key = rtype.key_of(new.fields)
        if key is None:
            result.new.append((line, new))
            continue
        shown = "/".join(key)
        if key in first_line:
            problems.append(
                Problem(
                    line,
                    field_name,
                    Text(
                        f"{shown} 与第 {first_line[key]} 行重复",
                        f"{shown} repeats line {first_line[key]}",
                    ),
                )
            )
            continue
        first_line[key] = line
        old = by_key.get(key)
        if old is None:
            result.new.append((line, new))
        elif not update:
            problems.append(
                Problem(
                    line,
                    field_name,
                    Text(
                        f"{shown} 已有记录 {old.id}（{old.date}，{old.village}）；"
                        "要用这一行替换它，加 --update",
                        f"{shown} is already stored as record {old.id} ({old.date}, "
                        f"{old.village}); add --update to replace it with this row",
                    ),
                )
            )
        elif is_locked(old.quarter):
            problems.append(Problem(line, field_name, finalized(old.quarter)))
        else:
            result.replacing.append((line, new, old))
    if problems:
        raise ImportRefused(path, problems)
    return result
