-- Tables derived from authorships and papers once those are loaded: run in DuckDB, not Python, because
-- they are group-bys over half a million rows. {authorships} and {person_years} are the whole tables in a
-- build, and views over the people a correction touched when one is applied to a built store.

-- How organisations relate: what each became after renames and mergers (its unit), the unit and everything
-- above it (lineage), the top of the family (group) and the institutes affiliated with any of them. Kept
-- as a table for reads; a correction that changes a parent derives it again.
CREATE OR REPLACE TABLE org_relations AS
WITH RECURSIVE renamed(org_id, node, depth) AS (
    SELECT org_id, org_id, 0 FROM organisations
    UNION ALL
    SELECT r.org_id, o.successor_id, r.depth + 1
    FROM renamed r JOIN organisations o ON o.org_id = r.node
    WHERE o.successor_id IS NOT NULL AND r.depth < 8
), unit AS (
    SELECT org_id, arg_max(node, depth) AS unit_id FROM renamed GROUP BY org_id
), above(org_id, node, depth) AS (
    SELECT org_id, unit_id, 0 FROM unit
    UNION ALL
    SELECT a.org_id, o.parent_id, a.depth + 1
    FROM above a JOIN organisations o ON o.org_id = a.node
    WHERE o.parent_id IS NOT NULL AND a.depth < 8
)
SELECT u.org_id, u.unit_id, list(a.node ORDER BY a.depth) AS lineage, arg_max(a.node, a.depth) AS group_id,
       flatten(list(coalesce(o.affiliate_ids, []) ORDER BY a.depth)) AS affiliates,
       -- For telling two names of one place apart from a move: the name as words, the e-mail domain.
       any_value(' ' || trim(regexp_replace(lower(s.name), '[^a-z0-9]+', ' ', 'g')) || ' ') AS name_key,
       any_value(s.home_domain) AS home_domain
FROM unit u JOIN above a USING (org_id) LEFT JOIN organisations o ON o.org_id = a.node
JOIN organisations s ON s.org_id = u.org_id
GROUP BY u.org_id, u.unit_id;

-- Two organisations whose people routinely hold both at once (Mila and Université de Montréal, Inria and the
-- universities its teams are run with): the affiliates of either name the other or what is above it.
CREATE OR REPLACE TEMP MACRO affiliated(lineage_a, affiliates_a, lineage_b, affiliates_b) AS
    list_has_any(affiliates_a, lineage_b) OR list_has_any(affiliates_b, lineage_a);

-- Two organisations that are not one place: neither is the other, above or below it, or an affiliate of it.
CREATE OR REPLACE TEMP MACRO apart(unit_a, lineage_a, affiliates_a, unit_b, lineage_b, affiliates_b) AS
    unit_a <> unit_b AND NOT list_contains(lineage_a, unit_b) AND NOT list_contains(lineage_b, unit_a)
    AND NOT affiliated(lineage_a, affiliates_a, lineage_b, affiliates_b);

-- The initials of a name's words, small words left out: "dgist" for Daegu Gyeongbuk Institute of Science and
-- Technology.
CREATE OR REPLACE TEMP MACRO initials(name) AS
    array_to_string(list_transform(
        list_filter(string_split(trim(name), ' '),
                    lambda w: w <> '' AND w NOT IN ('of', 'the', 'and', 'for', 'de', 'di', 'at', 'in')),
        lambda w: w[1]), '');

-- Two names of one place rather than two places: one name holds the other's words ("KAIST INEEJI" and INEEJI),
-- one is the other's initials (METU and Middle East Technical University, each a name some slots print), or
-- both carry one e-mail domain (two spellings of one university).
CREATE OR REPLACE TEMP MACRO one_place_named(name_a, domain_a, name_b, domain_b) AS
    contains(name_a, name_b) OR contains(name_b, name_a) OR coalesce(domain_a = domain_b, false)
    OR (length(trim(name_a)) >= 3 AND NOT contains(trim(name_a), ' ') AND trim(name_a) = initials(name_b))
    OR (length(trim(name_b)) >= 3 AND NOT contains(trim(name_b), ' ') AND trim(name_b) = initials(name_a));

-- A post held beside another (adjunct, visiting, affiliated, honorary, courtesy, an institute's associate
-- member, as at Mila, an internship): never a move's new place, nor someone's latest organisation while their
-- own place is named beside it. No position: false.
CREATE OR REPLACE TEMP MACRO held_beside(position) AS
    coalesce(regexp_matches(lower(position),
                            'adjunct|visiting|honorary|affiliate|courtesy|associate member|intern\b'), false);

-- The same said in a slot's own words ("Google (visiting)"), for slots that give no position. Not
-- "affiliate": "Affiliated Hospital" names a place, not a post.
CREATE OR REPLACE TEMP MACRO held_beside_in_words(affiliation) AS
    coalesce(regexp_matches(lower(affiliation),
                            'visiting|adjunct|\bintern\b|internship|part[- ]time|on leave|sabbatical'), false);

-- An intern's or a contractor's mailbox, which says the post is held beside another: Microsoft's "t-"
-- (interns) and "v-" (contractors, and its Asian labs' interns) aliases (v-waz@microsoft.com, Wangchunshu
-- Zhou's while a student at Beihang; t-pafern@microsoft.com, Patrick Fernandes's internship before CMU).
CREATE OR REPLACE TEMP MACRO intern_alias(email) AS
    coalesce(regexp_matches(lower(email), '^[tv]-[^@]*@microsoft\.com$'), false);

