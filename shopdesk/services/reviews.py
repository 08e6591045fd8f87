"""Product reviews: entering them (at the counter, from an order, from a web shop's file),
moderating them, and what they add up to.

Rules
=====

- Staff who sell or take orders (``SELL`` or ``TAKE_ORDERS``) enter reviews a customer
  gives them; every review starts ``pending``.
- A review that names the sale line or order line it reviews is a *verified purchase*.
  The line must be of the reviewed product; an order line must be of an order that was
  shipped or delivered (not one still in the stockroom, cancelled or returned); a sale
  line must be a sale, not a return. Each line is reviewed at most once ("already
  reviewed"), which the database also enforces (unique columns).
- When every line of a delivered order has a review, the order moves to ``reviewed`` in
  the same transaction as the last review.
- Managers (``MANAGE_CATALOG``) moderate: the pending queue (oldest first), publish,
  reject (a reason is required), reply (shown under the review) and edit the rating,
  title or text. Each of these is written to the audit log with the old and new values.
- Only published reviews count in summaries (count, average, star histogram and the
  Bayesian average of :mod:`shopdesk.domain.ratings`). Staff without ``MANAGE_CATALOG``
  see published reviews only.

Each public call is one unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shopdesk.domain.errors import NotFound, PermissionDenied, StateError, ValidationError
from shopdesk.domain.gtin import barcode_lookup_key
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.order_flow import OrderAction, OrderState
from shopdesk.domain.permissions import Permission
from shopdesk.domain.ratings import (
    CONFIDENCE,
    STARS,
    RatingSummary,
    check_rating,
    prior_mean,
    summary_from_counts,
)
from shopdesk.services import audit
from shopdesk.services.orders import change_state
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.counter_models import Customer
from shopdesk.store.database import Database
from shopdesk.store.models import Barcode, Product, Sale, SaleLine, User
from shopdesk.store.order_models import Order, OrderLine
from shopdesk.store.review_models import Review
from shopdesk.store.types import utcnow

STATUSES = ("pending", "published", "rejected")
REVIEWABLE_ORDER_STATES = frozenset({OrderState.SHIPPED, OrderState.DELIVERED, OrderState.REVIEWED})
MAX_TITLE = 200
MAX_BODY = 10_000
MAX_NAME = 200
MAX_REPLY = 5_000
MAX_PAGE = 500
MIN_COUNT_FOR_LOWEST = 3  # a product needs this many published reviews to be on the "lowest rated" list


# -- what callers hand in ----------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewDraft:
    """A review to enter. The product by id, SKU or barcode; with an order or sale line the
    product may be left out (it is the line's)."""

    rating: int
    product_id: str | None = None
    sku: str = ""
    barcode: str = ""
    title: str = ""
    body: str = ""
    customer_id: str | None = None
    reviewer_name: str = ""
    sale_line_id: str | None = None
    order_line_id: str | None = None
    source: str = ""  # "counter", "order" (the default when an order line is named), or a web shop
    external_id: str | None = None  # the web shop's id of the review (unique per source)
    created_at: datetime | None = None  # when the customer wrote it (imports); now when None


@dataclass(frozen=True)
class ReviewFilter:
    product_id: str | None = None
    product_ids: tuple[str, ...] | None = None  # any of these (a product search's hits)
    status: str | None = None  # None: every status the viewer may see
    rating: int | None = None
    since: datetime | None = None  # written at or after
    until: datetime | None = None  # written before
    customer_id: str | None = None


# -- what callers get back -------------------------------------------------------------------
@dataclass(frozen=True)
class ReviewView:
    review_id: str
    product_id: str
    sku: str
    product_name: str
    rating: int
    title: str
    body: str
    status: str
    reviewer_name: str
    customer_id: str | None
    source: str
    external_id: str | None
    sale_line_id: str | None
    order_line_id: str | None
    order_number: str  # "" unless from an order line
    created_at: datetime
    entered_by: str  # display names; "" when unknown
    reject_reason: str = ""
    reply: str = ""
    replied_by: str = ""
    replied_at: datetime | None = None
    moderated_by: str = ""
    moderated_at: datetime | None = None

    @property
    def verified(self) -> bool:
        """A verified purchase: the review names the line that sold the product."""
        return bool(self.sale_line_id or self.order_line_id)

    @property
    def page_key(self) -> tuple[datetime, str]:
        return (self.created_at, self.review_id)


@dataclass(frozen=True)
class ProductRating:
    product_id: str
    sku: str
    name: str
    summary: RatingSummary


@dataclass(frozen=True)
class AddResult:
    review: ReviewView
    order_reviewed: bool = False  # the review completed its order, which is now "reviewed"


@dataclass(frozen=True)
class ReviewableLine:
    """An order line a customer may review, and whether it already is."""

    line_id: str
    product_id: str
    sku: str
    name: str
    reviewed: bool


@dataclass(frozen=True)
class Page:
    reviews: tuple[ReviewView, ...]
    next_key: tuple[datetime, str] | None = None  # pass as ``after`` for the next page
    extra: dict = field(default_factory=dict)


# -- the service -------------------------------------------------------------------------------
class ReviewService:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- entering ------------------------------------------------------------------------
    def add(self, actor: StaffSession, draft: ReviewDraft) -> AddResult:
        """Enter a review (pending). See the module's rules for verified purchases."""
        require_entering(actor)
        with self.db.unit_of_work() as s:
            review, reviewed = add_review(s, actor, draft)
            return AddResult(review_view(s, review), reviewed)

    def order_lines(self, actor: StaffSession, order_id: str) -> list[ReviewableLine]:
        """The lines of an order, for the review dialog: which are reviewed already."""
        require_entering(actor)
        with self.db.reader() as s:
            if s.get(Order, order_id) is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The order no longer exists."))
            reviewed = set(s.scalars(select(Review.order_line_id).join(OrderLine, OrderLine.id == Review.order_line_id)
                                     .where(OrderLine.order_id == order_id)))
            return [ReviewableLine(line.id, line.product_id, line.sku, line.name, line.id in reviewed)
                    for line in s.scalars(select(OrderLine).where(OrderLine.order_id == order_id)
                                          .order_by(OrderLine.position))]

    # -- reading ---------------------------------------------------------------------------
    def get(self, actor: StaffSession, review_id: str) -> ReviewView:
        with self.db.reader() as s:
            review = _review(s, review_id)
            if review.status != "published" and not actor.can(Permission.MANAGE_CATALOG):
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The review no longer exists."))
            return review_view(s, review)

    def pending(self, actor: StaffSession, *, after: tuple[datetime, str] | None = None,
                limit: int = 50) -> Page:
        """The moderation queue: pending reviews, oldest first; ``after`` pages on."""
        actor.require(Permission.MANAGE_CATALOG)
        limit = _limit(limit)
        with self.db.reader() as s:
            query = select(Review).where(Review.status == "pending")
            if after is not None:
                query = query.where(or_(Review.created_at > after[0],
                                        and_(Review.created_at == after[0], Review.id > after[1])))
            rows = list(s.scalars(query.order_by(Review.created_at, Review.id).limit(limit + 1)))
            return _page(s, rows, limit)

    def reviews(self, actor: StaffSession, flt: ReviewFilter = ReviewFilter(), *,  # noqa: B008
                after: tuple[datetime, str] | None = None, limit: int = 100) -> Page:
        """Reviews matching the filter, newest first; ``after`` pages on (the last one's
        :attr:`ReviewView.page_key`). Without ``MANAGE_CATALOG`` only published ones."""
        limit = _limit(limit)
        status = flt.status
        if status is not None and status not in STATUSES:
            raise ValidationError("status", QT_TRANSLATE_NOOP(
                "errors", "'{status}' is not a review status; use one of: {statuses}."),
                status=status, statuses=", ".join(STATUSES))
        if not actor.can(Permission.MANAGE_CATALOG):
            if status not in (None, "published"):
                actor.require(Permission.MANAGE_CATALOG)
            status = "published"
        with self.db.reader() as s:
            query = select(Review)
            if flt.product_id:
                query = query.where(Review.product_id == flt.product_id)
            if flt.product_ids is not None:
                query = query.where(Review.product_id.in_(list(flt.product_ids)[:MAX_PAGE]))
            if status:
                query = query.where(Review.status == status)
            if flt.rating is not None:
                query = query.where(Review.rating == check_rating(flt.rating))
            if flt.customer_id:
                query = query.where(Review.customer_id == flt.customer_id)
            if flt.since is not None:
                query = query.where(Review.created_at >= flt.since)
            if flt.until is not None:
                query = query.where(Review.created_at < flt.until)
            if after is not None:
                query = query.where(or_(Review.created_at < after[0],
                                        and_(Review.created_at == after[0], Review.id < after[1])))
            rows = list(s.scalars(query.order_by(Review.created_at.desc(), Review.id.desc()).limit(limit + 1)))
            return _page(s, rows, limit)

    def for_product(self, actor: StaffSession, product_id: str, *, status: str | None = "published",
                    rating: int | None = None, since: datetime | None = None, until: datetime | None = None,
                    after: tuple[datetime, str] | None = None, limit: int = 50) -> Page:
        """One product's reviews (published by default), newest first, filtered and paged."""
        return self.reviews(actor, ReviewFilter(product_id=product_id, status=status, rating=rating, since=since,
                                                until=until), after=after, limit=limit)

    # -- moderating -----------------------------------------------------------------------
    def publish(self, actor: StaffSession, review_id: str) -> ReviewView:
        return self._moderate(actor, review_id, "published", "")

    def reject(self, actor: StaffSession, review_id: str, reason: str) -> ReviewView:
        text = (reason or "").strip()
        if not text:
            raise ValidationError("reason", QT_TRANSLATE_NOOP(
                "errors", "Say why the review is rejected (the reason is kept with it)."))
        return self._moderate(actor, review_id, "rejected", text[:2000])

    def reply(self, actor: StaffSession, review_id: str, text: str) -> ReviewView:
        """The shop's answer, shown under the review; an empty text takes the reply away."""
        actor.require(Permission.MANAGE_CATALOG)
        reply = (text or "").strip()
        if len(reply) > MAX_REPLY:
            raise ValidationError("reply", QT_TRANSLATE_NOOP(
                "errors", "A reply can have at most {max} characters."), max=MAX_REPLY)
        with self.db.unit_of_work() as s:
            review = _review(s, review_id)
            old = review.reply
            review.reply = reply
            review.replied_by = actor.user_id if reply else None
            review.replied_at = utcnow() if reply else None
            audit.record(s, actor, "review.replied", entity_type="review", entity_id=review.id,
                         old=old, new=reply)
            s.flush()
            return review_view(s, review)

    def edit(self, actor: StaffSession, review_id: str, *, rating: int | None = None, title: str | None = None,
             body: str | None = None) -> ReviewView:
        """Correct a review (a typo, a rating entered wrongly); what is None stays."""
        actor.require(Permission.MANAGE_CATALOG)
        with self.db.unit_of_work() as s:
            review = _review(s, review_id)
            new = {}
            if rating is not None:
                new["rating"] = check_rating(rating)
            if title is not None:
                new["title"] = _text(title, "title", MAX_TITLE)
            if body is not None:
                new["body"] = _text(body, "body", MAX_BODY)
            changed = {k: v for k, v in new.items() if getattr(review, k) != v}
            if not changed:
                return review_view(s, review)
            old = {k: getattr(review, k) for k in changed}
            for k, v in changed.items():
                setattr(review, k, v)
            audit.record(s, actor, "review.edited", entity_type="review", entity_id=review.id, old=old, new=changed)
            s.flush()
            return review_view(s, review)

    def _moderate(self, actor: StaffSession, review_id: str, status: str, reason: str) -> ReviewView:
        actor.require(Permission.MANAGE_CATALOG)
        with self.db.unit_of_work() as s:
            review = _review(s, review_id)
            if review.status == status and status == "published":
                raise StateError(QT_TRANSLATE_NOOP("errors", "The review is already published."))
            old = {"status": review.status, "reject_reason": review.reject_reason}
            review.status = status
            review.reject_reason = reason
            review.moderated_by = actor.user_id
            review.moderated_at = utcnow()
            audit.record(s, actor, f"review.{status}", entity_type="review", entity_id=review.id, old=old,
                         new={"status": status, "reject_reason": reason})
            s.flush()
            return review_view(s, review)

    # -- summaries -------------------------------------------------------------------------
    def store_mean(self) -> float:
        """``m``: the mean of every published review in the store (3 when there is none)."""
        with self.db.reader() as s:
            return _store_mean(s)

    def summary(self, product_id: str) -> RatingSummary:
        """Count, average, histogram and Bayesian average of a product's published reviews."""
        return self.summaries([product_id])[product_id]

    def summaries(self, product_ids: list[str]) -> dict[str, RatingSummary]:
        """:meth:`summary` for several products in one read (the index on (product, status))."""
        with self.db.reader() as s:
            m = _store_mean(s)
            found: dict[str, dict[int, int]] = {pid: {} for pid in product_ids}
            unique = sorted(set(product_ids))
            for start in range(0, len(unique), 500):
                chunk = unique[start:start + 500]
                for pid, rating, n in s.execute(
                        select(Review.product_id, Review.rating, func.count())
                        .where(Review.product_id.in_(chunk), Review.status == "published")
                        .group_by(Review.product_id, Review.rating)):
                    found[pid][rating] = n
            return {pid: summary_from_counts(counts, m) for pid, counts in found.items()}

    def lowest_rated(self, limit: int = 10, *, min_count: int = MIN_COUNT_FOR_LOWEST) -> list[ProductRating]:
        """Products with at least ``min_count`` published reviews, lowest Bayesian average first."""
        limit = _limit(limit)
        with self.db.reader() as s:
            m = _store_mean(s)
            count, total = func.count(Review.id), func.sum(Review.rating)
            bayes = (CONFIDENCE * m + total) / (CONFIDENCE + count)
            stars = [func.sum(case((Review.rating == star, 1), else_=0)) for star in STARS]
            query = (select(Review.product_id, *stars, bayes.label("bayes"))
                     .where(Review.status == "published").group_by(Review.product_id)
                     .having(count >= max(1, min_count)).order_by(bayes, Review.product_id).limit(limit))
            rows = s.execute(query).all()
            products = {p.id: p for p in s.scalars(select(Product).where(Product.id.in_([r[0] for r in rows])))}
            return [ProductRating(pid, products[pid].sku, products[pid].name,
                                  summary_from_counts(tuple(hist), m))
                    for pid, *hist, _b in rows if pid in products]


# -- unit-of-work functions the import shares ---------------------------------------------------
def require_entering(actor: StaffSession) -> None:
    if not (actor.can(Permission.SELL) or actor.can(Permission.TAKE_ORDERS)):
        raise PermissionDenied(QT_TRANSLATE_NOOP(
            "errors", "{name} ({role}) may not enter reviews; staff who sell or take orders may."),
            name=actor.display_name, role=actor.role.value)


def add_review(s: Session, actor: StaffSession | None, draft: ReviewDraft) -> tuple[Review, bool]:
    """Check and write one review; move its order to "reviewed" when it completed a
    delivered order. Returns the review and whether the order moved."""
    rating = check_rating(draft.rating)
    title = _text(draft.title, "title", MAX_TITLE)
    body = _text(draft.body, "body", MAX_BODY)
    name = " ".join((draft.reviewer_name or "").split())
    if len(name) > MAX_NAME:
        raise ValidationError("reviewer_name", QT_TRANSLATE_NOOP(
            "errors", "The reviewer's name can have at most {max} characters."), max=MAX_NAME)
    if draft.sale_line_id and draft.order_line_id:
        raise ValidationError("line", QT_TRANSLATE_NOOP(
            "errors", "A review is of one purchase: name a sale line or an order line, not both."))
    product = _product(s, draft)
    customer_id = draft.customer_id or None
    order: Order | None = None
    source = (draft.source or "").strip()[:40]
    if draft.order_line_id:
        line = s.get(OrderLine, draft.order_line_id)
        if line is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "The order line no longer exists."))
        order = s.get(Order, line.order_id)
        product = _same_product(s, product, line.product_id, line.sku)
        if OrderState(order.state) not in REVIEWABLE_ORDER_STATES:
            raise StateError(QT_TRANSLATE_NOOP(
                "errors", "Order {number} is {state}; only orders that were shipped or delivered can be reviewed."),
                number=order.number, state=order.state)
        _refuse_reviewed(s, Review.order_line_id == line.id, QT_TRANSLATE_NOOP(
            "errors", "{sku} of order {number} is already reviewed; a purchase is reviewed once."),
            sku=line.sku, number=order.number)
        customer_id = customer_id or order.customer_id
        name = name or order.ship_name
        source = source or "order"
    elif draft.sale_line_id:
        line = s.get(SaleLine, draft.sale_line_id)
        if line is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "The sale line no longer exists."))
        sale = s.get(Sale, line.sale_id)
        product = _same_product(s, product, line.product_id, line.description)
        if sale.kind != "sale" or line.quantity <= 0:
            raise ValidationError("sale_line_id", QT_TRANSLATE_NOOP(
                "errors", "Receipt {receipt} line {line} is not a sale (a return); review the sale instead."),
                receipt=sale.receipt_number, line=line.line_no)
        _refuse_reviewed(s, Review.sale_line_id == line.id, QT_TRANSLATE_NOOP(
            "errors", "{name} on receipt {receipt} is already reviewed; a purchase is reviewed once."),
            name=line.description, receipt=sale.receipt_number)
        customer_id = customer_id or sale.customer_id
    if product is None:
        raise ValidationError("product", QT_TRANSLATE_NOOP("errors", "Choose the product the review is about."))
    if customer_id is not None:
        customer = s.get(Customer, customer_id)
        if customer is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "That customer no longer exists."))
        name = name or customer.name
    external_id = (draft.external_id or "").strip() or None
    source = source or "counter"
    if external_id is not None and s.scalar(select(Review.id).where(
            Review.source == source, Review.external_id == external_id)) is not None:
        raise StateError(QT_TRANSLATE_NOOP("errors", "Review {external_id} from {source} is already here."),
                         external_id=external_id, source=source)
    now = utcnow()
    review = Review(product_id=product.id, customer_id=customer_id, reviewer_name=name,
                    sale_line_id=draft.sale_line_id or None, order_line_id=draft.order_line_id or None,
                    source=source, external_id=external_id, rating=rating, title=title, body=body,
                    status="pending", entered_by=actor.user_id if actor else None,
                    created_at=draft.created_at or now, updated_at=now)
    s.add(review)
    try:
        s.flush()
    except IntegrityError as err:  # another till reviewed the same line a moment ago
        raise StateError(QT_TRANSLATE_NOOP("errors", "That purchase is already reviewed.")) from err
    audit.record(s, actor, "review.added", entity_type="review", entity_id=review.id, product=product.sku,
                 rating=rating, source=source, verified=bool(review.sale_line_id or review.order_line_id))
    moved = False
    if order is not None and order.state == OrderState.DELIVERED.value and _all_lines_reviewed(s, order.id):
        change_state(s, actor, order, OrderAction.REVIEW, note="every line reviewed")
        moved = True
    return review, moved


