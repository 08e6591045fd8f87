"""shopdesk orders labels|slips|delivered: labels of shipped orders as PDF or ZPL, packing
slips, and a carrier's status file marking parcels delivered."""

from __future__ import annotations

from decimal import Decimal

import pymupdf
import pytest

from shopdesk.domain.shipping import Address
from shopdesk.services.carriers import CarrierService
from shopdesk.services.fulfilment import FulfilmentService
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService
from tests.conftest import login
from tests.test_cli import run as run_cli


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.returncode, self.stdout, self.stderr = code, out, err


@pytest.fixture
def run(capsys):
    def call(*args) -> Result:
        code = run_cli(list(args))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return call


@pytest.fixture
def shipped(store, products, db_path):
    """Two shipped orders (POST, S10 numbers made here): their (number, tracking number)."""
    cashier, clerk = login(store, "cashier"), login(store, "clerk")
    orders, fulfil = OrderService(store), FulfilmentService(store)
    post = next(c for c in CarrierService(store).carriers() if c.code == "POST")
    done = []
    for name in ("Alice", "Bob"):
        view = orders.create(cashier, OrderDraft(Address(name, city="Leeds", country="GB"),
                                                 (OrderLineDraft(Decimal(1), sku="SOAP"),), ship_from="FLOOR"))
        orders.record_payment(cashier, view.order_id, "card", view.due)
        fulfil.confirm_picked(clerk, [view.order_id])
        fulfil.pack_scan(clerk, view.order_id, "96385074")
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=250)
        done.append((view.number, fulfil.ship(clerk, view.order_id, post.carrier_id).tracking_number))
    return done


def test_labels_as_pdf_and_zpl_and_slips(shipped, db_path, tmp_path, run):
    pdf = tmp_path / "labels.pdf"
    result = run("--db", str(db_path), "orders", "labels", shipped[0][0], "2", "--out", str(pdf), "--size", "a6")
    assert result.returncode == 0, result.stderr
    assert "Wrote 2 page(s)" in result.stdout
    with pymupdf.open(pdf) as doc:
        assert doc.page_count == 2
        assert shipped[1][1] in doc[1].get_text()
    zpl = tmp_path / "labels.zpl"
    assert run("--db", str(db_path), "orders", "labels", shipped[1][1], "--out", str(zpl)).returncode == 0
    text = zpl.read_text(encoding="utf-8")
    assert text.count("^XA") == 1 and shipped[1][1] in text
    slips = tmp_path / "slips.pdf"
    assert run("--db", str(db_path), "orders", "slips", shipped[0][0], "--out", str(slips)).returncode == 0
    with pymupdf.open(slips) as doc:
        assert "SOAP" in doc[0].get_text()


def test_an_order_not_shipped_yet_has_no_label(store, products, db_path, tmp_path, run):
    view = OrderService(store).create(login(store, "cashier"), OrderDraft(
        Address("Carol", country="GB"), (OrderLineDraft(Decimal(1), sku="SOAP"),)))
    result = run("--db", str(db_path), "orders", "labels", view.number, "--out", str(tmp_path / "x.pdf"))
    assert result.returncode != 0 and "ship it first" in result.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_delivered_from_a_carrier_status_file(shipped, db_path, tmp_path, run):
    status = tmp_path / "status.csv"
    status.write_text(f"tracking,status\n{shipped[0][1]},Delivered\n{shipped[1][1]},In transit\nZZ9,Delivered\n")
    result = run("--db", str(db_path), "orders", "delivered", str(status))
    assert result.returncode == 0, result.stderr
    assert "1 order(s) delivered (SO-000001)" in result.stdout and "1 tracking number(s) of no shipped order" \
        in result.stdout
    status.write_text("tracking,status,date\nRR1,Delivered,someday\n")
    bad = run("--db", str(db_path), "orders", "delivered", str(status))
    assert bad.returncode != 0 and "row 2, column date" in bad.stderr
