"""A warehouse clerk works through the fulfilment queues with the real widgets: prints a pick
list for two paid orders, confirms the pick, packs one order by scanning (the wrong item and
one too many are refused), weighs and finishes the parcel, ships it with the post (the S10
number is made), prints its label, and scans the parcel as delivered."""

from __future__ import annotations

from decimal import Decimal

import pymupdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from shopdesk.domain.order_flow import OrderState
from shopdesk.domain.shipping import Address, is_valid_s10
from shopdesk.gui.fulfilment_window import FulfilmentWindow, OrderQueueModel
from shopdesk.gui.pack_dialog import PackDialog, parse_weight
from shopdesk.gui.ship_dialog import ShipDialog
from shopdesk.services.carriers import CarrierService
from shopdesk.services.fulfilment import FulfilmentService
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from tests.gui.test_first_sale import SCANNER_DELAY_MS, log_in, when_dialog_opens

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"
BOB = Address("Bob Builder", lines=("2 Low Road",), city="York", postcode="YO1 7HH", country="GB")
ANN = Address("Ann Archer", lines=("9 High St",), city="Leeds", postcode="LS1 1AA", country="GB")


def paid_order(store, cashier, to: Address, *lines: OrderLineDraft) -> str:
    orders = OrderService(store)
    view = orders.create(cashier, OrderDraft(to, tuple(lines), ship_from="FLOOR", shipping_method="Tracked"))
    return orders.record_payment(cashier, view.order_id, "card", view.grand_total).order_id


@pytest.fixture
def two_orders(store, products, cashier):
    """SO-000001: 2 bread and a soap to Bob; SO-000002: a bread and a milk to Ann."""
    first = paid_order(store, cashier, BOB, OrderLineDraft(Decimal(2), sku="BREAD"), OrderLineDraft(Decimal(1), sku="SOAP"))
    second = paid_order(store, cashier, ANN, OrderLineDraft(Decimal(1), sku="BREAD"),
                        OrderLineDraft(Decimal(1), sku="MILK-1L"))
    return first, second


def open_window(qtbot, store, tmp_path) -> tuple[FulfilmentWindow, list[str]]:
    ctx = log_in(qtbot, store, "clerk", "demo-clerk")
    window = FulfilmentWindow(ctx)
    qtbot.addWidget(window)
    opened: list[str] = []
    window.opener = opened.append  # no viewer pops up in a test; the paths are recorded
    window.documents = tmp_path / "documents"
    window.resize(1150, 600)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window, opened


def click(qtbot, widget, modifier=Qt.KeyboardModifier.NoModifier, pos=None) -> None:
    if pos is None:
        pos = widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, modifier, pos)


def click_tab(qtbot, window: FulfilmentWindow, index: int) -> None:
    click(qtbot, window.tabs, pos=window.tabs.tabRect(index).center())
    assert window.tabs.currentIndex() == index


def click_row(qtbot, window: FulfilmentWindow, number: str, add: bool = False) -> None:
    row = next(r for r in range(window.model.rowCount()) if window.model.summary(r).number == number)
    pos = window.table.visualRect(window.model.index(row, OrderQueueModel.NAME)).center()
    click(qtbot, window.table.viewport(), Qt.KeyboardModifier.ControlModifier if add else
          Qt.KeyboardModifier.NoModifier, pos)


def shown(window: FulfilmentWindow, column: int = OrderQueueModel.NUMBER) -> list[str]:
    return [window.model.index(r, column).data() for r in range(window.model.rowCount())]


def scan(qtbot, field, code: str) -> None:
    """A keyboard-wedge scanner typing into the field, then Enter."""
    qtbot.keyClicks(field, code, delay=SCANNER_DELAY_MS)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def pack_lines(dialog: PackDialog) -> dict[str, tuple[str, str]]:
    t = dialog.table
    return {t.item(r, 0).text(): (t.item(r, 2).text(), t.item(r, 3).text()) for r in range(t.rowCount())}


def pdf_text(path) -> tuple[int, str]:
    with pymupdf.open(path) as doc:
        return doc.page_count, "".join(page.get_text() for page in doc)


