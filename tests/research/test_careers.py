"""Careers on a small world in the paperlists format: facts with support, weak facts, moves that are moves."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rich.console import Console
from tests.api.conftest import PASSWORD, TEAM, make_home
from tests.research.test_build import snapshot

from labscout.identity.constraints import Corrections
from labscout.research import careers, patch, queries
from labscout.research import corrections as planning
from labscout.research.build import build_store
from labscout.research.store import ResearchStore
from labscout.talent import moves, views
from labscout.terminal import print_person
from labscout.web.app import create_app

# (year, title, [(author, affiliation, domain[, position])]): per-author lists, as the PDF-derived files hold
# them (some with a position per slot).
PAPERS: list[tuple[int, str, list[tuple[str, ...]]]] = [
    # Wen is at MIT, with one paper whose slot says Stanford among four MIT papers around it: weak.
    (2020, "Wen One", [("Wen Stayer", "Massachusetts Institute of Technology", "mit.edu")]),
    (2020, "Wen Two", [("Wen Stayer", "MIT", "mit.edu"), ("Kai Other", "MIT", "mit.edu")]),
    (2021, "Wen Three", [("Wen Stayer", "Massachusetts Institute of Technology", "mit.edu")]),
    (2021, "Wen Odd", [("Wen Stayer", "Stanford University", "stanford.edu"), ("Kai Other", "MIT", "mit.edu")]),
    (2022, "Wen Four", [("Wen Stayer", "MIT", "mit.edu")]),
    # Tomo's university was renamed: not a move.
    (2021, "Tomo One", [("Tomo Renamed", "Tokyo Institute of Technology", "titech.ac.jp")]),
    (2022, "Tomo Two", [("Tomo Renamed", "Tokyo Institute of Technology", "titech.ac.jp")]),
    (2024, "Tomo Three", [("Tomo Renamed", "Institute of Science Tokyo", "isct.ac.jp")]),
    (2025, "Tomo Four", [("Tomo Renamed", "Institute of Science Tokyo", "isct.ac.jp")]),
    # Mo's lab is a unit of the company: not a move.
    (2020, "Mo One", [("Mo Unit", "Microsoft", "microsoft.com")]),
    (2021, "Mo Two", [("Mo Unit", "Microsoft Corporation", "microsoft.com")]),
    (2024, "Mo Three", [("Mo Unit", "Microsoft AI", "")]),
    (2025, "Mo Four", [("Mo Unit", "Microsoft AI", "")]),
    # Dee adds a second affiliation: not a move.
    (2022, "Dee One", [("Dee Dual", "University College London", "ucl.ac.uk")]),
    (2023, "Dee Two", [("Dee Dual", "University College London", "ucl.ac.uk")]),
    (2024, "Dee Three", [("Dee Dual", "Google DeepMind+University College London", "deepmind.com+ucl.ac.uk")]),
    (2025, "Dee Four", [("Dee Dual", "Google DeepMind+University College London", "deepmind.com+ucl.ac.uk")]),
    # Yam holds RIKEN's AIP beside Kyoto after starting at Kyoto: RIKEN to Kyoto is no move.
    (2010, "Yam One", [("Yam Held", "RIKEN", "riken.jp")]),
    (2011, "Yam Two", [("Yam Held", "RIKEN", "riken.jp")]),
    (2012, "Yam Three", [("Yam Held", "Kyoto University", "kyoto-u.ac.jp")]),
    (2013, "Yam Four", [("Yam Held", "Kyoto University+RIKEN AIP", "kyoto-u.ac.jp+riken.jp")]),
    (2014, "Yam Five", [("Yam Held", "Kyoto University+RIKEN AIP", "kyoto-u.ac.jp+riken.jp")]),
    # Kos names Samsung beside Ryerson in words, not with '+': held at once, no move.
    (1994, "Kos One", [("Kos Words", "Ryerson University", "ryerson.ca")]),
    (1995, "Kos Two", [("Kos Words", "Ryerson University and Samsung AI Centre Toronto", "ryerson.ca")]),
    (1996, "Kos Three", [("Kos Words", "Samsung AI Centre Toronto", "samsung.com")]),
    (1997, "Kos Four", [("Kos Words", "Samsung AI Centre Toronto", "samsung.com")]),
    # Rog's Google slots say in words that he visits: no move from Duke.
    (1986, "Rog One", [("Rog Visit", "Duke University", "duke.edu")]),
    (1987, "Rog Two", [("Rog Visit", "Duke University", "duke.edu")]),
    (1988, "Rog Three", [("Rog Visit", "Google (visiting)", "google.com")]),
    (1989, "Rog Four", [("Rog Visit", "Google (visiting)", "google.com")]),
    # Ana really moves from MIT to OpenAI, two papers on each side.
    (2019, "Ana One", [("Ana Mover", "MIT", "mit.edu")]),
    (2020, "Ana Two", [("Ana Mover", "MIT", "mit.edu")]),
    (2022, "Ana Three", [("Ana Mover", "OpenAI", "openai.com")]),
    (2023, "Ana Four", [("Ana Mover", "OpenAI", "openai.com")]),
    # Lu moves from Mila to Université de Montréal: affiliated institutes, not a move.
    (2020, "Lu One", [("Lu Affiliate", "Mila", "mila.quebec")]),
    (2021, "Lu Two", [("Lu Affiliate", "Mila", "mila.quebec")]),
    (2022, "Lu Three", [("Lu Affiliate", "Université de Montréal", "umontreal.ca")]),
    (2023, "Lu Four", [("Lu Affiliate", "Université de Montréal", "umontreal.ca")]),
    # Mor's Inria team is run with Université Paris-Saclay: the lists name one, then the other. No move.
    (2006, "Mor One", [("Mor Team", "Université Paris-Saclay", "universite-paris-saclay.fr")]),
    (2007, "Mor Two", [("Mor Team", "Université Paris-Saclay", "universite-paris-saclay.fr")]),
    (2008, "Mor Three", [("Mor Team", "Inria", "inria.fr")]),
    (2009, "Mor Four", [("Mor Team", "Inria", "inria.fr")]),
    # Cor is at Inria throughout and at Google from 2013; two lists of 2011-2012 name Université Grenoble
    # Alpes first, where her Inria team sits. Its last year is no departure for Google.
    (2009, "Cor One", [("Cor Joint", "Inria", "inria.fr")]),
    (2010, "Cor Two", [("Cor Joint", "Inria", "inria.fr")]),
    (2011, "Cor Three", [("Cor Joint", "Université Grenoble Alpes", "univ-grenoble-alpes.fr")]),
    (2012, "Cor Four", [("Cor Joint", "Université Grenoble Alpes", "univ-grenoble-alpes.fr")]),
    (2012, "Cor Five", [("Cor Joint", "Inria", "inria.fr")]),
    (2013, "Cor Six", [("Cor Joint", "Google Research", "google.com")]),
    (2014, "Cor Seven", [("Cor Joint", "Inria", "inria.fr")]),
    (2014, "Cor Eight", [("Cor Joint", "Google Research", "google.com")]),
    (2015, "Cor Nine", [("Cor Joint", "Google Research", "google.com")]),
    # Bo leaves CMU for Apple with a single paper on the Apple side: listed only when one paper will do.
    (2020, "Bo One", [("Bo Thin", "Carnegie Mellon University", "cmu.edu")]),
    (2021, "Bo Two", [("Bo Thin", "Carnegie Mellon University", "cmu.edu")]),
    (2023, "Bo Three", [("Bo Thin", "Apple", "apple.com")]),
    # Sam's university is spelt two ways, one e-mail domain: one place, not a move.
    (2019, "Sam One", [("Sam Spelt", "Northfield State College", "northfield.edu")]),
    (2020, "Sam Two", [("Sam Spelt", "Northfield State College", "northfield.edu")]),
    (2022, "Sam Three", [("Sam Spelt", "Regents College of Northfield", "northfield.edu")]),
    (2023, "Sam Four", [("Sam Spelt", "Regents College of Northfield", "northfield.edu")]),
    # Jo named the lab and the university together while at both: held at once, not a move.
    (2018, "Jo One", [("Jo Both", "Google Brain", "google.com")]),
    (2019, "Jo Two", [("Jo Both", "Google Brain+University of Toronto", "google.com")]),
    (2019, "Jo Three", [("Jo Both", "Google Brain", "google.com")]),
    (2021, "Jo Four", [("Jo Both", "University of Toronto", "utoronto.ca")]),
    (2022, "Jo Five", [("Jo Both", "University of Toronto", "utoronto.ca")]),
    # Kim's two affiliations were run together into one name: one place inside the other, not a move.
    (2021, "Kim One", [("Kim Garble", "Zorvath Institute Quillon Labs", "")]),
    (2021, "Kim Two", [("Kim Garble", "Zorvath Institute Quillon Labs", "")]),
    (2024, "Kim Three", [("Kim Garble", "Quillon Labs", "")]),
    (2024, "Kim Four", [("Kim Garble", "Quillon Labs", "")]),
    # Gil visits CMU from UCL and, still at UCL, joins Google: UCL in between, so CMU was not left for Google.
    (2008, "Gil One", [("Gil Around", "University College London", "ucl.ac.uk")]),
    (2009, "Gil Two", [("Gil Around", "University College London", "ucl.ac.uk")]),
    (2010, "Gil Three", [("Gil Around", "Carnegie Mellon University", "cmu.edu")]),
    (2011, "Gil Four", [("Gil Around", "Carnegie Mellon University", "cmu.edu")]),
    (2013, "Gil Five", [("Gil Around", "University College London", "ucl.ac.uk")]),
    (2014, "Gil Six", [("Gil Around", "University College London", "ucl.ac.uk")]),
    (2016, "Gil Seven", [("Gil Around", "Google", "google.com")]),
    (2017, "Gil Eight", [("Gil Around", "Google", "google.com")]),
    (2017, "Gil Nine", [("Gil Around", "University College London", "ucl.ac.uk")]),
    (2016, "Gil Ten", [("Gil Around", "University College London", "ucl.ac.uk")]),
    # Pat lists a former university after the present one: shown, but only as a second affiliation.
    (2014, "Pat One", [("Pat Second", "University of Sussex+University of Cambridge", "sussex.ac.uk")]),
    # Ray is a professor whose papers of 2021-2023 name only the company: the one university paper of 2022
    # between university papers of 2019 and 2025 is not weak.
    (2019, "Ray One", [("Ray Prof", "University of California, Berkeley", "berkeley.edu")]),
    (2019, "Ray Two", [("Ray Prof", "University of California, Berkeley", "berkeley.edu")]),
    (2021, "Ray Three", [("Ray Prof", "Google", "google.com")]),
    (2021, "Ray Four", [("Ray Prof", "Google", "google.com")]),
    (2022, "Ray Five", [("Ray Prof", "Google", "google.com")]),
    (2022, "Ray Six", [("Ray Prof", "University of California, Berkeley", "")]),
    (2023, "Ray Seven", [("Ray Prof", "Google", "google.com")]),
    (2025, "Ray Eight", [("Ray Prof", "University of California, Berkeley", "berkeley.edu")]),
    # Cho leaves Davis for Los Angeles in 2018; Davis papers written before the move still appear in 2019,
    # fewer than the UCLA ones: a move, across two years of overlap.
    (2015, "Cho One", [("Cho Overlap", "University of California, Davis", "ucdavis.edu")]),
    (2016, "Cho Two", [("Cho Overlap", "University of California, Davis", "ucdavis.edu")]),
    (2018, "Cho Three", [("Cho Overlap", "University of California, Davis", "ucdavis.edu")]),
    (2018, "Cho Four", [("Cho Overlap", "University of California, Los Angeles", "cs.ucla.edu")]),
    (2019, "Cho Five", [("Cho Overlap", "University of California, Davis", "ucdavis.edu")]),
    (2019, "Cho Six", [("Cho Overlap", "University of California, Los Angeles", "cs.ucla.edu")]),
    (2019, "Cho Seven", [("Cho Overlap", "University of California, Los Angeles", "cs.ucla.edu")]),
    (2020, "Cho Eight", [("Cho Overlap", "University of California, Los Angeles", "cs.ucla.edu")]),
    # Eve holds both places through those years, as many papers at each: no move.
    (2015, "Eve One", [("Eve Both", "University of Pennsylvania", "upenn.edu")]),
    (2016, "Eve Two", [("Eve Both", "University of Pennsylvania", "upenn.edu")]),
    (2018, "Eve Three", [("Eve Both", "University of Pennsylvania", "upenn.edu")]),
    (2018, "Eve Four", [("Eve Both", "Amazon", "amazon.com")]),
    (2019, "Eve Five", [("Eve Both", "University of Pennsylvania", "upenn.edu")]),
    (2019, "Eve Six", [("Eve Both", "Amazon", "amazon.com")]),
    (2020, "Eve Seven", [("Eve Both", "Amazon", "amazon.com")]),
    # Kris's profile still says Google Brain in 2025, two years after it became part of Google DeepMind.
    (2021, "Kris One", [("Kris Stale", "Google Brain", "google.com")]),
    (2024, "Kris Two", [("Kris Stale", "Google Brain", "google.com")]),
    (2025, "Kris Three", [("Kris Stale", "Google Brain", "google.com")]),
    # Nita's slot names the grant programme paying for the work beside her university: not a place.
    (2020, "Nita One", [("Nita Grant", "The University of Tokyo + PRESTO, Japan Science and Technology Agency",
                         "u-tokyo.ac.jp")]),
    # Gus and Paul: the 2013 list hands each the other's institution. Gus's papers around it say Stanford,
    # Paul has no other papers: the two slots are each other's.
    (2012, "Gus One", [("Gus Swapped", "Stanford University", "stanford.edu")]),
    (2013, "Gus Two", [("Paul Brown", "Stanford University", "stanford.edu"),
                       ("Gus Swapped", "Brown University", "brown.edu")]),
    (2014, "Gus Three", [("Gus Swapped", "Stanford University", "stanford.edu")]),
    (2014, "Gus Four", [("Gus Swapped", "Stanford University", "stanford.edu")]),
    # Chris and Yoram: one paper of each says where they were, each the other's slot: swapped back too.
    (2002, "Chris One", [("Chris Manner", "Stanford University", "stanford.edu")]),
    (2003, "Chris Two", [("Yoram Singh", "Stanford University", "stanford.edu"),
                         ("Chris Manner", "Hebrew University", "huji.ac.il")]),
    (2004, "Yoram One", [("Yoram Singh", "Hebrew University", "huji.ac.il")]),
    # Ida's one Harvard paper is contradicted too, but her co-author's slot is no better: left as printed.
    (2012, "Ida One", [("Ida Alone", "Yale University", "yale.edu")]),
    (2013, "Ida Two", [("Ida Alone", "Harvard University", "harvard.edu"), ("Lee Near", "Harvard University",
                                                                          "harvard.edu")]),
    (2014, "Ida Three", [("Ida Alone", "Yale University", "yale.edu")]),
    # Bern and Tom: a list out of order as a whole (Schölkopf and Hofmann, NeurIPS 2004). Zo's MIT slot is
    # borne out by Zo's other papers; Bern's papers around say MIT where his slot says Yale, and Tom's say
    # Yale where his says MIT. Whose slot is whose cannot be told (Zo's and Tom's both say MIT): the list is
    # paired with nobody.
    (2003, "Bern One", [("Bern Shifted", "MIT", "mit.edu")]),
    (2004, "Bern Two", [("Zo Borne", "MIT", "mit.edu"), ("Tom Shifted", "MIT", "mit.edu"),
                        ("Bern Shifted", "Yale University", "yale.edu")]),
    (2005, "Bern Three", [("Bern Shifted", "MIT", "mit.edu"), ("Zo Borne", "MIT", "mit.edu")]),
    (2003, "Tom One", [("Tom Shifted", "Yale University", "yale.edu")]),
    (2005, "Tom Two", [("Tom Shifted", "Yale University", "yale.edu")]),
    # Sia's list gives her SUTD address to her Michigan slot (ACL 2022's CICERO): its e-mail domains are
    # not in author order, so Rae's umich.edu beside a lab name says nothing about where Rae was.
    (2022, "Sia One", [("Gho Sutd", "DeCLaRe Lab, Singapore University of Technology and Design", "sutd.edu.sg"),
                       ("Sia Mich", "University of Michigan", "sutd.edu.sg"), ("Rae Lab", "DeCLaRe", "umich.edu")]),
    # Nis is a full professor in 2022 and 2023; a 2023 slot calling Nis an assistant professor (beside a
    # newcomer's "Full Professor") is ruled out by Nis's own positions of those years: not shown.
    (2022, "Nis One", [("Nis Senior", "Yale University", "yale.edu", "Full Professor")]),
    (2023, "Nis Two", [("Ann Fresh", "Yale University", "yale.edu", "Full Professor"),
                       ("Nis Senior", "Yale University", "yale.edu", "Assistant Professor")]),
    (2023, "Nis Three", [("Nis Senior", "Yale University", "yale.edu", "Full Professor")]),
    # Wel is a full professor at Amsterdam; two slots of the same year give Wel someone's "Harvard, Postdoc":
    # slots at another place are not held against the Amsterdam one, which keeps its position.
    (2023, "Wel One", [("Wel Ling", "University of Amsterdam", "uva.nl", "Full Professor")]),
    (2023, "Wel Two", [("Wel Ling", "Harvard University", "harvard.edu", "Postdoc")]),
    (2023, "Wel Three", [("Wel Ling", "Harvard University", "harvard.edu", "Postdoc")]),
    # Pro and Stu: the professor given the student's "PhD student" and the student the professor's "Full
    # Professor" (an export's slots in another order): two positions ruled out make the list out of order.
    (1998, "Pro One", [("Pro Fessor", "Stanford University", "stanford.edu", "Full Professor"),
                       ("Stu Dentt", "Stanford University", "stanford.edu", "PhD student")]),
    (1999, "Pro Two", [("Pro Fessor", "Stanford University", "stanford.edu", "PhD student"),
                       ("Stu Dentt", "Stanford University", "stanford.edu", "Full Professor")]),
    (2000, "Pro Three", [("Pro Fessor", "Stanford University", "stanford.edu", "Full Professor"),
                         ("Stu Dentt", "Stanford University", "stanford.edu", "PhD student")]),
    # Nat is at UCL to 2016, the year a slot of Nat's names the Institute for Advanced Study first, then at
    # Google from 2018: UCL was left for the IAS, not for Google.
    (2015, "Nat One", [("Nat Stop", "University College London", "ucl.ac.uk")]),
    (2016, "Nat Two", [("Nat Stop", "University College London", "ucl.ac.uk")]),
    (2016, "Nat Three", [("Nat Stop", "Institute for Advanced Study", "ias.edu")]),
    (2018, "Nat Four", [("Nat Stop", "Google", "google.com")]),
    (2019, "Nat Five", [("Nat Stop", "Google", "google.com")]),
    # Pia and Rex leave MIT for Google with a paper of 2017 between, whose list is the paper's (PAPER_LISTS):
    # Pia's names only other places, Rex's names MIT too.
    (2015, "Pia One", [("Pia Listed", "MIT", "mit.edu")]),
    (2016, "Pia Two", [("Pia Listed", "MIT", "mit.edu")]),
    (2018, "Pia Three", [("Pia Listed", "Google", "google.com")]),
    (2019, "Pia Four", [("Pia Listed", "Google", "google.com")]),
    (2015, "Rex One", [("Rex Listed", "MIT", "mit.edu")]),
    (2016, "Rex Two", [("Rex Listed", "MIT", "mit.edu")]),
    (2018, "Rex Three", [("Rex Listed", "Google", "google.com")]),
    (2019, "Rex Four", [("Rex Listed", "Google", "google.com")]),
    # Jay leaves Stanford in 2015; in 2016, the first year at USC, a slot of Jay's names Berkeley first: the
    # postdoc between, so Stanford was not left for USC. Lev's first Google year names Google Research, a unit of
    # Google's own group, and his move stands.
    (2014, "Jay One", [("Jay Postdoc", "Stanford University", "stanford.edu")]),
    (2015, "Jay Two", [("Jay Postdoc", "Stanford University", "stanford.edu")]),
    (2016, "Jay Three", [("Jay Postdoc", "UC Berkeley", "berkeley.edu")]),
    (2016, "Jay Four", [("Jay Postdoc", "University of Southern California", "usc.edu")]),
    (2017, "Jay Five", [("Jay Postdoc", "University of Southern California", "usc.edu")]),
    (2014, "Lev One", [("Lev Joined", "Stanford University", "stanford.edu")]),
    (2015, "Lev Two", [("Lev Joined", "Stanford University", "stanford.edu")]),
    (2016, "Lev Three", [("Lev Joined", "Google Research", "google.com")]),
    (2016, "Lev Four", [("Lev Joined", "Google", "google.com")]),
    (2017, "Lev Five", [("Lev Joined", "Google", "google.com")]),
    # Sen, a professor since 2005, is given a student's slot in 2018 (a shifted list); so is Ada, stated a
    # professor eight years into the papers. Kay, a PhD student eleven years after an undergraduate paper,
    # is one.
    (2005, "Sen One", [("Sen Ior", "Massachusetts Institute of Technology", "mit.edu", "Full Professor")]),
    (2006, "Sen Two", [("Sen Ior", "Massachusetts Institute of Technology", "mit.edu", "Full Professor")]),
    (2018, "Sen Three", [("Sen Ior", "Massachusetts Institute of Technology", "mit.edu", "PhD student")]),
    (2010, "Ada One", [("Ada Moted", "Carnegie Mellon University", "cmu.edu")]),
    (2018, "Ada Two", [("Ada Moted", "Carnegie Mellon University", "cmu.edu", "Assistant Professor")]),
    (2019, "Ada Three", [("Ada Moted", "Carnegie Mellon University", "cmu.edu", "PhD student")]),
    (2011, "Kay One", [("Kay Late", "Stanford University", "stanford.edu")]),
    (2022, "Kay Two", [("Kay Late", "Stanford University", "stanford.edu", "PhD student")]),
    # Uma stays at Oxford and takes an adjunct chair in Beijing: a post beside the first, no move.
    (1991, "Uma One", [("Uma Adjunct", "University of Oxford", "ox.ac.uk", "Full Professor")]),
    (1992, "Uma Two", [("Uma Adjunct", "University of Oxford", "ox.ac.uk", "Full Professor")]),
    (1993, "Uma Three", [("Uma Adjunct", "University of Oxford", "ox.ac.uk", "Full Professor")]),
    (1994, "Uma Four", [("Uma Adjunct", "Peking University", "pku.edu.cn", "Adjunct Professor")]),
    (1995, "Uma Five", [("Uma Adjunct", "Peking University", "pku.edu.cn", "Adjunct Professor")]),
    # Ted, a professor at Stanford, visits FAIR; the list of his latest paper gives only the visit (Tengyu Ma's
    # stale "Visiting Scientist" at FAIR on his 2024 paper). He is still at Stanford.
    (1981, "Ted One", [("Ted Visitor", "Stanford University", "stanford.edu", "Associate Professor")]),
    (1982, "Ted Two", [("Ted Visitor", "Stanford University", "stanford.edu", "Associate Professor")]),
    (1983, "Ted Three", [("Ted Visitor", "FAIR", "fb.com", "Visiting Scientist")]),
    # Ivo, a student at MIT, interns at Google: no move either.
    (1996, "Ivo One", [("Ivo Intern", "MIT", "mit.edu", "PhD student")]),
    (1997, "Ivo Two", [("Ivo Intern", "MIT", "mit.edu", "PhD student")]),
    (1998, "Ivo Three", [("Ivo Intern", "Google", "google.com", "Research Intern")]),
    (1999, "Ivo Four", [("Ivo Intern", "Google", "google.com", "Intern")]),
    # Geo, at Toronto, joins Google and keeps his chair: his 2016 slot prints Toronto first with Google's
    # e-mail (Hinton's NeurIPS 2016), which chooses Google Brain as the slot's organisation. Toronto is kept
    # beside it, and Toronto to Google is no move.
    (2012, "Geo One", [("Geo Kept", "University of Toronto", "utoronto.ca")]),
    (2013, "Geo Two", [("Geo Kept", "University of Toronto", "utoronto.ca")]),
    (2015, "Geo Three", [("Geo Kept", "Google", "google.com")]),
    (2016, "Geo Four", [("Geo Kept", "University of Toronto+Google Brain", "google.com")]),
    (2017, "Geo Five", [("Geo Kept", "Google", "google.com")]),
    # Yus leaves MIT for IBM in 2015; that year's MIT paper prints an Italian institute first with the MIT
    # e-mail (Mroueh's ICML 2015). The institute is that paper's, not another paper against MIT.
    (2011, "Yus One", [("Yus Leaving", "Massachusetts Institute of Technology", "mit.edu")]),
    (2012, "Yus Two", [("Yus Leaving", "Massachusetts Institute of Technology", "mit.edu")]),
    (2015, "Yus Three", [("Yus Leaving", "Istituto Italiano di Tecnologia+Massachusetts Institute of Technology",
                          "mit.edu")]),
    (2015, "Yus Four", [("Yus Leaving", "IBM Research", "ibm.com")]),
    (2017, "Yus Five", [("Yus Leaving", "IBM Research", "ibm.com")]),
    (2018, "Yus Six", [("Yus Leaving", "IBM Research", "ibm.com")]),
    # Kis moves from Yonsei to EPFL in 2019, that year's slot printing both with the EPFL e-mail (Seungryong
    # Kim's CVPR 2019): moving, not holding both.
    (2017, "Kis One", [("Kis Postdoc", "Yonsei University", "yonsei.ac.kr")]),
    (2018, "Kis Two", [("Kis Postdoc", "Yonsei University", "yonsei.ac.kr")]),
    (2019, "Kis Three", [("Kis Postdoc", "Yonsei University+EPFL", "epfl.ch")]),
    (2020, "Kis Four", [("Kis Postdoc", "EPFL", "epfl.ch")]),
    # Sel is at the Hebrew University to 2009 and at QUT from 2013; in 2011 a list out of order as a whole
    # (Seldin's NeurIPS 2011: each co-author given the next one's place) names only other places, Sel's own
    # slot the Max Planck Institute: set aside with the list, but Sel was elsewhere between, so no move.
    (2008, "Sel One", [("Sel Stop", "Hebrew University of Jerusalem", "huji.ac.il")]),
    (2009, "Sel Two", [("Sel Stop", "Hebrew University of Jerusalem", "huji.ac.il")]),
    *[(year, f"Pet {year} {n}", [("Pet Aux", "ETH Zurich", "ethz.ch"),
                                  ("Ron Ort", "University College London", "ucl.ac.uk"),
                                  ("Kim Lav", "University of Oxford", "ox.ac.uk")])
      for year in (2010, 2012) for n in (1, 2)],
    (2011, "Sel Shuffled", [("Sel Stop", "Max Planck Institute for Intelligent Systems", "tuebingen.mpg.de"),
                            ("Pet Aux", "University College London", "ucl.ac.uk"),
                            ("Ron Ort", "University of Oxford", "ox.ac.uk"), ("Kim Lav", "ETH Zurich", "ethz.ch")]),
    (2013, "Sel Three", [("Sel Stop", "Queensland University of Technology", "qut.edu.au")]),
    (2014, "Sel Four", [("Sel Stop", "Queensland University of Technology", "qut.edu.au")]),
    # Art's own slot names the e-mail's university second: no conflict, the domain still counts.
    (2016, "Art One", [("Art Dual", "Zorvath Search + Massachusetts Institute of Technology", "mit.edu"),
                       ("Vic Near", "Stanford University", "stanford.edu")]),
]


# (year, title, authors, the paper's list of institutions): a file that lists each institution once per paper
# (CVPR 2020-24), never paired by position.
PAPER_LISTS: list[tuple[int, str, list[str], list[str]]] = [
    (2017, "Pia Between", ["Pia Listed", "Quin Far"], ["ETH Zurich", "University of Tübingen", "Max Planck Institute"]),
    (2017, "Rex Between", ["Rex Listed", "Quin Far"], ["Massachusetts Institute of Technology", "ETH Zurich",
                                                       "University of Tübingen"]),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ResearchStore:
    root = tmp_path_factory.mktemp("careers")
    by_year: dict[int, list[dict[str, str]]] = {}
    for n, (year, title, authors) in enumerate(PAPERS):
        by_year.setdefault(year, []).append({
            "id": f"c{n}", "title": title, "status": "Poster",
            "author": "; ".join(a[0] for a in authors),
            # E-mail ids make each of them one person across their papers; pairing stays by slot.
            "authorids": "; ".join(a[0].split()[0].lower() + "@people.example.org" for a in authors),
            "aff": "; ".join(a[1] for a in authors),
            "aff_domain": ";".join(a[2] for a in authors),
            **({"position": "; ".join(a[3] for a in authors)} if all(len(a) == 4 for a in authors) else {})})
    folder = root / "sources" / "aistats"
    folder.mkdir(parents=True)
    for year, rows in by_year.items():
        (folder / f"aistats{year}.json").write_text(json.dumps(rows))
    lists = root / "sources" / "cvpr"
    lists.mkdir()
    for year in {p[0] for p in PAPER_LISTS}:
        (lists / f"cvpr{year}.json").write_text(json.dumps([
            {"id": f"l{n}", "title": title, "status": "Poster", "author": "; ".join(names),
             "authorids": "; ".join(a.split()[0].lower() + "@people.example.org" for a in names),
             "aff": "; ".join(affs)}
            for n, (y, title, names, affs) in enumerate(PAPER_LISTS) if y == year]))
    dest = root / "research.duckdb"
    build_store([root / "sources"], dest)
    return ResearchStore(dest)


def timeline(store: ResearchStore, name: str) -> list[queries.CareerYear]:
    """Every fact of the person, the timeline's and the set-aside weak ones, in the store's order."""
    profile = queries.person_profile(store, queries.resolve_person(store, name))
    return sorted(profile.timeline + profile.set_aside, key=lambda r: (r.year, r.strength, r.org or ""))


def moves_of(store: ResearchStore, name: str, **kw: int) -> list[tuple[str, str]]:
    pid = queries.resolve_person(store, name)
    return [(m.from_org_id, m.to_org_id) for m in moves.list_moves(store, person_id=pid, **kw)]


class TestFacts:
    def test_every_fact_keeps_its_papers_and_how_they_were_paired(self, store: ResearchStore) -> None:
        rows = timeline(store, "Wen Stayer")
        mit = [r for r in rows if r.org_id == "mit"]
        assert [r.n_papers for r in mit] == [2, 1, 1]
        assert all(r.pairings == ["slot"] and len(r.paper_ids) == r.n_papers for r in mit)

    def test_one_paper_against_the_years_around_it_is_weak_and_says_why(self, store: ResearchStore) -> None:
        odd = [r for r in timeline(store, "Wen Stayer") if r.org_id == "stanford"]
        assert len(odd) == 1 and odd[0].strength == "weak"
        assert "Massachusetts Institute of Technology" in str(odd[0].why)
        assert all(r.strength == "strong" for r in timeline(store, "Wen Stayer") if r.org_id == "mit")

    def test_a_weak_fact_is_set_aside_from_the_timeline_with_its_paper_and_why(self, store: ResearchStore
                                                                              ) -> None:
        profile = queries.person_profile(store, queries.resolve_person(store, "Wen Stayer"))
        assert all(r.strength == "strong" for r in profile.timeline)
        assert "stanford" not in {r.org_id for r in profile.timeline}
        [aside] = profile.set_aside
        assert aside.org_id == "stanford" and len(aside.paper_ids) == 1 and aside.why

    def test_a_weak_fact_is_not_the_latest_organisation_nor_a_move(self, store: ResearchStore) -> None:
        person = queries.person_profile(store, queries.resolve_person(store, "Wen Stayer")).person
        assert person.latest_org_id == "mit"
        assert moves_of(store, "Wen Stayer", min_support=1) == []

    def test_a_fact_between_earlier_and_later_years_of_its_family_is_not_weak(self, store: ResearchStore
                                                                               ) -> None:
        rows = [r for r in timeline(store, "Ray Prof") if r.year == 2022 and r.org_id == "uc-berkeley"]
        assert len(rows) == 1 and rows[0].strength == "strong"

    def test_an_organisation_named_only_second_says_so(self, store: ResearchStore) -> None:
        rows = {r.org_id: r for r in timeline(store, "Pat Second")}
        assert rows["cambridge"].n_first == 0 and rows["university-of-sussex"].n_first == 1
        person = queries.person_profile(store, queries.resolve_person(store, "Pat Second")).person
        assert person.latest_org_id == "university-of-sussex"

    def test_where_now_is_what_the_place_is_called_now(self, store: ResearchStore) -> None:
        person = queries.person_profile(store, queries.resolve_person(store, "Kris Stale")).person
        assert (person.latest_org_id, person.latest_org_year) == ("google-deepmind", 2025)
        # The timeline keeps what the papers say.
        assert {r.org_id for r in timeline(store, "Kris Stale")} == {"google-brain"}

    def test_a_grant_programme_is_not_a_place(self, store: ResearchStore) -> None:
        assert {r.org_id for r in timeline(store, "Nita Grant")} == {"tokyo"}

    def test_two_slots_handed_to_each_other_are_paired_back(self, store: ResearchStore) -> None:
        gus = {r.year: r for r in timeline(store, "Gus Swapped")}
        assert gus[2013].org_id == "stanford" and gus[2013].strength == "strong"
        assert gus[2013].pairings == ["slot-swapped"]
        assert [(r.year, r.org_id) for r in timeline(store, "Paul Brown")] == [(2013, "brown")]
        assert [(r.year, r.org_id) for r in timeline(store, "Chris Manner")] == [(2002, "stanford"),
                                                                               (2003, "stanford")]
        assert [(r.year, r.org_id) for r in timeline(store, "Yoram Singh")] == [(2003, "hebrew-university"),
                                                                              (2004, "hebrew-university")]
        # Nothing says Lee's Harvard is Ida's Yale: both stay as printed, Ida's shown weak.
        ida = {r.year: r for r in timeline(store, "Ida Alone")}
        assert ida[2013].org_id == "harvard" and ida[2013].strength == "weak"

    def test_a_list_out_of_order_as_a_whole_is_paired_with_nobody(self, store: ResearchStore) -> None:
        # The paper still counts as their work of 2004, at no place; their other years keep theirs.
        assert [(r.year, r.org_id) for r in timeline(store, "Bern Shifted")] == [(2003, "mit"), (2004, None),
                                                                                (2005, "mit")]
        assert [(r.year, r.org_id) for r in timeline(store, "Tom Shifted")] == [(2003, "yale"), (2004, None),
                                                                               (2005, "yale")]
        assert [(r.year, r.org_id) for r in timeline(store, "Zo Borne")] == [(2004, None), (2005, "mit")]
        # What the list printed stays on the paper, marked as paired with nobody.
        pid = queries.resolve_person(store, "Bern Shifted")
        paper = next(p for p in queries.person_profile(store, pid).papers if p.title == "Bern Two")
        assert paper.org == "Yale University" and paper.affiliation_source == "list out of order: paired with nobody"
        # Two slots handed to each other are paired back, not a list out of order (see above); one slot
        # contradicted is no list out of order either.
        assert {r.year: r.org_id for r in timeline(store, "Ida Alone")}[2013] == "harvard"

    def test_a_position_the_persons_own_positions_rule_out_is_not_shown(self, store: ResearchStore) -> None:
        nis = {r.year: r for r in timeline(store, "Nis Senior")}
        assert (nis[2023].org_id, nis[2023].position) == ("yale", "Full Professor")
        # Slots at another place are not held against it.
        assert {r.org: r.position for r in timeline(store, "Wel Ling")} == {
            "University of Amsterdam": "Full Professor", "Harvard University": "Postdoc"}
        # The newcomer's "Full Professor" has nothing to be held against: shown as printed.
        assert [(r.org_id, r.position) for r in timeline(store, "Ann Fresh")] == [("yale", "Full Professor")]

    def test_two_positions_ruled_out_make_a_list_out_of_order(self, store: ResearchStore) -> None:
        pro = {r.year: (r.org_id, r.position) for r in timeline(store, "Pro Fessor")}
        stu = {r.year: (r.org_id, r.position) for r in timeline(store, "Stu Dentt")}
        assert pro == {1998: ("stanford", "Full Professor"), 1999: (None, None), 2000: ("stanford", "Full Professor")}
        assert stu == {1998: ("stanford", "PhD student"), 1999: (None, None), 2000: ("stanford", "PhD student")}

    def test_a_correction_that_puts_a_list_back_in_order_derives_its_co_authors_again(
            self, store: ResearchStore, tmp_path: Path) -> None:
        # Tom's Yale papers are another Tom's: split off, Tom's MIT slot on Bern Two is no longer against his
        # own papers, so the list is no longer out of order, for Bern and Zo too, as a rebuild says.
        copy = tmp_path / "research.duckdb"
        shutil.copyfile(store.path, copy)
        sources = [Path(p) for p in str(store.one("SELECT value FROM build_info WHERE key = 'sources'")["value"])
                   .split(os.pathsep)]
        yale = [r["paper_id"] for r in store.rows("SELECT paper_id FROM papers WHERE title IN ('Tom One', 'Tom Two')")]
        with ResearchStore(copy) as s:
            split = planning.plan_split(s, "c1", "Tom Shifted", papers=yale)
        with patch.store_lock(copy):
            patch.apply_corrections(copy, [split])
        patched = snapshot(copy)
        with ResearchStore(copy) as s:
            listed = {r["title"] for r in s.rows("SELECT title FROM misaligned_lists JOIN papers USING (paper_id)")}
            assert listed == {"Pro Two", "Sel Shuffled"}
            assert (2004, "mit") in [(r.year, r.org_id) for r in timeline(s, "Zo Borne")]
        build_store(sources, copy, corrections=Corrections(people=[split]))
        rebuilt = snapshot(copy)
        for table in ("people", "person_years"):
            assert rebuilt[table] == patched[table], table

    def test_a_domain_list_out_of_author_order_pairs_no_domain(self, store: ResearchStore) -> None:
        # Rae's slot keeps what it prints (a lab of its own name), not Michigan.
        assert [r.org_id for r in timeline(store, "Rae Lab")] == ["declare"]
        assert [r.org_id for r in timeline(store, "Sia Mich")] == ["umich"]
        assert [r.org_id for r in timeline(store, "Gho Sutd")] == ["sutd"]
        issues = store.rows("SELECT i.kind, i.field FROM record_issues i JOIN papers p USING (paper_id) "
                            "WHERE p.title = 'Sia One'")
        assert issues == [{"kind": "e-mail domains out of author order", "field": "aff_domain"}]
        # A slot naming its e-mail's organisation second is no conflict: the domain still decides, and the
        # place printed first stays beside it.
        assert [(r.org_id, r.n_first) for r in timeline(store, "Art Dual")] == [("mit", 1), ("zorvath-search", 0)]

    def test_a_second_affiliation_is_a_fact_of_its_own(self, store: ResearchStore) -> None:
        rows = timeline(store, "Dee Dual")
        assert {(r.year, r.org_id) for r in rows} >= {(2024, "ucl"), (2024, "google-deepmind")}

    def test_a_slots_other_place_is_not_another_paper_against_it(self, store: ResearchStore) -> None:
        held = {(r.year, r.org_id): r.strength for r in timeline(store, "Yus Leaving")}
        assert held[(2015, "mit")] == "strong"
        found = moves.list_moves(store, person_id=queries.resolve_person(store, "Yus Leaving"))
        assert [(m.from_org_id, m.from_year, m.to_year) for m in found] == [("mit", 2015, 2015)]

    def test_the_first_place_printed_stays_where_the_e_mail_chose_a_later_one(self, store: ResearchStore) -> None:
        held = {r.org_id: r.n_first for r in timeline(store, "Geo Kept") if r.year == 2016}
        assert held == {"google": 1, "google-brain": 0, "toronto": 0}


class TestPositions:
    def test_a_students_position_long_into_a_career_is_another_authors(self, store: ResearchStore) -> None:
        for name, year in (("Sen Ior", 2018), ("Ada Moted", 2019)):
            held = {r.year: r.position for r in timeline(store, name)}
            assert year in held and held[year] is None, name
        sen = queries.person_profile(store, queries.resolve_person(store, "Sen Ior")).person
        assert sen.latest_position == "Full Professor"
        assert {r.year: r.position for r in timeline(store, "Kay Late")}[2022] == "PhD student"


class TestMoves:
    def test_a_move_with_papers_on_both_sides(self, store: ResearchStore) -> None:
        found = moves.list_moves(store, person_id=queries.resolve_person(store, "Ana Mover"))
        assert [(m.from_org_id, m.to_org_id, m.from_year, m.to_year, m.from_support, m.to_support)
                for m in found] == [("mit", "openai", 2020, 2022, 2, 2)]

    @pytest.mark.parametrize("name", ["Tomo Renamed", "Mo Unit", "Dee Dual", "Lu Affiliate", "Sam Spelt",
                                      "Jo Both", "Kim Garble", "Ray Prof", "Yam Held", "Mor Team",
                                      "Cor Joint", "Geo Kept", "Kos Words", "Rog Visit"])
    def test_renames_units_dual_affiliations_and_affiliates_are_not_moves(self, store: ResearchStore,
                                                                          name: str) -> None:
        assert moves_of(store, name, min_support=1) == []

    def test_a_move_across_two_years_of_overlap(self, store: ResearchStore) -> None:
        assert moves_of(store, "Cho Overlap") == [("ucdavis", "ucla")]
        assert moves_of(store, "Eve Both", min_support=1) == []

    def test_no_move_past_a_place_named_in_between(self, store: ResearchStore) -> None:
        assert moves_of(store, "Gil Around", min_support=1) == []

    def test_no_move_past_a_place_named_first_in_the_last_year_at_the_old_one(self, store: ResearchStore) -> None:
        assert moves_of(store, "Nat Stop") == []

    def test_no_move_past_a_place_named_first_in_the_first_year_at_the_new_one(self, store: ResearchStore) -> None:
        assert moves_of(store, "Jay Postdoc", min_support=1) == []
        assert moves_of(store, "Lev Joined") == [("stanford", "google")]

    def test_no_move_past_a_paper_whose_own_list_names_only_other_places(self, store: ResearchStore) -> None:
        assert moves_of(store, "Pia Listed") == []
        assert moves_of(store, "Rex Listed") == [("mit", "google")]

    def test_no_move_past_a_list_out_of_order_that_names_only_other_places(self, store: ResearchStore) -> None:
        shuffled = store.one("SELECT count(*) AS n FROM misaligned_lists JOIN papers USING (paper_id) "
                             "WHERE title = 'Sel Shuffled'")
        assert shuffled == {"n": 1}
        # The 2011 paper is on the timeline with no place: its list is paired with nobody.
        assert [(r.year, r.org_id) for r in timeline(store, "Sel Stop")] == [
            (2008, "hebrew-university"), (2009, "hebrew-university"), (2011, None), (2013, "qut"), (2014, "qut")]
        assert moves_of(store, "Sel Stop", min_support=1) == []

    def test_a_post_held_beside_is_not_the_latest_organisation(self, store: ResearchStore) -> None:
        person = queries.person_profile(store, queries.resolve_person(store, "Ted Visitor")).person
        assert (person.latest_org_id, person.latest_org_year) == ("stanford", 1982)
        # The visit stays on the timeline, with its position.
        assert [(r.year, r.position) for r in timeline(store, "Ted Visitor") if r.org_id != "stanford"] == [
            (1983, "Visiting Scientist")]
        # Ivo interns at Google while a student at MIT, and Uma keeps her Oxford chair beside the adjunct one.
        for name, own in (("Ivo Intern", "mit"), ("Uma Adjunct", "oxford")):
            assert queries.person_profile(store, queries.resolve_person(store, name)).person.latest_org_id == own

    @pytest.mark.parametrize("name", ["Uma Adjunct", "Ivo Intern"])
    def test_no_move_to_a_place_held_only_as_an_adjunct_or_an_intern(self, store: ResearchStore, name: str) -> None:
        assert moves_of(store, name, min_support=1) == []

    def test_both_places_printed_in_the_year_of_a_move_with_the_new_ones_e_mail_are_a_move(
            self, store: ResearchStore) -> None:
        assert moves_of(store, "Kis Postdoc") == [("yonsei", "epfl")]

    def test_one_paper_on_a_side_is_listed_only_when_asked(self, store: ResearchStore) -> None:
        assert moves_of(store, "Bo Thin") == []
        assert moves_of(store, "Bo Thin", min_support=1) == [("cmu", "apple")]

    def test_flows_count_only_moves(self, store: ResearchStore) -> None:
        flows = moves.list_flows(store, min_people=1, min_support=1)
        # Rex's and Lev's moves to Google count under Alphabet, the top of its family.
        assert {(f.from_org_id, f.to_org_id) for f in flows} == {("mit", "openai"), ("cmu", "apple"),
                                                                 ("ucdavis", "ucla"), ("mit", "alphabet"),
                                                                 ("stanford", "alphabet"),
                                                                 ("mit", "ibm-research"), ("yonsei", "epfl")}

    def test_renamed_organisations_are_in_the_family_of_their_successor(self, store: ResearchStore) -> None:
        assert {"titech", "tmdu", "science-tokyo"} <= moves.family(store, "Institute of Science Tokyo")


class TestPairingReport:
    def test_per_file_counts(self, store: ResearchStore) -> None:
        report = {Path(r.file).name: r for r in careers.pairing_report(store)}
        r2021 = report["aistats2021.json"]
        assert r2021.papers == 12 and r2021.authorships == 13
        assert r2021.by_pairing == {"slot": 13}
        assert r2021.weak_facts == 1 and r2021.facts >= 6
        # Wen's Stanford slot against the MIT papers of 2020-2022.
        assert r2021.neighbours_disagree >= 1 and r2021.misaligned_papers == 0
        assert report["aistats2004.json"].misaligned_papers == 1


class TestSetAsideOnEveryFace:
    """The CLI, the API and the web page show a weak fact apart from the timeline, with its paper and why."""

    def test_the_terminal_prints_it_under_set_aside(self, store: ResearchStore) -> None:
        console = Console(record=True, width=200)
        view = views.person_view(store, "Wen Stayer")
        print_person(console, view, n_papers=0)
        timeline, aside = console.export_text().split("Set aside", 1)
        assert "Stanford University" not in timeline and "Massachusetts Institute of Technology" in timeline
        assert "Stanford University" in aside and view.set_aside[0].paper_ids[0] in aside
        assert "Massachusetts Institute of Technology" in aside  # why: what the papers around it name

    def test_the_api_and_the_page_show_it_apart(self, store: ResearchStore, tmp_path: Path) -> None:
        settings = make_home(store.path, tmp_path / "home")
        with TestClient(create_app(settings), base_url="https://testserver") as client:
            sign_in = client.post("/api/v1/session", json={"email": TEAM["viewer"], "password": PASSWORD})
            assert sign_in.status_code == 200
            pid = queries.resolve_person(store, "Wen Stayer")
            body = client.get(f"/api/v1/people/{pid}").json()
            assert [r["org_id"] for r in body["set_aside"]] == ["stanford"]
            assert "stanford" not in {r["org_id"] for r in body["timeline"]}
            page = client.get(f"/people/{pid}").text
            timeline, aside = page.split("Set aside", 1)
            assert "Stanford University" not in timeline.split("Career timeline", 1)[1]
            assert "Stanford University" in aside and body["set_aside"][0]["paper_ids"][0] in aside


def test_a_university_rank_at_a_company_is_not_its_position(tmp_path: Path) -> None:
    # OpenReview exports pair a profile's place with a rank from another of its entries: the place stays.
    folder = tmp_path / "sources" / "aistats"
    folder.mkdir(parents=True)
    rows = [{"id": f"r{n}", "title": f"Paper {n}", "status": "Poster", "author": "Vic Ferr;Uma Prof;Ann Visit",
             "authorids": "~Vic_Ferr1;~Uma_Prof1;~Ann_Visit1", "or_profile": "~Vic_Ferr1;~Uma_Prof1;~Ann_Visit1",
             "aff": "Google;Stanford University;NVIDIA",
             "aff_domain": "google.com;stanford.edu;nvidia.com",
             "position": "Associate Professor;Associate Professor;Visiting Professor"} for n in range(2)]
    (folder / "aistats2025.json").write_text(json.dumps(rows))
    build_store([tmp_path / "sources"], tmp_path / "research.duckdb")
    with ResearchStore(tmp_path / "research.duckdb") as store:
        facts = {r.org_id: r.position for name in ("Vic Ferr", "Uma Prof", "Ann Visit")
                 for r in timeline(store, name)}
    assert facts == {"google": None, "stanford": "Associate Professor", "nvidia": "Visiting Professor"}


def test_a_place_only_a_profile_gives_against_the_printed_lists_is_set_aside(tmp_path: Path) -> None:
    # Tengyu Ma's ICLR 2021 profile still said "FAIR, Visiting Scientist" (his 2017-18 visit) while the COLT
    # 2021 lists printed Stanford: the profile's entry is weak. Kim's profile agrees with a printed list.
    root = tmp_path / "sources"
    for folder, name, rows in (
        ("iclr", "iclr2021.json", [
            {"id": f"p{n}", "title": f"Sample complexity of offline reinforcement learning {n}", "status": "Poster",
             "author": "Teng Maa;Kim Prof",
             "authorids": "~Teng_Maa1;~Kim_Prof1", "or_profile": "~Teng_Maa1;~Kim_Prof1",
             "aff": "Facebook AI Research;Stanford University", "aff_domain": "fb.com;stanford.edu",
             "position": "Visiting Scientist;Assistant Professor"} for n in range(3)]),
        ("colt", "colt2021.json", [
            {"id": f"s{n}", "title": f"Sample complexity of offline reinforcement learning, part {n}",
             "status": "Poster", "author": "Teng Maa;Kim Prof",
             "aff": "Stanford University;Stanford University", "aff_domain": "stanford.edu;stanford.edu"}
            for n in range(2)]),
    ):
        (root / folder).mkdir(parents=True, exist_ok=True)
        (root / folder / name).write_text(json.dumps(rows))
    dest = tmp_path / "research.duckdb"
    build_store([root], dest)
    # Nothing but the name joins a profile's papers with printed ones here: the recruiter's merge does.
    with ResearchStore(dest) as store:
        halves = [r["person_id"] for r in store.rows("SELECT person_id FROM people WHERE name = 'Teng Maa'")]
        merges = [planning.plan_merge(store, "c1", *halves)]
    build_store([root], dest, corrections=Corrections(people=merges))
    with ResearchStore(dest) as store:
        ma = {r.org_id: r for r in timeline(store, "Teng Maa")}
        kim = {r.org_id: r for r in timeline(store, "Kim Prof")}
        latest = store.one("SELECT latest_org_id FROM people WHERE name = 'Teng Maa'")
    assert ma["meta-fair"].strength == "weak" and ma["stanford"].strength == "strong"
    assert ma["meta-fair"].why == ("only their OpenReview profile says so, and 2 papers of 2021 whose lists print "
                              "their affiliation name Stanford University instead")
    assert latest == {"latest_org_id": "stanford"}
    assert [(r.strength, r.pairings) for r in kim.values()] == [("strong", ["profile", "slot"])]


def test_an_address_kept_after_leaving_is_weak_and_dates_the_move(tmp_path: Path) -> None:
    """Dev's vt.edu is on a 2017 paper that prints no affiliation, beside two Georgia Tech papers of 2017."""
    papers = [(2015, "Virginia Tech", "vt.edu"), (2015, "Virginia Tech", "vt.edu"), (2016, "Virginia Tech", "vt.edu"),
              (2017, "", ""), (2017, "Georgia Institute of Technology", "gatech.edu"),
              (2017, "Georgia Institute of Technology", "gatech.edu"),
              (2018, "Georgia Institute of Technology", "gatech.edu"),
              (2018, "Georgia Institute of Technology", "gatech.edu"),
              # Ima's place is printed by its initials and by its name: one place, no move.
              (2019, "DGIST", ""), (2020, "DGIST", ""),
              (2021, "Daegu Gyeongbuk Institute of Science and Technology", ""),
              (2022, "Daegu Gyeongbuk Institute of Science and Technology", "")]
    root = tmp_path / "sources" / "iclr"
    root.mkdir(parents=True)
    by_year: dict[int, list[dict[str, str]]] = {}
    for n, (year, aff, domain) in enumerate(papers):
        who, mail = ("Dev Stale", "dev@vt.edu") if n < 8 else ("Ima Acro", "ima@people.example.org")
        by_year.setdefault(year, []).append({"id": f"m{n}", "title": f"Paper {n}", "status": "Poster", "author": who,
                                             "authorids": mail, "aff": aff, "aff_domain": domain})
    for year, rows in by_year.items():
        (root / f"iclr{year}.json").write_text(json.dumps(rows))
    dest = tmp_path / "research.duckdb"
    build_store([tmp_path / "sources"], dest)
    with ResearchStore(dest) as store:
        facts = {(r.year, r.org_id): r for r in timeline(store, "Dev Stale")}
        stale = facts[(2017, "virginia-tech")]
        assert (stale.strength, stale.pairings) == ("weak", ["email"])
        assert stale.why == ("only an e-mail address on one paper, which no slot names that year or after, and 2 "
                             "other papers of 2017 name Georgia Institute of Technology first")
        assert facts[(2016, "virginia-tech")].strength == facts[(2017, "gatech")].strength == "strong"
        found = moves.list_moves(store, person_id=queries.resolve_person(store, "Dev Stale"), min_support=1)
        assert [(m.from_org_id, m.from_year, m.to_org_id, m.to_year) for m in found] == [
            ("virginia-tech", 2016, "gatech", 2017)]
        assert moves_of(store, "Ima Acro", min_support=1) == []


