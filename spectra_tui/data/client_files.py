"""Reading client files from other programs: CSV and vCard (the import contract).

``open_client_file`` looks at a file once and says what it is: a CSV (its
encoding, its delimiter, its headings) or a vCard file; anything else is a
NotAClientFile with one clear line. ``read_rows`` then streams its rows
(constant memory: a 50 MB file is fine), ``count_rows`` counts them for a
progress bar. The mapping of headings to client fields lives in
data/client_mapping.py and is re-exported here.

- Encoding: a UTF-8 or UTF-16 byte-order mark says so; else the whole file
  is checked as UTF-8 (in chunks); else bytes 0x80-0x9F that Windows-1252
  defines say cp1252 (curly quotes, the euro sign); else Latin-1.
- Delimiter: comma, semicolon, tab or bar, the one that splits the heading
  into columns and gives that same count of columns on most rows of a
  sample (csv.Sniffer guesses wrong on small or odd samples); an Excel
  "sep=;" first line is obeyed.
- Row numbers are the ones a spreadsheet shows: the heading is row 1 (or
  the first row that is not empty); an empty row counts as a row but is not
  read as a client.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TextIO

from . import vcard
from .client_mapping import (
    FULL_NAME,
    IMPORT_FIELDS,
    Mapping,
    check_mapping,
    guess_mapping,
    load_mapping,
    mapped,
    save_mapping,
)
from .errors import DomainError

__all__ = [
    "FULL_NAME",
    "IMPORT_FIELDS",
    "ClientFile",
    "Mapping",
    "NotAClientFile",
    "SourceRow",
    "check_mapping",
    "count_rows",
    "guess_mapping",
    "load_mapping",
    "mapped",
    "open_client_file",
    "preview",
    "read_rows",
    "save_mapping",
]

SAMPLE_BYTES = 128 * 1024  # what open_client_file looks at to decide the delimiter
CHUNK_BYTES = 256 * 1024  # the encoding check reads this much at a time
LINE_LIMIT = 64 * 1024  # characters on one line: a client file's lines are far shorter
DELIMITERS = (",", ";", "\t", "|")
HEADING_WITHIN = 10  # rows: empty ones above the heading are passed over
# Windows-1252 leaves these bytes undefined: a file holding them is Latin-1.
_UNDEFINED_IN_CP1252 = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_EXCEL_SEPARATOR = re.compile(r"^sep=(.)\r?\n?$")


class NotAClientFile(DomainError):
    """The file cannot be read as clients: one line says what it is instead."""


@dataclass(frozen=True)
class ClientFile:
    path: Path
    kind: Literal["csv", "vcard"]
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp1252" or "latin-1"
    delimiter: str  # "" for a vCard file
    headers: tuple[str, ...]  # vCard: the fields read from cards, named like this program's headings
    skip_lines: int = 0  # an Excel "sep=;" line before the heading
    heading_row: int = 1  # the heading's row (empty rows above it are passed over)


@dataclass(frozen=True)
class SourceRow:
    number: int  # as a spreadsheet shows it (heading row 1); a vCard's number from 1
    values: dict[str, str]  # heading -> text as in the file


# ----------------------------------------------------------------- opening

# The first bytes of the files people pick by mistake -> what to call them.
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook or another Office document"),
    (b"{\\rtf", "a Rich Text document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_SAVE_AS_CSV = "save it as CSV (comma-separated values) and import that"


def open_client_file(path: Path | str) -> ClientFile:
    """What the file at ``path`` is: its kind, encoding, delimiter and headings.
    Raises NotAClientFile for a missing, empty, binary or unreadable file."""
    path = Path(path)
    head = _head(path)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE + codecs.BOM_UTF16_BE):
        raise NotAClientFile(f"{path.name} is empty.")
    _refuse_binary(path, head)
    encoding = _encoding(path, head)
    sample = head.decode(encoding, errors="replace")
    first = next((line for line in sample.splitlines() if line.strip()), "")
    if vcard.is_card_start(first):
        return ClientFile(path, "vcard", encoding, "", vcard.VCARD_HEADINGS)
    if first.lstrip().startswith("<"):
        raise NotAClientFile(f"{path.name} is a web page or an XML file, not a client file; {_SAVE_AS_CSV}.")
    if first.lstrip().startswith(("{", "[")):
        raise NotAClientFile(f"{path.name} is a JSON file, not a client file; {_SAVE_AS_CSV}.")
    if len(head) == SAMPLE_BYTES and not re.search(rb"[\r\n]", head):
        raise _too_long(path, 1)
    skip_lines = 0
    separator = _EXCEL_SEPARATOR.match(sample.split("\n", 1)[0] + "\n")
    if separator:
        skip_lines, sample = 1, sample.split("\n", 1)[1] if "\n" in sample else ""
    delimiter = separator.group(1) if separator else _delimiter(sample, complete=len(head) < SAMPLE_BYTES)
    file = ClientFile(path, "csv", encoding, delimiter, (), skip_lines)
    with _open_text(file) as text:
        first_rows = itertools.islice(_csv_records(file, text), HEADING_WITHIN)
        heading = next(((number, cells) for number, cells in first_rows if "".join(cells).strip()), None)
    if heading is None:
        raise NotAClientFile(f"{path.name} has no column headings in its first {HEADING_WITHIN} rows.")
    return ClientFile(path, "csv", encoding, delimiter, _headings(heading[1]), skip_lines, heading[0])


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as binary:
            return binary.read(SAMPLE_BYTES)
    except FileNotFoundError:
        raise NotAClientFile(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise NotAClientFile(f"{path} is a folder, not a client file.") from None
    except OSError as error:
        raise NotAClientFile(f"Cannot read {path}: {error.strerror or error}.") from None


def _refuse_binary(path: Path, head: bytes) -> None:
    if head.startswith(b"PK\x03\x04"):
        what = "an Excel workbook" if path.suffix.lower() in (".xlsx", ".xlsm") else "a ZIP archive"
        what = "an OpenDocument spreadsheet" if path.suffix.lower() == ".ods" else what
        raise NotAClientFile(f"{path.name} is {what}, not a client file; {_SAVE_AS_CSV}.")
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise NotAClientFile(f"{path.name} is {what}, not a client file; {_SAVE_AS_CSV}.")
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\x00" in head:
        raise NotAClientFile(f"{path.name} is not a text file (it holds binary data); {_SAVE_AS_CSV}.")


def _encoding(path: Path, head: bytes) -> str:
    """The file's encoding (see the module's docstring); the whole file is
    read in chunks once, so a stray byte at row 90,000 is seen."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as binary:
            for chunk in iter(lambda: binary.read(CHUNK_BYTES), b""):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    c1 = False
    with path.open("rb") as binary:
        for chunk in iter(lambda: binary.read(CHUNK_BYTES), b""):
            if _UNDEFINED_IN_CP1252.search(chunk):
                return "latin-1"
            c1 = c1 or bool(_C1_BYTES.search(chunk))
    return "cp1252" if c1 else "latin-1"


