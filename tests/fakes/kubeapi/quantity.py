# Resource quantities as k8s.io/apimachinery's resource.Quantity reads, adds and prints them
# ("500m", "1.5", "256Mi", "1Gi", "2k"), so that a ResourceQuota's status and the quota
# admission's messages read as the real server's: a sum keeps the format of its first term and
# prints in the canonical form (1500m, not 1.5; 1536Mi, not 1.5Gi).

import re
from fractions import Fraction

BINARY_SUFFIXES = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15,
                    "E": 18}
_PATTERN = re.compile(r"^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
                      r"(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")
BINARY, DECIMAL, EXPONENT = "BinarySI", "DecimalSI", "DecimalExponent"


class Quantity:
    """An exact value with the format it prints in."""

    def __init__(self, value, form=DECIMAL):
        self.value = Fraction(value)
        self.form = form

    def __add__(self, other):
        return Quantity(self.value + other.value, self.form)

    def __str__(self):
        return _canonical(self.value, self.form)


def parse(text):
    """The Quantity `text` spells; ValueError when it is not one."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ValueError("not a quantity: %r" % (text,))
    match = _PATTERN.match(str(text).strip())
    if not match:
        raise ValueError("quantities must match the regular expression "
                         "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
    number, suffix = Fraction(match.group(1)), match.group(2) or ""
    if suffix in BINARY_SUFFIXES:
        return Quantity(number * 1024 ** BINARY_SUFFIXES[suffix], BINARY)
    if suffix in DECIMAL_SUFFIXES:
        return Quantity(number * Fraction(10) ** DECIMAL_SUFFIXES[suffix], DECIMAL)
    return Quantity(number * Fraction(10) ** int(suffix[1:]), EXPONENT)


def zero():
    return Quantity(0, DECIMAL)


def _round_up_to_nano(value):
    scaled = value * 10 ** 9
    whole = -(-scaled.numerator // scaled.denominator)
    return Fraction(whole, 10 ** 9)


def _canonical(value, form):
    value = _round_up_to_nano(value)
    if value == 0:
        return "0"
    if form == BINARY and abs(value) >= 1024 and value.denominator == 1:
        number, exponent = int(value), 0
        while number % 1024 == 0 and exponent < 6:
            number, exponent = number // 1024, exponent + 1
        suffix = next((s for s, e in BINARY_SUFFIXES.items() if e == exponent), "")
        return "%d%s" % (number, suffix)
    # Decimal: the integer mantissa with the largest exponent that is a multiple of three.
    number, exponent = value * 10 ** 9, -9
    number = int(number)
    while number % 1000 == 0 and exponent < 18:
        number, exponent = number // 1000, exponent + 3
    if form == EXPONENT:
        return "%d" % number if exponent == 0 else "%de%d" % (number, exponent)
    suffix = next(s for s, e in DECIMAL_SUFFIXES.items() if e == exponent)
    return "%d%s" % (number, suffix)
