import pytest
from hypothesis import given
from hypothesis import strategies as st

from shopdesk.domain.errors import ValidationError
from shopdesk.domain.product_fields import (
    format_attributes,
    parse_attributes,
    parse_option_axes,
    split_barcodes,
)


def test_split_barcodes():
    assert split_barcodes(" 4006381333931 | 036000291452,96385074\n") == ("4006381333931", "036000291452", "96385074")
    assert split_barcodes("") == ()


def test_attributes_both_forms():
    assert parse_attributes("material=cotton; origin = PT") == {"material": "cotton", "origin": "PT"}
    assert parse_attributes('{"size": 42}') == {"size": "42"}
    assert parse_attributes("") == {}


@pytest.mark.parametrize("text", ["cotton", "=x", "a=1; a=2", "{bad json", "[1, 2]"])
def test_bad_attributes_name_the_field(text):
    with pytest.raises(ValidationError) as err:
        parse_attributes(text)
    assert err.value.field == "attributes"


names = st.text(st.characters(blacklist_characters="=;{", blacklist_categories=("Cs", "Cc")), min_size=1).map(str.strip).filter(bool)
values = st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs", "Cc"))).map(str.strip)


@given(st.dictionaries(names, values, max_size=5))
def test_attributes_round_trip(attributes):
    assert parse_attributes(format_attributes(attributes)) == attributes


def test_option_axes():
    assert parse_option_axes("Size: S, M ,L\n\nColour: Red,  Navy blue\n") == {
        "Size": ["S", "M", "L"], "Colour": ["Red", "Navy blue"]}
    assert parse_option_axes("Size:") == {"Size": []}
