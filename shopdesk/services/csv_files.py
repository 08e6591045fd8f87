"""Reading CSV files people bring: bytes or a path, UTF-8 (with or without BOM), the
delimiter a spreadsheet chose, and errors that name the row."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

DELIMITERS = (",", ";", "\t")


class ImportFileError(ShopDeskError):
    """The file as a whole cannot be read (encoding, header, CSV structure)."""


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row number (header = 1); 1 for header problems
    column: str  # a column name, or "" for the row as a whole
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


def read_source(data: bytes | bytearray | memoryview | str | os.PathLike) -> bytes:
    """The file's bytes: given directly, or read from a path."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    try:
        return Path(data).read_bytes()
    except OSError as err:
        raise ImportFileError(QT_TRANSLATE_NOOP("errors", "Cannot read {path}: {problem}"),
                              path=str(data), problem=err.strerror or str(err)) from None


def refuse_nul(text: str) -> None:
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file contains a NUL byte at line {line}; it is not a CSV text file."), line=line)


def decode_csv_bytes(data: bytes) -> tuple[str, bool]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file is saved as UTF-16 (\"Unicode text\"). Save it as \"CSV UTF-8\" and import it again."))
    had_bom = data.startswith(codecs.BOM_UTF8)
    if had_bom:
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8"), had_bom
    except UnicodeDecodeError as err:
        offset = err.start + (len(codecs.BOM_UTF8) if had_bom else 0)
        line = data.count(b"\n", 0, err.start) + 1
        raise ImportFileError(QT_TRANSLATE_NOOP(
            "errors", "The file is not UTF-8 text: byte 0x{byte} at line {line} (byte offset {offset}) cannot be read. "
                      "Save it as \"CSV UTF-8\" and import it again."),
            byte=f"{data[err.start]:02X}", line=line, offset=offset) from None


def sniff_delimiter(text: str) -> str:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in "\r\n":
            break
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


MAX_PROBLEMS_SHOWN = 20


@dataclass(frozen=True)
class PlacedProblem:
    """One problem of an imported file: where (``row 7 (order 1003)``, ``review 3 (id R-3)``)
    and what; ``row`` is the CSV row (header = 1) or the record's place in a JSON list."""

    where: str
    message: str
    row: int = 0

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class FileRejected(ShopDeskError):
    """Records of an imported file are wrong; ``rejects`` lists every problem and nothing
    was imported. Subclasses give the message (a literal, for translation)."""

    def __init__(self, rejects: list[PlacedProblem], template: str) -> None:
        self.rejects = tuple(rejects)
        shown = "; ".join(str(r) for r in rejects[:MAX_PROBLEMS_SHOWN])
        more = len(rejects) - MAX_PROBLEMS_SHOWN
        super().__init__(template, count=len(rejects), rows=shown, more=f" (and {more} more)" if more > 0 else "")
