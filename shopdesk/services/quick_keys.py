"""Quick keys: the till's grid of favourite products (loose bread, coffee, a carrier bag),
added to the cart with one touch. Managers assign the keys; every till shows the same grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopdesk.domain.errors import NotFound, ValidationError
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP
from shopdesk.domain.permissions import Permission
from shopdesk.services import audit
from shopdesk.services.staff_session import StaffSession
from shopdesk.store.database import Database
from shopdesk.store.types import new_id

MAX_POSITION = 96  # 1-based key positions; the grid shows as many as it has room for
MAX_LABEL = 40


@dataclass(frozen=True)
class QuickKeyView:
    position: int
    product_id: str
    label: str  # the key's own label, else the product's name
    name: str  # the product's name
    price: int
    active: bool
    thumbnail: bytes | None  # PNG of the product's first picture, if it has one


_LIST = """
SELECT q.position, q.product_id, q.label, p.name, p.price, p.active,
       (SELECT i.thumbnail FROM product_images pi JOIN images i ON i.id = pi.image_id
         WHERE pi.product_id = p.id ORDER BY pi.position LIMIT 1)
  FROM quick_keys q JOIN products p ON p.id = q.product_id
 WHERE q.position BETWEEN 1 AND ?
 ORDER BY q.position"""


def _check_position(position: int) -> int:
    if not isinstance(position, int) or not 1 <= position <= MAX_POSITION:
        raise ValidationError("position", QT_TRANSLATE_NOOP(
            "errors", "Quick keys are numbered 1 to {max}; {position} is not one of them."),
            max=MAX_POSITION, position=position)
    return position


class QuickKeyService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def list(self, limit: int = MAX_POSITION) -> list[QuickKeyView]:
        with self.db.raw_reader() as conn:
            return [QuickKeyView(pos, pid, label or name, name, price, bool(active), thumb)
                    for pos, pid, label, name, price, active, thumb in conn.execute(_LIST, (limit,))]

    def set(self, actor: StaffSession, position: int, product_id: str, label: str = "") -> QuickKeyView:
        """Put a product on a key (replacing what was there)."""
        actor.require(Permission.MANAGE_CATALOG)
        position = _check_position(position)
        label = " ".join((label or "").split())
        if len(label) > MAX_LABEL:
            raise ValidationError("label", QT_TRANSLATE_NOOP(
                "errors", "A key's label fits {max} characters at most."), max=MAX_LABEL)
        with self.db.raw_transaction() as conn:
            if conn.execute("SELECT 1 FROM products WHERE id = ?", (product_id,)).fetchone() is None:
                raise NotFound(QT_TRANSLATE_NOOP("errors", "The product no longer exists."))
            old = conn.execute("SELECT product_id FROM quick_keys WHERE position = ?", (position,)).fetchone()
            conn.execute(
                "INSERT INTO quick_keys (id, position, product_id, label) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (position) DO UPDATE SET product_id = excluded.product_id, label = excluded.label",
                (new_id(), position, product_id, label))
            audit.record(conn, actor, "quick_key.set", entity_type="quick_key", entity_id=str(position),
                         product_id=product_id, old_product_id=old[0] if old else None, label=label)
            row = conn.execute(_LIST.replace("BETWEEN 1 AND ?", "= ?"), (position,)).fetchone()
        pos, pid, key_label, name, price, active, thumb = row
        return QuickKeyView(pos, pid, key_label or name, name, price, bool(active), thumb)

    def clear(self, actor: StaffSession, position: int) -> None:
        actor.require(Permission.MANAGE_CATALOG)
        position = _check_position(position)
        with self.db.raw_transaction() as conn:
            old = conn.execute("DELETE FROM quick_keys WHERE position = ? RETURNING product_id",
                               (position,)).fetchone()
            if old is not None:
                audit.record(conn, actor, "quick_key.cleared", entity_type="quick_key", entity_id=str(position),
                             product_id=old[0])
