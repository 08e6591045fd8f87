"""A till as a real process, for the reliability tests: ``python seller.py MODE DB TILL SEED [N [back-office]]``.

It opens the database with the real code, logs the demo cashier in and sells with the
real services, telling the parent on stdout what it did (one line each, flushed):

* ``READY`` once the database is open and the cashier logged in;
* ``SCANNING <code>`` before a scan, ``SCANNED <code>`` only after ``scan`` returned;
* ``PAYING`` before paying, ``PAID <receipt_number> <sale_id>`` only after ``pay`` returned
  (the sale is durable then);
* ``DONE`` at the end (``sell`` mode only).

Modes:

* ``loop``: sells until killed (the parent sends SIGKILL at a random moment), pausing
  0–4 ms after each scan and sale like a cashier, so kills land there too.
* ``sell``: waits for a line on stdin (so two sellers start together), then completes N
  sales as fast as it can and exits 0; any exception is printed and exits 1. With
  ``back-office`` it also reads between sales (stock check, cart), as a back-office PC.

Each sale is 1–5 scans of the given codes (random), paid with a random split of card and
cash (card first, the rest in cash, sometimes with change).
"""

from __future__ import annotations

import random
import sys
import time
import traceback

CODES = ("4006381333931", "036000291452", "96385074", "6901234567892")


def say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def split_tenders(total: int, rng: random.Random, tender_cls) -> list:
    """A random card + cash split of ``total``: card-only, cash-only, or both (cash maybe with change)."""
    how = rng.random()
    if how < 0.15 or total < 2:
        return [tender_cls("cash", total + rng.choice((0, 0, 1, 50, 500)))]
    if how < 0.3:
        return [tender_cls("card", total, card_type="VISA", reference=f"{rng.randrange(10**6):06d}")]
    card = rng.randint(1, total - 1)
    cash = total - card + rng.choice((0, 0, 1, 20, 1000))
    tenders = [tender_cls("card", card, card_type="MASTERCARD", reference=f"{rng.randrange(10**6):06d}"),
               tender_cls("cash", cash)]
    if rng.random() < 0.5:
        tenders.reverse()  # cash first: tenders come in any order
    return tenders


def main(argv: list[str]) -> int:
    mode, db_path, till_code, seed = argv[0], argv[1], argv[2], int(argv[3])
    count = int(argv[4]) if len(argv) > 4 else 0
    back_office = "back-office" in argv[5:]

    import argon2

    from shopdesk.services import auth, stock
    auth.use_hasher(argon2.PasswordHasher.from_parameters(argon2.profiles.CHEAPEST))
    from shopdesk.services.auth import AuthService
    from shopdesk.services.checkout import CheckoutService
    from shopdesk.services.payments import PaymentService, Tender
    from shopdesk.services.store_settings import till_by_code
    from shopdesk.store.database import open_database

    rng = random.Random(seed)
    db = open_database(db_path)
    staff = AuthService(db).login("cashier", "demo-cashier")
    till_id = till_by_code(db, till_code).till_id
    checkout, payments = CheckoutService(db), PaymentService(db)
    say("READY")

    def pause() -> None:
        """The cashier between scans and customers (loop mode), so kills land there too."""
        if mode == "loop":
            time.sleep(rng.uniform(0, 0.004))

    def one_sale() -> None:
        for _ in range(rng.randint(1, 5)):
            code = rng.choice(CODES)
            say(f"SCANNING {code}")
            view = checkout.scan(staff, till_id, code)
            say(f"SCANNED {code}")
            pause()
        # The cart may hold lines restored from before a kill: pay what it holds.
        tenders = split_tenders(view.total, rng, Tender)
        say("PAYING")
        result = payments.pay(staff, till_id, tenders)
        say(f"PAID {result.receipt_number} {result.sale_id}")
        pause()

    if mode == "loop":
        while True:
            one_sale()
    if mode == "sell":
        sys.stdin.readline()  # the starting gun
        try:
            for _ in range(count):
                one_sale()
                if back_office:  # reads between sales, as the back office's screens do
                    stock.verify(db)
                    checkout.current_cart(staff, till_id)
        except BaseException:
            say("ERROR " + traceback.format_exc().replace("\n", " | "))
            return 1
        finally:
            db.close()
        say("DONE")
        return 0
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
