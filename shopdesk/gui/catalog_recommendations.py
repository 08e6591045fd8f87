"""Under the catalog list: what sells with the selected product ("Bought together") and
what is like it ("Similar items"), each with its reason. Double-click one to find it in
the catalog.

The lists follow the selection after a short pause (arrowing through the list asks once,
at the end); the model file loads off the GUI thread (see
:class:`shopdesk.gui.recommendation_panel.RecommenderHandle`), the queries themselves are
~1 ms each.
"""

from __future__ import annotations

import logging

import shiboken6
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QSplitter, QVBoxLayout, QWidget

from shopdesk.domain.errors import ShopDeskError, StateError
from shopdesk.domain.money import format_money
from shopdesk.gui.catalog_model import CatalogModel
from shopdesk.gui.messages import error_text
from shopdesk.gui.recommendation_panel import RecommenderHandle, untrained_hint
from shopdesk.services.recommendations import RecommendationService, SuggestionView

log = logging.getLogger(__name__)

SHOWN = 6
DELAY_MS = 150
PRODUCT_ROLE = Qt.ItemDataRole.UserRole + 1


class CatalogRecommendations(QWidget):
    def __init__(self, window, service: RecommendationService | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.setObjectName("catalogRecommendations")
        self.handle = RecommenderHandle(service or RecommendationService(window.ctx.db), self)
        self.handle.loaded.connect(lambda: self.refresh(force=True))
        self.service = self.handle.service
        self.together = self._list("boughtTogetherList")
        self.similar = self._list("similarItemsList")
        self.hint = QLabel(self)
        self.hint.setObjectName("catalogRecommendationsHint")
        self.hint.setStyleSheet("color: #6b7280; font-style: italic;")
        self.hint.hide()

        together_title = QLabel(self.tr("Bought together"), self)
        similar_title = QLabel(self.tr("Similar items"), self)
        for title in (together_title, similar_title):
            title.setStyleSheet("font-weight: bold; color: #1a3d6d;")
        columns = QSplitter(Qt.Orientation.Horizontal, self)
        for title, box in ((together_title, self.together), (similar_title, self.similar)):
            column = QWidget(columns)
            layout = QVBoxLayout(column)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(2)
            title.setParent(column)
            layout.addWidget(title)
            layout.addWidget(box, 1)
            columns.addWidget(column)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(2)
        root.addWidget(self.hint)
        root.addWidget(columns, 1)

        self.product_id: str | None = None
        self._shown_for: str | None = None
        self._find_after_search: str | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.refresh)

    def _list(self, name: str) -> QListWidget:
        box = QListWidget(self)
        box.setObjectName(name)
        box.setUniformItemSizes(True)
        box.setMinimumHeight(60)
        box.itemDoubleClicked.connect(self.find_in_catalog)
        return box

    # -- following the selection ----------------------------------------------------------
    def schedule(self, *_args) -> None:
        self.timer.start()

    def selected_product_id(self) -> str | None:
        return self.window.selected_product_id()

    def refresh(self, force: bool = False) -> None:
        if not shiboken6.isValid(self):
            return
        product_id = self.selected_product_id()
        if product_id == self._shown_for and not force:
            return
        self.product_id = product_id
        if product_id is None:
            self._shown_for = None
            self._fill([], [])
            self._hint("")
            return
        if not self.handle.trained():
            self._shown_for = product_id
            self._fill([], [])
            self._hint(untrained_hint())
            return
        if not self.handle.ready():
            if self.handle.failure and not self.handle.loading:
                self._shown_for = product_id
                self._fill([], [])
                self._hint(self.handle.failure)
            return
        self._shown_for = product_id
        try:
            together = self.service.bought_together(product_id, k=SHOWN)
            similar = self.service.similar_items(product_id, k=SHOWN)
        except StateError:
            self._fill([], [])
            self._hint(untrained_hint())
            return
        except Exception as err:  # a broken model file: say so, keep the catalog working
            log.warning("catalog recommendations failed: %r", err)
            self._fill([], [])
            self._hint(self.tr("Suggestions are unavailable: %1").replace(
                "%1", error_text(err) if isinstance(err, ShopDeskError) else str(err)))
            return
        self._hint("")
        self._fill(together, similar)

    def forget(self) -> None:
        self.handle.forget()
        self.refresh(force=True)

    def _hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _fill(self, together: list[SuggestionView], similar: list[SuggestionView]) -> None:
        store = self.window.ctx.store
        for box, found, empty in ((self.together, together, self.tr("(nothing bought with it yet)")),
                                  (self.similar, similar, self.tr("(nothing similar found)"))):
            box.clear()
            for suggestion in found:
                price = format_money(suggestion.price, store.currency, store.locale)
                item = QListWidgetItem(f"{suggestion.name}  {price}  —  {suggestion.reason}", box)
                item.setData(PRODUCT_ROLE, suggestion.product_id)
                item.setData(Qt.ItemDataRole.UserRole + 2, suggestion.sku)
                item.setToolTip(f"{suggestion.name} ({suggestion.sku})\n{suggestion.reason}")
            if not found and self.product_id is not None and self.handle.failure is None \
                    and self.handle.trained():
                placeholder = QListWidgetItem(empty, box)
                placeholder.setFlags(Qt.ItemFlag.NoItemFlags)

    def texts(self, box: QListWidget) -> list[str]:
        return [box.item(row).text() for row in range(box.count())]

    # -- finding one in the catalog -------------------------------------------------------
    def find_in_catalog(self, item: QListWidgetItem) -> None:
        """Search the catalog for its SKU and select it when the results are shown."""
        product_id, sku = item.data(PRODUCT_ROLE), item.data(Qt.ItemDataRole.UserRole + 2)
        if not product_id:
            return
        if self._select(product_id):
            return
        window = self.window
        self._find_after_search = product_id
        window.search.setText(sku)
        window.apply_filter()

    def _after_reset(self) -> None:
        if self._find_after_search is not None:
            QTimer.singleShot(0, self, self._select_found)

    def _select_found(self) -> None:
        product_id, self._find_after_search = self._find_after_search, None
        if product_id is not None:
            self._select(product_id)

    def _select(self, product_id: str) -> bool:
        model, view = self.window.model, self.window.view
        for row in range(model.rowCount()):
            index = model.index(row, CatalogModel.NAME)
            if model.data(index, CatalogModel.PRODUCT_ID_ROLE) == product_id:
                view.setCurrentIndex(index)
                view.scrollTo(index)
                return True
        return False


def install_catalog_recommendations(window) -> CatalogRecommendations:
    """Put the lists under a CatalogWindow's product list (a splitter between them)."""
    panel = CatalogRecommendations(window)
    window.recommendations = panel
    root = window.layout()
    at = root.indexOf(window.view)
    if at >= 0:
        splitter = QSplitter(Qt.Orientation.Vertical, window)
        splitter.setObjectName("catalogSplitter")
        root.removeWidget(window.view)
        splitter.addWidget(window.view)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 140])
        root.insertWidget(at, splitter, 1)
    else:  # a layout that changed shape: below everything
        root.addWidget(panel)
    window.view.selectionModel().currentRowChanged.connect(panel.schedule)
    window.model.modelReset.connect(panel.schedule)
    window.model.modelReset.connect(panel._after_reset)
    QTimer.singleShot(0, panel, lambda: panel.handle.trained() and panel.handle.ready())  # load early
    return panel
