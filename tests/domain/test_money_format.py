"""format_money's learnt layouts write every amount exactly as babel does, or step aside."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from shopdesk.domain import money_format
from shopdesk.domain.money import _babel_money, _money_layout, format_money

LOCALES = ("en_US", "de_DE", "fr_FR", "de_CH", "en_IN", "es_ES", "nl_NL", "ja_JP", "zh_CN", "ar_EG",
           "he_IL", "fa_IR", "pt_BR", "sv_SE", "pl_PL")
CURRENCIES = ("EUR", "USD", "JPY", "KWD", "INR", "CHF", "CNY")


@settings(max_examples=400)
@given(minor=st.one_of(st.integers(-10**15, 10**15), st.integers(-1000, 1000)),
       locale=st.sampled_from(LOCALES), currency=st.sampled_from(CURRENCIES))
def test_any_amount_reads_exactly_as_babel_writes_it(minor, locale, currency):
    assert format_money(minor, currency, locale) == _babel_money(minor, currency, locale)


def test_indian_grouping_and_symbols_after_the_number():
    assert format_money(123456789, "INR", "en_IN") == "₹12,34,567.89"
    assert format_money(-1234, "EUR", "de_DE") == "-12,34\xa0€"
    assert format_money(100, "JPY", "ja_JP") == "￥100"
    assert _money_layout("EUR", "de_DE") is not None


def test_a_layout_it_cannot_reproduce_is_not_used():
    # A minimum grouping of two (1234 ungrouped, 12 345 grouped), as some locales write.
    def minimum_grouping(minor: int) -> str:
        text = f"{abs(minor) / 100:,.2f}"
        if abs(minor) < 1000000:
            text = text.replace(",", "")
        return ("-" if minor < 0 else "") + text + " X"

    assert money_format.learn(minimum_grouping, 2) is None
    assert money_format.learn(lambda minor: "١٢٣", 2) is None  # other digits than 0-9
    plain = money_format.learn(lambda minor: f"{minor / 100:,.2f} X", 2)
    assert plain is not None and plain.format(-123456) == "-1,234.56 X"
