"""Turning rows read from a file into validated villages or records, all or nothing.

Every bad row is reported as `FILE:LINE: field: reason`, the reason in either language;
if there is any, nothing is returned for storing. Readers (importers), built-in or outside,
hand over `(line, cells)` with the header first, and `rows_from_cells` builds the one `Table`
of `(line, {column: value})` rows from them, or `RowStream` yields those rows one at a time so
that a big file is checked without being held; cells that stand under no column name are
gathered under the key `STRAY_CELLS` as a list of `(column number, value)` so the row's line
can be refused for them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
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
    stream = _Rows(path, iter(lines))
    table = Table(header_line=stream.header_line, columns=stream.columns)
    table.extend(stream)
    return table


class _Rows:
    """(line, {column: value}) rows built one at a time from a reader's (line, cells).

    The header is read on construction, so `header_line` and `columns` are known before
    any row is; rows_from_cells and RowStream share it.
    """

    def __init__(self, path: Path, lines: Iterator[tuple[int, Sequence[Any]]]) -> None:
        self._path = path
        self._lines = lines
        self._header: list[str] = []
        self.header_line: int | None = None
        self.columns: list[str] = []
        for line, cells in self._cells():
            self._header = [_header_name(cell) for cell in cells]
            _refuse_repeated_columns(path, line, self._header)
            self.header_line, self.columns = line, [name for name in self._header if name]
            break

    def _cells(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """The reader's non-blank lines, each checked to be a sequence of cells."""
        for line, cells in self._lines:
            if isinstance(cells, str | bytes | Mapping) or not isinstance(cells, Sequence):
                raise TypeError(f"line {line}: cells must be a list, not {type(cells).__name__}")
            if all(_blank(cell) for cell in cells):
                continue
            yield line, cells

    def __iter__(self) -> Iterator[Row]:
        header, columns = self._header, self.columns
        for line, cells in self._cells():
            row: dict[str, Any] = dict.fromkeys(columns)
            stray: list[tuple[int, Any]] = []
            for index, cell in enumerate(cells):
                name = header[index] if index < len(header) else ""
                if name:
                    row[name] = cell
                elif not _blank(cell):
                    stray.append((index + 1, cell))
            if stray:
                row[STRAY_CELLS] = stray
            yield line, row


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
    stream = open_rows(registry, path, options)
    table = Table(header_line=stream.header_line, columns=stream.columns)
    table.extend(stream)
    table.report = stream.report
    table.digest = stream.digest()
    return table


class RowStream:
    """The data rows of a file, read one at a time as they are iterated (once).

    The header's line and columns are known on opening; a reader's failure while rows
    are read is refused naming the file, as on opening. `digest` identifies the file's
    content (and sheet) as read_table's does; `expected_rows` guesses the rows of a text
    file from its line count (None for other files), for a progress bar.
    """

    def __init__(self, path: Path, importer: Importer, options: ReadOptions) -> None:
        self.path = path
        self.report = ReadReport()
        self._importer = importer
        kwargs = _reader_keywords(path, importer, options, self.report)
        with self._refusing():
            self._rows = _Rows(path, iter(importer.read_rows(path, **kwargs)))
        self.header_line = self._rows.header_line
        self.columns = self._rows.columns
        self._content: tuple[Any, int | None] | None = None

    @contextmanager
    def _refusing(self) -> Iterator[None]:
        """Turn an unreadable file or a failing reader into ImportRefused naming the file."""
        try:
            yield
        except ImportRefused:
            raise
        except PLUGIN_ERRORS as exc:
            raise self._refusal(exc) from None

    def _refusal(self, exc: BaseException) -> ImportRefused:
        if isinstance(exc, OSError):
            why = exc.strerror or str(exc)
            reason = Text(f"无法读取：{why}", f"cannot read: {why}")
        else:
            why = describe(exc)
            name = self._importer.name
            reason = Text(f"读取程序 {name} 出错：{why}", f"the {name} reader failed: {why}")
        return ImportRefused(self.path, [Problem(None, "", reason)])

    def __iter__(self) -> Iterator[Row]:
        rows = iter(self._rows)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except ImportRefused:
                raise
            except PLUGIN_ERRORS as exc:
                raise self._refusal(exc) from None
            yield row

    def _scan(self) -> tuple[Any, int | None]:
        """The sha256 of the file's bytes and its line count (None for a zip), read in chunks."""
        if self._content is None:
            digest = hashlib.sha256()
            lines = 0
            zipped = False
            with self._refusing(), open(self.path, "rb") as handle:
                first = True
                while chunk := handle.read(1 << 20):
                    if first:
                        zipped, first = chunk.startswith(b"PK\x03\x04"), False
                    digest.update(chunk)
                    lines += chunk.count(b"\n")
            self._content = (digest, None if zipped else lines)
        return self._content

    def digest(self) -> str:
        """What identifies the file's content and, for a workbook, the sheet read."""
        content, _ = self._scan()
        digest = content.copy()
        if self.report.sheet is not None:
            digest.update(b"\0sheet:" + self.report.sheet.encode("utf-8"))
        return str(digest.hexdigest())

    def expected_rows(self) -> int | None:
        """About how many data rows a text file holds (its lines past the header's)."""
        _, lines = self._scan()
        if lines is None or self.header_line is None:
            return None
        return max(0, lines - self.header_line)


