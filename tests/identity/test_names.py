"""Name normalisation, splitting, blocking and the compatibility of two spellings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.names import compatible, middle_clash, normalise_name, split_name


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


class TestMiddleClash:
    def test_two_middle_initials_of_one_given_name_clash(self) -> None:
        assert middle_clash("Matthew W. Hoffman", "Matthew D. Hoffman")
        assert middle_clash("Philip S. Yu", "Philip L. H. Yu")
        assert middle_clash("M. W. Hoffman", "Matthew D Hoffman")

    def test_initials_written_together_or_a_middle_left_out_do_not(self) -> None:
        assert not middle_clash("Jackie CK Cheung", "Jackie Chi Kit Cheung")
        assert not middle_clash("Ruud JG van Sloun", "Ruud J. G. van Sloun")
        assert not middle_clash("Cicero Dos Santos", "Cicero Nogueira dos Santos")
        assert not middle_clash("Matthew Hoffman", "Matthew D. Hoffman")

    def test_other_given_names_or_surnames_are_not_its_business(self) -> None:
        assert not middle_clash("Matthew W. Hoffman", "Mark D. Hoffman")
        assert not middle_clash("Matthew W. Hoffman", "Matthew D. Hofman")

    @given(st.sampled_from(["Yang Liu", "Yang Q. Liu", "Y. Q. P. Liu", "Yang P. Liu", "Yang QP Liu", "Yang Qi Liu"]),
           st.sampled_from(["Yang Liu", "Yang Q. Liu", "Y. Q. P. Liu", "Yang P. Liu", "Yang QP Liu", "Yang Qi Liu"]))
    def test_symmetric_and_never_a_clash_with_itself(self, a: str, b: str) -> None:
        assert middle_clash(a, b) == middle_clash(b, a)
        assert not middle_clash(a, a)