def _all_lines_reviewed(s: Session, order_id: str) -> bool:
    unreviewed = s.scalar(
        select(func.count(OrderLine.id)).where(
            OrderLine.order_id == order_id,
            ~select(Review.id).where(Review.order_line_id == OrderLine.id).exists()))
    return unreviewed == 0


def _refuse_reviewed(s: Session, condition, template: str, **params) -> None:
    if s.scalar(select(Review.id).where(condition)) is not None:
        raise StateError(template, **params)


def _product(s: Session, draft: ReviewDraft) -> Product | None:
    if draft.product_id:
        product = s.get(Product, draft.product_id)
        if product is None:
            raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
        return product
    if draft.sku and draft.sku.strip():
        product = s.scalar(select(Product).where(Product.sku == draft.sku.strip()))
        if product is None:
            raise ValidationError("sku", QT_TRANSLATE_NOOP("errors", "No product has the SKU '{sku}'."),
                                  sku=draft.sku.strip())
        return product
    if draft.barcode and draft.barcode.strip():
        key = barcode_lookup_key(draft.barcode)
        product = s.scalar(select(Product).join(Barcode).where(Barcode.lookup_key == key))
        if product is None:
            raise ValidationError("barcode", QT_TRANSLATE_NOOP("errors", "No product has the barcode {code}."),
                                  code=draft.barcode.strip())
        return product
    return None


