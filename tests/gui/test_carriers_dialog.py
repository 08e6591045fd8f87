"""Settings › Carriers, as an owner uses it: add a carrier with its tracking format and page,
see a bad pattern refused in the form, and the new carrier's numbers checked when shipping."""

from __future__ import annotations

from PySide6.QtCore import Qt

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.shipping import check_tracking_number
from shopdesk.gui.carriers_dialog import CarriersDialog
from tests.gui.test_first_sale import log_in, when_dialog_opens


def test_owner_adds_a_carrier_and_a_bad_pattern_is_refused_in_the_form(qtbot, store):
    ctx = log_in(qtbot, store, "owner", "demo-owner")
    dialog = CarriersDialog(ctx)
    qtbot.addWidget(dialog)
    codes = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert {"POST", "UPS", "DHL", "LOCAL"} <= set(codes)

    steps = []

    def fill(form):
        qtbot.keyClicks(form.code, "gls")
        qtbot.keyClicks(form.name, "GLS")
        qtbot.keyClicks(form.services, "Parcel")
        qtbot.keyClick(form.services, Qt.Key.Key_Return)
        qtbot.keyClicks(form.services, "Express")
        qtbot.keyClicks(form.pattern, r"(\d{11}")  # unbalanced: refused
        qtbot.keyClicks(form.url, "https://gls-group.com/track/{tracking}")
        form.save()
        steps.append(form.message.text())
        assert form.isVisible() and "not a valid regular expression" in form.message.text()
        form.pattern.clear()
        qtbot.keyClicks(form.pattern, r"\d{11}")
        qtbot.keyClick(form.url, Qt.Key.Key_Return)

    opened = when_dialog_opens(qtbot, fill)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert opened and steps
    row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "GLS")
    assert dialog.table.item(row, 2).text() == "Parcel, Express"
    assert "GLS saved" in dialog.message.text()
    gls = next(c for c in ctx.carriers.carriers() if c.code == "GLS")
    assert gls.tracking_url_template == "https://gls-group.com/track/{tracking}"
    assert check_tracking_number("123 4567 8901", gls.tracking_pattern) == "12345678901"
    try:
        check_tracking_number("1234", gls.tracking_pattern)
    except ValidationError as err:
        assert "does not look like" in err.message
    else:
        raise AssertionError("a short number passed")
