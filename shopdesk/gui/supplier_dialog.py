"""A supplier's details, new or edited: code, name and how to reach them.

The service checks everything (a free code, lengths, a plausible e-mail); its refusal is
shown in the dialog naming the field, and that field gets the focus.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from shopdesk.domain.errors import ShopDeskError, ValidationError
from shopdesk.gui.context import AppContext
from shopdesk.gui.messages import error_text
from shopdesk.gui.scan_input import ERROR, MessageStrip
from shopdesk.services.suppliers import MAX_LENGTHS, SupplierDraft, SupplierService, SupplierView

ERROR_FIELD_STYLE = "border: 2px solid #c4001d;"


class SupplierDialog(QDialog):
    """Create a supplier (``supplier`` None) or edit one; ``supplier_id`` once saved."""

    def __init__(self, ctx: AppContext, supplier: SupplierView | None = None, parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = SupplierService(ctx.db)
        self.editing = supplier
        self.supplier_id: str | None = supplier.id if supplier else None
        self.setObjectName("supplierDialog")
        self.setWindowTitle(self.tr("Edit supplier") if supplier else self.tr("New supplier"))
        self.resize(460, 0)

        self.code = self._line("supplierCode", "code", self.tr("short code, e.g. ACME"))
        self.name = self._line("supplierName", "name")
        self.contact = self._line("supplierContact", "contact", self.tr("person to ask for"))
        self.phone = self._line("supplierPhone", "phone")
        self.email = self._line("supplierEmail", "email", self.tr("orders@example.com"))
        self.address = QPlainTextEdit(self)
        self.address.setObjectName("supplierAddress")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(72)
        self.fields: dict[str, QWidget] = {
            "code": self.code, "name": self.name, "contact": self.contact, "phone": self.phone,
            "email": self.email, "address": self.address,
        }
        self.labels = {
            "code": self.tr("Code"), "name": self.tr("Name"), "contact": self.tr("Contact"),
            "phone": self.tr("Phone"), "email": self.tr("E-mail"), "address": self.tr("Address"),
        }
        if supplier is not None:
            for key in ("code", "name", "contact", "phone", "email"):
                self.fields[key].setText(getattr(supplier, key))
            self.address.setPlainText(supplier.address)

        self.message = MessageStrip(self, "supplierMessage")
        self.message.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("supplierSave")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("&Code:"), self.code)
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("C&ontact:"), self.contact)
        form.addRow(self.tr("&Phone:"), self.phone)
        form.addRow(self.tr("&E-mail:"), self.email)
        form.addRow(self.tr("&Address:"), self.address)
        root = QVBoxLayout(self)
        root.addLayout(form)
        root.addWidget(self.message)
        root.addWidget(self.buttons)
        self.code.setFocus()

    def _line(self, name: str, key: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(name)
        if key in MAX_LENGTHS:
            edit.setMaxLength(MAX_LENGTHS[key])
        edit.setPlaceholderText(placeholder)
        return edit

    def draft(self) -> SupplierDraft:
        return SupplierDraft(code=self.code.text(), name=self.name.text(), contact=self.contact.text(),
                             phone=self.phone.text(), email=self.email.text(),
                             address=self.address.toPlainText())

    def save(self) -> None:
        for widget in self.fields.values():
            widget.setStyleSheet("")
        try:
            staff = self.ctx.require_staff()
            if self.editing is None:
                self.supplier_id = self.service.create(staff, self.draft())
            else:
                self.service.update(staff, self.editing.id, self.draft())
        except ShopDeskError as err:
            self.show_problem(err)
            return
        self.accept()

    def show_problem(self, err: ShopDeskError) -> None:
        text = error_text(err)
        field = err.field if isinstance(err, ValidationError) else None
        widget = self.fields.get(field or "")
        if widget is not None:
            text = f"{self.labels[field]}: {text}"
            widget.setStyleSheet(ERROR_FIELD_STYLE)
            widget.setFocus()
        self.message.show()
        self.message.show_message(text, ERROR)