def _delimiter(sample: str, complete: bool) -> str:
    """The delimiter that splits the heading into the most columns while most
    sampled rows have that same count of columns."""
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        try:
            rows = list(itertools.islice(csv.reader(io.StringIO(sample), delimiter=delimiter), 101))
        except csv.Error:
            continue
        if not complete and len(rows) > 1:
            rows = rows[:-1]  # the sample may cut the last row short
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if not rows:
            continue
        columns = len(rows[0])
        body = rows[1:]
        agreeing = sum(1 for row in body if len(row) == columns) / len(body) if body else 1.0
        score = (columns >= 2, agreeing, columns)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _headings(cells: list[str]) -> tuple[str, ...]:
    """The headings, trimmed; an empty one is "Column N", a repeated one "Name (2)"."""
    headings: list[str] = []
    for index, cell in enumerate(cells, start=1):
        heading = cell.strip() or f"Column {index}"
        candidate, copy = heading, 2
        while candidate in headings:
            candidate, copy = f"{heading} ({copy})", copy + 1
        headings.append(candidate)
    return tuple(headings)


# ----------------------------------------------------------------- reading


def _open_text(file: ClientFile) -> TextIO:
    try:
        # The encoding was checked over the whole file: "replace" only matters
        # if the file changes while it is read.
        return file.path.open(encoding=file.encoding, errors="replace", newline="")
    except OSError as error:
        raise NotAClientFile(f"Cannot read {file.path}: {error.strerror or error}.") from None


