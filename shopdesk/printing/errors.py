"""Errors raised while producing or sending printed output."""

from __future__ import annotations

from shopdesk.domain.errors import ShopDeskError


class PrinterError(ShopDeskError):
    """A printer (or a font/resource it needs) cannot be used right now.

    The message names the printer connection (``spec``) and what to check, so the cashier or
    the person setting up the till can fix it without reading a log.
    """
