"""Running slow work (printing, imports, reports) off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as err:  # reported to the GUI thread, never lost
            self.relay.failed.emit(err)
        else:
            self.relay.done.emit(result)


_live_relays: set[_Relay] = set()


def run_in_background(
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None],
) -> None:
    """Run ``fn`` on the shared thread pool; the callbacks run on the GUI thread."""
    relay = _Relay()
    _live_relays.add(relay)

    def finish(callback, value):
        _live_relays.discard(relay)
        callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda err: finish(on_error, err))
    QThreadPool.globalInstance().start(_Task(fn, relay))