-- Career timeline: each person's organisations by year with the papers that say so and how they were
-- paired. A year with papers but no stated organisation is kept (as NULL) so the timeline shows activity;
-- it is dropped when another row of the same year names an organisation.
--
-- A fact resting on one paper is weak when the person's other papers of the years around it say otherwise:
-- two or more of their papers of the year before, that year or the year after name organisations of other
-- families, none of the two years either side names this one's family (or an affiliate), and the family is
-- not named both in an earlier and in a later year. Such a fact is usually another author's affiliation
-- paired with this person; it is shown, with why, but it is not their latest organisation and makes no move.
-- Slots of a PDF-derived per-author list handed to the wrong author. Such lists are sometimes out of
-- author order (the two Valiants' institutions swapped on NeurIPS 2013; Schölkopf given his co-author's
-- ETH on NeurIPS 2004). When one author's slot names a family that none of their other papers of the year
-- before to the year after names, and exactly one co-author's slot names the family those papers name most,
-- the two slots are taken as each other's if the co-author's own papers around it bear that out (they name
-- the first author's slot family most, not their own) or, with two or more papers against the slot, say
-- nothing at all (no other papers those years). Read from the whole table, so a correction touching one
-- of them derives the same pairing as a rebuild.
CREATE OR REPLACE TEMP TABLE slot_swaps AS
WITH listed AS (
    SELECT a.person_id, a.paper_id, p.year, a.org_id, r.group_id
    FROM authorships a JOIN papers p USING (paper_id) JOIN org_relations r USING (org_id)
    WHERE a.affiliation_source = 'slot'
), near_counts AS (
    SELECT l.person_id, l.paper_id, r.group_id, count(DISTINCT o.paper_id) AS k
    FROM listed l JOIN authorships o ON o.person_id = l.person_id AND o.paper_id <> l.paper_id
    JOIN papers q ON q.paper_id = o.paper_id AND abs(q.year - l.year) <= 1
    JOIN org_relations r ON r.org_id = o.org_id
    GROUP BY l.person_id, l.paper_id, r.group_id
), near AS (
    SELECT person_id, paper_id, list(group_id) AS groups, sum(k) AS n, arg_max(group_id, k) AS top,
           list(k ORDER BY k DESC) AS ks
    FROM near_counts GROUP BY person_id, paper_id
), evidence AS (
    -- Each listed slot with what the person's papers around it say: the family they name most (NULL when
    -- tied or when there are no such papers) and whether they name the slot's own family.
    SELECT l.*, CASE WHEN n.ks[1] > coalesce(n.ks[2], 0) THEN n.top END AS top,
           coalesce(n.n, 0) AS n, coalesce(list_contains(n.groups, l.group_id), false) AS confirmed
    FROM listed l LEFT JOIN near n USING (person_id, paper_id)
), candidates AS (
    -- The co-authors whose slot names what the person's papers around it name most: exactly one, or the
    -- list cannot say which slot was theirs (Elhoseiny's FAIR slot of CVPR 2017 beside two Rutgers ones).
    SELECT x.person_id, x.paper_id, x.org_id, x.group_id, y.person_id AS other_id, y.org_id AS other_org_id,
           x.n, y.n AS other_n, y.confirmed AS other_confirmed, y.top AS other_top,
           count(*) OVER (PARTITION BY x.person_id, x.paper_id) AS n_candidates
    FROM evidence x JOIN evidence y ON y.paper_id = x.paper_id AND y.person_id <> x.person_id
    WHERE x.n >= 1 AND NOT x.confirmed AND x.top = y.group_id AND y.group_id <> x.group_id
), swaps AS (
    -- Two papers of the person's against the slot will do alone; one will do when the co-author's own
    -- papers say the same from their side (Manning's Stanford and Singer's Hebrew University, NeurIPS 2003).
    SELECT * FROM candidates
    WHERE n_candidates = 1 AND NOT other_confirmed
      AND ((other_n = 0 AND n >= 2) OR (other_n > 0 AND other_top = group_id))
)
SELECT person_id, paper_id, other_org_id AS org_id FROM swaps
UNION ALL
-- ... and the co-author of such a swap with no papers around it takes the first author's slot.
SELECT other_id, paper_id, org_id FROM swaps
WHERE other_n = 0
QUALIFY count(*) OVER (PARTITION BY other_id, paper_id) = 1;

-- Positions a slot gives that the person's own positions of the year before to the year after rule out: a
-- "Full Professor" who is a PhD student on every other paper of those years, a "PhD student" who was an
-- associate professor the year before, an assistant professor in the same year as a full one (Vishnoi's
-- Assistant Professor on ICML 2023 is his student's). Each slot is held against the academic ladder of the
-- person's other slots of those years, two or more of them; a position off the ladder (Researcher, Intern)
-- says nothing either way. The position is not shown; the organisation stands or falls on its own evidence.
CREATE OR REPLACE TEMP TABLE positions_ruled_out AS
WITH ranked AS (
    SELECT a.person_id, a.paper_id, p.year, r.group_id,
           CASE lower(a.position) WHEN 'undergrad student' THEN 0 WHEN 'ms student' THEN 1 WHEN 'phd student' THEN 2
               WHEN 'postdoc' THEN 3 WHEN 'assistant professor' THEN 4 WHEN 'associate professor' THEN 5
               WHEN 'full professor' THEN 6 WHEN 'professor' THEN 6 END AS rank
    FROM authorships a JOIN papers p USING (paper_id) JOIN org_relations r USING (org_id)
    WHERE a.position IS NOT NULL AND a.affiliation_source IN ('slot', 'profile', 'profile-order')
)
-- Held against the person's slots at the same place only: slots elsewhere may be the ones out of place
-- (Welling's two "Harvard, Postdoc" slots of ICML 2023 beside his Amsterdam "Full Professor").
SELECT x.person_id, x.paper_id
FROM ranked x JOIN ranked y ON y.person_id = x.person_id AND y.paper_id <> x.paper_id AND abs(y.year - x.year) <= 1
     AND y.group_id = x.group_id
WHERE x.rank IS NOT NULL AND y.rank IS NOT NULL
GROUP BY x.person_id, x.paper_id
-- Two steps back down in a year, more than two up in a year, three apart in the same year (a student
-- can start a PhD or a faculty post within a year), or two faculty ranks apart in it: none can be. Two or
-- more such papers: one alone could be the slot out of place (each of two would rule the other out).
HAVING count(*) >= 2 AND bool_and(CASE WHEN y.year < x.year THEN y.rank > x.rank + 1 OR y.rank < x.rank - 2
                     WHEN y.year > x.year THEN y.rank < x.rank - 1 OR y.rank > x.rank + 2
                     ELSE abs(y.rank - x.rank) >= 3 OR (least(x.rank, y.rank) >= 4 AND abs(y.rank - x.rank) >= 2)
                     END);

-- Per-author slot lists out of order as a whole (a PDF-derived list shifted by a slot, an export whose
-- slots follow another order than its authors): a paper on which two or more authors' slots name a family
-- that none of their own papers of the year before to the year after names (or a position ruled out
-- above), more slots contradicted so than borne out, and at least one contradicted slot's owner named
-- elsewhere, those years, at a place another contradicted slot on this paper names (the slot that was
-- really theirs), or two positions ruled out. Which slot is whose cannot be told, so none is paired with
-- anyone: the paper's organisations stay what is known of it (its authorships keep what the list printed),
-- never a guess (Schölkopf given Hofmann's Brown on NeurIPS 2004 while Hofmann is given Schölkopf's Max
-- Planck Institute; Weiming Hu given his co-authors' CNCERT). Read from the whole table, so a correction
-- derives the same list as a rebuild.
DELETE FROM misaligned_lists;
INSERT INTO misaligned_lists
WITH listed AS (
    SELECT a.person_id, a.paper_id, p.year, r.group_id, r.lineage, r.affiliates
    FROM authorships a JOIN papers p USING (paper_id) JOIN org_relations r USING (org_id)
    WHERE a.affiliation_source IN ('slot', 'profile', 'profile-order')
), named AS (
    -- Every family each of a person's papers names, first on the slot or after it.
    SELECT a.person_id, a.paper_id, p.year, r.group_id, r.lineage, r.affiliates
    FROM (SELECT person_id, paper_id, org_id FROM authorships WHERE org_id IS NOT NULL
          UNION ALL
          SELECT person_id, paper_id, unnest(other_org_ids) FROM authorships WHERE len(other_org_ids) > 0) a
    JOIN papers p USING (paper_id) JOIN org_relations r USING (org_id)
), checked AS (
    SELECT l.person_id, l.paper_id, count(DISTINCT n.paper_id) AS others,
           count(DISTINCT n.paper_id) FILTER (WHERE n.group_id = l.group_id
                                              OR affiliated(l.lineage, l.affiliates, n.lineage, n.affiliates))
               AS agreeing,
           list(DISTINCT n.group_id) AS around
    FROM listed l JOIN named n ON n.person_id = l.person_id AND n.paper_id <> l.paper_id
         AND abs(n.year - l.year) <= 1
    GROUP BY l.person_id, l.paper_id
), judged AS (
    SELECT c.paper_id, (c.others > 0 AND c.agreeing = 0) OR r.person_id IS NOT NULL AS contradicted,
           c.agreeing > 0 AND r.person_id IS NULL AS confirmed, r.person_id IS NOT NULL AS position_ruled_out,
           EXISTS (SELECT 1 FROM slot_swaps w WHERE w.person_id = c.person_id AND w.paper_id = c.paper_id) AS swapped,
           -- ... and the slot naming it is itself against its owner's papers: the two were handed each
           -- other's (or along a chain), not two people who share a place or one who moved to the other's.
           c.others > 0 AND c.agreeing = 0 AND EXISTS (
               SELECT 1 FROM authorships o JOIN org_relations r USING (org_id)
               JOIN checked d ON d.person_id = o.person_id AND d.paper_id = o.paper_id
               WHERE o.paper_id = c.paper_id AND o.person_id <> c.person_id AND list_contains(c.around, r.group_id)
                 AND d.others > 0 AND d.agreeing = 0
           ) AS displaced
    FROM checked c LEFT JOIN positions_ruled_out r USING (person_id, paper_id)
)
SELECT paper_id, count(*) FILTER (WHERE contradicted)::INTEGER AS contradicted,
       count(*) FILTER (WHERE confirmed)::INTEGER AS confirmed
FROM judged GROUP BY paper_id
HAVING count(*) FILTER (WHERE contradicted) >= 2
   AND count(*) FILTER (WHERE contradicted) > count(*) FILTER (WHERE confirmed)
   -- Whose slot it was shows on the list: another slot names the place the person's other papers name, or
   -- two positions are ruled out (the student's "Full Professor" and the professor's "PhD student").
   AND (bool_or(displaced) OR count(*) FILTER (WHERE position_ruled_out) >= 2)
   -- Two slots handed to each other and paired back above are no list out of order.
   AND bool_or(contradicted AND NOT swapped);

INSERT INTO person_years
WITH slots AS (
    SELECT a.*, s.org_id AS swapped_org_id, r.person_id IS NOT NULL AS position_ruled_out,
           -- A slot of a list out of order pairs nothing: the paper still counts as the person's work that
           -- year, at no place. An author the list gives no slot (no affiliation source) is not such a slot.
           m.paper_id IS NOT NULL AND coalesce(a.affiliation_source IN ('slot', 'profile', 'profile-order'),
                                               false) AS out_of_order
    FROM {authorships} a LEFT JOIN slot_swaps s USING (person_id, paper_id)
    LEFT JOIN positions_ruled_out r USING (person_id, paper_id) LEFT JOIN misaligned_lists m USING (paper_id)
), paired AS (
    SELECT person_id, paper_id,
           CASE WHEN NOT out_of_order THEN coalesce(swapped_org_id, org_id) END AS org_id,
           CASE WHEN NOT out_of_order AND swapped_org_id IS NULL AND NOT position_ruled_out THEN position
           END AS position,
           CASE WHEN out_of_order THEN NULL WHEN swapped_org_id IS NULL THEN affiliation_source
                ELSE 'slot-swapped' END AS affiliation_source,
           CASE WHEN NOT out_of_order AND swapped_org_id IS NULL THEN other_org_ids ELSE [] END AS other_org_ids,
           CASE WHEN NOT out_of_order AND swapped_org_id IS NULL THEN other_positions ELSE [] END AS other_positions
    FROM slots
), stated AS (
    -- Every organisation a slot names: the first, and those after it when several are joined by '+'.
    SELECT person_id, paper_id, org_id, position, affiliation_source, true AS first FROM paired
    UNION ALL
    SELECT person_id, paper_id, unnest(other_org_ids) AS org_id, unnest(other_positions) AS position,
           affiliation_source, false AS first
    FROM paired WHERE len(other_org_ids) > 0
), career AS (
    -- When a person's papers begin, and their first year stated as a professor.
    SELECT a.person_id, min(p.year) AS first_year,
           min(p.year) FILTER (WHERE regexp_matches(lower(a.position), '(^|\s)professor\s*$|tenure.track'))
               AS professor_year
    FROM stated a JOIN papers p USING (paper_id) GROUP BY a.person_id
), positions AS (
    -- A university rank at a company is another entry of the person's profile than the one named (Vittorio
    -- Ferrari "Associate Professor" at Google in 2021, Armand Joulin "Full Professor" at Meta): the place is
    -- kept, the rank is not. Visiting and adjunct posts at a company are real and stay.
    -- Nor is a student's position someone's twelve years after their first paper, or after they were stated
    -- a professor eight years or more into their papers: a shifted list gave them a student's slot (Tommi
    -- Jaakkola and Joshua Tenenbaum "PhD student" in 2023-24). Pang Wei Koh, a PhD student in 2021 eleven
    -- years after a paper as an undergraduate, keeps his; so do students an earlier shifted slot called
    -- professors.
    SELECT a.person_id, p.year, a.org_id, a.position, count(*) AS n
    FROM stated a JOIN papers p USING (paper_id) LEFT JOIN organisations o ON o.org_id = a.org_id
    JOIN career c ON c.person_id = a.person_id
    WHERE a.position IS NOT NULL
      AND NOT (coalesce(o.kind IN ('industry_lab', 'startup', 'investor'), false)
               AND regexp_matches(lower(a.position), '^\s*((assistant|associate|full)\s+)?professor\s*$'))
      AND NOT (regexp_matches(lower(a.position), 'student|\bintern|undergrad')
               AND (p.year - c.first_year >= 12
                    OR coalesce(c.professor_year < p.year AND c.professor_year - c.first_year >= 8, false)))
    GROUP BY ALL
), best_position AS (
    -- The most frequent position, ties by its text (mode() would break them by thread timing).
    SELECT person_id, year, org_id, first(position ORDER BY n DESC, position) AS position
    FROM positions GROUP BY ALL
), per_org AS (
    SELECT a.person_id, p.year, a.org_id,
           count(DISTINCT a.paper_id) AS n_papers,
           count(DISTINCT a.paper_id) FILTER (WHERE a.first)::INTEGER AS n_first,
           list(DISTINCT a.paper_id ORDER BY a.paper_id) AS paper_ids,
           coalesce(list(DISTINCT a.affiliation_source ORDER BY a.affiliation_source)
                    FILTER (WHERE a.affiliation_source IS NOT NULL AND a.org_id IS NOT NULL), []) AS pairings
    FROM stated a JOIN papers p USING (paper_id)
    GROUP BY a.person_id, p.year, a.org_id
), facts AS (
    SELECT f.*, r.group_id, r.lineage, r.affiliates
    FROM (SELECT *, bool_or(org_id IS NOT NULL) OVER (PARTITION BY person_id, year) AS year_has_org
          FROM per_org) f
    LEFT JOIN org_relations r USING (org_id)
    WHERE f.org_id IS NOT NULL OR NOT f.year_has_org
), around AS (
    -- Other papers only: the fact's own paper under another of its slot's places ("Istituto Italiano di
    -- Tecnologia + MIT") neither bears it out nor speaks against it.
    SELECT f.person_id, f.year, f.org_id,
           coalesce(sum(g.n_papers - list_contains(g.paper_ids, f.paper_ids[1])::INTEGER)
                        FILTER (WHERE g.group_id = f.group_id
                                OR affiliated(f.lineage, f.affiliates, g.lineage, g.affiliates)),
                    0) AS agreeing,
           coalesce(sum(g.n_papers - list_contains(g.paper_ids, f.paper_ids[1])::INTEGER)
                        FILTER (WHERE abs(g.year - f.year) <= 1 AND g.group_id <> f.group_id
                                AND NOT affiliated(f.lineage, f.affiliates, g.lineage, g.affiliates)),
                    0) AS against,
           string_agg(DISTINCT o.name, '; ' ORDER BY o.name)
               FILTER (WHERE abs(g.year - f.year) <= 1 AND g.group_id <> f.group_id
                       AND NOT affiliated(f.lineage, f.affiliates, g.lineage, g.affiliates)) AS against_orgs
    FROM facts f
    JOIN facts g ON g.person_id = f.person_id AND g.org_id IS NOT NULL AND abs(g.year - f.year) <= 2
         AND NOT (g.year = f.year AND g.org_id = f.org_id) AND g.paper_ids <> f.paper_ids
    LEFT JOIN organisations o ON o.org_id = g.org_id
    WHERE f.n_papers = 1 AND f.org_id IS NOT NULL
    GROUP BY f.person_id, f.year, f.org_id
), family_years AS (
    -- The years each family is named in: a fact between two of them is the person's long-standing place
    -- (a professor whose papers of 2021-2024 name only their company appointment).
    SELECT person_id, group_id, min(year) AS first_year, max(year) AS last_year
    FROM facts WHERE org_id IS NOT NULL GROUP BY person_id, group_id
), printed AS (
    -- What the venues' own lists print for the person (a slot, an e-mail, a paper's one institution), not
    -- what their OpenReview profile said when the list was exported.
    SELECT s.person_id, p.year, s.paper_id, s.first, r.group_id, r.lineage, r.affiliates, s.org_id
    FROM stated s JOIN papers p USING (paper_id) JOIN org_relations r USING (org_id)
    WHERE s.affiliation_source NOT IN ('profile', 'profile-order')
), profile_only AS (
    -- A fact that only a profile gives and that the printed lists say otherwise: a profile entry long out of
    -- date (Tengyu Ma's FAIR "Visiting Scientist" of 2017-18 on his ICLR 2021 papers, Xiaolong Wang's
    -- Berkeley postdoc a year after he joined UCSD) or a profile list shuffled among its authors (Koltun given
    -- Malik's Berkeley "Full Professor"): two or more printed papers of that year name other families first,
    -- and none of the year before to the year after names this one's.
    SELECT person_id, year, org_id,
           count(DISTINCT paper_id) FILTER (WHERE same_year_first AND NOT agrees) AS against,
           count(DISTINCT paper_id) FILTER (WHERE agrees) AS agreeing,
           string_agg(DISTINCT name, '; ' ORDER BY name) FILTER (WHERE same_year_first AND NOT agrees) AS against_orgs
    FROM (SELECT f.person_id, f.year, f.org_id, s.paper_id, o.name, s.year = f.year AND s.first AS same_year_first,
                 s.group_id = f.group_id OR affiliated(f.lineage, f.affiliates, s.lineage, s.affiliates) AS agrees
          FROM facts f JOIN printed s ON s.person_id = f.person_id AND abs(s.year - f.year) <= 1
          LEFT JOIN organisations o ON o.org_id = s.org_id
          WHERE f.org_id IS NOT NULL AND len(f.pairings) > 0
            AND list_has_all(['profile', 'profile-order'], f.pairings))
    GROUP BY person_id, year, org_id
    HAVING against >= 2 AND agreeing = 0
), stale_mail AS (
    -- An address kept after leaving: one paper pairs the person with a place by its e-mail alone, no slot
    -- names that place that year or after, and that year's other papers name another place first at least
    -- twice (Dhruv Batra's vt.edu on an ICLR 2017 paper, his seven others of 2017 at Georgia Tech). 44 facts
    -- on the full build; of those labelled, 4 wrong, 2 unsure and 1 right.
    SELECT f.person_id, f.year, f.org_id, sum(g.n_first) AS against,
           string_agg(DISTINCT o.name, '; ' ORDER BY o.name) AS against_orgs
    FROM facts f
    JOIN facts g ON g.person_id = f.person_id AND g.year = f.year AND g.n_first > 0 AND g.group_id <> f.group_id
         AND NOT affiliated(f.lineage, f.affiliates, g.lineage, g.affiliates)
    LEFT JOIN organisations o ON o.org_id = g.org_id
    WHERE f.n_papers = 1 AND f.pairings = ['email']
      AND NOT EXISTS (SELECT 1 FROM facts h WHERE h.person_id = f.person_id AND h.group_id = f.group_id
                        AND (h.year > f.year OR (h.year = f.year AND h.org_id <> f.org_id)))
    GROUP BY f.person_id, f.year, f.org_id
    HAVING sum(g.n_first) >= 2
), profile_posts AS (
    -- A student's, postdoc's or visitor's post that only a profile gives.
    SELECT f.*, b.position
    FROM facts f JOIN best_position b ON b.person_id = f.person_id AND b.year = f.year AND b.org_id = f.org_id
    WHERE len(f.pairings) > 0 AND list_has_all(['profile', 'profile-order'], f.pairings)
      AND regexp_matches(lower(b.position), 'student|phd|postdoc|graduate|intern|visiting|undergrad|master')
), stale_post AS (
    -- Such a post at a place the person's papers had named before and then left: since its last earlier
    -- year, a printed list has named another family first. Profiles keep such entries long after (Tengyu
    -- Ma's FAIR "Visiting Scientist" of 2017-18 on his 2023 papers, Yixuan Li's Cornell "Graduate Student" on
    -- her 2024 ones while at UW-Madison), and a year with no printed list leaves `profile_only` nothing to hold
    -- it against. 84 facts on the full build (35 of people with 20+ papers, most of them 2021 profiles a year
    -- behind); of those labelled, 6 wrong and 1 unsure, none right.
    SELECT f.person_id, f.year, f.org_id, e.last_year, f.position,
           string_agg(DISTINCT o.name, '; ' ORDER BY o.name) AS against_orgs
    FROM profile_posts f
    -- Its last earlier year: not one that `profile_only` sets aside, or one stale entry would date another.
    JOIN (SELECT x.person_id, x.year, x.org_id, max(h.year) AS last_year
          FROM profile_posts x JOIN facts h ON h.person_id = x.person_id AND h.group_id = x.group_id
                                               AND h.year < x.year AND h.n_first > 0
          WHERE NOT EXISTS (SELECT 1 FROM profile_only p
                            WHERE p.person_id = h.person_id AND p.year = h.year AND p.org_id = h.org_id)
          GROUP BY ALL) e ON e.person_id = f.person_id AND e.year = f.year AND e.org_id = f.org_id
    JOIN printed s ON s.person_id = f.person_id AND s.first AND s.year > e.last_year AND s.year <= f.year
         AND s.group_id <> f.group_id AND NOT affiliated(f.lineage, f.affiliates, s.lineage, s.affiliates)
    LEFT JOIN organisations o ON o.org_id = s.org_id
    GROUP BY ALL
)
SELECT person_id, year, org_id, position, n_papers, n_first, paper_ids, pairings,
       CASE WHEN weak_by IS NULL THEN 'strong' ELSE 'weak' END AS strength,
       CASE weak_by
            WHEN 'around'
            THEN 'one paper, and ' || around_n || ' other papers of ' || (year - 1) || '-' || (year + 1)
                 || ' name ' || around_orgs || ' instead'
            WHEN 'profile'
            THEN 'only their OpenReview profile says so, and ' || profile_n || ' papers of ' || year
                 || ' whose lists print their affiliation name ' || profile_orgs || ' instead'
            WHEN 'mail'
            THEN 'only an e-mail address on one paper, which no slot names that year or after, and '
                 || mail_n || ' other papers of ' || year || ' name ' || mail_orgs || ' first'
            WHEN 'stale'
            THEN 'only their OpenReview profile says so, as ' || stale_position || ', at a place their papers '
                 || 'last named in ' || stale_since || ' before naming ' || stale_orgs || ' first'
       END AS why
FROM (SELECT f.person_id, f.year, f.org_id, b.position, f.n_papers, f.n_first, f.paper_ids, f.pairings,
             -- Which test set the fact aside, the first that holds: one test, so strength and why agree.
             CASE WHEN a.agreeing = 0 AND a.against >= 2 AND NOT coalesce(f.year > y.first_year
                                                                          AND f.year < y.last_year, false)
                  THEN 'around'
                  WHEN s.person_id IS NOT NULL THEN 'profile'
                  WHEN m.person_id IS NOT NULL THEN 'mail'
                  WHEN t.person_id IS NOT NULL THEN 'stale'
             END AS weak_by,
             a.against AS around_n, a.against_orgs AS around_orgs, s.against AS profile_n,
             s.against_orgs AS profile_orgs, m.against AS mail_n, m.against_orgs AS mail_orgs,
             t.position AS stale_position, t.last_year AS stale_since, t.against_orgs AS stale_orgs
      FROM facts f LEFT JOIN around a USING (person_id, year, org_id)
      LEFT JOIN profile_only s USING (person_id, year, org_id)
      LEFT JOIN stale_mail m USING (person_id, year, org_id)
      LEFT JOIN stale_post t USING (person_id, year, org_id)
      LEFT JOIN best_position b ON b.person_id = f.person_id AND b.year = f.year
                                   AND b.org_id IS NOT DISTINCT FROM f.org_id
      LEFT JOIN family_years y ON y.person_id = f.person_id AND y.group_id = f.group_id);

INSERT INTO people
WITH spellings AS (
    SELECT person_id, raw_name, count(*) AS n FROM {authorships} GROUP BY ALL
), names AS (
    SELECT person_id,
           first(raw_name ORDER BY n DESC, length(raw_name) DESC, raw_name) AS name,
           list(raw_name ORDER BY raw_name) AS name_variants
    FROM spellings GROUP BY person_id
), work AS (
    SELECT a.person_id,
           coalesce(list(DISTINCT a.openreview_id ORDER BY a.openreview_id)
                    FILTER (WHERE a.openreview_id IS NOT NULL), []) AS openreview_ids,
           count(DISTINCT a.paper_id) AS n_papers,
           count(DISTINCT a.paper_id) FILTER (WHERE p.decision = 'accepted') AS n_accepted,
           min(p.year) AS first_year, max(p.year) AS last_year
    FROM {authorships} a JOIN papers p USING (paper_id) GROUP BY a.person_id
), ids AS (
    SELECT person_id, list(DISTINCT author_id ORDER BY author_id) AS author_ids
    FROM (SELECT person_id, unnest(author_ids) AS author_id FROM {authorships}) GROUP BY person_id
), latest AS (
    -- Only facts that hold: one stray paper is not where someone is now. Where now is what the place is
    -- called now: a profile still saying Google Brain in 2025 is at Google DeepMind (Brain's successor).
    SELECT y.person_id,
           first(coalesce(r.unit_id, y.org_id) ORDER BY y.year DESC, y.n_papers DESC, y.org_id)
               FILTER (WHERE y.org_id IS NOT NULL) AS org_id,
           max(y.year) FILTER (WHERE y.org_id IS NOT NULL) AS org_year,
           first(y.position ORDER BY y.year DESC, y.n_papers DESC, y.position)
               FILTER (WHERE y.position IS NOT NULL) AS position,
           max(y.year) FILTER (WHERE y.position IS NOT NULL) AS position_year
    FROM {person_years} y LEFT JOIN org_relations r USING (org_id)
    WHERE y.strength = 'strong' AND (y.n_first > 0 OR y.org_id IS NULL)
      -- A post held beside the person's own place (visiting, adjunct, an internship) is not where they are
      -- while their own place is named that year or in the two before: Tengyu Ma's profile still gives
      -- FAIR "Visiting Scientist" on his 2024 paper, and he is at Stanford.
      AND NOT (held_beside(y.position) AND EXISTS (
          SELECT 1 FROM {person_years} z
          WHERE z.person_id = y.person_id AND z.strength = 'strong' AND z.n_first > 0 AND z.org_id IS NOT NULL
            AND z.year BETWEEN y.year - 2 AND y.year AND NOT held_beside(z.position)))
    GROUP BY y.person_id
)
SELECT w.person_id, n.name, n.name_variants, w.openreview_ids, coalesce(i.author_ids, []), w.n_papers, w.n_accepted, w.first_year,
       w.last_year, l.org_id, l.org_year, l.position, l.position_year
FROM work w JOIN names n USING (person_id) LEFT JOIN ids i USING (person_id) LEFT JOIN latest l USING (person_id);

INSERT INTO person_names SELECT DISTINCT person_id, name_key FROM {authorships};

-- Whether one of several places (their units, everything above each, their affiliates) is not apart from one.
CREATE OR REPLACE TEMP MACRO near(units, lineages, affiliates, unit, lineage, unit_affiliates) AS
    list_contains(lineages, unit) OR list_has_any(units, lineage) OR list_has_any(affiliates, lineage)
    OR list_has_any(unit_affiliates, lineages);

-- Papers that pair a person with no place and list places for the paper as a whole (CVPR 2020-24), and
-- papers whose per-author list is out of order as a whole (`misaligned_lists`: no slot is paired with
-- anyone, so its places are the paper's, whoever held which; Seldin's NeurIPS 2011 "Max Planck Institute
-- for Intelligent Systems; Leoben; Laval; UCL" between the Hebrew University and QUT).
CREATE OR REPLACE TEMP TABLE listed_elsewhere AS
WITH places AS (
    SELECT s.person_id, s.paper_id, l.org_id
    FROM {authorships} s JOIN paper_affiliations l USING (paper_id)
    WHERE s.org_id IS NULL
    UNION ALL
    SELECT s.person_id, s.paper_id, o.org_id
    -- Its co-authors' slots read from the whole table, so a correction derives what a rebuild does.
    FROM {authorships} s JOIN misaligned_lists m USING (paper_id) JOIN authorships o USING (paper_id)
    WHERE o.org_id IS NOT NULL
)
SELECT x.person_id, p.year, x.paper_id, list(DISTINCT r.unit_id) AS units,
       list_distinct(flatten(list(r.lineage))) AS lineages, list_distinct(flatten(list(r.affiliates))) AS affiliates
FROM places x JOIN papers p USING (paper_id) JOIN org_relations r ON r.org_id = x.org_id
GROUP BY x.person_id, p.year, x.paper_id;

-- The places a person's slots name first, by year (a table of its own: joined to the moves' candidates by
-- person and year before any test on the places, which the planner would otherwise run on every pair).
CREATE OR REPLACE TEMP TABLE named_first AS
SELECT y.person_id, y.year, r.unit_id, r.lineage, r.affiliates
FROM {person_years} y JOIN org_relations r USING (org_id) WHERE y.n_first > 0;

-- Moves: for each person, the span of years each organisation (after renames) is the first one named by
-- strong facts (a second affiliation, "X + Google", is held beside the first and makes no move); a move goes
-- from a span to the one that starts next, when that one starts after the first began and goes on after it
-- ended (a year of overlap allowed: papers written before a move appear after it), the first is the latest
-- to end before the second began, and the two are not one place: not a rename, an organisation and its
-- unit, affiliates, two organisations the person named together on one paper (held at once), two whose
-- slots carry the same e-mail domain (two spellings of one university), or one whose name holds the
-- other's ("KAIST INEEJI" and INEEJI). Dual affiliations overlap and so make no move. Nor does a move skip a
-- place the records name between (see `passed_by`), nor go to a post held beside another (adjunct, visiting,
-- an internship).
INSERT INTO moves
WITH spans AS (
    SELECT y.person_id, r.unit_id, min(y.year) AS first_year, max(y.year) AS last_year,
           sum(y.n_first)::INTEGER AS support,
           -- Ties (two names of one unit in one year) broken by id: a build is a function of its sources.
           first(y.org_id ORDER BY y.year DESC, y.org_id) AS last_org_id,
           first(y.org_id ORDER BY y.year, y.org_id) AS first_org_id,
           flatten(list(y.paper_ids ORDER BY y.year DESC, y.org_id))[1:3] AS last_papers,
           flatten(list(y.paper_ids ORDER BY y.year, y.org_id))[1:3] AS first_papers
    FROM {person_years} y JOIN org_relations r USING (org_id)
    WHERE y.strength = 'strong' AND y.n_first > 0
    GROUP BY y.person_id, r.unit_id
), named AS (
    -- The years each unit is a person's first-named organisation, by strong facts, and on how many papers.
    SELECT y.person_id, y.year, r.unit_id, sum(y.n_first) AS n
    FROM {person_years} y JOIN org_relations r USING (org_id)
    WHERE y.strength = 'strong' AND y.n_first > 0
    GROUP BY y.person_id, y.year, r.unit_id
), together AS (
    -- Units a person named on one slot together: held at once. Named after the move's second place was
    -- joined, what is above each is held at once too (Makoto Yamada's "Kyoto University + RIKEN AIP" of
    -- 2020-2023 holds Kyoto and RIKEN); named before, it may be a student's internship beside a university
    -- (Shixiang Gu's "Cambridge + Google Brain" before he joined Google). `by_mail`: the slot's organisation
    -- is its e-mail's, mostly a later one than the place printed first ("Yonsei University+EPFL" with epfl.ch,
    -- Kloft's "Humboldt University + Courant Institute" with nyu.edu): within the years of a move, from the
    -- old place's last to the new one's first, that is someone moving with one place's address and the
    -- other's name, not two posts; named later (Hinton's "University of Toronto+Google Brain" of 2016), it is.
    SELECT DISTINCT a.person_id, ra.unit_id AS one, rb.unit_id AS other, ra.lineage AS one_above,
           rb.lineage AS other_above, p.year, a.by_mail
    FROM (SELECT person_id, paper_id, org_id, unnest(other_org_ids) AS other_id,
                 coalesce(org_method = 'domain', false) AS by_mail
          FROM {authorships}
          WHERE len(other_org_ids) > 0 AND paper_id NOT IN (SELECT paper_id FROM misaligned_lists)) a
    JOIN papers p USING (paper_id)
    JOIN org_relations ra ON ra.org_id = a.org_id JOIN org_relations rb ON rb.org_id = a.other_id
), candidates AS (
    SELECT a.person_id, a.last_org_id AS from_org_id, b.first_org_id AS to_org_id, a.unit_id AS from_unit_id,
           b.unit_id AS to_unit_id, ra.group_id AS from_group_id, rb.group_id AS to_group_id,
           a.last_year AS from_year, b.first_year AS to_year, a.support AS from_support, b.support AS to_support,
           a.last_papers AS from_papers, b.first_papers AS to_papers, ra.group_id = rb.group_id AS within_group,
           ra.lineage AS from_lineage, ra.affiliates AS from_affiliates, rb.lineage AS to_lineage,
           rb.affiliates AS to_affiliates
    FROM spans a
    JOIN spans b ON b.person_id = a.person_id AND b.unit_id <> a.unit_id AND a.first_year < b.first_year
         AND a.last_year < b.last_year AND a.last_year <= b.first_year + 1
    JOIN org_relations ra ON ra.org_id = a.unit_id
    JOIN org_relations rb ON rb.org_id = b.unit_id
    -- Two years of overlap when, in the last year of the old place, the new one is named on more papers
    -- (Cho-Jui Hsieh's UC Davis papers of 2019 after he joined UCLA in 2018).
    LEFT JOIN named na ON na.person_id = a.person_id AND na.year = a.last_year AND na.unit_id = a.unit_id
    LEFT JOIN named nb ON nb.person_id = a.person_id AND nb.year = a.last_year AND nb.unit_id = b.unit_id
    WHERE (a.last_year <= b.first_year OR coalesce(nb.n, 0) > coalesce(na.n, 0))
      AND apart(a.unit_id, ra.lineage, ra.affiliates, b.unit_id, rb.lineage, rb.affiliates)
      AND NOT one_place_named(ra.name_key, ra.home_domain, rb.name_key, rb.home_domain)
      AND NOT EXISTS (SELECT 1 FROM together t WHERE t.person_id = a.person_id
                      AND NOT (t.by_mail AND t.year BETWEEN least(a.last_year, b.first_year)
                                                        AND greatest(a.last_year, b.first_year))
                      AND ((t.one = a.unit_id AND t.other = b.unit_id) OR (t.one = b.unit_id AND t.other = a.unit_id)
                           OR (t.year > b.first_year
                               AND ((list_contains(t.one_above, a.unit_id) AND list_contains(t.other_above, b.unit_id))
                                    OR (list_contains(t.one_above, b.unit_id)
                                        AND list_contains(t.other_above, a.unit_id))))))
      -- Nowhere else in between: someone named at a third place after leaving the one and before joining
      -- the other went there, or was there all along (Toronto between TTIC and Uber, UCL around CMU and
      -- Google), so the one was not left for the other. A weak fact counts here: one paper between that
      -- names a third place is as often the stop the move skips (Borja Balle's Lancaster between McGill and
      -- Amazon) as another author's slot. Checked blind: of 60 moves with one, 34 were wrong, against 2
      -- of 30 without.
      AND NOT EXISTS (SELECT 1 FROM {person_years} n JOIN org_relations rn USING (org_id)
                      WHERE n.person_id = a.person_id AND n.year > a.last_year AND n.year < b.first_year
                        AND rn.unit_id NOT IN (a.unit_id, b.unit_id))
      -- A place named only within the years of an institute it runs its teams with, which goes on after the
      -- new place began, is that post's other name (Cordelia Schmid's Université Grenoble Alpes of 2017-2019
      -- inside her Inria years): its end is no departure.
      AND NOT EXISTS (SELECT 1 FROM spans c JOIN org_relations rc ON rc.org_id = c.unit_id
                      WHERE c.person_id = a.person_id AND c.unit_id NOT IN (a.unit_id, b.unit_id)
                        AND c.first_year <= a.first_year AND c.last_year > b.first_year
                        AND affiliated(ra.lineage, ra.affiliates, rc.lineage, rc.affiliates)
                        AND NOT affiliated(rb.lineage, rb.affiliates, rc.lineage, rc.affiliates))
), passed_by AS (
    -- Nor, in the last year at the old place, a third place the person's slot names first: it is the next
    -- stop as often as not (Behnam Neyshabur's IAS of 2018 between TTIC and Google, Marco Pedersoli's Inria
    -- between KU Leuven and ETS); the rest are visits beside the old place, no move to the new one either.
    -- (Named second, beside the old place, it is mostly held at once: left alone.) With the rule below, on
    -- the fifth and sixth audit samples (labelled with a stop the records name between counted wrong), this
    -- drops 9 of the 19 wrong moves and 12 of the 173 right ones; the seventh, drawn after, is in the README.
    SELECT c.person_id, c.from_unit_id, c.to_unit_id
    FROM candidates c JOIN named_first n ON n.person_id = c.person_id AND n.year = c.from_year
    WHERE apart(n.unit_id, n.lineage, n.affiliates, c.from_unit_id, c.from_lineage, c.from_affiliates)
      AND apart(n.unit_id, n.lineage, n.affiliates, c.to_unit_id, c.to_lineage, c.to_affiliates)
    UNION
    -- Nor, in the first year at the new place, a third place the person's slot names first, outside both
    -- places' groups and not another name of either (the same words or e-mail domain): mostly the stop
    -- between, whose papers came out as the new post began (Jason Lee's Berkeley postdoc between Stanford
    -- and USC, Nan Jiang's MSR between Michigan and UIUC, Hang Zhao's Waymo between MIT and Tsinghua).
    -- On the store before it: drops 17 moves labelled wrong, 24 labelled right (mostly another author's slot
    -- or a visit that year) and 31 unlabelled, where every labelled move was 0.93 right.
    SELECT c.person_id, c.from_unit_id, c.to_unit_id
    FROM candidates c JOIN named_first n ON n.person_id = c.person_id AND n.year = c.to_year
    JOIN org_relations rn ON rn.org_id = n.unit_id
    JOIN org_relations rb ON rb.org_id = c.to_unit_id JOIN org_relations ra ON ra.org_id = c.from_unit_id
    WHERE apart(n.unit_id, n.lineage, n.affiliates, c.from_unit_id, c.from_lineage, c.from_affiliates)
      AND apart(n.unit_id, n.lineage, n.affiliates, c.to_unit_id, c.to_lineage, c.to_affiliates)
      AND rn.group_id NOT IN (c.from_group_id, c.to_group_id)
      AND NOT one_place_named(rn.name_key, rn.home_domain, ra.name_key, ra.home_domain)
      AND NOT one_place_named(rn.name_key, rn.home_domain, rb.name_key, rb.home_domain)
    UNION
    -- Nor a paper between that pairs the person with no place but lists, for the paper as a whole, only
    -- places other than the two (Jonghyun Choi's CVPR 2020 "KAIST; GIST" between AI2 and NAVER). On a full
    -- build, the shuffled lists drop one more listed move, labelled wrong, and none labelled right.
    SELECT c.person_id, c.from_unit_id, c.to_unit_id
    FROM candidates c JOIN listed_elsewhere l ON l.person_id = c.person_id
         AND l.year > c.from_year AND l.year < c.to_year
    WHERE NOT near(l.units, l.lineages, l.affiliates, c.from_unit_id, c.from_lineage, c.from_affiliates)
      AND NOT near(l.units, l.lineages, l.affiliates, c.to_unit_id, c.to_lineage, c.to_affiliates)
    UNION
    -- Nor to a place whose positions in the first years there, where the records give any, are all adjunct,
    -- visiting, affiliated, honorary or an internship: a post held beside another (Gang Niu's "Adjunct Full
    -- Professor" at Southeast University while at RIKEN, Tengyu Ma's "Visiting Scientist" at FAIR while at
    -- Stanford, Jonathan Frankle's "Intern" at Meta while a student at MIT).
    SELECT c.person_id, c.from_unit_id, c.to_unit_id
    FROM candidates c JOIN {person_years} y ON y.person_id = c.person_id
         AND y.year BETWEEN c.to_year AND c.to_year + 1 AND y.position IS NOT NULL
    JOIN org_relations r ON r.org_id = y.org_id AND r.unit_id = c.to_unit_id
    GROUP BY c.person_id, c.from_unit_id, c.to_unit_id
    HAVING bool_and(held_beside(y.position))
    UNION
    -- ... or whose slots there in those years all say so in words (Rong Ge's "Google (visiting)" of 2023
    -- while at Duke: the one listed move it drops on the full build) or by an intern's address. Nor from
    -- such a post, by the same test on its slots of the last two years there: an internship is not left for
    -- the place it was held beside (Wangchunshu Zhou's MSRA, by a "v-" address, before Beihang; on the full
    -- build the one listed move it drops, labelled wrong).
    SELECT c.person_id, c.from_unit_id, c.to_unit_id
    FROM (SELECT person_id, from_unit_id, to_unit_id,
                 -- A candidate's two ends: the new place in its first two years, the old one in its last two.
                 unnest([struct_pack(unit := to_unit_id, since := to_year, until := to_year + 1),
                         struct_pack(unit := from_unit_id, since := from_year - 1, until := from_year)]) AS e
          FROM candidates) c
    JOIN {authorships} s ON s.person_id = c.person_id
    JOIN papers p ON p.paper_id = s.paper_id AND p.year BETWEEN c.e.since AND c.e.until
    JOIN org_relations r ON r.org_id = s.org_id AND r.unit_id = c.e.unit
    GROUP BY c.person_id, c.from_unit_id, c.to_unit_id, c.e.unit
    HAVING bool_and(held_beside_in_words(s.raw_affiliation) OR intern_alias(s.email))
), pairs AS (
    SELECT c.* EXCLUDE (from_lineage, from_affiliates, to_lineage, to_affiliates)
    FROM candidates c ANTI JOIN passed_by x USING (person_id, from_unit_id, to_unit_id)
    QUALIFY row_number() OVER (PARTITION BY c.person_id, c.from_unit_id
                               ORDER BY c.to_year, c.to_support DESC, c.to_unit_id) = 1
)
SELECT * FROM pairs
QUALIFY row_number() OVER (PARTITION BY person_id, to_unit_id
                           ORDER BY from_year DESC, from_support DESC, from_unit_id) = 1;
