"""Roles and what each may do. Services check these; the GUI only mirrors them."""

from __future__ import annotations

from enum import StrEnum

from shopdesk.domain.i18n import QT_TRANSLATE_NOOP


class Role(StrEnum):
    CASHIER = "cashier"
    CLERK = "clerk"
    MANAGER = "manager"
    OWNER = "owner"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CASHIER: QT_TRANSLATE_NOOP("roles", "Cashier"),
    Role.CLERK: QT_TRANSLATE_NOOP("roles", "Clerk"),
    Role.MANAGER: QT_TRANSLATE_NOOP("roles", "Manager"),
    Role.OWNER: QT_TRANSLATE_NOOP("roles", "Owner"),
}


class Permission(StrEnum):
    SELL = "sell"
    VOID_LINE = "void_line"
    PRICE_OVERRIDE = "price_override"
    OPEN_DRAWER = "open_drawer"
    REFUND = "refund"
    ADJUST_STOCK = "adjust_stock"
    RECEIVE_STOCK = "receive_stock"
    TRANSFER_STOCK = "transfer_stock"
    COUNT_STOCK = "count_stock"
    ORDER_STOCK = "order_stock"  # purchase orders to suppliers
    APPROVE_STOCKTAKE = "approve_stocktake"  # post a count's variances as adjustments
    MANAGE_CATALOG = "manage_catalog"
    MANAGE_STAFF = "manage_staff"
    MANAGE_SETTINGS = "manage_settings"
    VIEW_REPORTS = "view_reports"
    TAKE_ORDERS = "take_orders"  # orders to ship: create, record payments, cancel unpaid ones
    FULFIL_ORDERS = "fulfil_orders"  # pick, pack, ship, mark delivered
    SHIP_UNPAID = "ship_unpaid"  # let an unpaid order (not cash on delivery) go


_CASHIER = {Permission.SELL, Permission.VOID_LINE, Permission.TAKE_ORDERS}
_CLERK = {Permission.RECEIVE_STOCK, Permission.ADJUST_STOCK, Permission.TRANSFER_STOCK,
          Permission.COUNT_STOCK, Permission.FULFIL_ORDERS}
_MANAGER = _CASHIER | _CLERK | {
    Permission.PRICE_OVERRIDE,
    Permission.OPEN_DRAWER,
    Permission.REFUND,
    Permission.MANAGE_CATALOG,
    Permission.VIEW_REPORTS,
    Permission.ORDER_STOCK,
    Permission.APPROVE_STOCKTAKE,
    Permission.SHIP_UNPAID,
}
_OWNER = _MANAGER | {Permission.MANAGE_STAFF, Permission.MANAGE_SETTINGS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.CASHIER: frozenset(_CASHIER),
    Role.CLERK: frozenset(_CLERK),
    Role.MANAGER: frozenset(_MANAGER),
    Role.OWNER: frozenset(_OWNER),
}


def role_allows(role: Role | str, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[Role(role)]
