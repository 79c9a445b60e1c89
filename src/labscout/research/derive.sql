-- Tables derived from authorships and papers once those are loaded: run in DuckDB, not Python, because
-- they are group-bys over half a million rows. {authorships} and {person_years} are the whole tables in a
-- build, and views over the people a correction touched when one is applied to a built store.

-- Career timeline: each person's organisations by year with the papers that say so. A year with papers but
-- no stated organisation is kept (as NULL) so the timeline shows activity; it is dropped when another row
-- of the same year names an organisation.
INSERT INTO person_years
WITH positions AS (
    SELECT a.person_id, p.year, a.org_id, a.position, count(*) AS n
    FROM {authorships} a JOIN papers p USING (paper_id) WHERE a.position IS NOT NULL GROUP BY ALL
), best_position AS (
    -- The most frequent position, ties by its text (mode() would break them by thread timing).
    SELECT person_id, year, org_id, first(position ORDER BY n DESC, position) AS position
    FROM positions GROUP BY ALL
), per_org AS (
    SELECT a.person_id, p.year, a.org_id,
           count(DISTINCT a.paper_id) AS n_papers,
           list(DISTINCT a.paper_id ORDER BY a.paper_id) AS paper_ids
    FROM {authorships} a JOIN papers p USING (paper_id)
    GROUP BY a.person_id, p.year, a.org_id
)
SELECT o.person_id, o.year, o.org_id, b.position, o.n_papers, o.paper_ids
FROM (
    SELECT *, bool_or(org_id IS NOT NULL) OVER (PARTITION BY person_id, year) AS year_has_org FROM per_org
) o LEFT JOIN best_position b
    ON b.person_id = o.person_id AND b.year = o.year AND b.org_id IS NOT DISTINCT FROM o.org_id
WHERE o.org_id IS NOT NULL OR NOT o.year_has_org;

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
    SELECT person_id,
           first(org_id ORDER BY year DESC, n_papers DESC, org_id) FILTER (WHERE org_id IS NOT NULL) AS org_id,
           max(year) FILTER (WHERE org_id IS NOT NULL) AS org_year,
           first(position ORDER BY year DESC, n_papers DESC, position)
               FILTER (WHERE position IS NOT NULL) AS position,
           max(year) FILTER (WHERE position IS NOT NULL) AS position_year
    FROM {person_years} GROUP BY person_id
)
SELECT w.person_id, n.name, n.name_variants, w.openreview_ids, coalesce(i.author_ids, []), w.n_papers, w.n_accepted, w.first_year,
       w.last_year, l.org_id, l.org_year, l.position, l.position_year
FROM work w JOIN names n USING (person_id) LEFT JOIN ids i USING (person_id) LEFT JOIN latest l USING (person_id);

INSERT INTO person_names SELECT DISTINCT person_id, name_key FROM {authorships};
