"""Showing errors from the services in the user's language."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from shopdesk.domain.errors import ShopDeskError


def error_text(err: ShopDeskError) -> str:
    template = QCoreApplication.translate(err.context, err.template)
    try:
        return template.format(**err.params)
    except (KeyError, IndexError, ValueError):
        return err.message