def test_pick_pack_ship_and_deliver_two_orders(qtbot, store, two_orders, tmp_path):
    first, second = two_orders
    orders = OrderService(store)
    window, opened = open_window(qtbot, store, tmp_path)
    assert [window.tabs.tabText(i) for i in range(5)] == [
        "To pick (2)", "To pack (0)", "To ship (0)", "Shipped (0)", "Delivered (0)"]
    assert shown(window) == ["SO-000001", "SO-000002"]
    assert shown(window, OrderQueueModel.CITY) == ["York, GB", "Leeds, GB"]
    assert window.pick_list_button.isVisible() and not window.pack_button.isVisible()

    # -- the pick list for both orders, with their packing slips --------------------------------
    click_row(qtbot, window, "SO-000001")
    click_row(qtbot, window, "SO-000002", add=True)
    assert window.selected_ids() == [first, second]
    pick_pdf = tmp_path / "pick.pdf"
    window.pick_list_path = str(pick_pdf)
    with qtbot.waitSignal(window.documents_saved, timeout=20_000) as saved:
        click(qtbot, window.pick_list_button)
    slips_pdf = tmp_path / "pick-packing-slips.pdf"
    assert saved.args[0] == [str(pick_pdf), str(slips_pdf)] and opened == saved.args[0]
    pages, text = pdf_text(pick_pdf)
    assert "SO-000001" in text and "SO-000002" in text and "PB-000001" in text
    assert "Sourdough bread" in text
    _, slips = pdf_text(slips_pdf)
    assert "Bob Builder" in slips and "Ann Archer" in slips
    assert "PB-000001" in window.message.text()
    assert shown(window, OrderQueueModel.BATCH) == ["PB-000001", "PB-000001"]  # the batch shows in the queue
    window.grab().save("/tmp/fulfilment.png")

    click(qtbot, window.confirm_picked_button)
    assert window.message.property("kind") == "success" and "SO-000001, SO-000002" in window.message.text()
    assert window.tabs.tabText(0) == "To pick (0)" and window.tabs.tabText(1) == "To pack (2)"
    assert shown(window) == []

    # -- packing SO-000001 by scanning -----------------------------------------------------------
    click_tab(qtbot, window, 1)
    assert shown(window) == ["SO-000001", "SO-000002"] and window.pack_button.isVisible()
    click_row(qtbot, window, "SO-000001")

    def pack(dialog: PackDialog):
        assert dialog.objectName() == "packDialog" and "SO-000001" in dialog.heading.text()
        field = dialog.findChild(type(dialog.scan_field), "packScanField")
        assert dialog.focusWidget() is field
        assert not dialog.finish_button.isEnabled() and not dialog.parcel_group.isEnabled()
        before = pack_lines(dialog)
        assert before == {"BREAD": ("2", "0"), "SOAP": ("1", "0")}

        scan(qtbot, field, MILK)  # not on this order: refused in red, nothing counted
        message = dialog.findChild(type(dialog.message), "packMessage")
        assert message.property("kind") == "error"
        assert "Wrong item" in message.text() and "SO-000001" in message.text()
        assert pack_lines(dialog) == before and field.text() == ""

        scan(qtbot, field, BREAD)
        scan(qtbot, field, BREAD)
        assert pack_lines(dialog)["BREAD"] == ("2", "2")
        assert message.property("kind") == "success"
        row = next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == "BREAD")
        assert dialog.table.item(row, 1).background().color().name() == "#c8e6c9"  # green: done
        scan(qtbot, field, BREAD)  # one too many
        assert message.property("kind") == "error" and "Too many" in message.text()
        assert pack_lines(dialog)["BREAD"] == ("2", "2")
        assert "2 of 3 items packed" in dialog.status.text()
        assert not dialog.finish_button.isEnabled()
        dialog.grab().save("/tmp/pack.png")

        click(qtbot, dialog.table.viewport())  # a click on the lines: the next scan still lands
        scan(qtbot, QApplication.focusWidget() or dialog.table, SOAP)
        assert pack_lines(dialog) == {"BREAD": ("2", "2"), "SOAP": ("1", "1")}
        assert "All items packed" in dialog.status.text()
        assert dialog.finish_button.isEnabled() and dialog.parcel_group.isEnabled()
        dialog.grab().save("/tmp/pack-done.png")

        combo = dialog.findChild(type(dialog.parcel_combo), "parcelTypeCombo")
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # the next box up: the small box
        assert combo.currentText().startswith("Small box")
        assert (dialog.length_field.value(), dialog.width_field.value(), dialog.height_field.value()) == (
            300, 200, 100)
        weight = dialog.findChild(type(dialog.weight_field), "weightField")
        click(qtbot, weight)
        qtbot.keyClicks(weight, "abc")
        click(qtbot, dialog.finish_button)
        assert message.property("kind") == "error" and "'abc' is not a weight" in message.text()
        weight.clear()
        qtbot.keyClicks(weight, "1.25")
        click(qtbot, dialog.findChild(type(dialog.finish_button), "finishPackingButton"))

    ran = when_dialog_opens(qtbot, pack)
    click(qtbot, window.pack_button)
    assert ran, "the pack dialog did not open"
    packed = orders.get(window.ctx.require_staff(), first)
    assert packed.state is OrderState.PACKED and packed.weight_g == 1250
    assert packed.dimensions_mm == (300, 200, 100)
    small = next(p for p in CarrierService(store).parcel_types() if p.code == "SMALL")
    assert packed.parcel_type_id == small.parcel_type_id
    assert window.tabs.tabText(1) == "To pack (1)" and window.tabs.tabText(2) == "To ship (1)"
    assert shown(window) == ["SO-000002"]

    # -- shipping with the post, the S10 number made by the service -----------------------------
    click_tab(qtbot, window, 2)
    assert shown(window) == ["SO-000001"]
    click_row(qtbot, window, "SO-000001")
    label_pdf = tmp_path / "label-now.pdf"

    def ship(dialog: ShipDialog):
        assert dialog.objectName() == "shipDialog"
        carrier = dialog.findChild(type(dialog.carrier_combo), "carrierCombo")
        assert carrier.currentText() == "Post (S10)"  # it offers the service the customer chose
        assert dialog.findChild(type(dialog.service_combo), "serviceCombo").currentText() == "Tracked"
        assert dialog.generate_button.isEnabled()
        dialog.label_path = str(label_pdf)
        tracking = dialog.findChild(type(dialog.tracking_field), "trackingField")
        assert tracking.text() == ""

        def print_now(box: QMessageBox):
            assert box.objectName() == "printLabelQuestion" and "SO-000001" in box.text()
            click(qtbot, box.button(QMessageBox.StandardButton.Yes))

        asked = when_dialog_opens(qtbot, print_now)
        click(qtbot, dialog.findChild(type(dialog.ship_button), "shipButton"))
        assert asked, "printing the label was not offered"

    ran = when_dialog_opens(qtbot, ship)
    click(qtbot, window.ship_button)
    assert ran, "the ship dialog did not open"
    shipped = orders.get(window.ctx.require_staff(), first)
    assert shipped.state is OrderState.SHIPPED and is_valid_s10(shipped.tracking_number)
    assert shipped.service == "Tracked"
    assert label_pdf.exists() and pdf_text(label_pdf)[0] == 1 and str(label_pdf) in opened
    assert shipped.tracking_number in window.message.text()
    assert window.tabs.tabText(3) == "Shipped (1)"

    # -- labels from the shipped queue --------------------------------------------------------
    click_tab(qtbot, window, 3)
    assert shown(window, OrderQueueModel.TRACKING) == [shipped.tracking_number]
    click_row(qtbot, window, "SO-000001")
    labels_pdf = tmp_path / "labels.pdf"
    window.labels_path = str(labels_pdf)
    with qtbot.waitSignal(window.documents_saved, timeout=20_000):
        click(qtbot, window.labels_button)
    pages, text = pdf_text(labels_pdf)
    assert pages == 1 and shipped.tracking_number in text.replace(" ", "") and "Bob Builder" in text

    # -- the parcel comes back scanned as delivered ------------------------------------------
    window.activateWindow()  # after the dialogs (a window manager does this; offscreen needs telling)
    qtbot.waitUntil(window.isActiveWindow)
    click(qtbot, window.table.viewport())  # the focus on the list: the scan still lands
    assert window.table.hasFocus()
    for ch in shipped.tracking_number:
        qtbot.keyClicks(QApplication.focusWidget(), ch, delay=SCANNER_DELAY_MS)
    assert window.delivered_field.text() == shipped.tracking_number
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert window.message.property("kind") == "success" and "SO-000001 delivered" in window.message.text()
    assert orders.get(window.ctx.require_staff(), first).state is OrderState.DELIVERED
    assert window.tabs.tabText(3) == "Shipped (0)" and window.tabs.tabText(4) == "Delivered (1)"
    click_tab(qtbot, window, 4)
    assert shown(window) == ["SO-000001"]

    scan(qtbot, window.delivered_field, "RR999999995GB")  # no such parcel: said so, in red
    assert window.message.property("kind") == "error" and "RR999999995GB" in window.message.text()
    window.grab().save("/tmp/fulfilment-delivered.png")


