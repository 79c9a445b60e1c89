"""Amounts of money as people write them: "750k", "1.2M", "$2,000,000", "2.5 million", "1,5 Mio" is refused."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_SUFFIX = {"": 1, "k": 10**3, "thousand": 10**3, "m": 10**6, "mm": 10**6, "mn": 10**6, "million": 10**6,
           "b": 10**9, "bn": 10**9, "billion": 10**9}
_AMOUNT = re.compile(r"^(?P<number>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\s*(?P<suffix>[a-z]*)$")
_CURRENCY = re.compile(r"^(?:[$€£¥]|usd|eur|gbp|chf|jpy|cny)\s*|\s*(?:usd|eur|gbp|chf|jpy|cny|[$€£¥])$")


class AmountError(ValueError):
    """The text is not an amount of money; the message says what was expected."""


def parse_amount(text: str) -> int:
    """Whole currency units from "750k", "1.2M", "$2,000,000", "3 billion" or "1500000"; never negative."""
    cleaned = text.strip().lower().replace("\u00a0", " ").replace("_", "")
    cleaned = _CURRENCY.sub("", cleaned).strip()
    if cleaned.startswith("-"):
        raise AmountError(f"{text.strip()!r} is negative; an amount is 0 or more")
    found = _AMOUNT.match(cleaned)
    if not found or found["suffix"] not in _SUFFIX:
        raise AmountError(f"{text.strip()!r} is not an amount; write it as 750000, 750k, 1.2M or $2,000,000")
    try:
        value = Decimal(found["number"].replace(",", "")) * _SUFFIX[found["suffix"]]
    except InvalidOperation:
        raise AmountError(f"{text.strip()!r} is not an amount") from None
    if value != value.to_integral_value():
        raise AmountError(f"{text.strip()!r} has a fraction of a currency unit; give whole units")
    return int(value)


def format_amount(value: int | None) -> str:
    """1,200,000 for 1200000: how amounts are shown back."""
    return "" if value is None else f"{value:,}"
