"""The "Suggestions" strip under the till's cart: up to five products that go with what is
in the cart (and with the attached customer's history), each with the reason a cashier
can say out loud ("bought with Milk by 231 customers"). One touch adds it, marked as a
suggestion so the sale counts in the attach rate.

It never works inside a scan: a change of the cart only (re)starts a short single-shot
timer, and when it fires after the scan is written, the recommender is asked only when
the cart's products or its customer changed. The query itself is ~1 ms (a few CSR rows
and one indexed read; ``last_query_ms`` keeps the latest figure); loading the model file
(after a restart or a new training) runs off the GUI thread. What the strip showed is
recorded once per new set of suggestions (impressions), what was taken as "accepted".

The buttons never take the keyboard focus: a scan right after a touch still lands in the
scan field.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError, StateError
from shopdesk.domain.money import format_money
from shopdesk.gui.background import run_in_background
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, SUCCESS
from shopdesk.services.recommendations import RecommendationService, SuggestionView

log = logging.getLogger(__name__)

MAX_SHOWN = 5
DEBOUNCE_MS = 150  # after the last cart change: a burst of scans asks once
SLOW_QUERY_MS = 30.0  # logged: the strip is meant to cost ~1 ms


def untrained_hint() -> str:
    return QCoreApplication.translate("RecommendationPanel", "Suggestions appear once the recommender is trained "
                                                             "(Store › Train recommendations)")


class RecommenderHandle(QObject):
    """A :class:`RecommendationService` whose model file is (re)loaded off the GUI thread.

    ``ready()`` is true when the loaded model is the one on disk: the caller may then ask
    the service on the GUI thread (a query is ~1 ms). Otherwise it starts a load in the
    background (once) and ``loaded`` is emitted when it is done (or failed: ``failure``).
    Nothing else calls this service while a load runs, so the service needs no lock.
    """

    loaded = Signal()

    def __init__(self, service: RecommendationService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self.loading = False
        self.failure: str | None = None  # why the model on disk could not be loaded
        self._loaded_mtime: float | None = None
        self._failed_mtime: float | None = None

    def trained(self) -> bool:
        return self.service.is_trained()

    def ready(self) -> bool:
        try:
            mtime = self.service.path.stat().st_mtime
        except OSError:
            return False
        if mtime == self._loaded_mtime:
            return True
        if mtime == self._failed_mtime or self.loading:
            return False
        self.loading = True
        service = self.service

        def load() -> float:
            service.model()
            return mtime

        run_in_background(load, self._done, lambda err: self._failed(err, mtime))
        return False

    def _done(self, mtime: float) -> None:
        if not shiboken6.isValid(self):
            return
        self.loading, self.failure, self._loaded_mtime = False, None, mtime
        self.loaded.emit()

    def _failed(self, err: Exception, mtime: float) -> None:
        if not shiboken6.isValid(self):
            return
        self.loading, self._failed_mtime = False, mtime
        if isinstance(err, StateError):
            self.failure = untrained_hint()
        else:
            log.warning("recommender model could not be loaded: %r", err)
            self.failure = self.tr("Suggestions are unavailable: %1").replace(
                "%1", error_text(err) if isinstance(err, ShopDeskError) else str(err))
        self.loaded.emit()

    def forget(self) -> None:
        """Load again next time (e.g. after training in this app)."""
        self._loaded_mtime = self._failed_mtime = None


class ElidedLabel(QLabel):
    """One line that shortens itself with … to the width it gets (never widens the window)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width() - 2, 10)
        super().setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


