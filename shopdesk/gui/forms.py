"""Loading Qt Designer forms (``ui/*.ui``) shipped as package data."""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QVBoxLayout, QWidget


def load_form(name: str, host: QWidget) -> QWidget:
    """Load ``ui/<name>.ui`` and place it as the only content of ``host``."""
    path = resources.files("shopdesk.forms") / f"{name}.ui"
    with resources.as_file(path) as real_path:
        file = QFile(str(real_path))
        if not file.open(QIODevice.OpenModeFlag.ReadOnly):
            raise FileNotFoundError(f"form {name}.ui is missing from the installation")
        try:
            form = QUiLoader().load(file, host)
        finally:
            file.close()
    if form is None:
        raise RuntimeError(f"form {name}.ui could not be loaded")
    layout = QVBoxLayout(host)
    layout.setContentsMargins(12, 12, 12, 12)
    layout.addWidget(form)
    return form
