"""Organisation resolution: curated aliases, domains, fuzzy matching that does not over-merge."""

from __future__ import annotations

import json
import unicodedata
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labscout.identity.orgs import (
    OrgResolver,
    guess_kind,
    is_generic_domain,
    normalise_org_name,
    registered_domain,
    repair_pdf_accents,
    split_affiliations,
)

TABLE = resources.files("labscout.identity").joinpath("data/organisations.json")


@pytest.fixture(scope="module")
def resolver() -> OrgResolver:
    return OrgResolver()


def org_id(resolver: OrgResolver, raw: str | None, domain: str | None = None) -> str | None:
    found = resolver.resolve(raw, domain)
    return found.org.org_id if found else None


class TestCuratedTable:
    def test_ids_unique_and_links_point_to_organisations(self) -> None:
        rows = json.loads(TABLE.read_text())
        ids = [r["org_id"] for r in rows]
        assert len(ids) == len(set(ids))
        assert all(r["parent_id"] in ids for r in rows if r["parent_id"])
        assert all(r["successor_id"] in ids for r in rows if r["successor_id"])
        assert all(a in ids for r in rows for a in r["affiliates"])

    def test_no_domain_names_two_organisations(self) -> None:
        owner: dict[str, str] = {}
        for row in json.loads(TABLE.read_text()):
            for domain in row["domains"]:
                assert owner.setdefault(domain, row["org_id"]) == row["org_id"], f"{domain} is ambiguous"

    def test_kinds_are_known(self) -> None:
        rows = json.loads(TABLE.read_text())
        assert {r["kind"] for r in rows} <= {"industry_lab", "university", "startup", "government_nonprofit",
                                             "investor"}

    def test_no_alias_names_two_organisations(self) -> None:
        rows = json.loads(TABLE.read_text())
        owner: dict[str, str] = {}
        for row in rows:
            for alias in (row["name"], *row["aliases"]):
                key = normalise_org_name(alias)
                assert owner.setdefault(key, row["org_id"]) == row["org_id"], f"{alias!r} is ambiguous"


