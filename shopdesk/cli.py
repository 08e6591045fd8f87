"""The ``shopdesk`` command. Without a sub-command it starts the app (GUI).

Every command takes ``--db``, exits non-zero with a message on stderr when it fails, and
changes nothing when it fails (each service call is one transaction).
"""

from __future__ import annotations

import argparse
import getpass
import json
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
    valuation = stock_sub.add_parser("valuation", help="stock value at moving-average cost per location")
    _db_option(valuation, top=False)
    valuation.add_argument("--location", metavar="CODE", help="only this location")
    valuation.add_argument("--out", type=Path, metavar="FILE.pdf|FILE.csv", help="also write a report")
    low = stock_sub.add_parser("low", help="products at or below their reorder point, with order suggestions")
    _db_option(low, top=False)
    low.add_argument("--location", metavar="CODE", help="only stock at this location")
    count_import = stock_sub.add_parser(
        "count-import", help="add a handheld scanner's counts (CSV: barcode,quantity[,zone]) to an open stocktake")
    _db_option(count_import, top=False)
    count_import.add_argument("stocktake", metavar="NUMBER", help="e.g. ST-000003")
    count_import.add_argument("file", type=Path, metavar="FILE.csv")
    count_import.add_argument("--zone", default="", help="zone for rows that name none")

    importer = sub.add_parser("import", help="import data from a file (as the database's first owner)")
    _db_option(importer, top=False)
    import_sub = importer.add_subparsers(dest="import_what", metavar="WHAT", required=True)
    import_baskets = import_sub.add_parser(
        "baskets", help="purchase history for the recommender: one basket per line, comma-separated item "
                        "names or SKUs; unknown names become products; each line one past sale, in order")
    _db_option(import_baskets, top=False)
    import_baskets.add_argument("file", type=Path, metavar="FILE.csv")
    import_products = import_sub.add_parser(
        "products", help="create and update products from a CSV file (see shopdesk.services.catalog_import)")
    _db_option(import_products, top=False)
    import_products.add_argument("file", type=Path, metavar="FILE.csv")
    import_products.add_argument("--create-categories", action=argparse.BooleanOptionalAction, default=True,
                                 help="create categories the file names that do not exist (default: yes)")
    import_products.add_argument("--dry-run", action="store_true", help="only check the file and show what would change")
    import_orders = import_sub.add_parser(
        "orders", help="create orders from a web shop's CSV or JSON export, all or none "
                       "(format: docs/order-import.md)")
    _db_option(import_orders, top=False)
    import_orders.add_argument("file", type=Path, metavar="FILE.csv|FILE.json")
    import_orders.add_argument("--source", default="webshop", metavar="NAME",
                               help="the web shop the file comes from; orders already imported from it are "
                                    "skipped (default: webshop)")
    import_reviews = import_sub.add_parser(
        "reviews", help="add product reviews from a web shop's CSV or JSON export, all or none "
                        "(format: docs/review-import.md)")
    _db_option(import_reviews, top=False)
    import_reviews.add_argument("file", type=Path, metavar="FILE.csv|FILE.json")
    import_reviews.add_argument("--source", default="webshop", metavar="NAME",
                                help="the web shop the file comes from; reviews already imported from it are "
                                     "skipped, and order ids are those of orders imported from it "
                                     "(default: webshop)")

    exporter = sub.add_parser("export", help="export data to a file")
    _db_option(exporter, top=False)
    export_sub = exporter.add_subparsers(dest="export_what", metavar="WHAT", required=True)
    export_products = export_sub.add_parser("products", help="write the catalog as CSV (UTF-8, importable again)")
    _db_option(export_products, top=False)
    export_products.add_argument("file", type=Path, metavar="FILE.csv")
    export_products.add_argument("--category", metavar="NAME", help='only this category and its subcategories, '
                                 'as a path: "Food > Dairy"')
    export_products.add_argument("--brand", metavar="NAME", help="only products of this brand")
    export_products.add_argument("--active-only", action="store_true", help="leave out inactive products")

    orders = sub.add_parser("orders", help="orders to ship: shipping labels, packing slips, deliveries")
    _db_option(orders, top=False)
    orders_sub = orders.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    order_labels = orders_sub.add_parser("labels", help="shipping labels of shipped orders: PDF (4x6 in or A6) "
                                                        "or ZPL for thermal printers")
    _db_option(order_labels, top=False)
    order_labels.add_argument("orders", nargs="+", metavar="ORDER", help="order number (SO-000012 or 12) or "
                                                                       "tracking number")
    order_labels.add_argument("--out", type=Path, required=True, metavar="FILE.pdf|FILE.zpl")
    order_labels.add_argument("--size", choices=("4x6", "a6"), default="4x6")
    order_labels.add_argument("--dpmm", type=int, default=8, help="ZPL printer density: 8 (203 dpi) or 12 (300 dpi)")
    slips = orders_sub.add_parser("slips", help="packing slips of orders as one PDF")
    _db_option(slips, top=False)
    slips.add_argument("orders", nargs="+", metavar="ORDER")
    slips.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    delivered = orders_sub.add_parser("delivered", help="a carrier's tracking-status CSV (tracking number, "
                                                        "status[, date]): parcels delivered are marked so")
    _db_option(delivered, top=False)
    delivered.add_argument("file", type=Path, metavar="FILE.csv")

    recommend = sub.add_parser("recommend", help="the recommender: train it, ask it, evaluate it")
    _db_option(recommend, top=False)
    recommend_sub = recommend.add_subparsers(dest="recommend_command", metavar="ACTION", required=True)
    train = recommend_sub.add_parser("train", help="learn from the store's sales, orders and reviews")
    _db_option(train, top=False)
    query = recommend_sub.add_parser(
        "query", help='JSON lines on stdin, {"cart": [names or SKUs], "k": 10, "customer": id}; one JSON line '
                      'out per query, {"items": [names], "reasons": [...]}')
    _db_option(query, top=False)
    evaluate = recommend_sub.add_parser(
        "evaluate", help="hold out the last 20%% of a basket file's baskets, hide one item of each, and compare "
                         "the recommender with most-popular and plain co-occurrence cosine")
    _db_option(evaluate, top=False)
    evaluate.add_argument("--baskets", type=Path, required=True, metavar="FILE.csv")
    evaluate.add_argument("--test-fraction", type=float, default=0.2)
    evaluate.add_argument("--seed", type=int, default=0)

    labels = sub.add_parser("labels", help="shelf / barcode labels as PDF for products given by SKU or barcode")
    _db_option(labels, top=False)
    labels.add_argument("codes", nargs="+", metavar="SKU_OR_BARCODE")
    labels.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    labels.add_argument("--format", choices=("sheet", "roll"), default="sheet",
                        help="sheet: A4, 3 x 8 labels of 70 x 37 mm; roll: 50 x 30 mm (default: sheet)")
    labels.add_argument("--copies", type=int, default=1, help="labels per product (default 1)")
    labels.add_argument("--skip", type=int, default=0, help="used labels to skip on the first sheet")
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
    from shopdesk.services.catalog_import import first_owner
    from shopdesk.services.demo import DEMO_STAFF, add_demo_products, ensure_demo_store
    from shopdesk.services.demo_counter import add_demo_counter
    from shopdesk.services.demo_orders import add_demo_orders, add_demo_reviews
    from shopdesk.services.demo_stockroom import add_demo_stockroom
    from shopdesk.services.receipts import receipts_folder
    from shopdesk.services.recommendations import RecommendationService

    if args.products < 0 or args.sales < 0:
        raise SystemExit("shopdesk demo: --products and --sales must be 0 or more")
    db = _open(args.db)
    try:
        printer = f"file:{receipts_folder(db) / 'printer.escpos'}"
        ensure_demo_store(db, currency=args.currency, locale=args.locale, receipt_printer=printer)
        receipts_folder(db).mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        add_demo_products(db, args.products, sales=args.sales, seed=args.seed)
        add_demo_stockroom(db, seed=args.seed)
        add_demo_counter(db)
        add_demo_orders(db, seed=args.seed)
        add_demo_reviews(db, seed=args.seed)
        RecommendationService(db).train(first_owner(db))  # the till's suggestions work at once
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