def open_rows(registry: Registry, path: Path, options: ReadOptions | None = None) -> RowStream:
    """The file's rows as a RowStream, read by the importer for its suffix."""
    importer = importer_for(registry, path)
    if not path.is_file():
        raise ImportRefused(path, [Problem(None, "", NO_SUCH_FILE)])
    return RowStream(path, importer, options or ReadOptions())


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


def open_rows_for(
    registry: Registry, path: Path, fields: Sequence[Field], options: ReadOptions | None = None
) -> RowStream:
    """The file's RowStream; in a workbook whose sheet lacks required columns, the one sheet
    with them (only headers are read to choose), the table's report noting it."""
    options = options or ReadOptions()
    stream = open_rows(registry, path, options)
    importer = importer_for(registry, path)
    if importer.sheets is None or not missing_columns(stream.columns, fields):
        return stream
    chosen = stream.report.sheet
    try:
        others = [name for name in importer.sheets(path) if name != chosen]
    except PLUGIN_ERRORS:
        return stream
    fitting: list[RowStream] = []
    for name in others:
        try:
            other = open_rows(registry, path, replace(options, sheet=name))
        except ImportRefused:
            continue
        if other.header_line is not None and not missing_columns(other.columns, fields):
            fitting.append(other)
    if len(fitting) != 1:
        return stream
    found = fitting[0]
    found.report.notes.append(_other_sheet_note(chosen, found.report.sheet))
    return found


def _other_sheet_note(chosen: str | None, read: str | None) -> Text:
    return Text(
        f"工作表“{chosen}”缺少必填的列，已改读含有这些列的工作表“{read}”",
        f"sheet {chosen!r} lacks required columns; read sheet {read!r}, "
        "the one sheet that has them",
    )


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


def missing_columns(columns: Sequence[str], fields: Sequence[Field]) -> list[str]:
    """The required fields that none of the columns maps to."""
    accepted = column_names(fields)
    present = {accepted.get(column_key(column)) for column in columns}
    return [f.name for f in fields if f.required and f.name not in present]


@dataclass(frozen=True, slots=True)
class _Columns:
    """How a file's columns map to fields, and what is wrong with its header."""

    mapping: dict[str, str]
    missing: frozenset[str]
    problems: list[Problem]


def _map_columns(table: Table | RowStream, fields: Sequence[Field], what: Text) -> _Columns:
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


