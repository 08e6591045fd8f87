"""Alembic environment for ShopDesk.

ShopDesk runs migrations itself at start-up (shopdesk.store.migrations), handing over an
open connection in ``config.attributes["connection"]``. Run by hand (``alembic -c
db/alembic.ini ...``) it opens the URL from the ini file instead.
"""

from alembic import context
from sqlalchemy import engine_from_config, pool

from shopdesk.store.models import Base
from shopdesk.store.search_index import is_search_table

config = context.config
target_metadata = Base.metadata


def _include_name(name, type_, parent_names) -> bool:
    # FTS5 search tables are made by hand (store/search_index.py), not from the models.
    return not (type_ == "table" and name and is_search_table(name))


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=_include_name,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        _configure(conn)


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      render_as_batch=True, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