class SuggestionButton(QPushButton):
    """Name and price, the reason below in smaller text."""

    def __init__(self, position: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.position = position
        self.setObjectName(f"suggestion{position}")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(44)
        self.title = ElidedLabel(self)
        self.title.setObjectName("suggestionTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.reason = ElidedLabel(self)
        self.reason.setObjectName("suggestionReason")
        small = self.reason.font()
        small.setPointSizeF(max(small.pointSizeF() - 1.5, 6.5))
        self.reason.setFont(small)
        self.reason.setStyleSheet("color: #5a6270;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 3, 8, 3)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.reason)
        self.suggestion: SuggestionView | None = None

    def show_suggestion(self, suggestion: SuggestionView, price: str) -> None:
        self.suggestion = suggestion
        self.title.set_full_text(f"{suggestion.name}  {price}")
        self.reason.set_full_text(suggestion.reason)
        self.setToolTip(f"{suggestion.name} ({suggestion.sku}) — {price}\n{suggestion.reason}")
        self.setAccessibleName(f"{suggestion.name}, {price}, {suggestion.reason}")


class RecommendationPanel(QFrame):
    """The strip itself; see the module docstring. ``install_recommendations`` wires it."""

    def __init__(self, window, service: RecommendationService | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx
        self.setObjectName("recommendationPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.handle = RecommenderHandle(service or RecommendationService(window.ctx.db), self)
        self.handle.loaded.connect(lambda: self.refresh(force=True))
        self.service = self.handle.service

        self.title = QLabel(self.tr("Suggestions"), self)
        self.title.setObjectName("suggestionsTitle")
        self.title.setStyleSheet("font-weight: bold; color: #1a3d6d;")
        self.hint = QLabel(self)
        self.hint.setObjectName("suggestionsHint")
        self.hint.setStyleSheet("color: #6b7280; font-style: italic;")
        self.hint.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.buttons: list[SuggestionButton] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 3, 6, 3)
        row.setSpacing(4)
        row.addWidget(self.title)
        row.addWidget(self.hint, 1)
        for position in range(1, MAX_SHOWN + 1):
            button = SuggestionButton(position, self)
            button.clicked.connect(lambda _=False, p=position: self.accept(p))
            button.hide()
            row.addWidget(button, 1)
            self.buttons.append(button)
        self.setFixedHeight(52)

        self.shown: list[SuggestionView] = []
        self.last_query_ms: float | None = None
        self.accepted_position: int | None = None  # the strip position of the last one taken
        self._key: tuple | None = None  # (cart product ids, customer) last asked for
        self._impression: tuple[str, ...] = ()  # the set last recorded as shown
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        self._show_hint("")

    # -- when to ask ----------------------------------------------------------------------
    def schedule(self, *_args) -> None:
        self.timer.start()  # restarted by every change: a burst of scans asks once

    def cart_key(self) -> tuple[tuple[str, ...], str | None]:
        cart = self.window.cart
        if cart is None:
            return (), None
        ids = tuple(sorted({line.product_id for line in cart.lines if line.quantity > 0}))
        return ids, cart.customer_id

    def refresh(self, force: bool = False) -> None:
        if not shiboken6.isValid(self):
            return
        if getattr(self.window, "pending_scan", None) is not None:
            self.timer.start()  # the scan is written first
            return
        key = self.cart_key()
        if key == self._key and not force:
            return
        product_ids, customer_id = key
        if not product_ids and customer_id is None:  # a new customer: nothing to go with yet
            self._key = key
            self._show([])
            return
        if not self.handle.trained():
            self._key = key
            self._show_hint(untrained_hint())
            return
        if not self.handle.ready():
            if self.handle.failure and not self.handle.loading:
                self._key = key
                self._show_hint(self.handle.failure)
            return  # a load runs: ``loaded`` asks again
        self._key = key
        started = time.perf_counter()
        try:
            found = self.service.for_cart(product_ids, customer_id=customer_id, k=MAX_SHOWN)
        except StateError:
            self._show_hint(untrained_hint())
            return
        except Exception as err:  # a broken model file must not break the till
            log.warning("suggestions failed: %r", err)
            self._show_hint(self.tr("Suggestions are unavailable: %1").replace(
                "%1", error_text(err) if isinstance(err, ShopDeskError) else str(err)))
            return
        finally:
            self.last_query_ms = (time.perf_counter() - started) * 1000
        if self.last_query_ms > SLOW_QUERY_MS:
            log.warning("suggestions took %.1f ms on the GUI thread", self.last_query_ms)
        self._show(found)

    def forget(self) -> None:
        """Ask again (after training here): the model file changed."""
        self.handle.forget()
        self.refresh(force=True)

    # -- showing --------------------------------------------------------------------------
    def _show_hint(self, text: str) -> None:
        self.shown = []
        self._impression = ()
        for button in self.buttons:
            button.hide()
            button.suggestion = None
        self.hint.setText(text)
        self.hint.setToolTip(text)
        self.hint.show()

    def _show(self, found: Sequence[SuggestionView]) -> None:
        found = list(found)[:MAX_SHOWN]
        if not found:
            self._show_hint(self.tr("Nothing to suggest yet: scan an item.")
                            if not self.cart_key()[0] else self.tr("No suggestions for this cart."))
            return
        store = self.ctx.store
        self.hint.hide()
        for button, suggestion in zip(self.buttons, found, strict=False):
            button.show_suggestion(suggestion, format_money(suggestion.price, store.currency, store.locale))
            button.show()
        for button in self.buttons[len(found):]:
            button.hide()
            button.suggestion = None
        self.shown = found
        ids = tuple(s.product_id for s in found)
        if ids != self._impression:  # a new set on screen, not a repaint
            self._impression = ids
            self._record("impression", found)

    def _record(self, kind: str, shown: Sequence[SuggestionView], first_position: int = 1) -> None:
        try:
            self.service.record(self.ctx.staff, self.ctx.till.till_id, kind, shown, first_position)
        except Exception as err:  # statistics only: the sale goes on
            log.warning("recording %s failed: %r", kind, err)

    # -- taking one -----------------------------------------------------------------------
    def accept(self, position: int) -> None:
        window = self.window
        if not 1 <= position <= len(self.shown):
            return
        suggestion = self.shown[position - 1]
        window.write_pending_scan()
        try:
            view = self.ctx.checkout.add_product(self.ctx.require_staff(), self.ctx.till.till_id,
                                                 suggestion.product_id, suggested=True)
        except ShopDeskError as err:
            window.show_message(error_text(err), ERROR)
            window.focus_scan()
            return
        window._show_cart(view)
        store = self.ctx.store
        window.show_message(self.tr("Added from suggestions: %1 — %2").replace("%1", suggestion.name).replace(
            "%2", format_money(suggestion.price, store.currency, store.locale)), SUCCESS)
        # ``record`` numbers the suggestions it is given from 1, so the strip's position of
        # the one taken is not stored (the service has no parameter for it yet).
        self._record("accepted", [suggestion], position)
        self.accepted_position = position
        window.focus_scan()


def install_recommendations(window) -> RecommendationPanel:
    """Add the strip to a CheckoutWindow (see CheckoutWindow._install_features)."""
    panel = RecommendationPanel(window)
    window.add_panel(panel)
    window.recommendations = panel
    model = window.model
    for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.dataChanged):
        signal.connect(panel.schedule)
    QTimer.singleShot(0, panel, lambda: panel.handle.trained() and panel.handle.ready())  # load the model early
    if hasattr(window, "scan_router"):  # they take no focus; should one get a key, it goes to the scan field
        window.scan_router.watch(panel.buttons)
    return panel
