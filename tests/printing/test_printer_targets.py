"""Printer connection strings and delivering bytes to them."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from escpos.printer import Serial, Usb

from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.printing.errors import PrinterError
from shopdesk.printing.receipt_escpos import (
    PrinterTarget,
    open_target,
    parse_target,
    render_escpos,
    send_to_printer,
)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("file:/dev/usb/lp0", PrinterTarget("file", "file:/dev/usb/lp0", path="/dev/usb/lp0")),
        ("network:192.168.1.50", PrinterTarget("network", "network:192.168.1.50",
                                               host="192.168.1.50", port=9100)),
        ("network:printer.local:9101", PrinterTarget("network", "network:printer.local:9101",
                                                     host="printer.local", port=9101)),
        ("usb:04b8:0x0202", PrinterTarget("usb", "usb:04b8:0x0202", vendor_id=0x04B8,
                                          product_id=0x0202)),
        ("serial:/dev/ttyS0", PrinterTarget("serial", "serial:/dev/ttyS0", path="/dev/ttyS0",
                                            baudrate=9600)),
        ("serial:COM3:19200", PrinterTarget("serial", "serial:COM3:19200", path="COM3",
                                            baudrate=19200)),
        (" none ", PrinterTarget("none", "none")),
    ],
)
def test_valid_specs(spec, expected):
    assert parse_target(spec) == expected


@pytest.mark.parametrize(
    "spec",
    ["", "lp0", "file:", "network:", "network:host:abc", "network:host:70000", "network:a:1:2",
     "usb:xyz:1", "usb:04b8", "usb:04b8:0202:1", "usb:12345:1", "serial:", "serial::9600",
     "bogus:foo", "none:x"],
)
def test_malformed_specs_explain_the_accepted_forms(spec):
    with pytest.raises(ValidationError) as err:
        send_to_printer(b"x", spec)
    assert err.value.field == "receipt_printer"
    assert "network:192.168.1.50" in str(err.value) and "usb:04b8:0202" in str(err.value)


def test_file_target_receives_exactly_the_bytes_and_appends(tmp_path, receipt):
    data = render_escpos(receipt)
    target = tmp_path / "lp0"
    send_to_printer(data, f"file:{target}")
    assert target.read_bytes() == data
    send_to_printer(b"\x1b@", f"file:{target}")
    assert target.read_bytes() == data + b"\x1b@"


def test_file_target_in_missing_folder_is_a_printer_error(tmp_path):
    spec = f"file:{tmp_path / 'nope' / 'lp0'}"
    with pytest.raises(PrinterError) as err:
        send_to_printer(b"x", spec)
    assert spec in str(err.value)
    assert isinstance(err.value, ShopDeskError)


def test_none_target_drops_the_bytes():
    send_to_printer(b"anything", "none")
    printer = open_target("none")
    printer._raw(b"abc")
    assert printer.output == b"abc"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_network_printer_that_is_off_fails_fast_with_a_useful_message():
    spec = f"network:127.0.0.1:{_free_port()}"
    started = time.monotonic()
    with pytest.raises(PrinterError) as err:
        send_to_printer(b"x", spec, timeout=0.5)
    assert time.monotonic() - started < 2
    message = str(err.value)
    assert spec in message and "switched on" in message and "port" in message


def test_network_printer_receives_the_bytes(receipt):
    data = render_escpos(receipt, open_drawer=True)
    received = bytearray()
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(5)
        port = server.getsockname()[1]

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(5)
                while chunk := conn.recv(65536):
                    received.extend(chunk)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        send_to_printer(data, f"network:127.0.0.1:{port}", timeout=2)
        thread.join(5)
    assert not thread.is_alive()
    assert bytes(received) == data


@pytest.mark.parametrize(("cls", "spec", "package"), [
    (Usb, "usb:04b8:0202", "pyusb"),
    (Serial, "serial:/dev/ttyS0", "pyserial"),
])
def test_missing_optional_package_is_named(monkeypatch, cls, spec, package):
    monkeypatch.setattr(cls, "is_usable", staticmethod(lambda: False))
    with pytest.raises(PrinterError) as err:
        send_to_printer(b"x", spec)
    assert package in str(err.value) and spec in str(err.value)
