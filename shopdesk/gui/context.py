"""What the windows share: the open database, its services, this till and who is working."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication

from shopdesk.printing.receipt_text import DEFAULT_LABELS
from shopdesk.services.auth import AuthService
from shopdesk.services.carriers import CarrierService
from shopdesk.services.catalog import CatalogService
from shopdesk.services.catalog_search import CatalogSearch
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.fulfilment import FulfilmentService
from shopdesk.services.orders import OrderService
from shopdesk.services.receipts import ReceiptService
from shopdesk.services.staff_session import StaffSession
from shopdesk.services.store_settings import StoreInfo, TillInfo, store_info, till_by_code
from shopdesk.store.database import Database


def receipt_labels() -> dict[str, str]:
    """The receipt's words in the language of the running app."""
    return {key: QCoreApplication.translate("receipt", text) for key, text in DEFAULT_LABELS.items()}


@dataclass
class AppContext:
    db: Database
    till_code: str | None = None
    auth: AuthService = field(init=False)
    catalog: CatalogService = field(init=False)
    checkout: CheckoutService = field(init=False)
    search: CatalogSearch = field(init=False)
    receipts: ReceiptService = field(init=False)
    orders: OrderService = field(init=False)
    fulfilment: FulfilmentService = field(init=False)
    carriers: CarrierService = field(init=False)
    staff: StaffSession | None = None
    _store: StoreInfo | None = field(default=None, init=False)
    _till: TillInfo | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.auth = AuthService(self.db)
        self.catalog = CatalogService(self.db)
        self.checkout = CheckoutService(self.db)
        self.search = CatalogSearch(self.db)
        self.receipts = ReceiptService(self.db, labels=receipt_labels())
        self.orders = OrderService(self.db)
        self.fulfilment = FulfilmentService(self.db)
        self.carriers = CarrierService(self.db)

    @property
    def store(self) -> StoreInfo:
        if self._store is None:
            self._store = store_info(self.db)
        return self._store

    @property
    def till(self) -> TillInfo:
        if self._till is None:
            self._till = till_by_code(self.db, self.till_code)
        return self._till

    def reload_store(self) -> None:
        self._store = None

    def require_staff(self) -> StaffSession:
        if self.staff is None:
            raise RuntimeError("nobody is logged in")
        return self.staff