def test_a_students_post_a_profile_keeps_after_they_left_is_weak(tmp_path: Path) -> None:
    # Yixuan Li's ICML 2024 profile slots still said "Cornell University, Graduate Student" (her PhD, to 2017)
    # while her printed lists had named UW-Madison since: that post is set aside as weak, with why, though no
    # list of 2023 prints anything, and though the profile's Cornell of 2022 (set aside against 2022's
    # printed lists) came after the last printed list. Ann's profile names the place her printed lists name.
    root = tmp_path / "sources"
    printed = [(2016, "Cornell University", "cornell.edu"), (2017, "Cornell University", "cornell.edu"),
               (2019, "University of Wisconsin-Madison", "wisc.edu"),
               (2021, "University of Wisconsin-Madison", "wisc.edu"),
               (2022, "University of Wisconsin-Madison", "wisc.edu"),
               (2022, "University of Wisconsin-Madison", "wisc.edu")]
    (root / "cvpr").mkdir(parents=True)
    for year in sorted({year for year, _, _ in printed}):
        (root / "cvpr" / f"cvpr{year}.json").write_text(json.dumps([
            {"id": f"c{year}-{n}", "title": f"Out-of-distribution detection {year}, {n}", "status": "Poster",
             "author": "Yix Lii;Ann Same", "aff": f"{aff};{aff}", "aff_domain": f"{domain};{domain}"}
            for n, (when, aff, domain) in enumerate(printed) if when == year]))
    (root / "icml").mkdir(parents=True)
    for year, count in ((2022, 1), (2023, 2)):
        (root / "icml" / f"icml{year}.json").write_text(json.dumps([
            {"id": f"i{n}", "title": f"Out-of-distribution detection in {year}, part {n}", "status": "Poster",
             "author": "Yix Lii;Ann Same", "authorids": "~Yix_Lii1;~Ann_Same1",
             "or_profile": "~Yix_Lii1;~Ann_Same1", "aff": "Cornell University;University of Wisconsin-Madison",
             "aff_domain": "cornell.edu;wisc.edu", "position": "Graduate Student;PhD student"}
            for n in range(count)]))
    dest = tmp_path / "research.duckdb"
    build_store([root], dest)
    with ResearchStore(dest) as store:
        yix = {(r.year, r.org_id): r for r in timeline(store, "Yix Lii")}
        ann = {(r.year, r.org_id): r for r in timeline(store, "Ann Same")}
        latest = store.one("SELECT latest_org_id FROM people WHERE name = 'Yix Lii'")
        found = moves_of(store, "Yix Lii", min_support=1)
    assert yix[(2022, "cornell")].strength == "weak" and yix[(2022, "cornell")].why.startswith(
        "only their OpenReview profile says so, and 2 papers of 2022")
    stale = yix[(2023, "cornell")]
    assert (stale.strength, stale.position, stale.pairings) == ("weak", "Graduate Student", ["profile"])
    assert stale.why == ("only their OpenReview profile says so, as Graduate Student, at a place their papers last "
                         "named in 2017 before naming University of Wisconsin-Madison first")
    assert yix[(2017, "cornell")].strength == yix[(2021, "wisc")].strength == "strong"
    assert latest == {"latest_org_id": "wisc"}
    assert found == [("cornell", "wisc")]
    assert ann[(2023, "wisc")].strength == "strong"