class TestResolve:
    def test_google_research_spellings_are_one(self, resolver: OrgResolver) -> None:
        assert {org_id(resolver, "Research, Google"), org_id(resolver, "Google Research")} == {"google-research"}
        assert resolver.get("google-research").parent_id == "google"

    def test_plain_google_is_the_company_with_its_labs_under_it(self, resolver: OrgResolver) -> None:
        # "Google" or a google.com address says the company, not which of its labs.
        assert org_id(resolver, "Google") == org_id(resolver, None, "google.com") == "google"
        assert org_id(resolver, "Google LLC") == "google"
        assert resolver.get("google").parent_id == "alphabet"
        # A sharper name in the same family wins over the company's domain.
        assert org_id(resolver, "DeepMind", "google.com") == "google-deepmind"
        assert org_id(resolver, "Google Brain", "google.com") == "google-brain"

    def test_deepmind_and_fair_parents(self, resolver: OrgResolver) -> None:
        deepmind = resolver.resolve("DeepMind")
        fair = resolver.resolve("FAIR")
        assert deepmind is not None and deepmind.org.org_id == "google-deepmind"
        assert deepmind.org.parent_id == "google"
        assert fair is not None and fair.org.parent_id == "meta"

    def test_renamed_and_merged_organisations_point_to_their_successor(self, resolver: OrgResolver) -> None:
        for raw, old, new in (("Tokyo Institute of Technology", "titech", "science-tokyo"),
                              ("Ant Financial Services Group", "ant-financial", "ant-group"),
                              ("LINE Corporation", "line-corp", "ly-corp"),
                              ("Google Brain", "google-brain", "google-deepmind"),
                              ("Element AI", "element-ai", "servicenow"),
                              # NAVER bought it in 2017: Diane Larlus's computer vision group went on as
                              # NAVER LABS Europe.
                              ("Computer Vision Group, Xerox Research Centre Europe", "xrce", "naver"),
                              # Bought: Maluuba by Microsoft (2017), Mapillary by Facebook (2020).
                              ("Microsoft Maluuba, Montreal, Canada", "maluuba", "microsoft-research"),
                              ("Mapillary Research", "mapillary", "meta")):
            found = resolver.resolve(raw)
            assert found is not None and found.org.org_id == old
            assert found.org.successor_id == new
        assert resolver.get("tmdu").successor_id == "science-tokyo"

    def test_sites_and_units_roll_up_to_the_organisation(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "DeepMind London") == "google-deepmind"
        assert org_id(resolver, "DeepMind, Paris") == "google-deepmind"
        assert org_id(resolver, "Meta AI Paris") == "meta-fair"
        assert org_id(resolver, "Samsung AI Centre Toronto") == "samsung"
        assert org_id(resolver, "Inria Lille – Nord Europe") == "inria"
        assert org_id(resolver, "Microsoft AI") == "microsoft-ai"
        assert resolver.get("microsoft-ai").parent_id == "microsoft"
        # A university's name followed by a city is another university, not a campus.
        assert org_id(resolver, "Northeastern University Shenyang") != "northeastern"

    def test_spelt_out_abbreviations_and_umlauts_resolve(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "U. of Southern California") == "usc"
        assert org_id(resolver, "Institute for Theoretical Computer Science, Technische Universitaet Graz") == "tu-graz"
        assert org_id(resolver, "Technische Universität Graz") == "tu-graz"
        assert org_id(resolver, "Technische Universität Dresden") == "tu-dresden"
        found = resolver.resolve(None, "igi.tu-graz.ac.at")
        assert found is not None and found.org.org_id == "tu-graz"

    def test_a_lab_named_after_its_organisation_is_a_unit_of_it(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "UCLA Vision Lab") == "ucla"
        assert org_id(resolver, "MIT Media Lab") == "mit"
        assert org_id(resolver, "Microsoft Dynamics 365 AI Research") == "microsoft"
        # A joint lab names two organisations: it is not the first one's unit.
        assert org_id(resolver, "MIT-IBM Watson AI Lab") != "mit"
        # After a university's name, "Research" alone opens no lab.
        assert org_id(resolver, "Stanford Research") != "stanford"

    def test_gmd_first_became_fraunhofer_first(self, resolver: OrgResolver) -> None:
        # GMD merged into Fraunhofer in 2001: its institute FIRST was renamed, nobody there moved.
        assert org_id(resolver, "GMD FIRST, Rudower Chaussee 5, 12489 Berlin, Germany") == "gmd-first"
        assert resolver.get("gmd-first").successor_id == "fraunhofer-first"
        assert org_id(resolver, "Fraunhofer FIRST.IDA") == "fraunhofer-first"
        assert resolver.family_root("gmd-first") == resolver.family_root("fraunhofer-hhi") == "fraunhofer"

    def test_digits_of_a_name_are_kept(self, resolver: OrgResolver) -> None:
        assert normalise_org_name("CSIRO Data61") == "csiro data61"
        assert org_id(resolver, "Data61") == "csiro"
        # Without its digits "Data61" would be the word "data", and this group would be CSIRO's.
        assert org_id(resolver, "Data Intelligence Group, UESTC") == "uestc"

    def test_misspellings_of_common_words_resolve(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Georgia Instutute of Technology") == "gatech"
        assert org_id(resolver, "Univeristy of Toronto") == "toronto"

    def test_short_names_keep_their_digits(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "AI2") == "ai2"
        assert org_id(resolver, "AI21 Labs") == "ai21"
        assert org_id(resolver, "Huawei Cloud & AI") == "huawei"
        assert normalise_org_name("Stanford University1") == "stanford university"

    def test_frontier_labs_and_recent_start_ups_are_curated(self, resolver: OrgResolver) -> None:
        for name, expected in (("Safe Superintelligence", "ssi"), ("Thinking Machines Lab", "thinking-machines"),
                               ("Mistral AI", "mistral-ai"), ("Physical Intelligence", "physical-intelligence"),
                               ("Anthropic", "anthropic"), ("DeepSeek-AI", "deepseek")):
            found = resolver.by_name(name)
            assert found is not None and found.org_id == expected and found.curated
        by_domain = resolver.by_domain("mail.thinkingmachines.ai")
        assert by_domain is not None and by_domain.org_id == "thinking-machines"

    def test_investors_are_curated(self, resolver: OrgResolver) -> None:
        for name in ("a16z", "Sequoia Capital", "Radical Ventures", "Sinovation Ventures", "Google Ventures"):
            org = resolver.by_name(name)
            assert org is not None and org.kind == "investor", name
        assert resolver.family_root("gv") == "alphabet"

    def test_registered_domain(self) -> None:
        assert registered_domain("cs.cmu.edu") == "cmu.edu"
        assert registered_domain("nlpr.ia.ac.cn") == "ia.ac.cn"
        assert registered_domain("mails.tsinghua.edu.cn") == "tsinghua.edu.cn"
        assert registered_domain("ox.ac.uk") == "ox.ac.uk"

    def test_domain_wins_and_matches_subdomains_on_label_boundaries(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Swiss Federal Institute of Technology", "inf.ethz.ch") == "eth-zurich"
        assert org_id(resolver, "Swiss Federal Institute of Technology", "epfl.ch") == "epfl"
        assert org_id(resolver, None, "cs.tsinghua.edu.cn") == "tsinghua"
        assert org_id(resolver, None, "notgoogle.com") is None

    def test_webmail_says_nothing(self, resolver: OrgResolver) -> None:
        assert is_generic_domain("gmail.com") and is_generic_domain("yahoo.co.uk")
        assert not is_generic_domain("mit.edu")
        assert resolver.resolve(None, "gmail.com") is None
        assert org_id(resolver, "Stanford University", "gmail.com") == "stanford"

    def test_california_campuses_stay_apart(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "University of California, Berkeley") == "uc-berkeley"
        assert org_id(resolver, "University of California, Irvine") == "uci"
        assert org_id(resolver, "University of California at Los Angles") == "ucla"

    def test_department_and_city_parts_are_dropped(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "ASRI, Department of ECE, Seoul National University, Seoul, Korea") == "snu"
        new = resolver.resolve("Department of Physics, Obscure Valley University, Springfield")
        assert new is not None and new.org.name == "Obscure Valley University" and new.method == "name"

    def test_fuzzy_matches_typos_but_not_other_cities(self, resolver: OrgResolver) -> None:
        typo = resolver.resolve("Microsft Research Asia")
        assert typo is not None and typo.method == "fuzzy" and typo.org.org_id == "microsoft-research"
        other = resolver.resolve("Nanjing University of Information Science and Technology")
        assert other is not None and other.method == "name" and not other.org.curated

    def test_two_organisations_in_one_slot_take_the_first(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "KU Leuven and ETH Zürich") == "ku-leuven"

    def test_new_organisations_get_kind_and_country(self, resolver: OrgResolver) -> None:
        found = resolver.resolve("Acme Robotics GmbH", "acme-robotics.de")
        assert found is not None and found.org.kind == "industry_lab" and found.org.country == "DE"
        assert org_id(resolver, None, "cs.xyz.edu") == org_id(resolver, None, "xyz.edu") == "domain-xyz.edu"

    def test_same_string_same_organisation(self, resolver: OrgResolver) -> None:
        first = resolver.resolve("Institute of Obscure Studies")
        again = OrgResolver().resolve("Institute of  Obscure Studies")
        assert first is not None and again is not None and first.org.org_id == again.org.org_id


    def test_company_in_the_family_beats_the_group_domain(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "DeepMind", "google.com") == "google-deepmind"
        assert org_id(resolver, "FAIR", "fb.com") == "meta-fair"

    def test_the_printed_affiliation_beats_another_organisations_domain(self, resolver: OrgResolver) -> None:
        # The e-mail of another known organisation (an old address, a PDF list out of author order) does
        # not overrule the affiliation printed; it chooses among several listed ones.
        assert org_id(resolver, "Tencent AI Lab", "columbia.edu") == "tencent"
        assert org_id(resolver, "Stanford University", "google.com") == "stanford"
        assert org_id(resolver, "MIT + EPFL", "epfl.ch") == "epfl"
        # Where the name says nothing curated, the domain decides.
        assert org_id(resolver, "Swiss Federal Institute of Technology", "inf.ethz.ch") == "eth-zurich"

    def test_names_that_name_no_institution(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "University of Science") is None
        assert org_id(resolver, "Institute of Advanced Research") is None
        for raw in ("Unknown Affiliation", "(No affiliation provided in the text)", "Independent Researcher London",
                    "X. Song is an independent researcher"):
            assert org_id(resolver, raw) is None, raw
        # A university of that name is one.
        assert org_id(resolver, "Independent University, Bangladesh") is not None

    def test_a_company_named_by_an_ordinary_word_is_never_a_piece_of_a_longer_name(self,
                                                                                     resolver: OrgResolver) -> None:
        assert org_id(resolver, "Center for Vision, Cognition, Learning and Autonomy, UCLA") == "ucla"
        assert org_id(resolver, "Institute for Language, Cognition, and Computation") != "cognition-ai"
        assert org_id(resolver, "Industrial Light & Magic") != "magic-dev"
        # Named alone, or by its e-mail, it is the company.
        assert org_id(resolver, "Cognition") == "cognition-ai"
        assert org_id(resolver, "Research", "cognition.ai") == "cognition-ai"

    def test_a_unit_at_a_place(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "CompVis@LMU Munich") == "lmu"
        assert org_id(resolver, "PRIOR @ Allen Institute for AI") == "ai2"

    def test_a_name_split_by_pdf_extraction(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "NA VER LABS Europe") == "naver"
        assert org_id(resolver, "TU München") == "tum"

    def test_initials_written_with_dots_are_one_word(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "U.C. Berkeley") == "uc-berkeley"
        assert org_id(resolver, "K.U. Leuven") == "ku-leuven"
        assert org_id(resolver, "M.I.T.") == "mit"
        # One letter and a dot is still an abbreviated word.
        assert org_id(resolver, "U. of Toronto") == "toronto"

    def test_an_e_mail_address_printed_as_the_affiliation_tells_its_domain(self, resolver: OrgResolver) -> None:
        # COLT's PDF-derived lists space the address out; the mailbox is no organisation's name.
        assert org_id(resolver, "TZAMOS @WISC .EDU") == "wisc"
        assert org_id(resolver, "COSTIS @CSAIL .MIT.EDU") == "mit"
        assert resolver.resolve("GOWERROBERT @GMAIL .COM") is None
        # A domain given beside it is the one used; a unit "@" a place is no address.
        assert org_id(resolver, "someone@example.org", "stanford.edu") == "stanford"
        assert org_id(resolver, "PRIOR @ Allen Institute for AI") == "ai2"

    def test_two_known_places_joined_by_and_are_two_affiliations(self, resolver: OrgResolver) -> None:
        assert resolver.affiliation_parts("Ryerson University and Samsung AI Centre Toronto") == [
            "Ryerson University", "Samsung AI Centre Toronto"]
        assert resolver.affiliation_parts("The Ohio State University & Google Research NY") == [
            "The Ohio State University", "Google Research NY"]
        assert org_id(resolver, "Tel Aviv University and Google") == "tel-aviv"
        # A name that holds the word is one place; so is one unit of one family, and a '+' slot keeps its parts.
        for one in ("University of Science and Technology of China", "Texas A&M University", "AT & T Labs",
                    "Department of Electrical and Computer Engineering, University of Pittsburgh",
                    "Google Research and Google DeepMind"):
            assert resolver.affiliation_parts(one) == [one]
        assert resolver.affiliation_parts("MIT+Tel Aviv University and Google") == [
            "MIT", "Tel Aviv University and Google"]

    def test_acquired_and_renamed_start_ups(self, resolver: OrgResolver) -> None:
        perceptive = resolver.get(org_id(resolver, "perceptiveio, Inc."))
        assert perceptive.successor_id == "google"
        assert org_id(resolver, "PROWLER.io") == org_id(resolver, "Secondmind")
        assert org_id(resolver, "Vicarious FPC") == org_id(resolver, "Vicarious AI")
        assert org_id(resolver, "Bell Communications Research") == org_id(resolver, "Bellcore")

    def test_two_known_organisations_run_together_are_the_first(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "University of Washington Allen Institute for AI") == "uw"
        assert org_id(resolver, "Mila Université de Montréal") == "mila"
        assert org_id(resolver, "Paul G. Allen School of Computer Science & Engineering, University of Washington♠"
                                "Allen Institute for Artificial Intelligence") == "uw"
        assert org_id(resolver, "Mila University of Montreal CIFAR Senior Fellow") == "mila"

    def test_escaped_accents_and_the_names_of_one_lab_through_its_owners(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Universitu00e9 de Montru00e9al") == "umontreal"
        assert org_id(resolver, "AT&T Bell Labs") == org_id(resolver, "AT&T Bell Laboratories") == "bell-labs"
        assert org_id(resolver, "CIFAR Senior Fellow") == org_id(resolver, "Canadian Institute for Advanced Research")

    def test_a_name_that_alone_names_nothing_keeps_its_city(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Centre for Quantum Computation and Intelligent Systems, University of Technology, "
                                "Sydney") == "uts"
        # ... without the postcode after it (ICML 2014); a street number makes the part no city.
        assert org_id(resolver, "Centre for Quantum Computation and Intelligent Systems, University of Technology, "
                                "Sydney 2007, Australia") == "uts"
        assert org_id(resolver, "University of California, 9500 Gilman Drive") == org_id(resolver,
                                                                                        "University of California")

    def test_tuebingen_by_its_full_name(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Eberhard Karls University, Dept. of Computer Engineering, Tübingen, Germany") \
            == "tuebingen"

    def test_a_name_with_a_comma_of_its_own(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Institute of High Performance Computing, Agency for Science, Technology and "
                                "Research, Singapore") == "a-star"

    def test_a_piece_that_says_where_after_at_the(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "John Hopcroft Center and the MoE Key Lab of Artificial Intelligence, AI Institute, "
                                "at the Shanghai Jiao Tong University") == "sjtu"

    def test_a_misspelt_known_organisation_beside_a_unit_naming_none(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Research Center for Artiﬁcial Intelligence, Peng Cheng Laborotory") \
            == "peng-cheng-lab"
        # A system's name before its campus is no misspelling of the flagship's alias.
        assert org_id(resolver, "University of Colorado, Colorado Springs") != "cu-boulder"
        # A unit beside an unknown place stays the new organisation it names.
        assert org_id(resolver, "Research Center for Quantum Widgets, Zorvath Institute") is not None

    def test_grant_programmes_are_no_place_of_work(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "PRESTO, Japan Science and Technology Agency") is None
        assert org_id(resolver, "JST PRESTO") is None and org_id(resolver, "JST CREST") is None
        # CREST at ENSAE is a research centre with staff.
        assert org_id(resolver, "CREST - ENSAE") is not None

    def test_misspellings_of_distinctive_words(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Department of Brain & Cognitive Sciences, Massachusett.s Institute of Technology") \
            == "mit"
        assert org_id(resolver, "Department of Electrical Engineering, University of Horida") == "ufl"
        assert org_id(resolver, "Beijing University of Posts and Telecommunication") == "bupt"
        assert org_id(resolver, "Nanjing University of Posts and Telecommunications") == "njupt"

    def test_campuses_of_state_systems_are_not_the_flagship(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "University of Maryland, Baltimore County") == "umbc"
        assert org_id(resolver, "University of Maryland, College Park, MD") == "umd"
        assert org_id(resolver, "Department of Computer Science, University of California, Irvine") == "uci"
        assert org_id(resolver, "University of California, Santa Cruz") == "ucsc"

    def test_lab_before_company_and_city_after_company(self, resolver: OrgResolver) -> None:
        assert org_id(resolver, "Youtu Lab, Tencent") == "tencent"
        assert org_id(resolver, "Samsung AI Centre, Cambridge, UK") == "samsung"
        assert org_id(resolver, "Lawrence Berkeley National Laboratory, Berkeley, CA") != "uc-berkeley"

    def test_non_affiliations_give_nothing(self, resolver: OrgResolver) -> None:
        nothing = ("Department of Computer Science", "Independent Researcher",
                   "Paper under double-blind review")
        for raw in (*nothing, "   ", ""):
            assert resolver.resolve(raw) is None
        assert org_id(resolver, "Department of Computer Science", "cs.obscure.edu") == "domain-obscure.edu"

    def test_legal_suffix_and_address_country(self, resolver: OrgResolver) -> None:
        a = resolver.resolve("Quuxly Networks, Inc.")
        b = resolver.resolve("Quuxly Networks")
        assert a is not None and b is not None and a.org.org_id == b.org.org_id == "quuxly-networks"
        assert a.org.kind == "industry_lab"
        c = resolver.resolve("Dept. of Physics, Obscure Hills University, Daejeon, Korea")
        assert c is not None and c.org.country == "KR" and c.org.kind == "university"

    def test_pdf_accent_debris_is_normalised(self) -> None:
        assert normalise_org_name("Technische Universit ¨at Berlin") == "technische universitat berlin"
        assert normalise_org_name('Universit´e de T\\"ubingen') == "universite de tubingen"
        # The mark stands before its letter, with a space on either side of it, in any of PDF's marks.
        assert normalise_org_name("´Ecole Polytechnique F´ ed´ erale de Lausanne") == normalise_org_name(
            "École Polytechnique Fédérale de Lausanne") == "ecole polytechnique federale de lausanne"
        assert normalise_org_name("Bo˘ gazi¸ ci University") == normalise_org_name("Bo ˘gazic¸i University") == (
            "bogazici university")
        assert normalise_org_name("Assistance Publique des Hˆ opitaux de Paris") == (
            "assistance publique des hopitaux de paris")
        assert normalise_org_name("Pontif ´ıcia Universidade Cat ´olica") == "pontificia universidade catolica"
        assert normalise_org_name("LIX, ´Ecole Polytechnique") == "lix ecole polytechnique"
        assert normalise_org_name("The Univ. of Foo & Bar") == "university of foo and bar"

    def test_words_cut_short_with_a_dot_spell_out_a_known_organisation(self) -> None:
        fresh = OrgResolver()
        assert org_id(fresh, "Dept. of Electronics and Info. Eng., Huazhong Univ. of Sci. and Tech., China") == "hust"
        assert org_id(fresh, "Computer Science Dept., Rensselaer Polytechnic Inst.") == "rpi"
        assert org_id(fresh, "Nat. Univ. of Singapore") == "nus"
        # The name as printed comes first: "Georgia Tech." is Georgia Tech, not a "Georgia Technology".
        assert org_id(fresh, "School of ECE, Georgia Tech.") == "gatech"
        # Spelt out and still unknown, it is a new organisation under the name as printed.
        found = fresh.resolve("Inst. of Statistical Mathematics, Tokyo, Japan")
        assert found is not None and not found.org.curated

    def test_an_organisation_first_seen_in_pdf_accent_debris_is_named_as_spelt(self) -> None:
        assert repair_pdf_accents("Universit ´e de Sherbrooke") == "Université de Sherbrooke"
        assert repair_pdf_accents("Bo ˘gazic¸i University") == repair_pdf_accents("Bo˘ gazi¸ ci University") == (
            "Boğaziçi University")
        assert repair_pdf_accents("LIX, ´Ecole Polytechnique") == "LIX, École Polytechnique"
        assert repair_pdf_accents("Boğazic ¸i University") == "Boğaziçi University"
        assert repair_pdf_accents("Instituto de Telecomunicac ¸ ões") == "Instituto de Telecomunicações"
        # A mark with no accented letter of its own is no accent: left as printed.
        assert repair_pdf_accents("King`s College London") == "King`s College London"
        assert repair_pdf_accents("Universit¸e Laval") == "Universit¸e Laval"
        assert normalise_org_name("Universit¸e Laval") == "universite laval"
        fresh = OrgResolver()
        first = fresh.resolve("Departement d’Informatique, Universit ´e de Sherbrooke")
        again = fresh.resolve("Université de Sherbrooke")
        assert first is not None and again is not None and first.org.org_id == again.org.org_id
        assert first.org.name == "Université de Sherbrooke"

    def test_ai_spelt_out_or_not_is_one_organisation(self) -> None:
        fresh = OrgResolver()
        assert org_id(fresh, "Mohamed bin Zayed University of AI") == "mbzuai"
        assert org_id(fresh, "German Research Center for AI") == "dfki"
        by_name = fresh.by_name("Mohamed bin Zayed University of AI")
        assert by_name is not None and by_name.org_id == "mbzuai"
        # Organisations new to the table: whichever spelling comes first names the one organisation.
        first = org_id(fresh, "Quuxville Institute for Artificial Intelligence")
        assert first is not None and org_id(fresh, "Quuxville Institute for AI") == first
        later = org_id(fresh, "Zorpton Center for AI")
        assert later is not None and org_id(fresh, "Zorpton Center for Artificial Intelligence") == later
        # Only the whole word: "AIST" is a name of its own, not "Artificial Intelligence ST" contracted.
        assert org_id(fresh, "AIST") != org_id(fresh, "Artificial Intelligence ST")

    def test_french_joint_units_are_affiliated_with_their_universities(self) -> None:
        rows = {r["org_id"]: r for r in json.loads(TABLE.read_text())}
        # CNRS and Inria run their laboratories and teams jointly with universities: a researcher named at
        # both holds one post, not two in turn.
        assert {"paris-saclay", "sorbonne", "ens-paris", "inria"} <= set(rows["cnrs"]["affiliates"])
        assert {"paris-saclay", "ens-paris", "grenoble-alpes"} <= set(rows["inria"]["affiliates"])
        fresh = OrgResolver()
        assert org_id(fresh, "French National Center for Scientific Research") == "cnrs"
        assert org_id(fresh, "Ecole Centrale de Paris") == "ecole-centrale-paris"
        # Renamed CentraleSupélec, a school of Université Paris-Saclay.
        assert fresh.get("ecole-centrale-paris").successor_id == "centralesupelec"
        assert fresh.family_root("ecole-centrale-paris") == "paris-saclay"

    def test_a_doubled_plus_is_part_of_a_name_not_a_join(self, resolver: OrgResolver) -> None:
        # "Face++" is Megvii's product: splitting there made an organisation called ") Technology Inc.".
        assert split_affiliations("Megvii (Face++) Technology Inc.") == ["Megvii (Face++) Technology Inc."]
        assert split_affiliations("Megvii Inc (Face++) + Fudan University") == ["Megvii Inc (Face++) ",
                                                                               " Fudan University"]
        assert split_affiliations("Google+University College London") == ["Google", "University College London"]
        assert org_id(resolver, "Tongji University+Megvii (Face++) Technology Inc.") == "tongji"
        assert org_id(resolver, "Megvii (Face++) Technology Inc.") == "megvii"

    def test_organisations_and_get(self) -> None:
        fresh = OrgResolver()
        before = {o.org_id for o in fresh.organisations()}
        assert {"alphabet", "meta", "max-planck-society"} <= before
        found = fresh.resolve("Zyxwv Institute of Technology")
        assert found is not None and found.org.org_id not in before
        assert fresh.get(found.org.org_id) == found.org and found.org.kind == "university"
        with pytest.raises(KeyError):
            fresh.get("no-such-org")


class TestGuessKind:
    @pytest.mark.parametrize(("name", "kind"), [
        ("Université Paris-Saclay", "university"), ("Widget Technologies Ltd", "industry_lab"),
        ("Lawrence Livermore National Laboratory", "government_nonprofit"), ("Something", "unknown"),
    ])
    def test_kind_from_words(self, name: str, kind: str) -> None:
        assert guess_kind(name) == kind


class TestProperties:
    @given(st.text(max_size=120), st.one_of(st.none(), st.text(max_size=40)))
    def test_resolve_never_raises_and_is_deterministic(self, raw: str, domain: str | None) -> None:
        first = OrgResolver().resolve(raw, domain)
        second = OrgResolver().resolve(raw, domain)
        assert (first.org.org_id if first else None) == (second.org.org_id if second else None)

    @given(st.text(max_size=120))
    def test_normalise_is_idempotent(self, raw: str) -> None:
        once = normalise_org_name(raw)
        assert normalise_org_name(once) == once

    # Text dense in PDF's spacing marks, beside letters they do and do not accent.
    @given(st.text(alphabet=st.sampled_from(list("aeiouAEcCsSgnIı ´`¨˜ˆ¸˘˚ˇ˝-,.")), max_size=60))
    def test_accent_debris_is_mended_without_loss(self, raw: str) -> None:
        mended = repair_pdf_accents(raw)
        # Only marks and the spaces beside them go: every letter stays, in its order (accented or not).
        marks = "´`¨˜ˆ¸˘˚ˇ˝"  # some of them are letters to Python (modifier letters)
        letters = [ch for ch in raw if ch.isalpha() and ch not in marks]
        kept = [ch for ch in unicodedata.normalize("NFD", mended) if ch.isalpha() and ch not in marks]
        assert [ch.replace("ı", "i") for ch in kept] == [ch.replace("ı", "i") for ch in letters]
        once = normalise_org_name(raw)
        assert once.isascii() and normalise_org_name(once) == once
        assert normalise_org_name(mended) == once
