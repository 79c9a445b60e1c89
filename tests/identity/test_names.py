"""Name normalisation, splitting, blocking and the compatibility of two spellings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.names import compatible, normalise_name, split_name


class TestNormalise:
    def test_accents_case_and_dots(self) -> None:
        assert normalise_name("José  Álvarez") == "jose alvarez"
        assert normalise_name("G. Tesauro") == "g tesauro"

    def test_hyphenated_given_name_is_one_romanisation(self) -> None:
        assert normalise_name("Yu-Xiang Wang") == normalise_name("Yuxiang Wang") == "yuxiang wang"

    def test_letters_nfkd_does_not_decompose(self) -> None:
        assert normalise_name("Søren Łukasz") == "soren lukasz"

    def test_generational_suffix_dropped(self) -> None:
        assert normalise_name("Martin Luther King Jr.") == "martin luther king"

    @given(st.text(max_size=40))
    def test_idempotent(self, raw: str) -> None:
        once = normalise_name(raw)
        assert normalise_name(once) == once


class TestSplit:
    def test_parts_and_block(self) -> None:
        parts = split_name("Yu-Xiang Q. Wang")
        assert (parts.first, parts.middle, parts.last) == ("yuxiang", ("q",), "wang")
        assert parts.block == "y wang"

    def test_single_token_is_a_surname(self) -> None:
        parts = split_name("Madonna")
        assert (parts.first, parts.last, parts.block) == ("", "madonna", "madonna")


class TestCompatible:
    def test_initial_fits_full_given_name(self) -> None:
        assert compatible("G. Tesauro", "Gerald Tesauro")

    def test_different_given_names_never_fit(self) -> None:
        assert not compatible("Gerald Tesauro", "George Tesauro")
        assert not compatible("Yi Wang", "Yu Wang")

    def test_different_surnames_never_fit(self) -> None:
        assert not compatible("Yang Liu", "Yang Li")

    def test_middle_names(self) -> None:
        assert compatible("John A. Smith", "John Smith")
        assert compatible("John A. Smith", "John Adam Smith")
        assert not compatible("John Adam Smith", "John Brian Smith")

    @given(st.sampled_from(["Yang Liu", "Y. Liu", "Yang Q. Liu", "Yi Liu", "Y. Q. Liu", "Yang P. Liu", "Liu"]),
           st.sampled_from(["Yang Liu", "Y. Liu", "Yang Q. Liu", "Yi Liu", "Y. Q. Liu", "Yang P. Liu", "Liu"]))
    def test_symmetric(self, a: str, b: str) -> None:
        assert compatible(a, b) == compatible(b, a)