@pytest.mark.parametrize(("mailbox", "moved"), [("v-wanz@microsoft.com", False), ("t-wanz@microsoft.com", False),
                                               ("wanz@microsoft.com", True)])
def test_an_interns_address_is_a_post_held_beside_and_no_move(tmp_path: Path, mailbox: str, moved: bool) -> None:
    # Wangchunshu Zhou's MSRA papers of 2019-2020 carry Microsoft's intern alias v-waz@microsoft.com while he
    # was a student at Beihang, which his slots of 2021-2022 name: the internship was not left for Beihang.
    # Under an ordinary Microsoft address the same records are a move.
    papers = [(2019, "", ""), (2020, "", ""), (2021, "Beihang University", "buaa.edu.cn"),
              (2022, "Beihang University", "buaa.edu.cn")]
    root = tmp_path / "sources" / "iclr"
    root.mkdir(parents=True)
    for n, (year, aff, domain) in enumerate(papers):
        mail = mailbox if not aff else "wanz@buaa.edu.cn"
        (root / f"iclr{year}.json").write_text(json.dumps([
            {"id": f"w{n}", "title": f"Text generation {n}", "status": "Poster", "author": "Wanchu Zhourr",
             "authorids": mail, "aff": aff, "aff_domain": domain},
            {"id": f"x{n}", "title": f"Text editing {n}", "status": "Poster", "author": "Wanchu Zhourr",
             "authorids": mail, "aff": aff, "aff_domain": domain}]))
    dest = tmp_path / "research.duckdb"
    build_store([tmp_path / "sources"], dest)
    with ResearchStore(dest) as store:
        facts = {(r.year, r.org_id) for r in timeline(store, "Wanchu Zhourr")}
        assert {(2019, "microsoft"), (2020, "microsoft"), (2021, "buaa")} <= facts
        assert moves_of(store, "Wanchu Zhourr") == ([("microsoft", "buaa")] if moved else [])
