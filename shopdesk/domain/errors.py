"""Errors a person can act on.

Every error carries an English *template* with named placeholders plus its parameters, so
``str(err)`` reads well in logs and the CLI, and the GUI can translate the template first
(see :mod:`shopdesk.domain.i18n`).
"""

from __future__ import annotations

from typing import Any

from shopdesk.domain.i18n import QT_TRANSLATE_NOOP


class ShopDeskError(Exception):
    """Base of every error whose message is meant for the person at the keyboard."""

    context = "errors"

    def __init__(self, template: str, /, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        try:
            return self.template.format(**self.params)
        except (KeyError, IndexError, ValueError):
            return self.template

    def __str__(self) -> str:
        return self.message


class ValidationError(ShopDeskError):
    """Input that cannot be accepted; ``field`` names what to correct."""

    def __init__(self, field: str, template: str, /, **params: Any) -> None:
        self.field = field
        super().__init__(template, field=field, **params)


class NotFound(ShopDeskError):
    pass


class InvalidBarcode(ValidationError):
    def __init__(self, template: str, /, **params: Any) -> None:
        super().__init__("barcode", template, **params)


class UnknownBarcode(NotFound):
    def __init__(self, code: str) -> None:
        super().__init__(
            QT_TRANSLATE_NOOP("errors", "No product has the barcode {code}. Check the item or add it to the catalog."),
            code=code,
        )


class PermissionDenied(ShopDeskError):
    pass


class AuthenticationFailed(ShopDeskError):
    pass


class AccountLocked(AuthenticationFailed):
    pass


class StateError(ShopDeskError):
    """The action does not fit the current state (e.g. paying an empty cart)."""


class DatabaseRefused(ShopDeskError):
    """The file given as database cannot be used; it is left untouched."""
