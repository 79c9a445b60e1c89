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

-- Career timeline: each person's organisations by year with the papers that say so and how they were
-- paired. A year with papers but no stated organisation is kept (as NULL) so the timeline shows activity;
-- it is dropped when another row of the same year names an organisation.
--
-- A fact resting on one paper is weak when the person's other papers of the years around it say otherwise:
-- two or more of their papers of the year before, that year or the year after name organisations of other
-- families, none of the two years either side names this one's family (or an affiliate), and the family is
-- not named both in an earlier and in a later year. Such a fact is usually another author's affiliation
-- paired with this person; it is shown, with why, but it is not their latest organisation and makes no move.
INSERT INTO person_years
WITH stated AS (
    -- Every organisation a slot names: the first, and those after it when several are joined by '+'.
    SELECT person_id, paper_id, org_id, position, affiliation_source, true AS first FROM {authorships}
    UNION ALL
    SELECT person_id, paper_id, unnest(other_org_ids) AS org_id, unnest(other_positions) AS position,
           affiliation_source, false AS first
    FROM {authorships} WHERE len(other_org_ids) > 0
), positions AS (
    SELECT a.person_id, p.year, a.org_id, a.position, count(*) AS n
    FROM stated a JOIN papers p USING (paper_id) WHERE a.position IS NOT NULL GROUP BY ALL
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
    SELECT f.person_id, f.year, f.org_id,
           coalesce(sum(g.n_papers) FILTER (WHERE g.group_id = f.group_id
                                            OR list_has_any(g.lineage, f.affiliates)
                                            OR list_has_any(f.lineage, g.affiliates)), 0) AS agreeing,
           coalesce(sum(g.n_papers) FILTER (WHERE abs(g.year - f.year) <= 1 AND g.group_id <> f.group_id
                                            AND NOT list_has_any(g.lineage, f.affiliates)
                                            AND NOT list_has_any(f.lineage, g.affiliates)), 0) AS against,
           string_agg(DISTINCT o.name, '; ' ORDER BY o.name)
               FILTER (WHERE abs(g.year - f.year) <= 1 AND g.group_id <> f.group_id
                       AND NOT list_has_any(g.lineage, f.affiliates)
                       AND NOT list_has_any(f.lineage, g.affiliates)) AS against_orgs
    FROM facts f
    JOIN facts g ON g.person_id = f.person_id AND g.org_id IS NOT NULL AND abs(g.year - f.year) <= 2
         AND NOT (g.year = f.year AND g.org_id = f.org_id)
    LEFT JOIN organisations o ON o.org_id = g.org_id
    WHERE f.n_papers = 1 AND f.org_id IS NOT NULL
    GROUP BY f.person_id, f.year, f.org_id
), family_years AS (
    -- The years each family is named in: a fact between two of them is the person's long-standing place
    -- (a professor whose papers of 2021-2024 name only their company appointment).
    SELECT person_id, group_id, min(year) AS first_year, max(year) AS last_year
    FROM facts WHERE org_id IS NOT NULL GROUP BY person_id, group_id
)
SELECT f.person_id, f.year, f.org_id, b.position, f.n_papers, f.n_first, f.paper_ids, f.pairings,
       CASE WHEN a.agreeing = 0 AND a.against >= 2 AND NOT coalesce(f.year > y.first_year
                                                                    AND f.year < y.last_year, false)
            THEN 'weak' ELSE 'strong' END AS strength,
       CASE WHEN a.agreeing = 0 AND a.against >= 2 AND NOT coalesce(f.year > y.first_year
                                                                    AND f.year < y.last_year, false)
            THEN 'one paper, and ' || a.against || ' other papers of ' || (f.year - 1) || '-' || (f.year + 1)
                 || ' name ' || a.against_orgs || ' instead'
       END AS why
FROM facts f LEFT JOIN around a USING (person_id, year, org_id)
LEFT JOIN best_position b ON b.person_id = f.person_id AND b.year = f.year AND b.org_id IS NOT DISTINCT FROM f.org_id
LEFT JOIN family_years y ON y.person_id = f.person_id AND y.group_id = f.group_id;

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
    -- Only facts that hold: one stray paper is not where someone is now.
    SELECT person_id,
           first(org_id ORDER BY year DESC, n_papers DESC, org_id) FILTER (WHERE org_id IS NOT NULL) AS org_id,
           max(year) FILTER (WHERE org_id IS NOT NULL) AS org_year,
           first(position ORDER BY year DESC, n_papers DESC, position)
               FILTER (WHERE position IS NOT NULL) AS position,
           max(year) FILTER (WHERE position IS NOT NULL) AS position_year
    FROM {person_years} WHERE strength = 'strong' AND (n_first > 0 OR org_id IS NULL) GROUP BY person_id
)
SELECT w.person_id, n.name, n.name_variants, w.openreview_ids, coalesce(i.author_ids, []), w.n_papers, w.n_accepted, w.first_year,
       w.last_year, l.org_id, l.org_year, l.position, l.position_year
