"""The ``shopdesk`` command. Without a sub-command it starts the app (GUI).

Every command takes ``--db``, exits non-zero with a message on stderr when it fails, and
changes nothing when it fails (each service call is one transaction).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from shopdesk import __version__
from shopdesk.domain.errors import ShopDeskError
from shopdesk.paths import default_database_path


def _db_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--db", type=Path, metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help=f"database file (default: {default_database_path()}; or set SHOPDESK_DB)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shopdesk", description="ShopDesk point of sale and back office.")
    parser.add_argument("--version", action="version", version=f"ShopDesk {__version__}")
    _db_option(parser, top=True)
    parser.add_argument("--till", metavar="CODE", help="which till this machine is (default: the first)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser("init", help="create a store and its owner account")
    _db_option(init, top=False)
    init.add_argument("--store-name", required=True)
    init.add_argument("--currency", required=True, help="ISO 4217 code, e.g. EUR")
    init.add_argument("--locale", default="en_US", help="e.g. en_GB, de_DE, zh_CN")
    init.add_argument("--address", default="")
    init.add_argument("--tax-id", default="")
    init.add_argument("--tax-rate", default="20", help="standard tax rate in percent")
    init.add_argument("--reduced-tax-rate", default=None)
    init.add_argument("--prices-exclude-tax", action="store_true", help="shelf prices are net of tax")
    init.add_argument("--owner", required=True, help="owner's user name")
    init.add_argument("--owner-name", required=True, help="owner's full name")
    init.add_argument("--password-stdin", action="store_true", help="read the owner's password from stdin")
    init.add_argument("--pin", default=None, help="owner's 4-6 digit PIN for switching user at the till")

    demo = sub.add_parser("demo", help="fill a database with demo data (creates the demo store if empty)")
    _db_option(demo, top=False)
    demo.add_argument("--products", type=int, default=2000)
    demo.add_argument("--sales", type=int, default=200)
    demo.add_argument("--seed", type=int, default=7)
    demo.add_argument("--currency", default="EUR")
    demo.add_argument("--locale", default="en_GB")

    stock = sub.add_parser("stock", help="stock ledger commands")
    _db_option(stock, top=False)
    stock_sub = stock.add_subparsers(dest="stock_command", metavar="ACTION", required=True)
    verify = stock_sub.add_parser("verify", help="prove every balance equals the sum of the ledger")
    _db_option(verify, top=False)
    return parser


def _open(path: Path | None):
    from shopdesk.store.database import open_database

    return open_database(path or default_database_path())


def cmd_init(args) -> int:
    from shopdesk.services.store_setup import StoreSetup, initialize_store

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Owner's password: ")
    db = _open(args.db)
    try:
        initialize_store(db, StoreSetup(
            store_name=args.store_name, currency=args.currency, locale=args.locale, address=args.address,
            tax_id=args.tax_id, standard_tax_percent=args.tax_rate, reduced_tax_percent=args.reduced_tax_rate,
            prices_include_tax=not args.prices_exclude_tax, owner_username=args.owner,
            owner_name=args.owner_name, owner_password=password, owner_pin=args.pin,
        ))
    finally:
        db.close()
    print(f"Created store '{args.store_name}' in {db.path}")
    return 0


def cmd_demo(args) -> int:
    from shopdesk.services.demo import DEMO_STAFF, add_demo_products, ensure_demo_store
    from shopdesk.services.receipts import receipts_folder

    if args.products < 0 or args.sales < 0:
        raise SystemExit("shopdesk demo: --products and --sales must be 0 or more")
    db = _open(args.db)
    try:
        printer = f"file:{receipts_folder(db) / 'printer.escpos'}"
        ensure_demo_store(db, currency=args.currency, locale=args.locale, receipt_printer=printer)
        receipts_folder(db).mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        add_demo_products(db, args.products, sales=args.sales, seed=args.seed)
        took = time.perf_counter() - started
    finally:
        db.close()
    print(f"Added {args.products} products and {args.sales} past sales to {db.path} in {took:.1f} s.")
    print("Demo logins (user / password / PIN):")
    for login in DEMO_STAFF:
        print(f"  {login.role.value:8} {login.username:8} / {login.password} / {login.pin}")
    return 0


def cmd_stock_verify(args) -> int:
    from shopdesk.services.stock import verify

    db = _open(args.db)
    try:
        mismatches = verify(db)
    finally:
        db.close()
    if mismatches:
        for m in mismatches:
            print(f"product {m.product_id} at {m.location_id}: balance {m.balance} but ledger {m.ledger}",
                  file=sys.stderr)
        print(f"{len(mismatches)} balance(s) differ from the ledger.", file=sys.stderr)
        return 1
    print("All stock balances equal the ledger.")
    return 0


def cmd_gui(args) -> int:
    from shopdesk.gui.app import run_app

    return run_app(args.db or default_database_path(), till_code=args.till)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"init": cmd_init, "demo": cmd_demo, "stock": cmd_stock_verify, None: cmd_gui}
    try:
        return handlers[args.command](args)
    except ShopDeskError as err:
        print(f"shopdesk: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except OSError as err:
        print(f"shopdesk: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
