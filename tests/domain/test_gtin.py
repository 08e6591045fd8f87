"""GTIN check digits and the lookup key: a mis-scan must never sell the wrong product."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import InvalidBarcode, ValidationError
from shopdesk.domain.gtin import (
    barcode_lookup_key,
    expand_upce,
    gtin_check_digit,
    gtin_kind,
    is_valid_gtin,
    make_gtin,
    validate_gtin,
)

VALID = {
    "4006381333931": "EAN-13",  # Stabilo pen, the Wikipedia example
    "5901234123457": "EAN-13",
    "9780306406157": "EAN-13",  # ISBN-13
    "036000291452": "UPC-A",
    "012345678905": "UPC-A",
    "96385074": "EAN-8",
    "73513537": "EAN-8",
    "00012345600012": "GTIN-14",
    "10012345678902": "GTIN-14",
}
INVALID = ["4006381333932", "036000291453", "96385075", "10012345678903", "5901234123450"]


@pytest.mark.parametrize(("code", "kind"), VALID.items())
def test_known_good_codes(code, kind):
    assert is_valid_gtin(code)
    assert gtin_kind(code) == kind
    assert validate_gtin(f" {code}\n") == code
    assert make_gtin(code[:-1]) == code


@pytest.mark.parametrize("code", INVALID)
def test_known_bad_codes(code):
    assert not is_valid_gtin(code)
    with pytest.raises(InvalidBarcode) as info:
        validate_gtin(code)
    message = str(info.value)
    assert code in message
    assert gtin_kind(code) in message
    assert f"should be {gtin_check_digit(code[:-1])}" in message
    assert info.value.field == "barcode"
    assert isinstance(info.value, ValidationError)


@pytest.mark.parametrize(
    "code",
    ["", " 4006381333931", "4006381333931\r", "400638133393", "40063813339311", "1234567",
     "123456789012345", "ABCDEFGH", "4006381333 31", "４００６３８１３３３９３１", "٤٠٠٦٣٨١٣٣٣٩٣١",
     "00000000000000000"],
)
def test_is_valid_gtin_is_strict(code):
    assert not is_valid_gtin(code)


def test_is_valid_gtin_is_none_safe():
    assert not is_valid_gtin(None)  # type: ignore[arg-type]
    assert not is_valid_gtin(4006381333931)  # type: ignore[arg-type]
    assert gtin_kind(None) is None  # type: ignore[arg-type]


def test_check_digit():
    assert gtin_check_digit("400638133393") == 1
    assert gtin_check_digit("03600029145") == 2
    assert gtin_check_digit("0" + "03600029145") == 2  # leading zeros change nothing
    assert gtin_check_digit("9638507") == 4
    with pytest.raises(InvalidBarcode):
        gtin_check_digit("12a4")
    with pytest.raises(InvalidBarcode):
        gtin_check_digit("")


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "Enter a barcode"),
        ("   ", "Enter a barcode"),
        ("12345", "has 5 digits"),
        ("12345", "8 (EAN-8), 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14)"),
        ("40063813339X1", "other than digits"),
    ],
)
def test_validate_gtin_says_what_is_accepted(code, fragment):
    with pytest.raises(InvalidBarcode) as info:
        validate_gtin(code)
    assert fragment in str(info.value)


@pytest.mark.parametrize("body", ["", "123456", "1234567890", "12345678901234", "12a4567"])
def test_make_gtin_refuses_wrong_bodies(body):
    with pytest.raises(InvalidBarcode):
        make_gtin(body)


body_lengths = st.sampled_from([7, 11, 12, 13])


@st.composite
def gtins(draw):
    length = draw(body_lengths)
    body = draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    return make_gtin(body)


@given(gtins())
def test_make_gtin_always_validates(code):
    assert is_valid_gtin(code)
    assert validate_gtin(code) == code
    assert len(code) in (8, 12, 13, 14)


@given(gtins(), st.data())
def test_any_single_digit_error_is_caught(code, data):
    position = data.draw(st.integers(0, len(code) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    wrong = code[:position] + digit + code[position + 1:]
    assert not is_valid_gtin(wrong)
    with pytest.raises(InvalidBarcode):
        validate_gtin(wrong)
    # The lookup refuses it too - unless the 8 digits happen to form a valid UPC-E,
    # which scanners send as-is and which must find its product.
    if expand_upce(wrong) is None:
        with pytest.raises(InvalidBarcode):
            barcode_lookup_key(wrong)


class TestLookupKey:
    def test_upc_a_and_its_ean13_form_are_one_product(self):
        key = barcode_lookup_key("036000291452")
        assert key == "00036000291452"
        assert barcode_lookup_key("0036000291452") == key
        assert barcode_lookup_key("00036000291452") == key

    def test_ean8_and_ean13_padded_to_14(self):
        assert barcode_lookup_key("96385074") == "00000096385074"
        assert barcode_lookup_key("4006381333931") == "04006381333931"

    @pytest.mark.parametrize(
        "scanned",
        ["4006381333931\r", "4006381333931\r\n", "\t4006381333931", " 4006381333931 ",
         "\x1d4006381333931", "\ufeff4006381333931", "４００６３８１３３３９３１"],
    )
    def test_scanner_noise_is_dropped(self, scanned):
        assert barcode_lookup_key(scanned) == "04006381333931"

    def test_internal_codes_are_upper_cased(self):
        assert barcode_lookup_key(" sku-12a\r") == "SKU-12A"
        assert barcode_lookup_key("12345") == "12345"  # numeric, but no GTIN length
        assert barcode_lookup_key("123456789012345") == "123456789012345"

    @pytest.mark.parametrize("code", INVALID)
    def test_misscan_raises_naming_the_code(self, code):
        with pytest.raises(InvalidBarcode) as info:
            barcode_lookup_key(code)
        assert code in str(info.value)

    @pytest.mark.parametrize("code", ["", "  ", "\r\n", None])
    def test_empty_code_raises(self, code):
        with pytest.raises(InvalidBarcode) as info:
            barcode_lookup_key(code)
        assert "empty" in str(info.value)

    def test_upc_e_finds_its_upc_a(self):
        # 04252614 is the zero-suppressed form of UPC-A 042100005264.
        assert expand_upce("04252614") == "042100005264"
        assert is_valid_gtin("042100005264")
        assert barcode_lookup_key("04252614") == barcode_lookup_key("042100005264")
        assert expand_upce("96385074") is None  # number system 9: not UPC-E
        assert expand_upce("04252615") is None  # wrong check digit

    @given(gtins())
    def test_key_is_idempotent_and_14_digits(self, code):
        key = barcode_lookup_key(code)
        assert len(key) == 14 and is_valid_gtin(key)
        assert barcode_lookup_key(key) == key
        assert key.lstrip("0") == code.lstrip("0")
