"""Running slow work (printing, imports, reports) off the GUI thread."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal


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
    """Run ``fn`` on the shared thread pool; the callbacks run on the GUI thread.

    The relay is deleted on the GUI thread once it has delivered (deleteLater): left to the
    garbage collector, which may run on a worker thread, it would be destroyed there.
    """
    relay = _Relay()
    _live_relays.add(relay)

    def finish(callback, value):
        _live_relays.discard(relay)
        relay.deleteLater()
        callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda err: finish(on_error, err))
    QThreadPool.globalInstance().start(_Task(fn, relay))


class BackgroundJob(QObject):
    """Long work with a progress bar and a Cancel button.

    ``fn(progress, cancelled)`` runs on the thread pool; it calls ``progress(done, total)``
    now and then and stops (raising) when ``cancelled()`` turns true. The signals arrive on
    the GUI thread.
    """

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[Callable[[int, int], None], Callable[[], bool]], Any], parent=None) -> None:
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()
        self.running = False

    def start(self) -> None:
        self.running = True
        self._cancel.clear()

        def work():
            return self._fn(lambda done, total: self.progressed.emit(done, total), self._cancel.is_set)

        def finish(signal, value):
            self.running = False
            signal.emit(value)

        run_in_background(work, lambda result: finish(self.done, result), lambda err: finish(self.failed, err))

    def cancel(self) -> None:
        self._cancel.set()


class GuiThreadGarbageCollector(QObject):
    """Python's cyclic garbage collection, run only on the GUI thread.

    Left automatic, a collection starts in whichever thread happens to allocate: on a
    worker thread (a report, an import) it may collect Qt widgets caught in reference
    cycles and destroy them there, which crashes Qt. Here automatic collection is off and
    a timer on the GUI thread collects the generations whose thresholds were passed.
    """

    INTERVAL_MS = 500

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        gc.disable()
        self.thresholds = gc.get_threshold()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(self.INTERVAL_MS)

    def check(self) -> None:
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        if counts[1] > self.thresholds[1]:
            generation = 2 if counts[2] > self.thresholds[2] else 1
        gc.collect(generation)


def collect_garbage_on_gui_thread(app: QObject) -> GuiThreadGarbageCollector:
    """Install the collector once per application (see :class:`GuiThreadGarbageCollector`)."""
    found = app.findChild(GuiThreadGarbageCollector)
    return found if found is not None else GuiThreadGarbageCollector(app)