def cmd_stock(args) -> int:
    return {"verify": cmd_stock_verify, "valuation": cmd_stock_valuation, "low": cmd_stock_low,
            "count-import": cmd_stock_count_import}[args.stock_command](args)


def cmd_stock_valuation(args) -> int:
    from shopdesk.domain.money import format_money
    from shopdesk.domain.quantity import format_quantity
    from shopdesk.services.catalog_import import first_owner
    from shopdesk.services.stock_reports import valuation_report
    from shopdesk.services.stock_views import StockViews
    from shopdesk.services.store_settings import store_info

    db = _open(args.db)
    try:
        info = store_info(db)
        if args.out:
            valuation = valuation_report(db, first_owner(db), args.out, args.location)
        else:
            valuation = StockViews(db).valuation(first_owner(db), args.location)
    finally:
        db.close()
    for v in valuation.per_location:
        print(f"{v.code:10} {v.name[:30]:30} {v.product_count:>9} products {format_quantity(v.quantity, info.locale):>14}"
              f" {format_money(v.value, info.currency, info.locale):>16}")
    print(f"{'TOTAL':41} {valuation.product_count:>9} products {'':>14}"
          f" {format_money(valuation.total_value, info.currency, info.locale):>16}")
    if args.out:
        print(f"Report written to {args.out}")
    return 0


