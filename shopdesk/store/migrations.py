"""Schema migrations at start-up, with Alembic scripts shipped inside the package."""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from shopdesk.domain.errors import DatabaseRefused
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

log = logging.getLogger(__name__)


def script_location() -> str:
    # Resolved from the installed package, so it works from a wheel and in the bundle.
    return str(resources.files("shopdesk.migrations"))


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", script_location())
    return cfg


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_not_newer(current: str | None, path: Path) -> None:
    """Refuse a database written by a newer ShopDesk: its schema is unknown to us."""
    if current is None:
        return
    script = ScriptDirectory.from_config(alembic_config())
    try:
        known = script.get_revision(current)
    except Exception:  # alembic raises various ResolutionError subclasses
        known = None
    if known is None:
        raise DatabaseRefused(
            QT_TRANSLATE_NOOP(
                "errors",
                "{path} was written by a newer version of ShopDesk (schema {revision}). "
                "It was left untouched; install the newer ShopDesk to open it.",
            ),
            path=str(path), revision=current,
        )


def _backup(path: Path, revision: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.before-{revision}-{stamp}.bak")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def upgrade_to_head(engine: Engine, path: Path, revision: str = "head") -> None:
    """Bring the schema to ``revision``; an existing database is backed up first."""
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return
    if current is not None:
        backup = _backup(path, current)
        log.info("backed up %s to %s before migrating", path, backup)
    cfg = alembic_config()
    with engine.connect() as conn:
        # Batch mode rebuilds tables (copy, drop, rename); with foreign keys on, the drop
        # would cascade into child rows. The pragma only takes effect outside a
        # transaction, so it is set on the raw connection before SQLAlchemy begins one.
        raw = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
