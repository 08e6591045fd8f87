"""``python -m bench NAME [--quick]``: run benchmarks, print one JSON object per line.

NAME is a registered benchmark (``checkout``), one of the records it produces
(``scan_to_line``, ``complete_sale``), or ``all``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback

from bench import emit, log

# name -> module exposing ``PARTS`` (the record names it yields) and
# ``run(*, quick: bool, parts: frozenset[str], profile: bool) -> Iterator[dict]``.
# Modules are imported only when run, so one broken benchmark does not hide the others.
BENCHMARKS: dict[str, str] = {
    "checkout": "bench.checkout",
    "counter": "bench.counter",
    "catalog_import": "bench.catalog_import",
    "search": "bench.search",
    "startup": "bench.startup",
    "stockroom": "bench.stockroom",
    "orders": "bench.orders",
    "recommend": "bench.recommend",
}


def _resolve(name: str) -> list[tuple[str, frozenset[str] | None]]:
    """(benchmark, parts or None for all of them) to run for a command-line NAME."""
    if name == "all":
        return [(bench, None) for bench in BENCHMARKS]
    if name in BENCHMARKS:
        return [(name, None)]
    for bench, module in BENCHMARKS.items():
        if name in importlib.import_module(module).PARTS:
            return [(bench, frozenset({name}))]
    known = sorted(BENCHMARKS) + ["all"]
    for module in BENCHMARKS.values():
        known += importlib.import_module(module).PARTS
    raise SystemExit(f"python -m bench: unknown benchmark {name!r}; choose one of {', '.join(known)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run ShopDesk benchmarks; prints one JSON object per line on stdout.",
    )
    parser.add_argument("name", help="benchmark to run: " + ", ".join([*BENCHMARKS, "all"])
                        + " (or one record name, e.g. scan_to_line)")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes that finish in seconds (keeps the benchmarks tested)")
    parser.add_argument("--profile", action="store_true",
                        help="afterwards, profile the measured service calls and print the "
                             "top entries on stderr")
    args = parser.parse_args(argv)

    failed = []
    for bench, parts in _resolve(args.name):
        module = importlib.import_module(BENCHMARKS[bench])
        wanted = frozenset(module.PARTS) if parts is None else parts
        try:
            for record in module.run(quick=args.quick, parts=wanted, profile=args.profile):
                emit(record)
        except Exception:  # report and go on with the next benchmark
            traceback.print_exc()
            log(f"benchmark {bench} failed")
            failed.append(bench)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