def test_ship_refuses_a_wrong_number_and_labels_as_zpl(qtbot, store, two_orders, clerk, tmp_path):
    first, _ = two_orders
    fulfil = FulfilmentService(store)
    fulfil.confirm_picked(clerk, [first])
    for code in (BREAD, BREAD, SOAP):
        fulfil.pack_scan(clerk, first, code)
    fulfil.complete_packing(clerk, first, parcel_type_id=None, weight_g=900)

    window, opened = open_window(qtbot, store, tmp_path)
    window.show_queue("ship")
    click_row(qtbot, window, "SO-000001")

    def ship_with_ups(dialog: ShipDialog):
        dialog.carrier_combo.setCurrentIndex(dialog.carrier_combo.findText("UPS"))
        assert not dialog.generate_button.isEnabled()  # UPS numbers its parcels itself
        assert [dialog.service_combo.itemText(i) for i in range(dialog.service_combo.count())] == [
            "Standard", "Express"]
        click(qtbot, dialog.ship_button)  # no number
        assert "UPS" in dialog.message.text() and dialog.message.property("kind") == "error"
        scan(qtbot, dialog.tracking_field, "12345")  # the scanner's Enter ships
        assert "'12345' does not look like a tracking number" in dialog.message.text()
        assert dialog.isVisible() and dialog.shipped is None
        dialog.grab().save("/tmp/ship.png")
        dialog.tracking_field.clear()

        def not_now(box: QMessageBox):
            click(qtbot, box.button(QMessageBox.StandardButton.No))

        qtbot.keyClicks(dialog.tracking_field, "1Z999AA10123456784", delay=SCANNER_DELAY_MS)
        asked = when_dialog_opens(qtbot, not_now)  # once the typing is done: the label question
        qtbot.keyClick(dialog.tracking_field, Qt.Key.Key_Return)
        assert asked

    ran = when_dialog_opens(qtbot, ship_with_ups)
    click(qtbot, window.ship_button)
    assert ran
    view = OrderService(store).get(clerk, first)
    assert view.state is OrderState.SHIPPED and view.tracking_number == "1Z999AA10123456784"
    assert opened == []  # no label wanted

    window.show_queue("deliver")
    click_row(qtbot, window, "SO-000001")
    window.labels_path, window.labels_format = str(tmp_path / "labels.zpl"), "zpl"
    with qtbot.waitSignal(window.documents_saved, timeout=20_000):
        click(qtbot, window.labels_button)
    zpl = (tmp_path / "labels.zpl").read_text(encoding="utf-8")
    assert zpl.startswith("^XA") and "1Z999AA10123456784" in zpl
    assert opened == []  # a ZPL file goes to the printer, not a viewer


