"""Demo data: a believable shop to try ShopDesk on, or to benchmark it at scale.

Products get plausible English and Chinese names, valid EAN-13 barcodes, prices and costs,
opening stock (an intake movement each) and a history of past cash sales.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from shopdesk.domain.cart import LineInput, price_cart
from shopdesk.domain.gtin import barcode_lookup_key, make_gtin
from shopdesk.domain.permissions import Role
from shopdesk.domain.tax import TaxRate as DomainTaxRate
from shopdesk.services import stock
from shopdesk.services.auth import new_user
from shopdesk.services.store_settings import load_settings
from shopdesk.services.store_setup import StoreSetup, initialize_store, store_exists
from shopdesk.store import search_index
from shopdesk.store.database import Database, dbapi_connection
from shopdesk.store.models import (
    Barcode,
    Category,
    Location,
    Product,
    Sale,
    SaleLine,
    SalePayment,
    TaxRate,
    Till,
    User,
)
from shopdesk.store.types import new_id, utcnow


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    pin: str
    role: Role
    name: str


DEMO_STAFF = (
    DemoLogin("owner", "demo-owner", "1111", Role.OWNER, "Olivia Owner"),
    DemoLogin("manager", "demo-manager", "2222", Role.MANAGER, "Max Manager"),
    DemoLogin("cashier", "demo-cashier", "1234", Role.CASHIER, "Casey Cashier"),
    DemoLogin("clerk", "demo-clerk", "4444", Role.CLERK, "Chris Clerk"),
)

# category: (reduced tax?, price range in minor units, [(english, chinese, sizes)])
CATALOG = {
    "Dairy": (True, (79, 699), [
        ("Whole milk", "全脂牛奶", ["1 L", "2 L", "500 ml"]), ("Yogurt", "酸奶", ["150 g", "500 g"]),
        ("Butter", "黄油", ["250 g"]), ("Cheddar cheese", "切达奶酪", ["200 g", "400 g"]),
        ("Cream", "奶油", ["200 ml"]), ("Milk", "牛奶", ["1 L"]),
    ]),
    "Bakery": (True, (99, 499), [
        ("Sourdough bread", "酸面包", ["500 g", "800 g"]), ("Croissant", "牛角包", ["1 pc", "4 pcs"]),
        ("Bagels", "百吉饼", ["4 pcs", "6 pcs"]), ("Rye bread", "黑麦面包", ["750 g"]),
    ]),
    "Beverages": (False, (59, 1299), [
        ("Orange juice", "橙汁", ["1 L", "330 ml"]), ("Green tea", "绿茶", ["500 ml", "20 bags"]),
        ("Sparkling water", "苏打水", ["1.5 L", "500 ml"]), ("Coffee beans", "咖啡豆", ["250 g", "1 kg"]),
        ("Cola", "可乐", ["330 ml", "1.5 L"]),
    ]),
    "Snacks": (False, (69, 599), [
        ("Potato chips", "薯片", ["150 g", "40 g"]), ("Dark chocolate", "黑巧克力", ["100 g"]),
        ("Salted peanuts", "咸花生", ["200 g"]), ("Rice crackers", "米饼", ["100 g"]),
    ]),
    "Produce": (True, (49, 899), [
        ("Bananas", "香蕉", ["1 kg"]), ("Apples", "苹果", ["1 kg", "6 pcs"]), ("Tomatoes", "西红柿", ["500 g"]),
        ("Bok choy", "小白菜", ["300 g"]),
    ]),
    "Household": (False, (149, 1999), [
        ("Dish soap", "洗洁精", ["500 ml"]), ("Paper towels", "厨房纸", ["2 rolls", "6 rolls"]),
        ("Laundry detergent", "洗衣液", ["2 L"]), ("Trash bags", "垃圾袋", ["30 pcs"]),
    ]),
    "Pantry": (True, (89, 1499), [
        ("Jasmine rice", "茉莉香米", ["1 kg", "5 kg"]), ("Soy sauce", "酱油", ["500 ml"]),
        ("Spaghetti", "意大利面", ["500 g"]), ("Olive oil", "橄榄油", ["500 ml", "1 L"]),
        ("Instant noodles", "方便面", ["5 pcs"]),
    ]),
    "Stationery": (False, (49, 999), [
        ("Ballpoint pens", "圆珠笔", ["3 pcs", "10 pcs"]), ("Notebook A5", "笔记本", ["1 pc"]),
        ("Sticky notes", "便利贴", ["100 sheets"]),
    ]),
}
BRANDS_EN = ["Alpine", "Green Valley", "Sunrise", "Northfield", "Harbor", "Meadow", "Golden Oak", "Blue Sky"]
BRANDS_ZH = ["蒙牛", "伊利", "光明", "统一", "康师傅", "农夫山泉", "海天", "金龙鱼"]
STYLES_EN = ["", "", "Organic ", "Classic ", "Light ", "Premium ", "Family pack "]
STYLES_ZH = ["", "", "有机", "经典", "低脂", "精选"]


def _plausible_price(rng: random.Random, low: int, high: int) -> int:
    base = rng.randint(low, high)
    return max(9, base - base % 10 + 9)  # .x9 endings


def ensure_demo_store(db: Database, currency: str = "EUR", locale: str = "en_GB",
                      receipt_printer: str = "none") -> None:
    """Create the demo store and its staff if the database has no store yet."""
    if store_exists(db):
        return
    owner = DEMO_STAFF[0]
    initialize_store(db, StoreSetup(
        store_name="Corner Market", currency=currency, locale=locale, owner_username=owner.username,
        owner_name=owner.name, owner_password=owner.password, owner_pin=owner.pin,
        address="12 High Street\nSpringfield", tax_id="GB123456789", standard_tax_percent="20",
        reduced_tax_percent="5", receipt_footer="Thank you for shopping with us!",
        receipt_printer=receipt_printer,
    ))
    with db.unit_of_work() as s:
        for login in DEMO_STAFF[1:]:
            s.add(new_user(login.username, login.name, login.role, login.password, login.pin))


def add_demo_products(db: Database, count: int, *, sales: int = 200, seed: int = 7,
                      progress=None) -> None:
    """Add ``count`` products (with stock) and ``sales`` past sales, in one transaction."""
    rng = random.Random(seed)
    with db.unit_of_work() as s:
        taxes = {code: (tid, DomainTaxRate(code=code, percent=pct))
                 for tid, code, pct in s.execute(select(TaxRate.id, TaxRate.code, TaxRate.percent))}
        std = taxes["STD"]
        reduced = taxes.get("RED", std)
        offset = s.scalar(select(func.count()).select_from(Product)) or 0
        first_seq = search_index.next_seq(dbapi_connection(s))
        categories = {}
        for name in CATALOG:
            cid = s.scalar(select(Category.id).where(Category.name == name))
            if cid is None:
                cid = new_id()
                s.add(Category(id=cid, name=name))
            categories[name] = cid
        s.flush()
        locations = dict(s.execute(select(Location.code, Location.id)).all())
        owner_id = s.scalar(select(User.id).where(User.role == "owner").limit(1))
        now = utcnow()
        products, barcodes, moves, sellable = [], [], [], []
        names = list(CATALOG.items())
        for i in range(offset, offset + count):
            category, (is_food, (low, high), items) = names[i % len(names)]
            english, chinese, sizes = rng.choice(items)
            size = rng.choice(sizes)
            if (i // len(names)) % 4 == 3:  # Chinese names across every category
                brand = rng.choice(BRANDS_ZH)
                name = f"{brand} {rng.choice(STYLES_ZH)}{chinese} {size}"
            else:
                brand = rng.choice(BRANDS_EN)
                name = f"{brand} {rng.choice(STYLES_EN)}{english} {size}"
            pid = new_id()
            price = _plausible_price(rng, low, high)
            tax_id, tax = reduced if is_food else std
            prefix = "690" if (i // len(names)) % 4 == 3 else "400"
            code = make_gtin(f"{prefix}{i:09d}")
            products.append({
                "id": pid, "seq": first_seq + i - offset, "brand": brand, "sku": f"SKU-{i:07d}", "name": name, "description": "", "category_id": categories[category],
                "price": price, "cost": price * rng.randint(50, 75) // 100, "tax_rate_id": tax_id, "unit": "piece",
                "active": True, "created_at": now, "updated_at": now,
            })
            barcodes.append({"id": new_id(), "product_id": pid, "code": code, "lookup_key": barcode_lookup_key(code)})
            moves.append(stock.Move(pid, Decimal(rng.randint(5, 200)), locations["SUPPLIER"], locations["FLOOR"]))
            sellable.append((pid, name, price, tax))
            if progress and i % 10000 == 0:
                progress(i - offset, count)
        if not products:  # an empty executemany would insert one row of defaults
            return
        s.execute(Product.__table__.insert(), products)
        s.execute(Barcode.__table__.insert(), barcodes)
        search_index.index_products(dbapi_connection(s), [p["id"] for p in products])
        stock.post_movements(s, moves, reason="intake", document_type="demo_intake", document_id=new_id(),
                             user_id=owner_id)
        _add_history(s, rng, sellable, sales, locations, owner_id, now)


def _add_history(s, rng, sellable, sales, locations, user_id, now) -> None:
    if not sellable or sales <= 0:
        return
    till = s.scalar(select(Till).order_by(Till.code).limit(1))
    settings = load_settings(s)
    for _n in range(sales):
        when = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600))
        picks = rng.sample(sellable, k=min(len(sellable), rng.randint(1, 5)))
        lines = [(pid, name, price, tax, Decimal(rng.randint(1, 3))) for pid, name, price, tax in picks]
        totals = price_cart(
            [LineInput(key=str(k), quantity=q, unit_price=price, tax=tax)
             for k, (_pid, _n, price, tax, q) in enumerate(lines)],
            prices_include_tax=settings.prices_include_tax,
        )
        till.last_receipt_no += 1
        sale_id = new_id()
        s.execute(Sale.__table__.insert().values(
            id=sale_id, receipt_number=f"{till.code}-{till.last_receipt_no:06d}", till_id=till.id, user_id=user_id,
            currency=settings.currency, prices_include_tax=settings.prices_include_tax, net_total=totals.net_total,
            tax_total=totals.tax_total, grand_total=totals.grand_total, created_at=when, completed_at=when,
        ))
        s.execute(SaleLine.__table__.insert(), [
            {"id": new_id(), "sale_id": sale_id, "line_no": k + 1, "product_id": pid, "description": name,
             "quantity": q, "unit_price": price, "discount": 0, "tax_code": tax.code, "tax_percent": tax.percent,
             "net": p.net, "tax": p.tax, "gross": p.gross}
            for k, ((pid, name, price, tax, q), p) in enumerate(zip(lines, totals.lines, strict=True))
        ])
        tendered = -(-totals.grand_total // 500) * 500
        s.execute(SalePayment.__table__.insert().values(
            id=new_id(), sale_id=sale_id, tender="cash", amount=totals.grand_total, tendered=tendered,
            change=tendered - totals.grand_total, created_at=when,
        ))
        stock.post_movements(
            s, [stock.Move(pid, q, locations["FLOOR"], locations["CUSTOMER"]) for pid, _n, _p, _t, q in lines],
            reason="sale", document_type="sale", document_id=sale_id, user_id=user_id,
        )