def cmd_stock_low(args) -> int:
    from shopdesk.domain.quantity import format_quantity
    from shopdesk.services.stock_views import StockViews
    from shopdesk.services.store_settings import store_info

    db = _open(args.db)
    try:
        locale = store_info(db).locale
        views, after, shown = StockViews(db), None, 0
        print(f"{'SKU':16} {'product':40} {'on hand':>9} {'reorder':>9} {'on order':>9} {'suggest':>9}")
        while True:
            page = views.low_stock(args.location, limit=500, after=after)
            for r in page.rows:
                print(f"{r.sku[:16]:16} {r.name[:40]:40} {format_quantity(r.on_hand, locale):>9}"
                      f" {format_quantity(r.reorder_point, locale):>9} {format_quantity(r.on_order, locale):>9}"
                      f" {format_quantity(r.suggested, locale):>9}")
            shown += len(page.rows)
            if page.next_key is None:
                break
            after = page.next_key
    finally:
        db.close()
    print(f"{shown} product(s) at or below their reorder point.")
    return 0


def cmd_stock_count_import(args) -> int:
    """As the database's first owner (like ``import products``); all rows or none."""
    from shopdesk.services.catalog_import import first_owner
    from shopdesk.services.stocktake import StocktakeService
    from shopdesk.services.stocktake_import import CountFileRejected
    from shopdesk.services.stocktake_review import StocktakeReview

    db = _open(args.db)
    try:
        stocktake_id = StocktakeReview(db).id_of(args.stocktake)
        try:
            result = StocktakeService(db).import_counts(first_owner(db), stocktake_id, args.file, zone=args.zone)
        except CountFileRejected as err:
            for reject in err.rejects:
                print(reject, file=sys.stderr)
            print(f"{len(err.rejects)} row(s) rejected; nothing was imported.", file=sys.stderr)
            return 1
    finally:
        db.close()
    print(f"Imported {result.rows} rows: {result.products} products counted, {result.unknown_codes} unknown codes "
          "kept to resolve.")
    return 0


def cmd_import(args) -> int:
    """``shopdesk import products FILE.csv``: preview, and unless --dry-run or rows are
    rejected, apply in one transaction. Acts as the database's first owner (see
    catalog_import.first_owner); rejected rows go to stderr and the exit code is 1."""
    from shopdesk.services.catalog_import import CatalogImport, ImportRejected, first_owner

    if args.import_what == "orders":
        return cmd_import_orders(args)
    if args.import_what == "reviews":
        return cmd_import_reviews(args)
    if args.import_what == "baskets":
        return cmd_import_baskets(args)
    db = _open(args.db)
    try:
        actor = first_owner(db)
        importer = CatalogImport(db)
        preview = importer.preview(actor, args.file, create_categories=args.create_categories)
        print(f"{args.file}: {preview.summary()}.")
        for category in preview.new_categories:
            print(f"  new category: {category}")
        if preview.rejects:
            for error in preview.rejects:
                print(error, file=sys.stderr)
            print(f"{len(preview.rejects)} row(s) rejected; nothing was imported.", file=sys.stderr)
            return 1
        if args.dry_run:
            print("Dry run: nothing was imported.")
            return 0
        try:
            result = importer.apply(actor, preview)
        except ImportRejected as err:
            for error in err.rejects:
                print(error, file=sys.stderr)
            print(f"shopdesk: {err}", file=sys.stderr)
            return 1
    finally:
        db.close()
    print(f"Imported: {result.created} created, {result.updated} updated.")
    return 0


