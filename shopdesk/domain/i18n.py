"""Marking strings for translation without importing Qt.

Lower layers may not import Qt, yet every message a person reads must be translatable.
Messages are written as templates wrapped in ``translatable(context, text)``; the marker
returns the text unchanged. It is registered with ``pyside6-lupdate`` under the name
``QT_TRANSLATE_NOOP`` (alias below), so the extractor finds them, and the GUI translates
the template with ``QCoreApplication.translate(context, template)`` before filling in
parameters.
"""


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - name lupdate knows
    return text


translatable = QT_TRANSLATE_NOOP
