"""Opening a ShopDesk database file: engine with the right pragmas, refusal of foreign
files, migrations on start-up, and one transaction per unit of work."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from shopdesk.domain.errors import DatabaseRefused
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)

# PRAGMA application_id marks a SQLite file as ours ("SHPD").
APPLICATION_ID = 0x53485044
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


def apply_pragmas(dbapi_conn: sqlite3.Connection) -> None:
    """WAL for readers beside one writer; FULL sync so a sale shown as paid survives power loss."""
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def make_engine(path: Path | str) -> Engine:
    engine = create_engine(f"sqlite+pysqlite:///{Path(path)}", future=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every test
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (BEGIN below).
        dbapi_conn.isolation_level = None
        apply_pragmas(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        # Writers BEGIN IMMEDIATE: the write lock is taken up front, so two writers never
        # deadlock halfway through a sale. Readers ask for DEFERRED and block nobody.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def inspect_file(path: Path) -> str:
    """Classify a path: 'new' (absent/empty), 'shopdesk', or raise DatabaseRefused."""
    if not path.exists() or path.stat().st_size == 0:
        return "new"
    if path.is_dir():
        raise DatabaseRefused(
            QT_TRANSLATE_NOOP("errors", "{path} is a folder, not a ShopDesk database file."),
            path=str(path),
        )
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseRefused(
            QT_TRANSLATE_NOOP(
                "errors",
                "{path} is not a ShopDesk database (it is not a SQLite file). It was left "
                "untouched; choose another file with --db.",
            ),
            path=str(path),
        )
    if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
        return "shopdesk"
    # The header on disk can be stale: while another process (a second till) has the file
    # open, a new database's marker may still sit in the write-ahead log. Ask SQLite.
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        conn.close()
    if app_id == APPLICATION_ID:
        return "shopdesk"
    if tables == 0:
        return "new"
    raise DatabaseRefused(
        QT_TRANSLATE_NOOP(
            "errors",
            "{path} is a SQLite database of another program, not a ShopDesk database. It was "
            "left untouched; choose another file with --db.",
        ),
        path=str(path),
    )


class Database:
    """An open ShopDesk database: the engine plus a unit-of-work factory."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            engine.execution_options(sqlite_begin="DEFERRED"), expire_on_commit=False
        )
        self._lookups = threading.local()
        self._lookup_connections: list[sqlite3.Connection] = []
        self._lookup_lock = threading.Lock()

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reader(self) -> Iterator[Session]:
        """A read-only look; never commits (closing ends the transaction, keeps loaded objects)."""
        with self._read_sessions() as session:
            yield session

    @contextmanager
    def raw_transaction(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction on the bare sqlite3 connection, for the till's hot path.

        The ORM costs more than the disk here (see bench/checkout.py); scanning and paying
        run prepared SQL through this instead. Same pragmas, same BEGIN IMMEDIATE.

        ``durable=False`` commits without waiting for the disk (WAL with synchronous
        NORMAL): the change survives the program being killed or crashing, as the
        operating system holds it, but a power cut may lose the last such commits. For the
        cart in progress (every scan), never for a sale, a payment or stock.
        """
        with self._raw("BEGIN IMMEDIATE", commit=True, durable=durable) as conn:
            yield conn

    @contextmanager
    def raw_reader(self) -> Iterator[sqlite3.Connection]:
        """A deferred read on the bare sqlite3 connection: one snapshot, blocks no writer."""
        with self._raw("BEGIN DEFERRED", commit=False) as conn:
            yield conn

    @contextmanager
    def _raw(self, begin: str, *, commit: bool, durable: bool = True) -> Iterator[sqlite3.Connection]:
        pooled = self.engine.raw_connection()
        try:
            conn = pooled.driver_connection
            if not durable:
                conn.execute("PRAGMA synchronous = NORMAL")
            try:
                conn.execute(begin)
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT" if commit else "ROLLBACK")
            finally:
                if not durable:  # the pooled connection goes back fully durable
                    conn.execute("PRAGMA synchronous = FULL")
        finally:
            pooled.close()

    def lookup_connection(self) -> sqlite3.Connection:
        """This thread's own connection for single-statement reads in autocommit (each
        SELECT sees the latest commit and holds no lock after it).

        The till looks a scanned code up with it: checking a connection out of the pool
        costs more than the indexed lookup itself. Never begin a transaction on it.
        """
        conn = getattr(self._lookups, "connection", None)
        if conn is None:
            # check_same_thread off only so close() can close it; one thread uses it.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            apply_pragmas(conn)
            with self._lookup_lock:
                self._lookup_connections.append(conn)
            self._lookups.connection = conn
        return conn

    def close(self) -> None:
        with self._lookup_lock:
            connections, self._lookup_connections = self._lookup_connections, []
        self._lookups = threading.local()
        for conn in connections:
            conn.close()
        self.engine.dispose()


def dbapi_connection(target: Session | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a session's transaction (pending ORM rows flushed first),
    so store-level SQL can join the same unit of work."""
    if isinstance(target, Session):
        target.flush()
        return target.connection().connection.driver_connection
    return target


def _stored_revision(path: Path) -> str | None:
    """The schema revision of an existing file, read without writing a byte to it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        conn.close()


def _ensure_search_index(engine: Engine) -> None:
    """Fill the search index after a migration made it (or a new index version needs it)."""
    from shopdesk.store import search_index

    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        if not search_index.is_current(raw):
            log.info("building the product search index")
            search_index.rebuild(raw)


def open_database(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate a ShopDesk database, refusing foreign files.

    Every check runs before anything is written, so a refused file is left byte-for-byte
    as it was.
    """
    from shopdesk.store import migrations

    path = Path(path).expanduser()
    kind = inspect_file(path)
    if kind == "shopdesk":
        migrations.check_not_newer(_stored_revision(path), path)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(path)
    try:
        if kind == "new":
            with engine.begin() as conn:
                conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        if migrate:
            migrations.upgrade_to_head(engine, path)
            _ensure_search_index(engine)
    except Exception:
        engine.dispose()
        raise
    return Database(path, engine)