def cmd_import_baskets(args) -> int:
    """``shopdesk import baskets FILE``: every basket a past sale, in one transaction."""
    from shopdesk.services.basket_import import BasketImportService
    from shopdesk.services.catalog_import import first_owner

    db = _open(args.db)
    try:
        result = BasketImportService(db).import_baskets(first_owner(db), args.file)
    finally:
        db.close()
    print(f"Imported {result.baskets} basket(s) with {result.lines} line(s) as past sales "
          f"{result.first_receipt} … {result.last_receipt}; {result.new_products} new product(s).")
    return 0


def cmd_import_orders(args) -> int:
    """``shopdesk import orders FILE [--source NAME]``: every order of the file in one
    transaction, or none."""
    from shopdesk.services.order_import import OrderImportService

    return _import_all_or_none(args, lambda db, actor: OrderImportService(db).import_orders(
        actor, args.file, source=args.source))


def cmd_import_reviews(args) -> int:
    """``shopdesk import reviews FILE [--source NAME]``: every review of the file (pending)
    in one transaction, or none."""
    from shopdesk.services.review_import import ReviewImportService

    return _import_all_or_none(args, lambda db, actor: ReviewImportService(db).import_reviews(
        actor, args.file, source=args.source))


def _import_all_or_none(args, run_import) -> int:
    """Acts as the database's first owner (like ``import products``); when rows are wrong,
    each problem goes to stderr, nothing is written and the exit code is 1."""
    from shopdesk.services.catalog_import import first_owner
    from shopdesk.services.csv_files import FileRejected

    db = _open(args.db)
    try:
        try:
            result = run_import(db, first_owner(db))
        except FileRejected as err:
            for problem in err.rejects:
                print(problem, file=sys.stderr)
            print(f"{len(err.rejects)} problem(s) in {args.file}; nothing was imported.", file=sys.stderr)
            return 1
    finally:
        db.close()
    print(result.summary())
    return 0


def cmd_export(args) -> int:
    from shopdesk.services.catalog_export import category_by_path, export_products_csv

    db = _open(args.db)
    try:
        category = category_by_path(db, args.category) if args.category else None
        count = export_products_csv(db, args.file, category_id=category, brand=args.brand,
                                    active_only=args.active_only)
    finally:
        db.close()
    print(f"Exported {count} product(s) to {args.file}.")
    return 0


def cmd_orders(args) -> int:
    """``shopdesk orders labels|slips|delivered``: acts as the database's first owner."""
    from shopdesk.services.catalog_import import first_owner
    from shopdesk.services.fulfilment import FulfilmentService
    from shopdesk.services.orders import OrderService

    db = _open(args.db)
    try:
        actor = first_owner(db)
        fulfil = FulfilmentService(db)
        if args.orders_command == "delivered":
            result = fulfil.import_delivery_statuses(actor, args.file)
            print(f"{len(result.delivered)} order(s) delivered"
                  + (f" ({', '.join(result.delivered)})" if result.delivered else "")
                  + f"; {len(result.unchanged)} row(s) not delivered yet or already done;"
                  f" {len(result.unknown)} tracking number(s) of no shipped order.")
            return 0
        ids = [OrderService(db).find(actor, text).order_id for text in args.orders]
        if args.orders_command == "slips":
            from shopdesk.printing.packing_slip import render_packing_slips

            pages = render_packing_slips(fulfil.packing_slips(ids), args.out)
        elif args.out.suffix.lower() == ".zpl":
            from shopdesk.printing.shipping_labels import render_zpl

            args.out.write_text(render_zpl(fulfil.label_data(ids), dpmm=args.dpmm, size=args.size), encoding="utf-8")
            pages = len(ids)
        else:
            from shopdesk.printing.shipping_labels import render_shipping_labels

            pages = render_shipping_labels(fulfil.label_data(ids), args.out, args.size)
    finally:
        db.close()
    print(f"Wrote {pages} page(s) to {args.out}.")
    return 0