def test_import_tracking_statuses_marks_delivered(qtbot, store, two_orders, clerk, tmp_path):
    first, _ = two_orders
    fulfil = FulfilmentService(store)
    fulfil.confirm_picked(clerk, [first])
    for code in (BREAD, BREAD, SOAP):
        fulfil.pack_scan(clerk, first, code)
    fulfil.complete_packing(clerk, first, parcel_type_id=None, weight_g=900)
    post = next(c for c in CarrierService(store).carriers() if c.code == "POST")
    number = fulfil.ship(clerk, first, post.carrier_id, "Tracked").tracking_number
    csv = tmp_path / "statuses.csv"
    csv.write_text(f"tracking,status\n{number},Delivered\nRR000000015DE,in transit\n", encoding="utf-8")

    window, _ = open_window(qtbot, store, tmp_path)
    assert window.tabs.tabText(3) == "Shipped (1)"
    window.import_path = str(csv)
    click(qtbot, window.import_button)
    qtbot.waitUntil(lambda: "delivered," in window.message.text(), timeout=10_000)
    assert "1 delivered, 0 unchanged, 1 unknown" in window.message.text()
    assert "SO-000001" in window.message.text() and "RR000000015DE" in window.message.text()
    assert window.tabs.tabText(4) == "Delivered (1)"


def test_parse_weight():
    assert parse_weight("1.25", "kg") == 1250
    assert parse_weight("800", "g") == 800
    assert parse_weight("800 g", "kg") == 800
    assert parse_weight("1,2 kg", "g", "de_DE") == 1200
    with pytest.raises(Exception, match="not a weight"):
        parse_weight("heavy", "kg")
    with pytest.raises(Exception, match="at most"):
        parse_weight("2000", "kg")
