"""Recommendations from the store's own history: training, suggestions for a cart, the
catalog's "bought together" and "similar items", and what the panel showed and sold.

The maths is :mod:`shopdesk.domain.recommend` (arrays in, arrays out). This service reads
the history for it (completed sales and orders that were not cancelled, oldest first; each
one basket, with its customer when known; published review ratings), trains off the GUI
thread when asked, keeps the model in a file beside the database
(``<database>.recommender.npz`` plus its item list) so a restart or the command line
reuses it, and turns the engine's answers into products with a reason a cashier can say.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from shopdesk.domain.errors import StateError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.domain.recommend.data import ItemInfo, TrainingData
from shopdesk.domain.recommend.engine import Recommender, Suggestion
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.types import new_id, time_to_db, utcnow

MAX_CATALOG_ITEMS = 200_000  # active products never sold join the model (content similarity) up to this


@dataclass(frozen=True)
class SuggestionView:
    product_id: str
    name: str
    sku: str
    price: int
    reason: str  # one line a cashier can say out loud
    reason_kind: str
    score: float


@dataclass(frozen=True)
class TrainSummary:
    baskets: int
    lines: int
    items: int
    customers: int
    ratings: int
    seconds: float
    path: Path


@dataclass(frozen=True)
class AttachDay:
    day: date
    sales: int
    with_suggestion: int

    @property
    def rate(self) -> float:
        return self.with_suggestion / self.sales if self.sales else 0.0


class RecommendationService:
    def __init__(self, db: Database, model_path: Path | None = None) -> None:
        self.db = db
        self.path = model_path or Path(f"{db.path}.recommender.npz")
        self._model: Recommender | None = None
        self._loaded_mtime = 0.0
        self._keys: list[str] = []
        self._index: dict[str, int] = {}
        self._names: list[str] = []
        self._customers: dict[str, int] = {}

    # -- training -------------------------------------------------------------------------------
    def train(self, actor: StaffSession, progress: Callable[[str], None] | None = None) -> TrainSummary:
        """Read the history and train; the model file is replaced only when training succeeded."""
        actor.require(Permission.MANAGE_CATALOG)
        started = time.perf_counter()
        with self.db.raw_reader() as conn:
            data, keys, lines, customers = training_data(conn)
        if progress:
            progress(f"{len(data.baskets)} baskets, {len(keys)} items")
        model = Recommender.train(data)
        tmp = self.path.with_name(self.path.name + ".tmp.npz")
        model.save(tmp)
        items_tmp = _items_file(self.path).with_suffix(".tmp")
        items_tmp.write_text(json.dumps({"keys": keys, "names": [i.name for i in data.items],
                                         "customers": customers}), encoding="utf-8")
        os.replace(tmp, self.path)
        os.replace(items_tmp, _items_file(self.path))
        self._model = None
        return TrainSummary(len(data.baskets), lines, len(keys), data.n_customers, len(data.ratings),
                            time.perf_counter() - started, self.path)

    def is_trained(self) -> bool:
        return self.path.exists() and _items_file(self.path).exists()

    def model(self) -> Recommender:
        """The trained model, loaded once and again when the file changed (trained elsewhere)."""
        if not self.is_trained():
            raise StateError(QT_TRANSLATE_NOOP(
                "errors", "The recommender has not been trained yet; run “Train recommendations” "
                          "(or shopdesk recommend train)."))
        mtime = self.path.stat().st_mtime
        if self._model is None or mtime != self._loaded_mtime:
            items = json.loads(_items_file(self.path).read_text(encoding="utf-8"))
            self._model = Recommender.load(self.path)
            self._keys, self._names = items["keys"], items["names"]
            self._index = {key: i for i, key in enumerate(self._keys)}
            self._customers = {key: i for i, key in enumerate(items.get("customers", []))}
            self._loaded_mtime = mtime
        return self._model

    # -- asking ---------------------------------------------------------------------------------
    def for_cart(self, product_ids: Sequence[str], *, customer_id: str | None = None, k: int = 6,
                 exclude: Sequence[str] = ()) -> list[SuggestionView]:
        """Suggestions for a cart (and its customer): never what is in it, inactive or out of stock."""
        model = self.model()
        cart = [self._index[p] for p in product_ids if p in self._index]
        customer = self._customer_index(customer_id)
        skip = [self._index[p] for p in exclude if p in self._index]
        found = model.recommend(cart, k=k * 3, customer=customer, exclude=skip)
        return self._views(found, set(product_ids) | set(exclude), k)

    def bought_together(self, product_id: str, k: int = 6) -> list[SuggestionView]:
        model = self.model()
        if product_id not in self._index:
            return []
        return self._views(model.bought_together(self._index[product_id], k=k * 3), {product_id}, k)

    def similar_items(self, product_id: str, k: int = 6) -> list[SuggestionView]:
        model = self.model()
        if product_id not in self._index:
            return []
        return self._views(model.similar_items(self._index[product_id], k=k * 3), {product_id}, k)

    def query_names(self, items: Sequence[str], k: int = 10,
                    customer_id: str | None = None) -> tuple[list[SuggestionView], list[str]]:
        """For the command line: items by name or SKU (unknown ones are returned apart)."""
        with self.db.raw_reader() as conn:
            ids, unknown = [], []
            for text in items:
                found = _product_by_name_or_sku(conn, text)
                (ids if found else unknown).append(found or text)
        return self.for_cart(ids, customer_id=customer_id, k=k), unknown

    # -- what the panel did ---------------------------------------------------------------------
    def record(self, actor: StaffSession | None, till_id: str | None, kind: str,
               shown: Sequence[SuggestionView], first_position: int = 1) -> None:
        """Impressions (what the panel showed) or an accepted suggestion, for the attach report;
        ``first_position`` is the panel place of the first one (1 = top)."""
        if kind not in ("impression", "accepted") or not shown:
            return
        now = time_to_db(utcnow())
        with self.db.raw_transaction(durable=False) as conn:
            conn.executemany(
                "INSERT INTO recommendation_events (id, at, kind, product_id, till_id, user_id, reason, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(new_id(), now, kind, s.product_id, till_id, actor.user_id if actor else None, s.reason_kind,
                  position) for position, s in enumerate(shown, start=first_position)])

    def attach_rate(self, actor: StaffSession, since: date, until: date) -> list[AttachDay]:
        """Per day: sales, and sales with a line added from the panel (sale lines marked suggested)."""
        actor.require(Permission.VIEW_REPORTS)
        start = datetime.combine(since, datetime.min.time()).astimezone()
        end = datetime.combine(until + timedelta(days=1), datetime.min.time()).astimezone()
        with self.db.raw_reader() as conn:
            rows = conn.execute(
                "SELECT date(s.completed_at, 'localtime'),"
                "       COUNT(*),"
                "       SUM(EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = s.id AND l.suggested))"
                "  FROM sales s WHERE s.kind = 'sale' AND s.completed_at >= ? AND s.completed_at < ?"
                " GROUP BY 1 ORDER BY 1", (time_to_db(start), time_to_db(end))).fetchall()
        return [AttachDay(date.fromisoformat(day), n, int(with_suggestion or 0)) for day, n, with_suggestion in rows]

    # -- internals -----------------------------------------------------------------------------
    def _customer_index(self, customer_id: str | None) -> int | None:
        return self._customers.get(customer_id) if customer_id else None

    def _views(self, found: list[Suggestion], leave_out: set[str], k: int) -> list[SuggestionView]:
        candidates = [(s, self._keys[s.item]) for s in found if self._keys[s.item] not in leave_out]
        if not candidates:
            return []
        with self.db.raw_reader() as conn:
            ids = [key for _s, key in candidates]
            marks = ",".join("?" * len(ids))
            info = {row[0]: row[1:] for row in conn.execute(
                f"SELECT p.id, p.name, p.sku, p.price, p.active,"
                f"  (SELECT SUM(b.quantity) FROM stock_balances b JOIN locations l ON l.id = b.location_id"
                f"    WHERE b.product_id = p.id AND l.kind = 'internal')"
                f"  - (SELECT COALESCE(SUM(r.quantity), 0) FROM stock_reservations r WHERE r.product_id = p.id)"
                f" FROM products p WHERE p.id IN ({marks})", ids)}
        views = []
        for suggestion, key in candidates:
            row = info.get(key)
            # Gone, inactive, or none to sell; a product whose stock was never booked (history
            # imported from a basket file) is not taken for out of stock.
            if row is None or not row[3] or (row[4] is not None and row[4] <= 0):
                continue
            views.append(SuggestionView(key, row[0], row[1], row[2], self._reason(suggestion),
                                        suggestion.reason.kind, float(suggestion.score)))
            if len(views) == k:
                break
        return views

    def _reason(self, s: Suggestion) -> str:
        r = s.reason
        other = self._names[r.item] if r.item is not None and 0 <= r.item < len(self._names) else ""
        if r.kind == "bought_with" and other:
            return f"bought with {other} by {r.count} customer{'s' if r.count != 1 else ''}"
        if r.kind == "similar" and other:
            return f"similar to {other}"
        if r.kind == "customers_like":
            return f"customers like this one bought it ({r.count})" if r.count else "customers like this one bought it"
        if r.kind == "bought_before":
            return f"bought it before ({r.count} time{'s' if r.count != 1 else ''})" if r.count else "bought it before"
        if r.kind == "rated":
            return f"{r.rating:.1f}★ from {r.reviews} review{'s' if r.reviews != 1 else ''}"
        return f"popular: bought by {r.count} customers" if r.count else "popular"

    def events_by_day(self, actor: StaffSession, since: date, until: date) -> dict[date, tuple[int, int]]:
        """Per day (as :meth:`attach_rate` counts them): (suggestions shown, suggestions accepted)."""
        actor.require(Permission.VIEW_REPORTS)
        start = datetime.combine(since, datetime.min.time()).astimezone()
        end = datetime.combine(until + timedelta(days=1), datetime.min.time()).astimezone()
        with self.db.raw_reader() as conn:
            rows = conn.execute(
                "SELECT date(at, 'localtime'), SUM(kind = 'impression'), SUM(kind = 'accepted')"
                "  FROM recommendation_events WHERE at >= ? AND at < ? GROUP BY 1 ORDER BY 1",
                (time_to_db(start), time_to_db(end))).fetchall()
        return {date.fromisoformat(day): (int(shown or 0), int(taken or 0)) for day, shown, taken in rows}


def training_data(conn: sqlite3.Connection) -> tuple[TrainingData, list[str], int, list[str]]:
    """The store's history as the engine wants it: (data, product id per item index, lines,
    customer id per customer index)."""
    baskets_by_doc: list[tuple[str, str | None, list[str]]] = []
    current: tuple | None = None
    lines = 0
    for doc, _when, customer, product in conn.execute(
            "SELECT s.id, s.completed_at, s.customer_id, l.product_id FROM sales s JOIN sale_lines l"
            " ON l.sale_id = s.id WHERE s.kind = 'sale' AND l.quantity > 0"
            " UNION ALL "
            "SELECT o.id, o.created_at, o.customer_id, ol.product_id FROM orders o JOIN order_lines ol"
            " ON ol.order_id = o.id WHERE o.state NOT IN ('cancelled')"
            " ORDER BY 2, 1"):
        lines += 1
        if current is None or current[0] != doc:
            current = (doc, customer, [])
            baskets_by_doc.append(current)
        current[2].append(product)
    keys: dict[str, int] = {}
    customers: dict[str, int] = {}
    baskets, basket_customers = [], []
    for _doc, customer, products in baskets_by_doc:
        items = list(dict.fromkeys(keys.setdefault(p, len(keys)) for p in products))
        baskets.append(items)
        basket_customers.append(customers.setdefault(customer, len(customers)) if customer else -1)
    (active,) = conn.execute("SELECT COUNT(*) FROM products WHERE active").fetchone()
    if active <= MAX_CATALOG_ITEMS:  # products never sold still get "similar items"
        for (pid,) in conn.execute("SELECT id FROM products WHERE active ORDER BY seq"):
            keys.setdefault(pid, len(keys))
    items = _item_infos(conn, list(keys))
    ratings = [(customers.get(customer, -1) if customer else -1, keys[pid], float(stars))
               for pid, customer, stars in conn.execute(
                   "SELECT product_id, customer_id, rating FROM reviews WHERE status = 'published'")
               if pid in keys]
    data = TrainingData(items=items, baskets=baskets, basket_customers=basket_customers, ratings=ratings,
                        n_customers=len(customers))
    return data, list(keys), lines, list(customers)


def basket_file_data(baskets: list[list[str]]) -> TrainingData:
    """A basket file's history as training data (for ``recommend evaluate``): items are the
    distinct names (letter case ignored), in order of first appearance; no customers."""
    keys: dict[str, int] = {}
    names: list[str] = []
    rows = []
    for basket in baskets:
        items = []
        for name in basket:
            key = name.casefold()
            if key not in keys:
                keys[key] = len(names)
                names.append(name)
            items.append(keys[key])
        rows.append(list(dict.fromkeys(items)))
    infos = [ItemInfo(name, name) for name in names]
    return TrainingData(items=infos, baskets=rows, basket_customers=[-1] * len(rows))


def _item_infos(conn: sqlite3.Connection, keys: list[str]) -> list[ItemInfo]:
    info: dict[str, ItemInfo] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for pid, name, brand, category, attributes, active in conn.execute(
                f"SELECT p.id, p.name, p.brand, COALESCE(c.name, ''), p.attributes, p.active FROM products p"
                f" LEFT JOIN categories c ON c.id = p.category_id WHERE p.id IN ({marks})", chunk):
            info[pid] = ItemInfo(pid, name, category, brand, _attribute_words(attributes), bool(active))
    return [info.get(k, ItemInfo(k, "", active=False)) for k in keys]


def _attribute_words(attributes: str) -> str:
    try:
        values = json.loads(attributes or "{}")
    except ValueError:
        return ""
    return " ".join(f"{k} {v}" for k, v in values.items()) if isinstance(values, dict) else ""


def _items_file(model_path: Path) -> Path:
    return model_path.with_name(model_path.name.removesuffix(".npz") + ".items.json")


def _product_by_name_or_sku(conn: sqlite3.Connection, text: str) -> str | None:
    raw = (text or "").strip()
    row = conn.execute("SELECT id FROM products WHERE sku IN (?, ?) LIMIT 1", (raw, raw.upper())).fetchone() \
        or conn.execute("SELECT id FROM products WHERE name = ? ORDER BY seq LIMIT 1", (raw,)).fetchone()
    return row[0] if row else None


