"""Receipts for ESC/POS thermal printers, and sending raw bytes to a printer.

:func:`render_escpos` turns a :class:`~shopdesk.domain.receipt.Receipt` into the bytes a
printer understands (built with python-escpos's ``Dummy`` printer, so nothing is sent yet);
:func:`send_to_printer` delivers bytes to the printer named by a connection string:

- ``file:/dev/usb/lp0`` appends to a file or device node (``file:C:\\out.bin`` works too);
- ``network:192.168.1.50`` or ``network:192.168.1.50:9101``: raw TCP, port 9100 by default;
- ``usb:04b8:0202``: USB vendor and product id in hex (needs the package ``pyusb``);
- ``serial:/dev/ttyS0`` or ``serial:COM3:19200``: baud 9600 by default (needs ``pyserial``);
- ``none``: no printer, the bytes are dropped.

Text the printer's code pages cannot show is replaced by python-escpos's magic encoder
(``?``); runs of Chinese characters are sent as GB18030 inside "Kanji mode" (``FS &`` ...
``FS .``), which Chinese-capable printers print; other models show wrong characters
there, but nothing fails.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Mapping
from datetime import tzinfo
from typing import Any

from escpos import exceptions as escpos_errors
from escpos.printer import Dummy, File, Network

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.receipt import Receipt
from shopdesk.printing.errors import PrinterError
from shopdesk.printing.receipt_text import WIDTH_58MM, WIDTH_80MM, TextLine, layout_receipt
from shopdesk.printing.targets import PrinterTarget, parse_target

__all__ = [
    "PrinterError",
    "PrinterTarget",
    "open_target",
    "parse_target",
    "render_escpos",
    "send_to_printer",
]

DEFAULT_TIMEOUT = 10.0

FS = b"\x1c"
KANJI_ON = FS + b"&"  # FS & : select Kanji (double-byte) character mode
KANJI_OFF = FS + b"."  # FS . : cancel it
# python-escpos's MagicEncode sends a whole text as GB18030 when it holds one of these.
_GB18030_TRIGGER = re.compile(r"[\u4e00-\u9fa5]")

# Printable dots across the paper at 203 dpi: 576 on 80 mm, 384 on 58 mm.
_DOTS = {WIDTH_80MM: 576, WIDTH_58MM: 384}
_BARCODE_MODULE = 2  # dots per narrow bar (0.25 mm at 203 dpi)
_BARCODE_HEIGHT = 64  # dots (8 mm)


# --------------------------------------------------------------------------- rendering


def _new_dummy(profile: str | None) -> Dummy:
    try:
        return Dummy(profile=profile or "default")
    except KeyError:
        raise ValidationError(
            "printer_profile",
            QT_TRANSLATE_NOOP(
                "errors",
                "'{profile}' is not a printer profile python-escpos knows. Use 'default' or a "
                "model name from its capabilities list, e.g. 'TM-T88V'.",
            ),
            profile=profile,
        ) from None


def _printable_dots(width: int) -> int:
    return _DOTS.get(width, width * 12)  # Font A is 12 dots wide


def _print_barcode(printer: Dummy, value: str, width: int) -> bool:
    """Print ``value`` as CODE128 (function B, code set B). False if it cannot be done."""
    if not value or not all(32 <= ord(ch) < 127 for ch in value):
        return False
    data = "{B" + value.replace("{", "{{")  # '{' starts a code-set switch in ESC/POS
    modules = 11 * (len(value) + 3) + 2  # start + data + check digit (11 each), stop (13)
    if modules * _BARCODE_MODULE > _printable_dots(width) or len(data) > 255:
        return False
    checkpoint = len(printer._output_list)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Using hardware ..."
            printer.barcode(
                data, "CODE128", height=_BARCODE_HEIGHT, width=_BARCODE_MODULE, pos="BELOW",
                font="A", align_ct=True, function_type="B",
            )
    except escpos_errors.Error:
        del printer._output_list[checkpoint:]
        return False
    printer.ln()
    printer.set(align="left")
    return True


_LOGO_MAX_HEIGHT = 120  # dots (15 mm at 203 dpi)


def _print_logo(printer: Dummy, png: bytes, width: int) -> bool:
    """Print the logo centred as a raster image (GS v 0). False if it cannot be done."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    max_width = _printable_dots(width)
    media = printer.profile.profile_data.get("media", {}).get("width", {}).get("pixels")
    if isinstance(media, int) and 0 < media < max_width:
        max_width = media
    try:
        with PILImage.open(io.BytesIO(png)) as source:
            logo = source.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, PILImage.DecompressionBombError):
        return False
    logo.thumbnail((max_width, _LOGO_MAX_HEIGHT), PILImage.Resampling.LANCZOS)
    # Flatten on white, then centre it on a strip as wide as the paper: profiles that do not
    # know their paper width ("default") would ignore center=True.
    strip = PILImage.new("RGB", (max_width, logo.height), (255, 255, 255))
    strip.paste(logo, ((max_width - logo.width) // 2, 0), mask=logo.getchannel("A"))
    checkpoint = len(printer._output_list)
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # it prints notes about the profile
            printer.image(strip.convert("L").convert("1"), center=True)
    except (escpos_errors.Error, ValueError):
        del printer._output_list[checkpoint:]
        return False
    return True


def render_escpos(
    receipt: Receipt,
    *,
    width: int = WIDTH_80MM,
    labels: Mapping[str, str] | None = None,
    cut: bool = True,
    open_drawer: bool = False,
    profile: str = "default",
    tz: tzinfo | None = None,
) -> bytes:
    """The receipt as ESC/POS bytes for a printer with ``width`` Font A columns.

    ``profile`` is a python-escpos printer profile name (code pages, cutter, barcodes).
    ``open_drawer`` adds the drawer kick on pin 2 after the cut.
    """
    lines = layout_receipt(receipt, width, labels, tz=tz)
    p = new_printer(profile)
    if receipt.logo:
        _print_logo(p, receipt.logo, width)
    write_lines(p, lines, barcode=lambda value: _print_barcode(p, value, width))
    finish(p, cut=cut)
    if open_drawer:
        p.cashdraw(2)
    return p.output


def new_printer(profile: str | None = None) -> Dummy:
    """A python-escpos printer that collects bytes, reset and set to plain left-aligned text."""
    p = _new_dummy(profile)
    p.hw("INIT")
    p.set(align="left", bold=False, normal_textsize=True)
    return p


def write_lines(p: Dummy, lines: list[TextLine], barcode=None) -> None:
    """Laid-out text lines as ESC/POS, switching size and emphasis only where they change;
    ``barcode(value)`` prints a barcode line (returns False to print it as text)."""
    bold = double = False
    for line in lines:
        if line.kind == "barcode" and barcode is not None and barcode(line.value):
            continue
        if line.double != double:
            # The size goes out as ESC ! n, which also clears emphasis: set bold after it.
            double = line.double
            if double:
                p.set(double_width=True, double_height=True)
            else:
                p.set(normal_textsize=True)
            bold = False
        if line.bold != bold:
            bold = line.bold
            p.set(bold=bold)
        _write_line(p, line)
    if double:
        p.set(normal_textsize=True)
    elif bold:
        p.set(bold=False)


def finish(p: Dummy, *, cut: bool) -> None:
    """Cut the paper, or feed it to the tear bar when the printer has no cutter."""
    if cut:
        p.cut()
    else:
        p.print_and_feed(4)


def _write_line(p: Dummy, line: TextLine) -> None:
    text = line.text
    if _GB18030_TRIGGER.search(text):
        p._raw(KANJI_ON)
        p.text(text)
        p._raw(KANJI_OFF)
        p.text("\n")
    else:
        p.textln(text)


# --------------------------------------------------------------------------- targets


class _AppendFile(File):
    """python-escpos's File printer, but appending (``ab``) instead of truncating."""

    def open(self, raise_not_found: bool = True) -> None:
        if self._device:
            self.close()
        try:
            self.device = open(self.devfile, "ab")  # noqa: SIM115 - closed by close()
        except OSError as exc:
            self.device = None
            if raise_not_found:
                raise escpos_errors.DeviceNotFoundError(
                    f"Could not open the file {self.devfile}: {exc}"
                ) from exc


_HINTS = {
    "file": QT_TRANSLATE_NOOP(
        "errors",
        "Cannot write to the receipt printer {spec}: {reason}. Check that the file or device "
        "exists and that ShopDesk may write to it.",
    ),
    "network": QT_TRANSLATE_NOOP(
        "errors",
        "Cannot reach the receipt printer {spec}: {reason}. Check that the printer is switched "
        "on and connected to the network, and that its address and port (usually 9100) are "
        "right.",
    ),
    "usb": QT_TRANSLATE_NOOP(
        "errors",
        "Cannot use the USB receipt printer {spec}: {reason}. Check that it is plugged in and "
        "switched on, that the vendor and product ids are right, and that this user may "
        "access the USB device.",
    ),
    "serial": QT_TRANSLATE_NOOP(
        "errors",
        "Cannot use the serial receipt printer {spec}: {reason}. Check the cable, the port "
        "name and the baud rate, and that no other program holds the port.",
    ),
}

_MISSING = QT_TRANSLATE_NOOP(
    "errors",
    "Printing to {spec} needs the Python package '{package}', which is not installed. "
    "Install it (pip install {package}) or choose another printer connection.",
)


def _failure(target: PrinterTarget, exc: BaseException) -> PrinterError:
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return PrinterError(_HINTS[target.kind], spec=target.spec, reason=reason)


def _printer_class(target: PrinterTarget) -> Any:
    """The python-escpos class for USB or serial, imported only when needed."""
    package = "pyusb" if target.kind == "usb" else "pyserial"
    try:
        if target.kind == "usb":
            from escpos.printer import Usb as cls
        else:
            from escpos.printer import Serial as cls
    except ImportError:
        raise PrinterError(_MISSING, spec=target.spec, package=package) from None
    if not cls.is_usable():  # python-escpos imports pyusb/pyserial softly
        raise PrinterError(_MISSING, spec=target.spec, package=package)
    return cls


def open_target(spec: str, *, timeout: float = DEFAULT_TIMEOUT) -> Any:
    """Open the printer named by ``spec`` and return the opened python-escpos printer.

    ``none`` gives a ``Dummy`` that keeps what it is sent. The caller must ``close()`` it.
    Raises ValidationError for a malformed spec, PrinterError when it cannot be opened.
    """
    target = parse_target(spec)
    if target.kind == "none":
        return Dummy()
    try:
        if target.kind == "file":
            printer = _AppendFile(target.path)
        elif target.kind == "network":
            printer = Network(target.host, target.port, timeout=timeout)
        elif target.kind == "usb":
            printer = _printer_class(target)(
                target.vendor_id, target.product_id, timeout=int(timeout * 1000)
            )
        else:
            printer = _printer_class(target)(
                target.path, baudrate=target.baudrate, timeout=timeout
            )
        printer.open()
    except PrinterError:
        raise
    except ImportError as exc:
        raise PrinterError(_MISSING, spec=target.spec, package=exc.name or str(exc)) from exc
    except (escpos_errors.Error, OSError, RuntimeError, ValueError) as exc:
        raise _failure(target, exc) from exc
    return printer


def send_to_printer(data: bytes, spec: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Send raw bytes (e.g. from :func:`render_escpos`) to the printer named by ``spec``.

    Opens, writes, closes. Raises ValidationError for a malformed spec and PrinterError when
    the printer cannot be reached or written to.
    """
    target = parse_target(spec)
    if target.kind == "none":
        return
    printer = open_target(spec, timeout=timeout)
    try:
        printer._raw(bytes(data))
    except (escpos_errors.Error, OSError, RuntimeError, ValueError) as exc:
        _close_quietly(printer)
        raise _failure(target, exc) from exc
    except BaseException:
        _close_quietly(printer)
        raise
    try:
        printer.close()
    except (escpos_errors.Error, OSError, RuntimeError, ValueError) as exc:
        raise _failure(target, exc) from exc


def _close_quietly(printer: Any) -> None:
    with contextlib.suppress(Exception):
        printer.close()
