"""GTIN barcodes (EAN-8, UPC-A, EAN-13, GTIN-14) and the key a scanned code is stored under.

A scan that is off by one digit must never sell the wrong product, so numeric codes of a
GTIN length are check-digit validated before they are looked up. And one product must be
found however its code arrives: the same item is printed as UPC-A (12 digits) in the US
and as EAN-13 with a leading ``0`` elsewhere, and scanners differ in whether they send
the leading zero. :func:`barcode_lookup_key` therefore stores and looks up every valid
GTIN in its 14-digit form (GS1's own convention for databases).
"""

from __future__ import annotations

import unicodedata

from shopdesk.domain.errors import InvalidBarcode
from shopdesk.domain.i18n import QT_TRANSLATE_NOOP

GTIN_KINDS: dict[int, str] = {8: "EAN-8", 12: "UPC-A", 13: "EAN-13", 14: "GTIN-14"}
_BODY_LENGTHS = frozenset(n - 1 for n in GTIN_KINDS)
_ACCEPTED = "8 (EAN-8), 12 (UPC-A), 13 (EAN-13) or 14 (GTIN-14)"


def _is_digits(text: str) -> bool:
    # str.isdigit() alone accepts "²" and Arabic-Indic digits; barcodes are ASCII.
    return isinstance(text, str) and text.isascii() and text.isdigit()


def gtin_check_digit(body: str) -> int:
    """GS1 mod-10 check digit of ``body`` (the code without its last digit).

    Weights 3, 1, 3, ... from the rightmost digit of the body, so one function serves all
    GTIN lengths (and SSCC, GLN), and leading zeros do not change the result.
    """
    if not _is_digits(body):
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "'{code}' is not a barcode body; it must be digits only."),
            code=body,
        )
    digits = body.encode("ascii")
    tripled, single = digits[-1::-2], digits[-2::-2]  # from the rightmost digit of the body
    total = 3 * (sum(tripled) - 48 * len(tripled)) + sum(single) - 48 * len(single)  # 48: b"0"
    return (10 - total % 10) % 10


def gtin_kind(code: str) -> str | None:
    """Name of the GTIN format the code has the *shape* of (digits and length), or ``None``.

    The check digit is not looked at, so an error message can say "not a valid EAN-13".
    """
    if not _is_digits(code):
        return None
    return GTIN_KINDS.get(len(code))


def is_valid_gtin(code: str) -> bool:
    """True for an 8, 12, 13 or 14 digit code with a correct check digit; False otherwise.

    Strict on purpose (no stripping, no other lengths, False for non-strings) so it can
    be used as a yes/no test anywhere; :func:`barcode_lookup_key` does the cleaning.
    """
    if gtin_kind(code) is None:
        return False
    return gtin_check_digit(code[:-1]) == int(code[-1])


def validate_gtin(code: str) -> str:
    """Return the code without surrounding whitespace, or raise :class:`InvalidBarcode`.

    The message says what to fix: which lengths are accepted, or - for a wrong check
    digit - the kind of code and the check digit it should have had, which tells a clerk
    typing a code from a box whether the last digit or another one is wrong.
    """
    stripped = code.strip() if isinstance(code, str) else ""
    if not stripped:
        raise InvalidBarcode(QT_TRANSLATE_NOOP("errors", "Enter a barcode."))
    if not _is_digits(stripped):
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "Barcode {code} contains characters other than digits; a GTIN has {accepted} digits only."),
            code=stripped, accepted=_ACCEPTED,
        )
    kind = gtin_kind(stripped)
    if kind is None:
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "Barcode {code} has {length} digits; a GTIN has {accepted} digits."),
            code=stripped, length=len(stripped), accepted=_ACCEPTED,
        )
    expected = gtin_check_digit(stripped[:-1])
    if expected != int(stripped[-1]):
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "Barcode {code} is not a valid {kind}: its check digit should be {expected}, not {actual}. Scan it again or check the digits."),
            code=stripped, kind=kind, expected=expected, actual=stripped[-1],
        )
    return stripped


def make_gtin(body: str) -> str:
    """Append the check digit to a 7, 11, 12 or 13 digit body (EAN-8, UPC-A, EAN-13, GTIN-14).

    Used to mint in-store codes (e.g. EAN-13 with prefix 20-29, reserved by GS1 for
    restricted circulation) that any scanner will accept.
    """
    if not _is_digits(body) or len(body) not in _BODY_LENGTHS:
        raise InvalidBarcode(
            QT_TRANSLATE_NOOP("errors", "'{code}' cannot become a barcode: give 7, 11, 12 or 13 digits and the check digit is added."),
            code=body,
        )
    return body + str(gtin_check_digit(body))


def expand_upce(code: str) -> str | None:
    """The UPC-A (12 digits) a valid 8-digit UPC-E code stands for, else ``None``.

    UPC-E is the zero-suppressed UPC on small packs (gum, cans). Scanners configured to
    transmit it as-is send 8 digits whose check digit belongs to the expanded UPC-A, so
    they would look like a mis-scanned EAN-8 without this.
    """
    if not _is_digits(code) or len(code) != 8 or code[0] not in "01":
        return None
    ns, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = ns + d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = ns + d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = ns + d[0:4] + "00000" + d[4]
    else:
        body = ns + d[0:5] + "0000" + last
    if gtin_check_digit(body) != int(check):
        return None
    return body + check


def _clean(code: str) -> str:
    if code.isascii() and code.isprintable():  # what scanners send: nothing to normalise
        return code.strip()
    # NFKC turns full-width digits from an IME into ASCII; Cc/Cf are \r, \t, GS, BOM,
    # zero-width spaces - never part of a code a person means.
    text = unicodedata.normalize("NFKC", code)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf"))
    return text.strip()


def barcode_lookup_key(code: str) -> str:
    """The key under which a scanned or typed code is stored and looked up.

    * Control characters anywhere and surrounding whitespace are dropped (scanners send
      ``\\r``, ``\\t`` or a space; some prefix a GS1 group separator).
    * A valid GTIN is zero-padded to 14 digits, so ``036000291452`` (UPC-A) and
      ``0036000291452`` (EAN-13) find the same product. An 8-digit UPC-E that is not a
      valid EAN-8 is expanded to its UPC-A first.
    * A purely numeric code of 8, 12, 13 or 14 digits with a wrong check digit raises
      :class:`InvalidBarcode`: it is a mis-scan or a typo, and looking it up could hit
      another product. Internal numeric codes must therefore avoid those lengths or be
      minted with :func:`make_gtin`.
    * Anything else (SKUs, internal codes, other symbologies) is upper-cased, because
      people type SKUs in whatever case and scanners differ in case handling.
    """
    cleaned = _clean(code) if isinstance(code, str) else ""
    if not cleaned:
        raise InvalidBarcode(QT_TRANSLATE_NOOP("errors", "The barcode is empty. Scan or type it again."))
    if gtin_kind(cleaned) is None:
        return cleaned.upper()
    if is_valid_gtin(cleaned):
        return cleaned.zfill(14)
    upca = expand_upce(cleaned)
    if upca is not None:
        return upca.zfill(14)
    validate_gtin(cleaned)  # raises with the expected check digit
    raise AssertionError("unreachable: invalid GTIN passed validation")  # pragma: no cover
