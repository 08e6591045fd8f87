from shopdesk.domain.cash import quick_cash_amounts


def test_next_round_notes_above_the_total():
    assert quick_cash_amounts(2503, "EUR") == [3000, 4000, 5000]
    assert quick_cash_amounts(857, "EUR") == [1000, 2000, 5000]


def test_currencies_without_minor_units():
    assert quick_cash_amounts(1234, "JPY") == [1235, 1240, 1250]


def test_exact_round_totals_offer_only_larger_amounts():
    assert all(a > 10000 for a in quick_cash_amounts(10000, "USD"))
