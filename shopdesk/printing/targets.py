"""Where receipts go: printer connection strings ("file:…", "network:host:port", "usb:vid:pid",
"serial:/dev/ttyS0:9600", "none"), checked without importing the printer drivers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

DEFAULT_PORT = 9100
DEFAULT_BAUD = 9600


@dataclass(frozen=True)
class PrinterTarget:
    """A parsed printer connection string."""

    kind: Literal["file", "network", "usb", "serial", "none"]
    spec: str
    path: str = ""  # file / serial device
    host: str = ""
    port: int = DEFAULT_PORT
    vendor_id: int = 0
    product_id: int = 0
    baudrate: int = DEFAULT_BAUD


_SPEC_HELP = QT_TRANSLATE_NOOP(
    "errors",
    "'{spec}' is not a printer connection ({problem}). Use one of: file:/dev/usb/lp0, "
    "network:192.168.1.50 or network:192.168.1.50:9100, usb:04b8:0202 (vendor and "
    "product id in hex), serial:/dev/ttyS0 or serial:COM3:19200, or none.",
)


def _bad_spec(spec: str, problem: str) -> ValidationError:
    return ValidationError("receipt_printer", _SPEC_HELP, spec=spec, problem=problem)


def parse_target(spec: str) -> PrinterTarget:
    """Check and split a connection string; raises ValidationError when it is malformed."""
    raw = (spec or "").strip()
    scheme, sep, rest = raw.partition(":")
    scheme = scheme.lower()
    if scheme == "none" and not rest:
        return PrinterTarget("none", raw)
    if not sep:
        raise _bad_spec(raw, "no 'kind:' prefix")
    if scheme == "file":
        if not rest.strip():
            raise _bad_spec(raw, "no file path")
        return PrinterTarget("file", raw, path=rest)
    if scheme == "network":
        host, port = rest, DEFAULT_PORT
        if rest.count(":") == 1:
            host, port_text = rest.split(":")
            if not port_text.isdigit() or not 0 < int(port_text) < 65536:
                raise _bad_spec(raw, "the port must be a number from 1 to 65535")
            port = int(port_text)
        if not host or ":" in host or any(ch.isspace() for ch in host):
            raise _bad_spec(raw, "no valid host name or IPv4 address")
        return PrinterTarget("network", raw, host=host, port=port)
    if scheme == "usb":
        parts = rest.split(":")
        ids = []
        for part in parts:
            text = part.lower().removeprefix("0x")
            if not re.fullmatch(r"[0-9a-f]{1,4}", text):
                break
            ids.append(int(text, 16))
        if len(parts) != 2 or len(ids) != 2:
            raise _bad_spec(raw, "USB needs vendor:product as two hex numbers")
        return PrinterTarget("usb", raw, vendor_id=ids[0], product_id=ids[1])
    if scheme == "serial":
        path, baud = rest, DEFAULT_BAUD
        head, colon, tail = rest.rpartition(":")
        if colon and tail.isdigit():
            path, baud = head, int(tail)
            if baud <= 0:
                raise _bad_spec(raw, "the baud rate must be a positive number")
        if not path.strip():
            raise _bad_spec(raw, "no serial port")
        return PrinterTarget("serial", raw, path=path, baudrate=baud)
    raise _bad_spec(raw, f"unknown kind '{scheme}'")
