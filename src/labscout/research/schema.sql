-- The research store: derived from the sources, rebuilt whole, never edited in place.
-- No table holds a gender field: LabScout never stores it.

CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE TABLE source_files (
    file VARCHAR PRIMARY KEY, adapter VARCHAR, venue VARCHAR, year INTEGER, records INTEGER, skipped INTEGER
);

CREATE TABLE skipped_records (file VARCHAR, record INTEGER, reason VARCHAR);

CREATE TABLE venues (venue VARCHAR PRIMARY KEY, name VARCHAR);

CREATE TABLE papers (
    paper_id VARCHAR PRIMARY KEY,
    venue VARCHAR,
    year INTEGER,
    title VARCHAR,
    track VARCHAR,
    status VARCHAR,
    decision VARCHAR,          -- accepted | rejected | withdrawn | pending
    presentation VARCHAR,      -- oral | spotlight | highlight | poster | workshop | NULL
    keywords VARCHAR[],
    primary_area VARCHAR,
    rating_avg DOUBLE,
    abstract VARCHAR,
    source_id VARCHAR,
    source_file VARCHAR,
    record_index INTEGER,
    n_authors INTEGER,
    tldr VARCHAR,
    citations INTEGER          -- the count the source gives: Google Scholar at crawl time (gs_citation) in the
                               -- paper lists, OpenAlex cited_by_count; NULL when not given
);

CREATE TABLE organisations (
    org_id VARCHAR PRIMARY KEY,
    name VARCHAR,
    kind VARCHAR,
    country VARCHAR,
    parent_id VARCHAR,
    curated BOOLEAN,
    successor_id VARCHAR,        -- what a renamed or merged organisation became (Tokyo Tech -> Science Tokyo)
    affiliate_ids VARCHAR[],     -- institutes whose people routinely hold an appointment here too
    home_domain VARCHAR          -- the e-mail domain most slots naming it carry (albany.edu), if one does
);

-- Every raw string and domain seen for an organisation, with how it was matched.
CREATE TABLE org_aliases (org_id VARCHAR, alias VARCHAR, alias_kind VARCHAR, method VARCHAR, occurrences INTEGER);

CREATE TABLE people (
    person_id VARCHAR PRIMARY KEY,
    name VARCHAR,
    name_variants VARCHAR[],
    openreview_ids VARCHAR[],
    author_ids VARCHAR[],      -- every namespaced id the person's mentions use (OpenReview, ACL, e-mail, dblp, ...)
    n_papers INTEGER,
    n_accepted INTEGER,
    first_year INTEGER,
    last_year INTEGER,
    latest_org_id VARCHAR,
    latest_org_year INTEGER,
    latest_position VARCHAR,
    latest_position_year INTEGER
);

-- Normalised spellings for look-up by name.
CREATE TABLE person_names (person_id VARCHAR, name_key VARCHAR);
-- Every search looks its text up as a name ("people called ..." first): a point lookup, not a scan.
CREATE INDEX person_names_key ON person_names (name_key);

