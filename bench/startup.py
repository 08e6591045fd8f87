"""Start-up benchmarks: time to a painted window and process RSS, large store vs empty.

Each measurement is a fresh ``python`` process (``QT_QPA_PLATFORM=offscreen``) that does
what the app does after log-in: open the database with :func:`open_database`, build the
QApplication with :func:`make_application`, an :class:`AppContext` with the demo cashier
logged in (argon2 CHEAPEST, so hashing is not what is measured), the
:class:`MainWindow` on the chosen area, ``show()``, and the event loop until the area's
widget (the catalog's row viewport, or the checkout page) has received its first paint
event and that paint pass has finished. The clock starts at the child's first line,
before PySide6 or ShopDesk is imported; RSS is the child's peak (``ru_maxrss``) at that
moment, with the current ``VmRSS`` alongside.

* ``paint_catalog``: navigation row 1 (Catalog); the large store must paint rows.
* ``paint_checkout``: navigation row 0 (Checkout).

The subject is the 1,000,000-product store cached by :mod:`bench.search` (20,000 with
``--quick``); the baseline is the same window on an empty demo store (0 products). Both
databases are copied to a temporary folder first, so the cached file is never written;
each case gets one untimed warm-up run (page cache), then the runs alternate
empty/large, who goes first alternating each round, and the medians are compared.

The large store must open without a search-index rebuild (``open_database`` rebuilds
it when ``app_meta`` says it is stale); the record says whether any run rebuilt it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import environment, log

PARTS = ("paint_catalog", "paint_checkout")
WINDOWS = {"paint_catalog": "catalog", "paint_checkout": "checkout"}
NAV_ROW = {"checkout": 0, "catalog": 1}
TARGET_RATIO = 1.5
TARGET_RSS_DELTA_MB = 150
PAINT_TIMEOUT_S = 120.0
CHILD_TIMEOUT_S = 600.0
REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sizes:
    products: int
    runs: int  # timed runs of each case (empty and large), after one warm-up each


FULL = Sizes(products=1_000_000, runs=5)
QUICK = Sizes(products=20_000, runs=2)


# -- the child: one start-up, measured -----------------------------------------------------------

# Started as ``python -c CHILD_PRELUDE DB WINDOW [--profile]`` so the clock starts before
# anything (this package, SQLAlchemy, PySide6, ShopDesk) is imported.
CHILD_PRELUDE = (
    "import time; t0 = time.perf_counter(); import sys; "
    "from bench.startup import child_main; sys.exit(child_main(t0, sys.argv[1:]))"
)


def _vm_rss_kib() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def child_main(t0: float, argv: list[str]) -> int:
    """Open DB, log in, build the main window on WINDOW, wait for its first paint; print JSON."""
    import time

    db_path, window_name = argv[0], argv[1]
    profile = "--profile" in argv[2:]
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    result = _start_up(t0, Path(db_path), window_name)
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        out.write(f"===== profile: start-up to painted {window_name}, {db_path} =====\n")
        stats = pstats.Stats(profiler, stream=out)
        stats.strip_dirs().sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        print(out.getvalue(), file=sys.stderr, flush=True)
    result["exit_ms"] = round((time.perf_counter() - t0) * 1000, 3)
    print(json.dumps(result), flush=True)
    return 0


def _start_up(t0: float, db_path: Path, window_name: str) -> dict[str, Any]:
    import logging
    import resource
    import time

    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = round((time.perf_counter() - t0) * 1000, 3)

    import argon2
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QEvent, QObject, qVersion
    from PySide6.QtWidgets import QApplication

    from shopdesk.gui.app import make_application
    from shopdesk.gui.context import AppContext
    from shopdesk.gui.main_window import MainWindow
    from shopdesk.services.auth import AuthService, use_hasher
    from shopdesk.store.database import open_database
    mark("imported_ms")

    rebuilt: list[str] = []

    class _Watch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if "search index" in record.getMessage():
                rebuilt.append(record.getMessage())

    db_log = logging.getLogger("shopdesk.store.database")
    db_log.addHandler(_Watch())
    db_log.setLevel(logging.INFO)

    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    db = open_database(db_path)
    mark("opened_ms")
    app = make_application([sys.argv[0]])
    mark("app_ms")
    ctx = AppContext(db)
    ctx.staff = AuthService(db).login("cashier", "demo-cashier")
    mark("logged_in_ms")
    window = MainWindow(ctx)
    window.nav.setCurrentRow(NAV_ROW[window_name])
    mark("window_built_ms")
    target = window.catalog.view.viewport() if window_name == "catalog" else window.checkout

    class _PaintWatch(QObject):
        painted = False

        def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
            if obj is target and event.type() == QEvent.Type.Paint:
                self.painted = True
            return False

    watch = _PaintWatch()
    target.installEventFilter(watch)
    window.show()
    mark("shown_ms")
    deadline = time.perf_counter() + PAINT_TIMEOUT_S
    while not watch.painted:  # the pass that delivered the paint has finished when this returns
        QApplication.processEvents()
        if time.perf_counter() > deadline:
            raise SystemExit(f"{window_name} was not painted within {PAINT_TIMEOUT_S} s")
    painted_ms = round((time.perf_counter() - t0) * 1000, 3)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    now_kib = _vm_rss_kib()
    rows = window.catalog.model.rowCount()
    target.removeEventFilter(watch)
    window.close()
    app.processEvents()
    db.close()
    return {
        "window": window_name,
        "painted_ms": painted_ms,
        "rss_peak_mb": round(peak_kib / 1024, 1),
        "rss_now_mb": round(now_kib / 1024, 1) if now_kib is not None else None,
        "catalog_rows_loaded": rows,
        "index_rebuilt": bool(rebuilt),
        "phases_ms": marks,
        "qt": qVersion(),
        "pyside6": pyside_version,
    }


# -- the parent: databases, runs, records --------------------------------------------------------

def _search_cache_key() -> str:
    """The code hash :func:`bench.search.database_file` keys its cache with."""
    from shopdesk.services import demo
    from shopdesk.store import search_index

    makers = hashlib.sha1()
    for module in (demo, search_index):
        makers.update(Path(module.__file__).read_bytes())
    return makers.hexdigest()[:10]


def _opens_without_rebuild(path: Path) -> bool:
    """At the head schema with a current search index, read without writing a byte.

    ``immutable=1``: no -wal/-shm files are made next to the cached file (the cache is
    checkpointed when built, so there is no WAL content to miss).
    """
    from shopdesk.store import migrations, search_index

    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return (revision is not None and revision[0] == migrations.head_revision()
                and search_index.is_current(conn))
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def large_database(products: int) -> tuple[Path, bool]:
    """(cached store of this size, whether it was made by the current demo/index code).

    Reuses :mod:`bench.search`'s cache. When the demo generator or index code changed
    since the last build, an older cached file at the current schema with a current
    index is used instead of building another (1M takes a long while); the data's
    shape is the same and start-up reads only the first page of it.
    """
    from bench import search

    exact = search.OUT / f"search-{products}-{search.SEED}-{_search_cache_key()}.sqlite"
    if exact.exists():
        return exact, True
    older = sorted(search.OUT.glob(f"search-{products}-{search.SEED}-*.sqlite"),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for candidate in older:
        if _opens_without_rebuild(candidate):
            log(f"startup: no cache for the current demo code; using {candidate.name}")
            return candidate, False
    return search.database_file(products), True


def empty_database(folder: Path) -> Path:
    """A demo store (staff, till, tax rates) with no products."""
    import argon2

    from shopdesk.services.auth import use_hasher
    from shopdesk.services.demo import ensure_demo_store
    from shopdesk.store.database import open_database

    use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    path = folder / "empty.sqlite"
    db = open_database(path)
    try:
        ensure_demo_store(db)
    finally:
        db.close()
    return path


def _product_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT COUNT(*) FROM products").fetchone()[0]
    finally:
        conn.close()


def run_child(db: Path, window: str, *, profile: bool = False) -> dict[str, Any]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    args = [sys.executable, "-c", CHILD_PRELUDE, str(db), window]
    if profile:
        args.append("--profile")
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_S)
    if profile and done.stderr:
        print(done.stderr, file=sys.stderr, flush=True)
    if done.returncode != 0:
        raise RuntimeError(f"start-up child failed ({window}, {db.name}):\n{done.stderr[-3000:]}")
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"start-up child printed no record:\n{done.stdout}\n{done.stderr[-3000:]}")
    return json.loads(lines[-1])


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _measure(window: str, empty: Path, large: Path, runs: int) -> tuple[list[dict], list[dict]]:
    run_child(empty, window)  # warm-ups: page cache, Python bytecode, fonts
    run_child(large, window)
    subject, baseline = [], []
    for rnd in range(runs):
        if rnd % 2:
            subject.append(run_child(large, window))
            baseline.append(run_child(empty, window))
        else:
            baseline.append(run_child(empty, window))
            subject.append(run_child(large, window))
        log(f"startup: {window} run {rnd + 1}/{runs}: large {subject[-1]['painted_ms']} ms, "
            f"empty {baseline[-1]['painted_ms']} ms")
    return subject, baseline


def _phase_medians(samples: list[dict]) -> dict[str, float]:
    names = samples[0]["phases_ms"].keys()
    return {name: _median([s["phases_ms"][name] for s in samples]) for name in names}


def run(*, quick: bool, parts: frozenset[str], profile: bool) -> Iterator[dict]:
    sizes = QUICK if quick else FULL
    source, current_code = large_database(sizes.products)
    index_current = _opens_without_rebuild(source)
    if not index_current:
        log(f"startup: {source.name} is stale: opening it will rebuild the search index")
    with tempfile.TemporaryDirectory(prefix="shopdesk-startup-") as tmp:
        folder = Path(tmp)
        empty = empty_database(folder)
        large = folder / "large.sqlite"
        log(f"startup: copying {source.name} ({source.stat().st_size / 2**30:.2f} GiB) to {folder}")
        shutil.copyfile(source, large)
        products = _product_count(large)
        for part in PARTS:
            if part not in parts:
                continue
            window = WINDOWS[part]
            subject, baseline = _measure(window, empty, large, sizes.runs)
            p50 = _median([s["painted_ms"] for s in subject])
            b50 = _median([s["painted_ms"] for s in baseline])
            rss = _median([s["rss_peak_mb"] for s in subject])
            b_rss = _median([s["rss_peak_mb"] for s in baseline])
            record: dict[str, Any] = {
                "bench": part,
                "n": sizes.runs,
                "products": products,
                "p50_ms": p50,
                "baseline": "same window, empty store",
                "baseline_products": _product_count(empty),
                "baseline_p50_ms": b50,
                "ratio": round(p50 / b50, 3),
                "rss_mb": rss,
                "baseline_rss_mb": b_rss,
                "rss_delta_mb": round(rss - b_rss, 1),
                "rss_now_mb": _median([s["rss_now_mb"] or 0 for s in subject]),
                "baseline_rss_now_mb": _median([s["rss_now_mb"] or 0 for s in baseline]),
                "target_ratio": TARGET_RATIO,
                "target_rss_delta_mb": TARGET_RSS_DELTA_MB,
                "catalog_rows_loaded": subject[0]["catalog_rows_loaded"],
                "index_current_before_open": index_current,
                "index_rebuilt": any(s["index_rebuilt"] for s in subject + baseline),
                "database": source.name,
                "database_from_current_code": current_code,
                "phases_p50_ms": _phase_medians(subject),
                "baseline_phases_p50_ms": _phase_medians(baseline),
            }
            record.update(environment())
            record.update({"qt": subject[0]["qt"], "pyside6": subject[0]["pyside6"]})
            yield record
            if profile:
                run_child(large, window, profile=True)
