"""Shared PDF output: text that mixes Latin and CJK fonts, and writing a PDF safely."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import BinaryIO

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.printing.errors import PrinterError
from shopdesk.printing.fonts import register_pdf_fonts
from shopdesk.printing.receipt_text import char_width, clean_text


class PdfFonts:
    """DejaVu Sans for Latin text, the CID font for wide (CJK) characters."""

    def __init__(self) -> None:
        self.regular, self.bold, self.cjk = register_pdf_fonts()

    def runs(self, text: str, bold: bool) -> list[tuple[str, str]]:
        """Split text into (font, text) runs: wide characters in the CJK font."""
        latin = self.bold if bold else self.regular
        runs: list[tuple[str, str]] = []
        for ch in text:
            font = self.cjk if char_width(ch) == 2 else latin
            if ch == " " and runs:
                font = runs[-1][0]  # spaces do not start a new run
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def width(self, text: str, bold: bool, size: float) -> float:
        return sum(stringWidth(t, f, size) for f, t in self.runs(text, bold))


def draw_text(c: Canvas, fonts: PdfFonts, text: str, x: float, y: float, size: float,
               bold: bool) -> None:
    for font, part in fonts.runs(text, bold):
        if bold and font == fonts.cjk:  # the CID font has no bold face: fill and stroke
            c.saveState()
            c.setLineWidth(size * 0.035)
            obj = c.beginText(x, y)
            obj.setTextRenderMode(2)
            obj.setFont(font, size)
            obj.textOut(part)
            c.drawText(obj)
            c.restoreState()
        else:
            c.setFont(font, size)
            c.drawString(x, y, part)
        x += stringWidth(part, font, size)



def write_pdf(data: bytes, path_or_file: str | os.PathLike[str] | BinaryIO, what: str) -> None:
    """Write to a binary file object, or to a path atomically (temp file, fsync, replace),
    so a failure never leaves half a PDF. ``what`` names the document in the error."""
    if hasattr(path_or_file, "write"):
        path_or_file.write(data)  # type: ignore[union-attr]
        return
    path = Path(path_or_file)  # type: ignore[arg-type]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise PrinterError(
            QT_TRANSLATE_NOOP(
                "errors",
                "Cannot write the {what} {path}: {reason}. Check that the folder exists "
                "and that you may write there.",
            ),
            what=what, path=str(path), reason=exc.strerror or str(exc),
        ) from exc


# --- fitting text (labels, slips, lists) ---------------------------------------------------

ELLIPSIS = "…"


def font_for(fonts: PdfFonts, ch: str, bold: bool) -> str:
    if char_width(ch) == 2:
        return fonts.cjk
    return fonts.bold if bold else fonts.regular


def one_line(text: str) -> str:
    """Printable single line: control characters and odd spaces become one plain space."""
    return " ".join(clean_text(text).split())


def ellipsize(fonts: PdfFonts, text: str, size: float, width: float, bold: bool = False) -> str:
    """``text`` if it fits ``width``, else cut and ended with "…"."""
    if fonts.width(text, bold, size) <= width:
        return text
    while text and fonts.width(text + ELLIPSIS, bold, size) > width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def wrap_text(fonts: PdfFonts, text: str, size: float, width: float, max_lines: int,
              bold: bool = False) -> tuple[list[str], bool]:
    """Break at spaces, or between CJK characters; (lines, everything fitted).

    When the text needs more than ``max_lines`` the last line ends with "…".
    """
    rest = one_line(text)
    lines: list[str] = []
    while rest and len(lines) < max_lines:
        used, fit = 0.0, 0
        for ch in rest:
            used += stringWidth(ch, font_for(fonts, ch, bold), size)
            if used > width:
                break
            fit += 1
        if fit >= len(rest):
            lines.append(rest)
            rest = ""
            break
        cut = max(fit, 1)
        for i in range(fit, 0, -1):
            if rest[i] == " " or char_width(rest[i]) == 2 or char_width(rest[i - 1]) == 2:
                cut = i
                break
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if not rest:
        return lines, True
    last = lines[-1]
    while last and fonts.width(last + ELLIPSIS, bold, size) > width:
        last = last[:-1]
    lines[-1] = last.rstrip() + ELLIPSIS
    return lines, False
