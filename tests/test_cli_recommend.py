"""shopdesk import baskets / recommend train / recommend query / recommend evaluate, as the
documented contract: JSON lines in, one JSON line out per query (flushed), errors per line."""

from __future__ import annotations

import io
import json

import pytest

from shopdesk.domain.recommend.synthetic import synthetic_history
from tests.test_cli import run

BASKETS = ["milk,bread,butter", "milk,bread", "bread,jam", "milk,bread,eggs", "beer,crisps", "beer,crisps,salsa",
           "milk,cereal", "bread,butter", "beer,crisps", "milk,bread,butter"] * 3


@pytest.fixture
def trained(store, db_path, tmp_path, capsys):
    baskets = tmp_path / "baskets.csv"
    baskets.write_text("\n".join(BASKETS) + "\n", encoding="utf-8")
    assert run(["--db", db_path, "import", "baskets", baskets]) == 0
    assert "Imported 30 basket(s)" in capsys.readouterr().out
    assert run(["--db", db_path, "recommend", "train"]) == 0
    assert "Trained on 30 baskets" in capsys.readouterr().out
    return db_path


def query(db_path, monkeypatch, capsys, *lines: str) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
    assert run(["--db", db_path, "recommend", "query"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_query_answers_one_line_per_query_with_reasons(trained, monkeypatch, capsys):
    answers = query(trained, monkeypatch, capsys,
                    json.dumps({"cart": ["milk"], "k": 3}),
                    json.dumps({"cart": ["beer"], "k": 2}),
                    "this is not json",
                    json.dumps({"cart": [], "k": 2}),
                    json.dumps({"cart": ["beer", "crisps"], "k": 5, "customer": "nobody"}))
    assert len(answers) == 5
    assert answers[0]["items"][0] == "bread" and "milk" not in answers[0]["items"]
    assert answers[0]["reasons"][0].startswith("bought with milk by")
    assert answers[1]["items"][0] == "crisps"
    assert "error" in answers[2] and answers[2]["items"] == []
    assert len(answers[3]["items"]) == 2  # an empty cart gets the popular items
    assert "salsa" in answers[4]["items"] and not {"beer", "crisps"} & set(answers[4]["items"])


def test_query_before_training_fails_with_a_message(store, products, db_path, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"cart": ["milk"]}\n'))
    assert run(["--db", db_path, "recommend", "query"]) != 0
    assert "not been trained" in capsys.readouterr().err


def test_evaluate_compares_with_both_baselines(tmp_path, capsys):
    data = synthetic_history(3000, 400, 300, seed=3)
    baskets = tmp_path / "history.csv"
    baskets.write_text("\n".join(",".join(data.items[i].name.replace(",", " ") for i in basket)
                                 for basket in data.baskets) + "\n", encoding="utf-8")
    assert run(["recommend", "evaluate", "--baskets", baskets]) == 0
    report = {r["method"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(report) >= {"hybrid", "popular", "cooccurrence"}
    for figures in report.values():
        for key in ("hit_rate@5", "hit_rate@10", "mrr@10", "coverage@10", "train_s", "p95_ms"):
            assert key in figures
    assert report["hybrid"]["hit_rate@10"] > report["popular"]["hit_rate@10"]