FROM work w JOIN names n USING (person_id) LEFT JOIN ids i USING (person_id) LEFT JOIN latest l USING (person_id);

INSERT INTO person_names SELECT DISTINCT person_id, name_key FROM {authorships};

-- Moves: for each person, the span of years each organisation (after renames) is the first one named by
-- strong facts (a second affiliation, "X + Google", is held beside the first and makes no move); a move goes
-- from a span to the one that starts next, when that one starts after the first began and goes on after it
-- ended (a year of overlap allowed: papers written before a move appear after it), the first is the latest
-- to end before the second began, and the two are not one place: not a rename, an organisation and its
-- unit, affiliates, two organisations the person named together on one paper (held at once), two whose
-- slots carry the same e-mail domain (two spellings of one university), or one whose name holds the
-- other's ("KAIST INEEJI" and INEEJI). Dual affiliations overlap and so make no move.
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
    -- The years each unit is a person's first-named organisation, by strong facts.
    SELECT DISTINCT y.person_id, y.year, r.unit_id
    FROM {person_years} y JOIN org_relations r USING (org_id)
    WHERE y.strength = 'strong' AND y.n_first > 0
), together AS (
    -- Units a person named on one slot together: held at once.
    SELECT DISTINCT a.person_id, ra.unit_id AS one, rb.unit_id AS other
    FROM (SELECT person_id, org_id, unnest(other_org_ids) AS other_id FROM {authorships}
          WHERE len(other_org_ids) > 0) a
    JOIN org_relations ra ON ra.org_id = a.org_id JOIN org_relations rb ON rb.org_id = a.other_id
), pairs AS (
    SELECT a.person_id, a.last_org_id AS from_org_id, b.first_org_id AS to_org_id, a.unit_id AS from_unit_id,
           b.unit_id AS to_unit_id, ra.group_id AS from_group_id, rb.group_id AS to_group_id,
           a.last_year AS from_year, b.first_year AS to_year, a.support AS from_support, b.support AS to_support,
           a.last_papers AS from_papers, b.first_papers AS to_papers, ra.group_id = rb.group_id AS within_group
    FROM spans a
    JOIN spans b ON b.person_id = a.person_id AND b.unit_id <> a.unit_id AND a.first_year < b.first_year
         AND a.last_year < b.last_year AND a.last_year <= b.first_year
    JOIN org_relations ra ON ra.org_id = a.unit_id
    JOIN org_relations rb ON rb.org_id = b.unit_id
    WHERE NOT list_contains(rb.lineage, a.unit_id) AND NOT list_contains(ra.lineage, b.unit_id)
      AND NOT list_has_any(ra.affiliates, rb.lineage) AND NOT list_has_any(rb.affiliates, ra.lineage)
      AND NOT coalesce(ra.home_domain = rb.home_domain, false)
      AND NOT contains(ra.name_key, rb.name_key) AND NOT contains(rb.name_key, ra.name_key)
      AND NOT EXISTS (SELECT 1 FROM together t WHERE t.person_id = a.person_id
                      AND ((t.one = a.unit_id AND t.other = b.unit_id) OR (t.one = b.unit_id AND t.other = a.unit_id)))
      -- Nowhere else in between: someone named at a third place after leaving the one and before joining
      -- the other went there, or was there all along (Toronto between TTIC and Uber, UCL around CMU and
      -- Google), so the one was not left for the other.
      AND NOT EXISTS (SELECT 1 FROM named n WHERE n.person_id = a.person_id AND n.year > a.last_year
                      AND n.year < b.first_year AND n.unit_id NOT IN (a.unit_id, b.unit_id))
    QUALIFY row_number() OVER (PARTITION BY a.person_id, a.unit_id
                               ORDER BY b.first_year, b.support DESC, b.unit_id) = 1
)
SELECT * FROM pairs
QUALIFY row_number() OVER (PARTITION BY person_id, to_unit_id
                           ORDER BY from_year DESC, from_support DESC, from_unit_id) = 1;
