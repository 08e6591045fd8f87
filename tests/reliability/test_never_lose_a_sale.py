"""kill -9 at random moments, many times over: no sale shown as paid is lost, no sale is
half-written, no receipt number is burnt, and the cart in progress comes back.

A real child process (``seller.py loop``) opens the database file and sells in a loop
(1–5 scans, then a random card + cash split). It prints ``SCANNED``/``PAID`` only after
the service call returned, and ``SCANNING``/``PAYING`` before it, so after the kill the
parent knows whether the last call was finished, or in flight (then either outcome is
allowed, but nothing in between). Each round starts a new child on the same file.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from shopdesk.services import stock
from shopdesk.services.checkout import CheckoutService
from shopdesk.services.payments import PaymentService, Tender
from shopdesk.store.database import open_database

SELLER = Path(__file__).with_name("seller.py")
REPO = Path(__file__).resolve().parents[2]
ROUNDS = 25
KILL_AFTER_S = (0.0, 0.4)  # after the child said READY
READY_TIMEOUT_S = 60.0
SKU_OF = {"4006381333931": "MILK-1L", "036000291452": "BREAD", "96385074": "SOAP", "6901234567892": "NIUNAI"}


class Child:
    """A seller process whose stdout lines are collected by a thread."""

    def __init__(self, *args: str) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, str(SELLER), *args], cwd=REPO, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr = ""

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("READY"):
                self.ready.set()
        self.ready.set()  # EOF: died before READY; the caller looks at the return code

    def finish(self, timeout: float = 60.0) -> int:
        code = self.proc.wait(timeout=timeout)
        self._reader.join(timeout)
        self.stderr = self.proc.stderr.read()
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


def open_cart(db, cashier, till_id: str) -> Counter:
    view = CheckoutService(db).current_cart(cashier, till_id)
    return Counter({line.sku: int(line.quantity) for line in view.lines})


def test_kill_9_at_random_moments_never_loses_a_sale(db_path, store, products, cashier, till):
    store.close()
    rng = random.Random(20261126)
    expected: Counter = Counter()  # the open cart as the children reported it
    reported: list[tuple[str, str]] = []  # (receipt number, sale id) printed as PAID
    committed_unreported = 0  # killed inside pay() after the commit, before PAID was printed
    phases: Counter = Counter()
    started = time.monotonic()

    for rnd in range(ROUNDS):
        child = Child("loop", str(db_path), "T1", str(rnd))
        assert child.ready.wait(READY_TIMEOUT_S), "the seller did not start"
        time.sleep(rng.uniform(*KILL_AFTER_S))
        child.proc.send_signal(signal.SIGKILL)
        code = child.finish()
        assert code == -signal.SIGKILL, f"round {rnd}: seller exited {code} by itself:\n{child.stderr}"
        assert "READY" in child.lines, child.stderr

        in_flight: tuple[str, ...] | None = None
        for line in child.lines[child.lines.index("READY") + 1:]:
            word, *rest = line.split()
            if word == "SCANNING":
                in_flight = ("scan", SKU_OF[rest[0]])
            elif word == "SCANNED":
                expected[SKU_OF[rest[0]]] += 1
                in_flight = None
            elif word == "PAYING":
                in_flight = ("pay",)
            elif word == "PAID":
                reported.append((rest[0], rest[1]))
                expected = Counter()
                in_flight = None
            else:
                raise AssertionError(f"round {rnd}: unexpected line {line!r}")

        db = open_database(db_path)  # what a restarted till sees
        try:
            actual = open_cart(db, cashier, till.till_id)
        finally:
            db.close()
        if in_flight is None:
            phases["after a scan" if expected else "between sales"] += 1
            assert actual == expected, f"round {rnd}: cart {actual} after the kill, scanned {expected}"
        elif in_flight[0] == "scan":
            phases["inside scan"] += 1
            assert actual in (expected, expected + Counter({in_flight[1]: 1})), (
                f"round {rnd}: killed scanning {in_flight[1]}: cart {actual}, scanned before {expected}")
        else:
            phases["inside pay"] += 1
            assert actual in (expected, Counter()), (
                f"round {rnd}: killed paying: cart {actual}, scanned {expected}")
            if not actual and expected:
                committed_unreported += 1  # the sale went through; the child died before saying so
        expected = actual

    print(f"\n{ROUNDS} kills in {time.monotonic() - started:.1f} s: {dict(phases)}; "
          f"{len(reported)} sales reported paid, {committed_unreported} committed unreported")

    db = open_database(db_path)
    try:
        check_every_sale_whole(db, reported, committed_unreported, till.till_id)
        assert stock.verify(db) == []
        # The restored cart can still be paid, with the next receipt number.
        view = CheckoutService(db).current_cart(cashier, till.till_id)
        if not view.is_empty:
            result = PaymentService(db).pay(cashier, till.till_id, [Tender("cash", view.total)])
            with db.raw_reader() as conn:
                (count,) = conn.execute("SELECT COUNT(*) FROM sales").fetchone()
            assert result.receipt_number == f"T1-{count:06d}"
            assert stock.verify(db) == []
    finally:
        db.close()


def check_every_sale_whole(db, reported, committed_unreported: int, till_id: str) -> None:
    with db.raw_reader() as conn:
        sales = {sid: (receipt, till, total, rounding) for sid, receipt, till, total, rounding in conn.execute(
            "SELECT id, receipt_number, till_id, grand_total, rounding FROM sales")}
        # Every receipt a child showed as paid is there, under the sale id it was given.
        by_receipt = {receipt: sid for sid, (receipt, *_rest) in sales.items()}
        for receipt, sale_id in reported:
            assert by_receipt.get(receipt) == sale_id, f"paid sale {receipt} ({sale_id}) is missing"
        assert len(reported) == len({r for r, _ in reported}), "a receipt number was reported twice"
        assert len(sales) == len(reported) + committed_unreported

        lines: dict[str, Counter] = {}
        for sid, product, quantity in conn.execute("SELECT sale_id, product_id, quantity FROM sale_lines"):
            lines.setdefault(sid, Counter())[product] += quantity
        paid = dict(conn.execute("SELECT sale_id, SUM(amount) FROM sale_payments GROUP BY sale_id"))
        moved: dict[str, Counter] = {}
        for sid, product, quantity in conn.execute(
                "SELECT document_id, product_id, quantity FROM stock_movements"
                " WHERE document_type = 'sale' AND reason = 'sale'"):
            moved.setdefault(sid, Counter())[product] += quantity
        audited = Counter(sid for (sid,) in conn.execute(
            "SELECT entity_id FROM audit_log WHERE action = 'sale.completed'"))
        for sid, (receipt, _till, total, rounding) in sales.items():
            assert lines.get(sid), f"{receipt} has no lines"
            assert paid.get(sid) == total + rounding, f"{receipt}: payments {paid.get(sid)} ≠ {total} + {rounding}"
            assert moved.get(sid) == lines[sid], f"{receipt}: stock moved {moved.get(sid)}, sold {lines[sid]}"
            assert audited[sid] == 1, f"{receipt}: {audited[sid]} audit entries"
        assert set(moved) <= set(sales), "stock movements of a sale that does not exist"

        # Receipt numbers are taken inside the sale's transaction: unique, gapless, none burnt.
        numbers = sorted(int(receipt.rsplit("-", 1)[1]) for receipt, *_rest in sales.values())
        assert numbers == list(range(1, len(sales) + 1))
        assert conn.execute("SELECT last_receipt_no FROM tills WHERE id = ?", (till_id,)).fetchone()[0] == len(sales)
        assert conn.execute("SELECT COUNT(*) FROM cart_drafts WHERE till_id = ? AND status = 'open'",
                            (till_id,)).fetchone()[0] <= 1
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

