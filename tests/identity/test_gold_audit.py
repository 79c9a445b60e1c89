"""The gold audit's reading of profile links (bench/identity_gold.py): which two ids are one person."""

from __future__ import annotations

from bench.identity_gold import profile_keys, verdict


def test_profile_keys_normalise_each_kind_of_link() -> None:
    keys = profile_keys({"dblp": "https://dblp.org/pid/36/7024-1.html",
                         "google_scholar": "https://scholar.google.com/citations?user=q7nftUcAAAAJ&hl=en",
                         "orcid": "https://orcid.org/0000-0002-0337-6682", "homepage": "https://ibm.com"})
    assert keys == {"dblp:36/7024-1", "scholar:q7nftucaaaaj", "orcid:0000-0002-0337-6682"}
    # An unfinished dblp pid says nothing; a homepage is never a key (labs share them).
    assert profile_keys({"dblp": "83/5342-?", "homepage": "https://sites.google.com/view/x"}) == set()


def test_shared_pages_make_one_person_and_dblp_homonyms_two() -> None:
    assert verdict({"scholar:a", "dblp:21/17"}, {"scholar:a"}) == "same"
    assert verdict({"dblp:36/7024-1"}, {"dblp:36/7024-2"}) == "different"
    assert verdict({"dblp:h/feihuang"}, {"dblp:h/feihuang-5"}) == "different"
    # An old-style page and a pid may be one person's two dblp entries: undecided.
    assert verdict({"dblp:z/zeng:andy"}, {"dblp:21/17"}) == ""
    assert verdict({"scholar:a"}, {"scholar:b"}) == ""
