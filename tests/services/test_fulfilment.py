"""Pick, pack, ship, deliver and return orders through the services: the rules a clerk
meets, the stock ledger, tracking numbers, and the documents' data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from shopdesk.domain.errors import PermissionDenied, StateError, ValidationError
from shopdesk.domain.order_flow import OrderState
from shopdesk.domain.shipping import Address, is_valid_s10
from shopdesk.services import stock
from shopdesk.services.carriers import CarrierService
from shopdesk.services.fulfilment import FulfilmentService, PackRefused
from shopdesk.services.orders import OrderDraft, OrderLineDraft, OrderService, PaymentDraft
from shopdesk.store.order_models import StockReservation
from shopdesk.store.stockroom_models import StockBin
from tests.conftest import login

MILK, BREAD, SOAP = "4006381333931", "036000291452", "96385074"
BOB = Address("Bob Builder", lines=("2 Low Road",), city="York", postcode="YO1 7HH", country="GB")


@pytest.fixture
def fulfil(store):
    return FulfilmentService(store)


@pytest.fixture
def orders(store):
    return OrderService(store)


@pytest.fixture
def carriers(store):
    return {c.code: c for c in CarrierService(store).carriers()}


def on_hand(store, product_id, code) -> Decimal:
    with store.reader() as s:
        return stock.on_hand(s, product_id, stock.location_id(s, code))


def paid_order(orders, cashier, *lines, ship_from="FLOOR", **kw):
    lines = lines or (OrderLineDraft(Decimal(2), sku="BREAD"), OrderLineDraft(Decimal(1), sku="SOAP"))
    draft = OrderDraft(BOB, tuple(lines), ship_from=ship_from, **kw)
    view = orders.create(cashier, draft)
    if not kw.get("cash_on_delivery") and not kw.get("payments"):
        view = orders.record_payment(cashier, view.order_id, "card", view.grand_total)
    return view


def pack_all(fulfil, clerk, view):
    for line in view.lines:
        code = {"BREAD": BREAD, "SOAP": SOAP, "MILK-1L": MILK}[line.sku]
        for _ in range(int(line.quantity)):
            progress = fulfil.pack_scan(clerk, view.order_id, code)
    return progress


def test_the_whole_life_of_an_order(store, products, cashier, clerk, orders, fulfil, carriers):
    view = paid_order(orders, cashier)
    assert view.state is OrderState.PAID
    fulfil.pick_list(clerk, [view.order_id])
    fulfil.confirm_picked(clerk, [view.order_id])
    assert pack_all(fulfil, clerk, view).complete
    fulfil.complete_packing(clerk, view.order_id, parcel_type_id=CarrierService(store).parcel_types()[1].parcel_type_id,
                            weight_g=1250)
    shipped = fulfil.ship(clerk, view.order_id, carriers["POST"].carrier_id, "Tracked")
    assert shipped.state is OrderState.SHIPPED and is_valid_s10(shipped.tracking_number)
    assert shipped.dimensions_mm == (300, 200, 100) and shipped.weight_g == 1250
    # The stock left the floor for the customer; nothing is reserved any more; the ledger balances.
    assert on_hand(store, products["BREAD"], "FLOOR") == 10 - 2
    assert on_hand(store, products["BREAD"], "CUSTOMER") == 2
    with store.reader() as s:
        assert s.scalars(select(StockReservation)).all() == []
    assert stock.verify(store) == []
    delivered = fulfil.deliver_by_tracking(clerk, shipped.tracking_number.lower())
    assert delivered.state is OrderState.DELIVERED and delivered.delivered_at is not None
    assert [e.to_state for e in delivered.events if e.to_state] == [
        "created", "paid", "picked", "packed", "shipped", "delivered"]
    assert all(e.user for e in delivered.events)


def test_pick_list_sums_products_over_orders_in_bin_order(store, products, cashier, clerk, orders, fulfil):
    with store.unit_of_work() as s:
        floor = stock.location_id(s, "FLOOR")
        s.add_all([StockBin(product_id=products["SOAP"], location_id=floor, bin="A1-2"),
                   StockBin(product_id=products["BREAD"], location_id=floor, bin="A1-10")])
    first = paid_order(orders, cashier)
    second = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="BREAD"), OrderLineDraft(Decimal(1), sku="MILK-1L"))
    picks = fulfil.pick_list(clerk, [second.order_id, first.order_id])
    assert picks.title.startswith("Pick list PB-000001") and picks.orders == (first.number, second.number)
    assert [(p.bin, p.sku, p.quantity) for p in picks.lines] == [("A1-2", "SOAP", 1), ("A1-10", "BREAD", 3),
                                                                ("", "MILK-1L", 1)]
    assert picks.lines[1].orders == ((first.number, 2), (second.number, 1))
    assert orders.get(clerk, first.order_id).pick_batch == "PB-000001"


def test_packing_refuses_the_wrong_item_and_one_too_many(store, products, cashier, clerk, orders, fulfil):
    view = paid_order(orders, cashier)
    with pytest.raises(StateError, match="only picked orders are packed"):
        fulfil.pack_scan(clerk, view.order_id, BREAD)
    fulfil.confirm_picked(clerk, [view.order_id])
    with pytest.raises(PackRefused, match="Wrong item"):
        fulfil.pack_scan(clerk, view.order_id, MILK)
    fulfil.pack_scan(clerk, view.order_id, BREAD)
    progress = fulfil.pack_scan(clerk, view.order_id, "bread")  # the SKU typed works too
    with pytest.raises(PackRefused, match="Too many: the order has 2 × Sourdough bread and 2 are packed"):
        fulfil.pack_scan(clerk, view.order_id, BREAD)
    assert not progress.complete and progress.items_left == 1
    with pytest.raises(StateError, match="1 item"):
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=500)
    with pytest.raises(ValidationError, match="Weigh the parcel"):
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=0)
    fulfil.pack_scan(clerk, view.order_id, SOAP)
    assert fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=500).state is OrderState.PACKED


def test_an_unpaid_order_does_not_ship_unless_cod_or_a_manager_says(store, products, cashier, clerk, manager, orders,
                                                                   fulfil, carriers):
    unpaid = orders.create(cashier, OrderDraft(BOB, (OrderLineDraft(Decimal(1), sku="BREAD"),), ship_from="FLOOR"))
    with pytest.raises(StateError, match="not paid"):
        fulfil.pick_list(clerk, [unpaid.order_id])
    fulfil.confirm_picked(manager, [unpaid.order_id])  # a manager lets it go (audited)
    fulfil.pack_scan(clerk, unpaid.order_id, BREAD)
    fulfil.complete_packing(clerk, unpaid.order_id, parcel_type_id=None, weight_g=400)
    with pytest.raises(StateError, match="cannot be shipped"):
        fulfil.ship(clerk, unpaid.order_id, carriers["POST"].carrier_id)
    assert orders.get(clerk, unpaid.order_id).tracking_number == ""  # no number used up
    assert fulfil.ship(manager, unpaid.order_id, carriers["POST"].carrier_id).state is OrderState.SHIPPED

    cod = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="SOAP"), cash_on_delivery=True)
    fulfil.confirm_picked(clerk, [cod.order_id])
    fulfil.pack_scan(clerk, cod.order_id, SOAP)
    fulfil.complete_packing(clerk, cod.order_id, parcel_type_id=None, weight_g=300)
    shipped = fulfil.ship(clerk, cod.order_id, carriers["LOCAL"].carrier_id, tracking_number="VAN-0001")
    [label] = fulfil.label_data([shipped.order_id])
    assert label.cash_on_delivery == "€2.49" and label.tracking_number == "VAN0001"


def test_tracking_numbers_follow_the_carriers_format_and_are_never_reused(store, products, cashier, clerk, orders,
                                                                          fulfil, carriers):
    views = []
    for _ in range(3):
        view = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="SOAP"))
        fulfil.confirm_picked(clerk, [view.order_id])
        fulfil.pack_scan(clerk, view.order_id, SOAP)
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=300)
        views.append(view)
    ups = carriers["UPS"].carrier_id
    with pytest.raises(ValidationError, match="does not look like a tracking number of this carrier"):
        fulfil.ship(clerk, views[0].order_id, ups, "Standard", "1Z12345")
    with pytest.raises(ValidationError, match="no service 'Teleport'"):
        fulfil.ship(clerk, views[0].order_id, ups, "Teleport", "1Z999AA10123456784")
    first = fulfil.ship(clerk, views[0].order_id, ups, "Standard", "1z 999 aa1 012 345 6784")
    assert first.tracking_number == "1Z999AA10123456784"
    with pytest.raises(ValidationError, match="already on order SO-000001"):
        fulfil.ship(clerk, views[1].order_id, ups, "Standard", "1Z999AA10123456784")
    with pytest.raises(ValidationError, match="not a valid S10"):
        fulfil.ship(clerk, views[1].order_id, carriers["POST"].carrier_id, "", "RR123456784GB")  # wrong check digit
    assert fulfil.ship(clerk, views[1].order_id, carriers["POST"].carrier_id, "", "RR123456785GB").tracking_number \
        == "RR123456785GB"
    made = fulfil.ship(clerk, views[2].order_id, carriers["POST"].carrier_id).tracking_number
    assert is_valid_s10(made) and made.startswith("RR00000001")
    assert stock.verify(store) == []


def test_cancel_after_shipping_is_refused_and_a_return_puts_stock_back_with_a_refund(
        store, products, cashier, clerk, manager, orders, fulfil, carriers):
    view = paid_order(orders, cashier, payments=(PaymentDraft("card", 700 + 249),))
    fulfil.confirm_picked(clerk, [view.order_id])
    pack_all(fulfil, clerk, view)
    fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=900)
    fulfil.ship(clerk, view.order_id, carriers["POST"].carrier_id)
    with pytest.raises(StateError, match="cannot be cancelled; record a return"):
        orders.cancel(manager, view.order_id)
    with pytest.raises(PermissionDenied):
        fulfil.return_order(clerk, view.order_id)
    back = fulfil.return_order(manager, view.order_id, to_location="FLOOR", reason="refused by customer")
    assert back.state is OrderState.RETURNED and back.paid_total == 0
    assert on_hand(store, products["BREAD"], "FLOOR") == 10 and on_hand(store, products["BREAD"], "CUSTOMER") == 0
    assert stock.verify(store) == []


def test_delivery_statuses_from_a_carrier_file(store, products, cashier, clerk, orders, fulfil, carriers):
    numbers = []
    for _ in range(2):
        view = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="SOAP"))
        fulfil.confirm_picked(clerk, [view.order_id])
        fulfil.pack_scan(clerk, view.order_id, SOAP)
        fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=300)
        numbers.append(fulfil.ship(clerk, view.order_id, carriers["POST"].carrier_id).tracking_number)
    bad = f"tracking,status,date\n{numbers[0]},Delivered,yesterday\n,,\n{numbers[1]}\n".encode()
    with pytest.raises(ValidationError, match="2 rows .* row 2, column date: 'yesterday'.*row 4"):
        fulfil.import_delivery_statuses(clerk, bad)
    assert orders.counts()[OrderState.SHIPPED] == 2  # nothing changed
    good = f"tracking;status;date\n{numbers[0]};Delivered;2026-11-25T10:00\n{numbers[1]};In transit;\nXX1;Delivered;\n"
    result = fulfil.import_delivery_statuses(clerk, good.encode())
    assert result.delivered == ("SO-000001",) and result.unchanged == (numbers[1],) and result.unknown == ("XX1",)
    assert orders.get(clerk, orders.find(clerk, "SO-000001").order_id).delivered_at.isoformat().startswith("2026-11-25T10")


def test_reserved_stock_is_held_by_open_orders_only(store, products, cashier, clerk, manager, orders, fulfil):
    keep = paid_order(orders, cashier, OrderLineDraft(Decimal(4), sku="BREAD"))
    drop = paid_order(orders, cashier, OrderLineDraft(Decimal(3), sku="BREAD"))
    with store.reader() as s:
        assert sum(r.quantity for r in s.scalars(select(StockReservation))) == 7
    orders.cancel(manager, drop.order_id)
    with store.reader() as s:
        assert [r.quantity for r in s.scalars(select(StockReservation))] == [4]
    assert keep.state is OrderState.PAID and login(store, "clerk").can


def test_cash_on_delivery_is_collected_after_delivery(store, products, cashier, clerk, orders, fulfil, carriers):
    view = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="SOAP"), cash_on_delivery=True)
    with pytest.raises(ValidationError, match="not a way to pay"):
        orders.record_payment(cashier, view.order_id, "bitcoin", 100)
    fulfil.confirm_picked(clerk, [view.order_id])
    fulfil.pack_scan(clerk, view.order_id, SOAP)
    fulfil.complete_packing(clerk, view.order_id, parcel_type_id=None, weight_g=300)
    fulfil.ship(clerk, view.order_id, carriers["LOCAL"].carrier_id, tracking_number="VAN1")
    fulfil.deliver(clerk, view.order_id, "driver collected cash")
    with pytest.raises(StateError, match="no payment can be taken now"):
        orders.record_payment(cashier, view.order_id, "card", 249)  # only the cash the driver collected
    done = orders.record_payment(cashier, view.order_id, "cod", 249, "driver Sam")
    assert done.state is OrderState.DELIVERED and done.paid_in_full
    assert [e.action for e in done.events][-1] == "payment"


def test_the_pick_queue_holds_what_each_person_may_pick(store, products, cashier, clerk, manager, orders):
    paid = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="SOAP"))
    cod = paid_order(orders, cashier, OrderLineDraft(Decimal(1), sku="SOAP"), cash_on_delivery=True)
    orders.create(cashier, OrderDraft(BOB, (OrderLineDraft(Decimal(1), sku="SOAP"),)))  # unpaid
    assert [o.number for o in orders.queue(clerk, ready_to_pick=True)] == [paid.number, cod.number]
    assert orders.count_ready_to_pick(clerk) == 2
    assert orders.count_ready_to_pick(manager) == 3  # a manager may let the unpaid one go
