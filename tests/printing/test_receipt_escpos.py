"""ESC/POS receipts: read back the byte stream the way a printer would."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest
from escpos.capabilities import get_profile
from escpos.magicencode import Encoder

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.money import format_money
from shopdesk.domain.receipt import Receipt
from shopdesk.printing.receipt_escpos import render_escpos
from shopdesk.printing.receipt_text import clean_text, display_width, layout_receipt

ESC, GS, FS = 0x1B, 0x1D, 0x1C


@dataclass
class PrintedLine:
    text: str
    bold: bool
    double: bool


@dataclass
class Printout:
    lines: list[PrintedLine] = field(default_factory=list)
    barcodes: list[tuple[int, bytes]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # "init", "cut", "drawer", "barcode"

    @property
    def texts(self) -> list[str]:
        return [line.text for line in self.lines]


def emulate(data: bytes, profile: str = "default") -> Printout:
    """A small ESC/POS interpreter: commands python-escpos emits, text in code pages and
    GB18030 in Kanji mode. Unknown control bytes fail the test."""
    pages = {int(num): name for name, num in get_profile(profile).get_code_pages().items()}
    out = Printout()
    buf: list[str] = []
    state = {"bold": False, "double": False, "cp": 0, "kanji": False, "line_bold": False,
             "line_double": False}

    def flush() -> None:
        out.lines.append(PrintedLine("".join(buf), state["line_bold"], state["line_double"]))
        buf.clear()
        state["line_bold"] = state["line_double"] = False

    def put(text: str) -> None:
        if text.strip():
            state["line_bold"] |= state["bold"]
            state["line_double"] |= state["double"]
        buf.append(text)

    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b == ESC:
            cmd = chr(data[i + 1])
            if cmd == "@":
                state.update(bold=False, double=False, cp=0, kanji=False)
                out.events.append("init")
                i += 2
            elif cmd == "!":  # print mode: bit 3 emphasized, bits 4/5 double height/width
                mode = data[i + 2]
                state["bold"] = bool(mode & 0x08)
                state["double"] = bool(mode & 0x30)
                i += 3
            elif cmd == "E":
                state["bold"] = bool(data[i + 2] & 1)
                i += 3
            elif cmd == "t":
                state["cp"] = data[i + 2]
                i += 3
            elif cmd == "d":
                if buf:
                    flush()
                i += 3
            elif cmd == "p":
                out.events.append("drawer")
                i += 5
            elif cmd in "aM-{":
                i += 3
            else:
                raise AssertionError(f"unexpected ESC {cmd!r} at {i}")
        elif b == GS:
            cmd = chr(data[i + 1])
            if cmd == "V":
                out.events.append("cut")
                i += 4 if data[i + 2] in (65, 66) else 3
            elif cmd == "k":
                kind = data[i + 2]
                if kind <= 6:
                    end = data.index(b"\x00", i + 3)
                    payload, i = data[i + 3:end], end + 1
                else:
                    length = data[i + 3]
                    payload, i = data[i + 4:i + 4 + length], i + 4 + length
                out.barcodes.append((kind, payload))
                out.events.append("barcode")
            elif cmd in "hwfH!Bb|":
                i += 3
            else:
                raise AssertionError(f"unexpected GS {cmd!r} at {i}")
        elif b == FS:
            state["kanji"] = chr(data[i + 1]) == "&"
            i += 2
        elif b == 0x0A:
            flush()
            i += 1
        elif b < 0x20:
            raise AssertionError(f"stray control byte {b:#04x} at {i}")
        elif state["kanji"]:
            end = i
            while end < n and data[end] not in (ESC, GS, FS, 0x0A):
                end += 1
            put(data[i:end].decode("gb18030"))
            i = end
        else:
            if b < 0x80:
                put(chr(b))
            else:
                put(Encoder._get_codepage_char_list(pages[state["cp"]])[b - 0x80])
            i += 1
    if buf:
        flush()
    return out


def money(receipt: Receipt, minor: int) -> str:
    return clean_text(format_money(minor, receipt.currency, receipt.locale))


def test_stream_starts_with_init_and_ends_with_cut(receipt):
    data = render_escpos(receipt)
    assert data.startswith(b"\x1b@")
    assert b"\x1dV" in data
    printed = emulate(data)
    assert printed.events[0] == "init"
    assert printed.events[-1] == "cut"
    assert "drawer" not in printed.events
    assert b"\x1bp" not in data


def test_drawer_kick_only_when_asked(receipt):
    data = render_escpos(receipt, open_drawer=True)
    assert b"\x1bp\x00" in data
    assert emulate(data).events[-2:] == ["cut", "drawer"]
    assert b"\x1dV" not in render_escpos(receipt, cut=False)


def test_receipt_number_is_a_code128_barcode(receipt):
    data = render_escpos(receipt)
    assert b"\x1dkI" in data  # GS k 73 = CODE128, function B
    printed = emulate(data)
    assert printed.barcodes == [(73, b"{B" + receipt.receipt_number.encode())]


def test_visible_text_is_the_shared_layout(receipt):
    printed = emulate(render_escpos(receipt))
    expected = [
        "" if line.kind == "barcode" else line.text for line in layout_receipt(receipt, 42)
    ]
    assert printed.texts == expected
    assert "牛奶 1L" in printed.texts
    assert any("Spülmittel" in text for text in printed.texts)


def test_store_name_and_total_print_bold_and_double(receipt):
    data = render_escpos(receipt)
    assert b"\x1bE\x01" in data and b"\x1bE\x00" in data
    printed = emulate(data)
    store = next(line for line in printed.lines if line.text.strip() == receipt.store_name)
    assert store.bold and store.double
    total = next(line for line in printed.lines if line.text.startswith("TOTAL"))
    assert total.bold and total.double
    assert total.text.endswith(money(receipt, receipt.total))
    # nothing after the total is still double or bold by accident
    plain = next(line for line in printed.lines if line.text.startswith("Bar"))
    assert not plain.bold and not plain.double
    assert plain.text.endswith(money(receipt, 2000))


def test_copy_is_marked_top_and_bottom(receipt, copy_receipt):
    assert not any("COPY" in text for text in emulate(render_escpos(receipt)).texts)
    lines = [line for line in emulate(render_escpos(copy_receipt)).lines if line.text]
    assert "*** COPY ***" in lines[0].text and lines[0].bold and lines[0].double
    assert "*** COPY ***" in lines[-1].text


def test_58mm_lines_fit_the_paper(receipt):
    for line in emulate(render_escpos(receipt, width=32)).lines:
        assert display_width(line.text) * (2 if line.double else 1) <= 32, line.text


def test_chinese_everything_does_not_raise(receipt):
    chinese = dataclasses.replace(
        receipt,
        store_name="北京便利店",
        store_address="北京市朝阳区建国路88号",
        cashier="김민수 🙂",  # Hangul and emoji are in no code page: replaced, not raised
        currency="CNY",
        locale="zh_CN",
        tenders=(dataclasses.replace(receipt.tenders[0], name="现金"),),
        footer="谢谢惠顾",
    )
    labels = {"Total": "合计", "Subtotal": "小计", "Change": "找零", "Receipt": "小票"}
    printed = emulate(render_escpos(chinese, labels=labels))
    assert any(text.strip() == "北京便利店" for text in printed.texts)
    total = next(text for text in printed.texts if text.startswith("合计"))
    assert total.endswith(money(chinese, chinese.total))
    assert any("谢谢惠顾" in text for text in printed.texts)
    cashier = next(text for text in printed.texts if "Cashier" in text)
    assert cashier.endswith("?")


def test_unknown_profile_is_a_validation_error(receipt):
    with pytest.raises(ValidationError) as err:
        render_escpos(receipt, profile="no-such-printer")
    assert "no-such-printer" in str(err.value)


def test_everything_on_the_receipt_reaches_the_printer(full_receipt):
    data = render_escpos(full_receipt, open_drawer=True)
    printed = emulate(data)
    assert printed.events[0] == "init" and printed.events[-2:] == ["cut", "drawer"]
    assert b"\x1dV" in data and b"\x1bp\x00" in data
    assert printed.barcodes == [(73, b"{B" + full_receipt.receipt_number.encode())]
    texts = printed.texts

    def line(start: str) -> str:
        return next(text for text in texts if text.strip().startswith(start))

    assert "Customer: Ada Lovelace" in texts
    assert line("Discount").endswith(money(full_receipt, -90))  # Kaffee's own discount
    assert line("Cart discount").endswith(money(full_receipt, -45))  # its share of the cart's
    assert line("Before discounts").endswith(money(full_receipt, 899 + 258))
    assert line("Line discounts").endswith(money(full_receipt, -90))
    assert any(t.startswith("Cart discount") and t.endswith(money(full_receipt, -55)) for t in texts)
    assert line("Rounding").endswith(money(full_receipt, -2))
    assert line("To pay").endswith(money(full_receipt, 1010))
    assert line("Karte VISA").endswith(money(full_receipt, 500))
    assert line("Approval code").endswith("A1B2C3")
    assert line("Bar").endswith(money(full_receipt, 1000))
    assert line("Change").endswith(money(full_receipt, 490))


def test_no_drawer_kick_unless_asked_for_a_full_receipt(full_receipt):
    data = render_escpos(full_receipt)
    assert b"\x1bp" not in data and "drawer" not in emulate(data).events
    assert emulate(data).events[-1] == "cut"


def test_a_return_is_headed_and_its_lines_are_negative(return_receipt):
    printed = emulate(render_escpos(return_receipt))
    heading = next(line for line in printed.lines if line.text.strip() == "RETURN")
    assert heading.bold and heading.double
    texts = printed.texts
    assert any(t.startswith("Original receipt") and t.endswith("R-2024-000123") for t in texts)
    assert any(t.startswith("  -1 x") and t.endswith(money(return_receipt, -149) + " A") for t in texts)
    assert any(t.startswith("Bar") and t.endswith(money(return_receipt, -149)) for t in texts)
    assert printed.barcodes == [(73, b"{BR-2024-000124")]


def test_full_receipt_fits_58mm(full_receipt, return_receipt):
    for r in (full_receipt, return_receipt):
        for line in emulate(render_escpos(r, width=32)).lines:
            assert display_width(line.text) * (2 if line.double else 1) <= 32, line.text