class RowCheck:
    """Record rows validated one at a time against a type's schema, problems kept aside.

    Villages may be given by code or by a name unique in the town; a row dated in a
    finalized quarter is refused here too, so its line can be named. The header's problems
    are known on construction.
    """

    def __init__(
        self,
        table: Table | RowStream,
        rtype: RecordType,
        villages: VillageNames,
        is_locked: Callable[[Quarter], bool] = lambda _q: False,
    ) -> None:
        fields = rtype.all_fields()
        self._rtype = rtype
        self._villages = villages
        self._is_locked = is_locked
        self._columns = _map_columns(table, fields, Text(f"记录类型 {rtype.name} ", rtype.name))
        self._village_fields = [f.name for f in fields if f.kind is Kind.VILLAGE]
        self.problems: list[Problem] = list(self._columns.problems)

    def check(self, line: int, raw: Mapping[str, Any]) -> NewRecord | None:
        """The row as a record to store, or None with its problems added to `problems`."""
        columns = self._columns
        self.problems.extend(_stray_problems(line, raw))
        values = _renamed(raw, columns.mapping)
        why_village: dict[str, Text] = {}
        for name in self._village_fields:
            values[name], why = self._villages.resolve(values.get(name))
            if why is not None:
                why_village[name] = why
        clean, field_errors = self._rtype.validate(values, self._villages.codes)
        errors = [
            Problem(line, e.field, why_village.get(e.field, e.message))
            for e in field_errors
            if e.field not in columns.missing
        ]
        self.problems.extend(errors)
        if errors or columns.missing:
            return None
        record = new_record(self._rtype, clean)
        quarter = Quarter.of(record.date)
        if self._is_locked(quarter):
            self.problems.append(Problem(line, "date", finalized(quarter)))
            return None
        return record


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
    check = RowCheck(table, rtype, villages, is_locked)
    records: list[tuple[int, NewRecord]] = []
    for index, (line, raw) in enumerate(table):
        if progress is not None and index % PROGRESS_STEP == 0:
            progress(index, len(table))
        record = check.check(line, raw)
        if record is not None:
            records.append((line, record))
    if progress is not None:
        progress(len(table), len(table))
    if check.problems:
        raise ImportRefused(path, check.problems)
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
    keys = KeyMatch(rtype, stored, update=update, is_locked=is_locked)
    result = KeyedRows([], keys.replacing)
    for line, new in rows:
        if keys.take(line, new):
            result.new.append((line, new))
    if keys.problems:
        raise ImportRefused(path, keys.problems)
    return result


class KeyMatch:
    """Rows matched one at a time by natural key against the stored records of their type.

    A row whose key is stored is refused, or with update kept in `replacing` with the
    record it replaces; a key given twice refuses the later row, naming the first. Only
    the keys are kept, not the rows that are new.
    """

    def __init__(
        self,
        rtype: RecordType,
        stored: Iterable[Record],
        *,
        update: bool,
        is_locked: Callable[[Quarter], bool] = lambda _q: False,
    ) -> None:
        self._rtype = rtype
        self._update = update
        self._is_locked = is_locked
        self._by_key: dict[tuple[str, ...], Record] = {}
        for record in stored:
            key = rtype.key_of(record.fields)
            if record.type == rtype.name and key is not None:
                self._by_key.setdefault(key, record)
        self._first_line: dict[tuple[str, ...], int] = {}
        self.problems: list[Problem] = []
        self.replacing: list[tuple[int, NewRecord, Record]] = []

    def take(self, line: int, new: NewRecord) -> bool:
        """Whether the row is a new record to add (else refused or replacing a stored one)."""
        rtype = self._rtype
        key = rtype.key_of(new.fields)
        if key is None:
            return True
        field_name = rtype.natural_key[0]
        shown = "/".join(key)
        if key in self._first_line:
            first = self._first_line[key]
            self.problems.append(
                Problem(
                    line,
                    field_name,
                    Text(f"{shown} 与第 {first} 行重复", f"{shown} repeats line {first}"),
                )
            )
            return False
        self._first_line[key] = line
        old = self._by_key.get(key)
        if old is None:
            return True
        if not self._update:
            self.problems.append(
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
        elif self._is_locked(old.quarter):
            self.problems.append(Problem(line, field_name, finalized(old.quarter)))
        else:
            self.replacing.append((line, new, old))
        return False