def _same_product(s: Session, product: Product | None, line_product_id: str, what: str) -> Product:
    if product is not None and product.id != line_product_id:
        raise ValidationError("product", QT_TRANSLATE_NOOP(
            "errors", "The purchase named is of {line}, not of {product}; review the product that was bought."),
            line=what, product=product.name)
    return product or s.get(Product, line_product_id)


def _text(value: str | None, name: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError(name, QT_TRANSLATE_NOOP(
            "errors", "The {field} can have at most {max} characters."), field=name, max=limit)
    return text


def _store_mean(s: Session) -> float:
    count, total = s.execute(select(func.count(Review.id), func.sum(Review.rating))
                             .where(Review.status == "published")).one()
    return prior_mean(count or 0, total or 0)


def _review(s: Session, review_id: str) -> Review:
    review = s.get(Review, review_id)
    if review is None:
        raise NotFound(QT_TRANSLATE_NOOP("errors", "The review no longer exists."))
    return review


def _limit(limit: int) -> int:
    return min(max(int(limit), 1), MAX_PAGE)


def _page(s: Session, rows: list[Review], limit: int) -> Page:
    more = len(rows) > limit
    rows = rows[:limit]
    views = tuple(review_views(s, rows))
    return Page(views, views[-1].page_key if more and views else None)


def review_view(s: Session, review: Review) -> ReviewView:
    return review_views(s, [review])[0]


def review_views(s: Session, reviews: list[Review]) -> list[ReviewView]:
    """Views of reviews with the names they show, in a few reads for the whole page."""
    if not reviews:
        return []
    product_ids = {r.product_id for r in reviews}
    products = {pid: (sku, name) for pid, sku, name in s.execute(
        select(Product.id, Product.sku, Product.name).where(Product.id.in_(product_ids)))}
    user_ids = {u for r in reviews for u in (r.entered_by, r.replied_by, r.moderated_by) if u}
    users = dict(s.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) if user_ids else {}
    line_ids = {r.order_line_id for r in reviews if r.order_line_id}
    numbers = dict(s.execute(select(OrderLine.id, Order.number).join(Order, Order.id == OrderLine.order_id)
                             .where(OrderLine.id.in_(line_ids))).all()) if line_ids else {}
    out = []
    for r in reviews:
        sku, name = products.get(r.product_id, ("", ""))
        out.append(ReviewView(
            r.id, r.product_id, sku, name, r.rating, r.title, r.body, r.status, r.reviewer_name, r.customer_id,
            r.source, r.external_id, r.sale_line_id, r.order_line_id, numbers.get(r.order_line_id, ""),
            r.created_at, users.get(r.entered_by, ""), r.reject_reason, r.reply, users.get(r.replied_by, ""),
            r.replied_at, users.get(r.moderated_by, ""), r.moderated_at))
    return out
