"""Reviews of products by customers, and what the recommendation panel showed and sold.

A review from a purchase names the sale line or order line it reviews ("verified
purchase"); each such line is reviewed at most once (unique). Reviews wait for a manager
(pending → published or rejected); a staff reply is shown under a published review.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from shopdesk.store.models import Base, Keyed, Timestamped
from shopdesk.store.types import UTCDateTime, utcnow


class Review(Keyed, Timestamped, Base):
    __tablename__ = "reviews"

    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id"))
    reviewer_name: Mapped[str] = mapped_column(String(200), default="")  # as shown (web reviews may have no customer)
    sale_line_id: Mapped[str | None] = mapped_column(ForeignKey("sale_lines.id"), unique=True)
    order_line_id: Mapped[str | None] = mapped_column(ForeignKey("order_lines.id"), unique=True)
    source: Mapped[str] = mapped_column(String(40), default="counter")  # counter, order, or the web shop's name
    external_id: Mapped[str | None] = mapped_column(String(100))
    rating: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reject_reason: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    replied_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    moderated_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        CheckConstraint("status IN ('pending','published','rejected')", name="status"),
        UniqueConstraint("source", "external_id", name="uq_reviews_source_external_id"),
        Index("ix_reviews_product_status", "product_id", "status"),
        Index("ix_reviews_status_created", "status", "created_at"),
        Index("ix_reviews_customer", "customer_id"),
    )


class RecommendationEvent(Keyed, Base):
    """A suggestion the panel showed (impression) or that was added to a cart (accepted)."""

    __tablename__ = "recommendation_events"

    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))  # impression, accepted
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"))
    till_id: Mapped[str | None] = mapped_column(ForeignKey("tills.id"))
    user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(32), default="")  # bought_with, similar, customers_like, rated, popular
    position: Mapped[int] = mapped_column(Integer, default=0)  # place in the panel, from 1

    __table_args__ = (
        CheckConstraint("kind IN ('impression','accepted')", name="kind"),
        Index("ix_recommendation_events_at", "at", "kind"),
    )
