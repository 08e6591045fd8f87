"""Create or edit one product (and see its price history)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError
from shopdesk.domain.money import format_amount, format_money, parse_money
from shopdesk.domain.product_fields import format_attributes, parse_attributes, split_barcodes
from shopdesk.domain.quantity import format_quantity, parse_quantity
from shopdesk.gui.context import AppContext
from shopdesk.gui.forms import load_form
from shopdesk.gui.messages import error_text
from shopdesk.services.catalog import UNITS, ProductDraft
from shopdesk.services.product_images import ProductImages


class ProductDialog(QDialog):
    def __init__(self, ctx: AppContext, product_id: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.product_id = product_id
        self.saved_id: str | None = None
        store = ctx.store
        self.currency, self.locale = store.currency, store.locale
        self.setWindowTitle(self.tr("New product") if product_id is None else self.tr("Edit product"))
        self.setMinimumWidth(560)
        form = load_form("product_dialog", self)
        find = form.findChild
        self.fields: dict[str, QWidget] = {
            "sku": find(QLineEdit, "skuEdit"), "name": find(QLineEdit, "nameEdit"),
            "barcodes": find(QLineEdit, "barcodesEdit"), "plu": find(QLineEdit, "pluEdit"), "price": find(QLineEdit, "priceEdit"),
            "cost": find(QLineEdit, "costEdit"), "tax_code": find(QComboBox, "taxCombo"),
            "unit": find(QComboBox, "unitCombo"), "category": find(QComboBox, "categoryCombo"),
            "brand": find(QLineEdit, "brandEdit"), "reorder_point": find(QLineEdit, "reorderEdit"),
            "max_stock": find(QLineEdit, "maxStockEdit"),
            "attributes": find(QLineEdit, "attributesEdit"), "description": find(QPlainTextEdit, "descriptionEdit"),
            "active": find(QCheckBox, "activeCheck"),
        }
        self.tabs: QTabWidget = find(QTabWidget, "tabs")
        self.history: QTableWidget = find(QTableWidget, "historyTable")
        self.pictures: QListWidget = find(QListWidget, "picturesList")
        self.images = ProductImages(ctx.db)
        find(QPushButton, "addPictureButton").clicked.connect(lambda: self.add_picture())
        find(QPushButton, "removePictureButton").clicked.connect(self.remove_picture)
        self.error: QLabel = find(QLabel, "errorLabel")
        self.fields["tax_code"].addItems(ctx.catalog.tax_codes())
        self.fields["unit"].addItems(UNITS)
        self.fields["category"].addItem("")
        self.fields["category"].addItems([path for _, path in ctx.catalog.categories()])
        buttons: QDialogButtonBox = find(QDialogButtonBox, "buttons")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        if product_id is not None:
            self._load(product_id)
        else:  # pictures and history belong to a saved product
            self.tabs.setTabEnabled(self.tabs.indexOf(find(QWidget, "picturesTab")), False)
            self.tabs.setTabEnabled(self.tabs.indexOf(find(QWidget, "historyTab")), False)
        self.fields["sku" if product_id is None else "name"].setFocus()

    def _load(self, product_id: str) -> None:
        detail = self.ctx.catalog.detail(product_id)
        d = detail.draft
        self.fields["sku"].setText(d.sku)
        self.fields["name"].setText(d.name)
        self.fields["barcodes"].setText(" ".join(d.barcodes))
        self.fields["plu"].setText(d.plu)
        self.fields["price"].setText(format_amount(d.price, self.currency, self.locale))
        self.fields["cost"].setText(format_amount(d.cost, self.currency, self.locale))
        self.fields["tax_code"].setCurrentText(d.tax_code)
        self.fields["unit"].setCurrentText(d.unit)
        self.fields["category"].setCurrentText(d.category or "")
        self.fields["brand"].setText(d.brand)
        self.fields["reorder_point"].setText(
            "" if d.reorder_point is None else format_quantity(d.reorder_point, self.locale))
        self.fields["max_stock"].setText(
            "" if d.max_stock is None else format_quantity(d.max_stock, self.locale))
        self.fields["attributes"].setText(format_attributes(d.attributes))
        self.fields["description"].setPlainText(d.description)
        self.fields["active"].setChecked(d.active)
        self._load_history(product_id)
        self._load_pictures()

    def _load_pictures(self) -> None:
        self.pictures.clear()
        for thumb in self.images.thumbnails(self.product_id):
            pixmap = QPixmap()
            pixmap.loadFromData(thumb.png, "PNG")
            item = QListWidgetItem(QIcon(pixmap), f"{thumb.width} × {thumb.height}")
            item.setData(Qt.ItemDataRole.UserRole, thumb.image_id)
            self.pictures.addItem(item)

    def add_picture(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Add a picture"), "",
                                                  self.tr("Pictures (*.png *.jpg *.jpeg *.webp *.gif)"))
        if not path:
            return
        try:
            self.images.add(self.ctx.require_staff(), self.product_id, Path(path).read_bytes())
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        except OSError as err:
            self.error.setText(str(err))
            return
        self.error.clear()
        self._load_pictures()

    def remove_picture(self) -> None:
        item = self.pictures.currentItem()
        if item is None:
            return
        try:
            self.images.remove(self.ctx.require_staff(), self.product_id, item.data(Qt.ItemDataRole.UserRole))
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            return
        self._load_pictures()

    def _load_history(self, product_id: str) -> None:
        rows = self.ctx.catalog.price_history(product_id)
        self.history.setColumnCount(5)
        self.history.setHorizontalHeaderLabels(
            [self.tr("When"), self.tr("Who"), self.tr("Old price"), self.tr("New price"), self.tr("Source")])
        self.history.setRowCount(len(rows))
        locale = QLocale()
        for r, change in enumerate(rows):
            money = lambda v: "" if v is None else format_money(v, self.currency, self.locale)  # noqa: E731
            cells = (locale.toString(change.at.astimezone(), QLocale.FormatType.ShortFormat), change.user,
                     money(change.old_price), money(change.new_price), change.source)
            for c, text in enumerate(cells):
                self.history.setItem(r, c, QTableWidgetItem(text))
        self.history.resizeColumnsToContents()

    def draft(self) -> ProductDraft:
        """The form as a draft; parsing errors name the field."""
        text = lambda name: self.fields[name].text().strip()  # noqa: E731
        reorder, top = text("reorder_point"), text("max_stock")
        return ProductDraft(
            sku=text("sku"), name=text("name"),
            price=parse_money(text("price"), self.currency, self.locale, field="price"),
            cost=parse_money(text("cost") or "0", self.currency, self.locale, field="cost"),
            tax_code=self.fields["tax_code"].currentText(), barcodes=split_barcodes(text("barcodes")),
            category=self.fields["category"].currentText().strip() or None,
            unit=self.fields["unit"].currentText(), description=self.fields["description"].toPlainText(),
            active=self.fields["active"].isChecked(), brand=text("brand"),
            attributes=parse_attributes(text("attributes")),
            reorder_point=parse_quantity(reorder, self.locale, field="reorder_point") if reorder else None,
            max_stock=parse_quantity(top, self.locale, field="max_stock") if top else None,
            plu=text("plu"),
        )

    def save(self) -> None:
        try:
            draft = self.draft()
            staff = self.ctx.require_staff()
            if self.product_id is None:
                self.saved_id = self.ctx.catalog.create_product(staff, draft)
            else:
                self.ctx.catalog.update_product(staff, self.product_id, draft)
                self.saved_id = self.product_id
        except ShopDeskError as err:
            self.error.setText(error_text(err))
            widget = self.fields.get(getattr(err, "field", ""))
            if widget is not None:
                self.tabs.setCurrentIndex(0)
                widget.setFocus()
            return
        self.accept()