def _too_long(path: Path, line: int) -> NotAClientFile:
    return NotAClientFile(
        f"{path.name} is not a client file: line {line:,} is over {LINE_LIMIT // 1024} KB long "
        "(a client file's lines are short)."
    )


def _bounded_lines(file: ClientFile, text: TextIO) -> Iterator[str]:
    """The file's lines, refusing one over LINE_LIMIT characters before it is
    all in memory (a 50 MB line is not a client file). In a vCard, a long
    unfolded PHOTO (LOGO, SOUND, KEY) line is passed over: it is not read."""
    lines = iter(functools.partial(text.readline, LINE_LIMIT + 1), "")
    for number, line in enumerate(itertools.islice(lines, file.skip_lines, None), start=file.skip_lines + 1):
        if len(line) > LINE_LIMIT:
            if file.kind != "vcard" or not vcard.is_binary_property(line):
                raise _too_long(file.path, number)
            while line and not line.endswith(("\n", "\r")):
                line = next(lines, "")
            continue
        yield line


def _csv_records(file: ClientFile, text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of each CSV record, the heading included (row 1)."""
    reader = csv.reader(_bounded_lines(file, text), delimiter=file.delimiter, skipinitialspace=True)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, cells
    except csv.Error as error:
        why = str(error)
        if "field larger than field limit" in why:  # a quote opened and never closed, most often
            why = f'a value runs on for over {csv.field_size_limit() // 1024} KB: is a quote (") never closed?'
        raise NotAClientFile(f"{file.path.name}: row {number + 1:,} cannot be read as CSV ({why}).") from None


def _client_records(file: ClientFile, text: TextIO) -> Iterator[tuple[int, list[str]]]:
    """The CSV records after the heading."""
    records = _csv_records(file, text)
    for _heading in itertools.islice(records, file.heading_row):
        pass
    return records


def read_rows(file: ClientFile) -> Generator[SourceRow, None, None]:
    """Each client row of the file, streamed (constant memory). Empty rows
    are passed over (their numbers still count, as in a spreadsheet)."""
    with _open_text(file) as text:
        if file.kind == "vcard":
            for number, card in enumerate(vcard.read_cards(_bounded_lines(file, text)), start=1):
                yield SourceRow(number, card)
            return
        headers = file.headers
        for number, cells in _client_records(file, text):
            if not "".join(cells).strip():
                continue
            values = dict(zip(headers, cells, strict=False))
            if len(cells) != len(headers):
                values.update(_uneven(headers, cells))
            yield SourceRow(number, values)


def _uneven(headers: tuple[str, ...], cells: list[str]) -> dict[str, str]:
    """A short row's missing cells as "", a long row's extra cells named by their place ("Column 9")."""
    missing = dict.fromkeys(headers[len(cells) :], "")
    extra = {f"Column {index + 1}": cells[index] for index in range(len(headers), len(cells)) if cells[index].strip()}
    return missing | extra


def count_rows(file: ClientFile) -> int:
    """How many rows read_rows will give (one fast pass, for a progress bar)."""
    with _open_text(file) as text:
        if file.kind == "vcard":
            return vcard.count_cards(_bounded_lines(file, text))
        return sum(1 for _number, cells in _client_records(file, text) if "".join(cells).strip())


def preview(file: ClientFile, mapping: Mapping, limit: int = 5) -> list[tuple[SourceRow, dict[str, str]]]:
    """The first ``limit`` rows, each with what the mapping makes of it."""
    rows = read_rows(file)
    try:
        return [(row, mapped(row, mapping)) for row in itertools.islice(rows, limit)]
    finally:
        rows.close()
