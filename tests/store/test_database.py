"""Opening database files: pragmas, refusing foreign or newer files, migrations."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from shopdesk.domain.errors import DatabaseRefused
from shopdesk.store import migrations
from shopdesk.store.database import APPLICATION_ID, make_engine, open_database
from shopdesk.store.models import Base
from shopdesk.store.search_index import is_search_table


def database_at(db_path, revision: str):
    """An engine on a ShopDesk file made by an older release (migrated up to ``revision``)."""
    engine = make_engine(db_path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.upgrade_to_head(engine, db_path, revision=revision)
    return engine


def add_floor_owner_and_till(conn, t: str) -> None:
    """The rows a sale needs: location l1 (FLOOR), owner u1, till t1 (T1)."""
    conn.exec_driver_sql(
        f"INSERT INTO locations (id, code, name, kind, created_at, updated_at) VALUES"
        f" ('l1', 'FLOOR', 'Shop floor', 'internal', {t}, {t})")
    conn.exec_driver_sql(
        f"INSERT INTO users (id, username, display_name, role, password_hash, failed_attempts, active,"
        f" created_at, updated_at) VALUES ('u1', 'o', 'O', 'owner', 'x', 0, 1, {t}, {t})")
    conn.exec_driver_sql(
        f"INSERT INTO tills (id, code, name, location_id, last_receipt_no, created_at, updated_at)"
        f" VALUES ('t1', 'T1', 'Till 1', 'l1', 1, {t}, {t})")

def test_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(db):
    with db.engine.connect() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("application_id") == APPLICATION_ID


def test_the_lookup_connection_is_one_per_thread_sees_every_commit_and_closes_with_the_database(db_path):
    import threading

    db = open_database(db_path)
    mine = db.lookup_connection()
    assert db.lookup_connection() is mine
    assert mine.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    others: list[sqlite3.Connection] = []
    worker = threading.Thread(target=lambda: others.append(db.lookup_connection()))
    worker.start()
    worker.join()
    assert others[0] is not mine
    with db.raw_transaction() as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
    assert mine.execute("SELECT x FROM t").fetchall() == [(1,)]  # no snapshot held between reads
    assert not mine.in_transaction
    db.close()
    for conn in (mine, others[0]):
        with pytest.raises(sqlite3.ProgrammingError):
            conn.execute("SELECT 1")


def test_new_database_is_at_head_and_schema_matches_models(db):
    assert migrations.current_revision(db.engine) == migrations.head_revision()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, type_, _: not (type_ == "table" and is_search_table(name)),
        })
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], "models and migrations disagree; write a migration"


def test_refuses_a_file_that_is_not_sqlite_and_leaves_it_untouched(tmp_path):
    path = tmp_path / "notes.sqlite"
    content = b"shopping list: milk, bread\n" * 10
    path.write_bytes(content)
    with pytest.raises(DatabaseRefused, match="not a ShopDesk database"):
        open_database(path)
    assert path.read_bytes() == content


def test_refuses_another_programs_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('Ann')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseRefused, match="another program"):
        open_database(path)
    assert path.read_bytes() == before


def test_refuses_a_database_from_a_newer_shopdesk(db_path):
    open_database(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseRefused, match="newer version of ShopDesk"):
        open_database(db_path)
    assert db_path.read_bytes() == before


def test_refuses_a_folder(tmp_path):
    with pytest.raises(DatabaseRefused, match="folder"):
        open_database(tmp_path)


def test_an_empty_file_becomes_a_new_database(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.touch()
    open_database(path).close()
    assert migrations.current_revision(make_engine(path)) == migrations.head_revision()


def test_upgrade_from_first_revision_keeps_data_and_backs_up(db_path):
    """A database made by the first release, with data in it, upgrades to head intact."""
    engine = make_engine(db_path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    migrations.upgrade_to_head(engine, db_path, revision="0001")
    assert migrations.current_revision(engine) == "0001"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO store_settings (id, name, address, tax_id, currency, locale, prices_include_tax,"
            " receipt_footer, created_at, updated_at) VALUES ('s1', 'Old Shop', '', '', 'EUR', 'de_DE', 1,"
            " 'Danke', '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO tax_rates (id, code, name, percent, active, created_at, updated_at)"
            " VALUES ('t1', 'STD', 'Standard', '19', 1, '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')"
        )
        conn.exec_driver_sql(
            "INSERT INTO products (id, sku, name, description, price, cost, tax_rate_id, unit, active,"
            " created_at, updated_at) VALUES ('p1', 'SKU1', 'Brezel', '', 99, 40, 't1', 'piece', 1,"
            " '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')"
        )
    engine.dispose()

    db = open_database(db_path)  # start-up migrates
    try:
        assert migrations.current_revision(db.engine) == migrations.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name, receipt_printer FROM store_settings").one() == (
                "Old Shop", "none")
            assert conn.exec_driver_sql("SELECT sku, name, price FROM products").one() == ("SKU1", "Brezel", 99)
            assert conn.exec_driver_sql("SELECT count(*) FROM cart_drafts").scalar() == 0
            # 0003: the old product got a seq and was put in the search index at start-up
            assert conn.exec_driver_sql("SELECT seq, brand FROM products").one() == (1, "")
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM product_search WHERE product_search MATCH '\"brez\"'").scalar() == 1
    finally:
        db.close()
    backups = list(db_path.parent.glob(f"{db_path.name}.before-0001-*.bak"))
    assert len(backups) == 1
    old = sqlite3.connect(backups[0])
    assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
    old.close()


def test_unit_of_work_rolls_back_everything_on_error(db):
    from shopdesk.store.models import Location

    with pytest.raises(RuntimeError), db.unit_of_work() as s:
        s.add(Location(code="X1", name="Temp"))
        s.flush()
        raise RuntimeError("power cut")
    with db.reader() as s:
        assert s.query(Location).filter_by(code="X1").count() == 0


def test_upgrade_from_0004_adds_the_stockroom_and_keeps_stock(db_path):
    """A database from the catalog release (0004) with stock in it gains the stockroom tables."""
    engine = database_at(db_path, "0004")
    t = "'2025-01-01T00:00:00+00:00'"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO tax_rates (id, code, name, percent, active, created_at, updated_at)"
            f" VALUES ('t1', 'STD', 'Standard', '19', 1, {t}, {t})")
        conn.exec_driver_sql(
            f"INSERT INTO products (id, seq, sku, name, description, brand, attributes, price, cost, tax_rate_id,"
            f" unit, reorder_point, active, options, created_at, updated_at) VALUES ('p1', 1, 'SKU1', 'Brezel',"
            f" '', '', '{{}}', 99, 40, 't1', 'piece', 5000, 1, '{{}}', {t}, {t})")
        conn.exec_driver_sql(
            f"INSERT INTO locations (id, code, name, kind, created_at, updated_at) VALUES"
            f" ('l1', 'FLOOR', 'Shop floor', 'internal', {t}, {t}), ('l2', 'SUPPLIER', 'Suppliers', 'supplier', {t}, {t})")
        conn.exec_driver_sql(
            f"INSERT INTO stock_balances (product_id, location_id, quantity, updated_at)"
            f" VALUES ('p1', 'l1', 7000, {t}), ('p1', 'l2', -7000, {t})")
    engine.dispose()

    db = open_database(db_path)
    try:
        assert migrations.current_revision(db.engine) == migrations.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT reorder_point, max_stock FROM products").one() == (5000, None)
            assert conn.exec_driver_sql(
                "SELECT quantity FROM stock_balances WHERE location_id = 'l1'").scalar() == 7000
            for table in ("suppliers", "purchase_orders", "goods_receipts", "stocktakes", "stocktake_entries",
                          "stock_transfers", "stock_bins", "document_counters"):
                assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0
    finally:
        db.close()


def test_a_second_process_opens_a_new_database_whose_marker_is_still_in_the_wal(db_path):
    """A second till opening the shop file while the first still holds it open."""
    first = open_database(db_path)
    try:
        with open(db_path, "rb") as fh:
            on_disk = int.from_bytes(fh.read(100)[68:72], "big")
        second = open_database(db_path)  # must not call it "another program's database"
        second.close()
    finally:
        first.close()
    assert on_disk in (0, APPLICATION_ID)


def test_upgrade_from_0005_adds_the_counter_without_copying_sales(db_path):
    """A 0005 database with a sale upgrades in place: old rows get the defaults, the new
    reference columns are enforced, tenders and discount limits are seeded."""
    engine = database_at(db_path, "0005")
    t = "'2025-01-01T00:00:00+00:00'"
    with engine.begin() as conn:
        add_floor_owner_and_till(conn, t)
        conn.exec_driver_sql(
            f"INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
            f" tax_total, grand_total, created_at, completed_at) VALUES ('s1', 'T1-000001', 't1', 'u1', 'EUR', 1,"
            f" 100, 19, 119, {t}, {t})")
        (sales_rootpage,) = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sales'").one()
    engine.dispose()

    db = open_database(db_path)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT kind, rounding, cart_discount, customer_id FROM sales").one() == ("sale", 0, 0, None)
            # not copied: the table keeps its b-tree (a copy of ten million sales would take minutes)
            assert conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'sales'").scalar() \
                == sales_rootpage
            assert {r[0] for r in conn.exec_driver_sql("SELECT code FROM tender_types")} >= {"cash", "card"}
            assert conn.exec_driver_sql(
                "SELECT line_percent FROM discount_limits WHERE role = 'cashier'").scalar() == "10"
        with pytest.raises(sqlite3.IntegrityError), db.raw_transaction() as raw:
            raw.execute("UPDATE sales SET customer_id = 'nobody' WHERE id = 's1'")
    finally:
        db.close()


def test_upgrade_from_0006_adds_the_store_logo_without_copying_store_settings(db_path):
    """A 0006 database keeps its store row; the new logo column is NULL and references images."""
    engine = database_at(db_path, "0006")
    t = "'2025-01-01T00:00:00+00:00'"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO store_settings (id, name, address, tax_id, currency, locale, prices_include_tax,"
            f" receipt_footer, receipt_printer, cash_rounding_step, created_at, updated_at) VALUES ('s1',"
            f" 'Old Shop', 'Main St 1', '', 'EUR', 'de_DE', 1, 'Danke', 'none', 5, {t}, {t})")
        (rootpage,) = conn.exec_driver_sql(
            "SELECT rootpage FROM sqlite_master WHERE name = 'store_settings'").one()
    engine.dispose()

    db = open_database(db_path)
    try:
        assert migrations.current_revision(db.engine) == migrations.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql(
                "SELECT name, address, receipt_footer, cash_rounding_step, logo_image_id FROM store_settings"
            ).one() == ("Old Shop", "Main St 1", "Danke", 5, None)
            assert conn.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = 'store_settings'").scalar() == rootpage
        with pytest.raises(sqlite3.IntegrityError), db.raw_transaction() as raw:
            raw.execute("UPDATE store_settings SET logo_image_id = 'no-such-image' WHERE id = 's1'")
    finally:
        db.close()


def test_upgrade_from_0007_adds_orders_and_seeds_carriers_for_the_stores_country(db_path):
    """A 0007 database with a store keeps it; orders tables arrive empty, carriers and parcel
    types are seeded, the post's S10 country taken from the store's locale."""
    engine = database_at(db_path, "0007")
    t = "'2025-01-01T00:00:00+00:00'"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO store_settings (id, name, address, tax_id, currency, locale, prices_include_tax,"
            f" receipt_footer, receipt_printer, cash_rounding_step, created_at, updated_at) VALUES ('s1',"
            f" 'Old Shop', 'Main St 1', '', 'EUR', 'de_DE', 1, 'Danke', 'none', 5, {t}, {t})")
    engine.dispose()

    db = open_database(db_path)
    try:
        assert migrations.current_revision(db.engine) == migrations.head_revision()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM store_settings").scalar() == "Old Shop"
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM orders").scalar() == 0
            assert conn.exec_driver_sql(
                "SELECT s10, s10_service, s10_country FROM carrier_profiles WHERE code = 'POST'").one() \
                == (1, "RR", "DE")
            assert conn.exec_driver_sql("SELECT COUNT(*) FROM parcel_types").scalar() == 4
        with pytest.raises(sqlite3.IntegrityError), db.raw_transaction() as raw:
            raw.execute("INSERT INTO stock_reservations (order_line_id, order_id, product_id, location_id, quantity)"
                        " VALUES ('x', 'y', 'z', 'w', 1000)")
    finally:
        db.close()


def test_upgrade_from_0008_adds_reviews_and_marks_old_sale_lines_not_suggested_in_place(db_path):
    engine = database_at(db_path, "0008")
    t = "'2025-01-01T00:00:00+00:00'"
    with engine.begin() as conn:
        add_floor_owner_and_till(conn, t)
        conn.exec_driver_sql(f"INSERT INTO tax_rates (id, code, name, percent, active, created_at, updated_at)"
                             f" VALUES ('x1', 'STD', 'Std', '20', 1, {t}, {t})")
        conn.exec_driver_sql(
            f"INSERT INTO products (id, seq, sku, name, description, brand, attributes, price, cost, tax_rate_id,"
            f" unit, active, options, created_at, updated_at) VALUES ('p1', 1, 'A', 'A', '', '', '{{}}', 100, 0,"
            f" 'x1', 'piece', 1, '{{}}', {t}, {t})")
        conn.exec_driver_sql(
            f"INSERT INTO sales (id, receipt_number, till_id, user_id, currency, prices_include_tax, net_total,"
            f" tax_total, grand_total, created_at, completed_at, kind, cart_discount, rounding) VALUES ('s1',"
            f" 'T1-000001', 't1', 'u1', 'EUR', 1, 83, 17, 100, {t}, {t}, 'sale', 0, 0)")
        conn.exec_driver_sql(
            "INSERT INTO sale_lines (id, sale_id, line_no, product_id, description, quantity, unit_price, discount,"
            " tax_code, tax_percent, net, tax, gross) VALUES ('sl1', 's1', 1, 'p1', 'A', 1000, 100, 0, 'STD', '20',"
            " 83, 17, 100)")
        (rootpage,) = conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'sale_lines'").one()
    engine.dispose()

    db = open_database(db_path)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT suggested FROM sale_lines").scalar() == 0
            assert conn.exec_driver_sql("SELECT rootpage FROM sqlite_master WHERE name = 'sale_lines'").scalar() \
                == rootpage
        with pytest.raises(sqlite3.IntegrityError), db.raw_transaction() as raw:
            raw.execute(f"INSERT INTO reviews (id, product_id, rating, title, body, status, reject_reason, reply,"
                        f" source, reviewer_name, created_at, updated_at) VALUES ('r1', 'p1', 6, '', '', 'pending',"
                        f" '', '', 'counter', '', {t}, {t})")
    finally:
        db.close()
