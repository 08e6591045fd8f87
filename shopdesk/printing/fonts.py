"""Where the bundled fonts live, and registering them with reportlab.

The top-level ``resources/`` folder ships as the package ``shopdesk.assets`` (see
pyproject ``package-dir``), so an installed wheel and a PyInstaller bundle find the fonts
through :mod:`importlib.resources`. A plain checkout that has not been installed yet falls
back to the folder next to the sources.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.printing.errors import PrinterError

SANS = "DejaVuSans"
SANS_BOLD = "DejaVuSans-Bold"
#: reportlab's built-in Adobe CID font for Simplified Chinese (no file needed; viewers
#: supply the glyphs). Used for runs of CJK characters, which DejaVu Sans lacks.
CJK = "STSong-Light"


def fonts_dir() -> Path:
    """The folder holding the bundled ``.ttf`` files."""
    try:
        folder = Path(str(resources.files("shopdesk.assets") / "fonts"))
        if folder.is_dir():
            return folder
    except (ModuleNotFoundError, TypeError, ValueError):
        pass
    return Path(__file__).resolve().parents[2] / "resources" / "fonts"


def font_path(name: str) -> Path:
    """Path of a bundled font, e.g. ``font_path("DejaVuSans")`` (``.ttf`` is added)."""
    filename = name if name.lower().endswith((".ttf", ".otf")) else f"{name}.ttf"
    path = fonts_dir() / filename
    if not path.is_file():
        raise PrinterError(
            QT_TRANSLATE_NOOP(
                "errors",
                "The font file {path} is missing. Reinstall ShopDesk or restore the file.",
            ),
            path=str(path),
        )
    return path


def register_pdf_fonts() -> tuple[str, str, str]:
    """Register DejaVu Sans (regular, bold) and the CJK CID font with reportlab, once.

    Returns the names to use with ``canvas.setFont``: ``(regular, bold, cjk)``.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFont

    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in (SANS, SANS_BOLD):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(font_path(name))))
    if CJK not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))
    return SANS, SANS_BOLD, CJK
