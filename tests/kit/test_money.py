"""Money as people write it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.kit.money import AmountError, format_amount, parse_amount


class TestParseAmount:
    @pytest.mark.parametrize(("text", "value"), [
        ("750k", 750_000), ("750K", 750_000), ("1.2M", 1_200_000), ("$2,000,000", 2_000_000),
        ("2,000,000 USD", 2_000_000), ("€ 1.5m", 1_500_000), ("3 billion", 3_000_000_000), ("0", 0),
        ("1500000", 1_500_000), (" 20M ", 20_000_000), ("2.5 million", 2_500_000), ("1_000", 1_000),
        ("12.5k", 12_500),
    ])
    def test_written_as_people_write_it(self, text: str, value: int) -> None:
        assert parse_amount(text) == value

    @pytest.mark.parametrize(("text", "message"), [
        ("", "not an amount"), ("lots", "not an amount"), ("-5", "negative"), ("1.2.3M", "not an amount"),
        ("1,00", "not an amount"), ("0.5", "fraction"), ("5 zillion", "not an amount"), ("1.2345k", "fraction"),
    ])
    def test_anything_else_says_how_to_write_it(self, text: str, message: str) -> None:
        with pytest.raises(AmountError, match=message):
            parse_amount(text)

    @given(st.integers(min_value=0, max_value=10**13))
    def test_what_is_shown_reads_back_the_same(self, value: int) -> None:
        assert parse_amount(format_amount(value)) == value