CREATE TABLE authorships (
    paper_id VARCHAR,
    author_order INTEGER,
    person_id VARCHAR,
    raw_name VARCHAR,
    openreview_id VARCHAR,
    acl_id VARCHAR,
    email VARCHAR,
    raw_affiliation VARCHAR,
    -- How the affiliation was paired with this author: slot (the author's place in a per-author list),
    -- profile (the OpenReview profile slot named by its id), profile-order (the profile slot the export's
    -- order gives, decided from the author's other papers), sole (the paper lists one institution), email
    -- (only the domain of the author's e-mail id), NULL (none).
    affiliation_source VARCHAR,
    domain VARCHAR,
    org_id VARCHAR,
    org_method VARCHAR,
    position VARCHAR,
    other_org_ids VARCHAR[],     -- the slot's second and later affiliations ('Google+University College London')
    other_positions VARCHAR[],   -- ... and the positions listed with them
    domain_check VARCHAR,        -- agrees | disagrees: the affiliation's organisation against the domain's
    link_reason VARCHAR,         -- the evidence that joined this mention to its person
    name_key VARCHAR,            -- the normalised name, for look-up
    author_ids VARCHAR[],        -- every id resolution used for this slot, namespaced ('openreview:~X1', 'dblp:..')
    id_conflict VARCHAR          -- an id the source gives here but that resolution left unused, and why
);

-- What a source record says that does not add up (ids that do not line up with the authors, one id on two
-- authors, an id of an unknown form): the record is kept, the conflicting part left unused, and listed here.
CREATE TABLE record_issues (
    source_file VARCHAR, record_index INTEGER, paper_id VARCHAR, author_order INTEGER, field VARCHAR,
    kind VARCHAR, reason VARCHAR
);

-- Affiliations a paper lists without saying which author they belong to.
CREATE TABLE paper_affiliations (paper_id VARCHAR, raw_affiliation VARCHAR, org_id VARCHAR);

-- Papers whose per-author slot list is out of order as a whole (derive.sql): how many slots their authors'
-- papers of the years around contradict and how many they bear out. None of their slots is paired with
-- anyone; the authorships keep what the list printed.
CREATE TABLE misaligned_lists (paper_id VARCHAR PRIMARY KEY, contradicted INTEGER, confirmed INTEGER);

-- Profile links kept as provenance (homepage, dblp, google_scholar, orcid), with the paper that gave them.
CREATE TABLE person_links (person_id VARCHAR, kind VARCHAR, url VARCHAR, paper_id VARCHAR);

-- Career timeline: where a person was, by year, and the papers that say so. Each row is a fact with its
-- records (paper_ids), how they were paired (pairings), and whether it holds against the person's other
-- papers: a one-paper fact that contradicts what their papers of the years around it say is weak (why).
CREATE TABLE person_years (
    person_id VARCHAR,
    year INTEGER,
    org_id VARCHAR,
    position VARCHAR,
    n_papers INTEGER,
    n_first INTEGER,             -- ... of which name it first on the slot (not as a second affiliation)
    paper_ids VARCHAR[],
    pairings VARCHAR[],
    strength VARCHAR,            -- strong | weak
    why VARCHAR
);

-- Moves between organisations, derived from strong facts: the organisation last seen before and the one
-- first seen after, neither seen on the other side, and not a rename, a unit of the other or an affiliate.
-- Support is the number of papers naming each end.
CREATE TABLE moves (
    person_id VARCHAR,
    from_org_id VARCHAR,         -- as the papers name it (Google Brain)
    to_org_id VARCHAR,
    from_unit_id VARCHAR,        -- after renames and mergers (Google DeepMind)
    to_unit_id VARCHAR,
    from_group_id VARCHAR,       -- the top of its family (Alphabet)
    to_group_id VARCHAR,
    from_year INTEGER,
    to_year INTEGER,
    from_support INTEGER,
    to_support INTEGER,
    from_papers VARCHAR[],
    to_papers VARCHAR[],
    within_group BOOLEAN
);

-- Mentions that belonged to another person id before this build or a correction: how pipeline candidates
-- linked to a person follow a merge or a split.
CREATE TABLE person_redirects (old_person_id VARCHAR, new_person_id VARCHAR, mentions INTEGER, cause VARCHAR);

-- Every source record a paper was read from: one for most papers, two or more when sources hold the same
-- work (a paper list's entry and its OpenAlex work, a preprint and its published version). What a source
-- alone says of the work (DOI, publication date, type, citations) is kept with its record.
CREATE TABLE paper_sources (
    paper_id VARCHAR, adapter VARCHAR, source_file VARCHAR, record_index INTEGER, source_id VARCHAR,
    doi VARCHAR, published VARCHAR, work_type VARCHAR, citations INTEGER
);

-- The institutions a source itself matched an author slot to (OpenAlex: with ROR id, country, type and the
-- raw affiliation strings behind each), in the source's order, with the organisation each resolved to.
CREATE TABLE authorship_institutions (
    paper_id VARCHAR, author_order INTEGER, position INTEGER, institution_id VARCHAR, ror VARCHAR,
    name VARCHAR, country VARCHAR, kind VARCHAR, org_id VARCHAR, raw_affiliations VARCHAR[]
);