def cmd_recommend(args) -> int:
    if args.recommend_command == "evaluate":
        return cmd_recommend_evaluate(args)
    from shopdesk.services.recommendations import RecommendationService

    db = _open(args.db)
    try:
        service = RecommendationService(db)
        if args.recommend_command == "train":
            from shopdesk.services.catalog_import import first_owner

            done = service.train(first_owner(db))
            print(f"Trained on {done.baskets} baskets ({done.lines} lines), {done.items} items, "
                  f"{done.customers} customers, {done.ratings} ratings in {done.seconds:.1f} s -> {done.path}")
            return 0
        service.model()  # load once, and say so now if it was never trained
        for raw in sys.stdin:
            if not raw.strip():
                continue
            print(json.dumps(_answer_query(service, raw), ensure_ascii=False), flush=True)
    finally:
        db.close()
    return 0


def _answer_query(service, raw: str) -> dict:
    """One line of ``recommend query``: the suggestions, or {"error": ...} for a bad line."""
    try:
        query = json.loads(raw)
        if not isinstance(query, dict) or not isinstance(query.get("cart", []), list):
            raise ValueError('expected an object like {"cart": ["milk"], "k": 10}')
        k = int(query.get("k", 10))
        if not 1 <= k <= 100:
            raise ValueError("k must be from 1 to 100")
        cart = [str(item) for item in query.get("cart", [])]
        customer = query.get("customer")
        found, _unknown = service.query_names(cart, k=k, customer_id=str(customer) if customer else None)
    except (ValueError, TypeError) as err:
        return {"error": str(err), "items": [], "reasons": []}
    return {"items": [s.name for s in found], "reasons": [s.reason for s in found]}


def cmd_recommend_evaluate(args) -> int:
    from shopdesk.domain.recommend.evaluate import evaluate
    from shopdesk.services.basket_import import read_baskets
    from shopdesk.services.recommendations import basket_file_data

    data = basket_file_data(read_baskets(args.baskets))
    report = evaluate(data, test_fraction=args.test_fraction, seed=args.seed)
    for method, figures in report.items():
        print(json.dumps({"method": method, **figures}, ensure_ascii=False), flush=True)
    return 0


def cmd_gui(args) -> int:
    from shopdesk.gui.app import run_app

    return run_app(args.db or default_database_path(), till_code=args.till)


def cmd_labels(args) -> int:
    from shopdesk.domain.errors import UnknownBarcode
    from shopdesk.domain.label import RollLayout, SheetLayout
    from shopdesk.services.catalog_search import CatalogSearch
    from shopdesk.services.labels import LabelService

    db = _open(args.db)
    try:
        search = CatalogSearch(db)
        ids = []
        for code in args.codes:
            hit = search.lookup_code(code)
            if hit is None:
                raise UnknownBarcode(code)
            ids.append(hit.product_id)
        service = LabelService(db)
        if args.format == "sheet":
            pages = service.print_sheet(ids, args.out, layout=SheetLayout(), copies=args.copies,
                                        start_position=args.skip)
            print(f"{len(ids) * args.copies} labels on {pages} page(s) written to {args.out}")
        else:
            count = service.print_roll(ids, args.out, layout=RollLayout(), copies=args.copies)
            print(f"{count} roll labels written to {args.out}")
    finally:
        db.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handlers = {"init": cmd_init, "demo": cmd_demo, "stock": cmd_stock, "import": cmd_import,
                "export": cmd_export, "labels": cmd_labels, "orders": cmd_orders, "recommend": cmd_recommend,
                None: cmd_gui}
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
