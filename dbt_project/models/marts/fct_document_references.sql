-- One row per citing document and cited notice (a 文号, or a title without one), with the
-- strongest relation any occurrence states (forwards > implements > repeals > cites) and, where the
-- cited notice is loaded, its document_id. Occurrences are in stg_document_references.

with refs as (
    select
        r.*,
        ds.document_id as citing_document_id,
        coalesce(
            'doc_number:' || r.cited_doc_number_normalized,
            'title:' || regexp_replace(r.cited_title_normalized, '[\s的]', '', 'g')
        ) as cited_key,
        case r.relation when 'forwards' then 4 when 'implements' then 3 when 'repeals' then 2 else 1 end as relation_rank
    from {{ ref('stg_document_references') }} as r
    inner join {{ ref('int_document_sources') }} as ds
        on ds.source_id = r.source_id and ds.supplies_clauses
),

refs_in_clauses as (
    -- The clause each occurrence stands in, for provenance.
    select r.*, c.clause_id
    from refs as r
    left join {{ ref('stg_clauses') }} as c
        on c.source_id = r.source_id and r.char_start >= c.char_start and r.char_start < c.char_end
),

pairs as (
    select
        citing_document_id,
        cited_key,
        any_value(source_id) as source_id,
        list(cited_doc_number order by char_start) filter (where cited_doc_number is not null)[1] as cited_doc_number,
        max(cited_doc_number_normalized) as cited_doc_number_normalized,
        -- The fullest title: 合作的指导意见 rather than a header's 合作指导意见.
        list(cited_title order by length(cited_title) desc, cited_title)
            filter (where cited_title is not null)[1] as cited_title,
        arg_max(relation, relation_rank) as relation,
        list(verb order by relation_rank desc, char_start) filter (where verb is not null)[1] as verb,
        count(*) as mention_count,
        min(char_start) as first_char_start,
        arg_min(char_end, char_start) as first_char_end,
        arg_min(page, char_start) as first_page,
        arg_min(clause_id, char_start) as first_clause_id
    from refs_in_clauses
    group by citing_document_id, cited_key
),

by_number as (
    select s.doc_number_normalized, min(ds.document_id) as document_id
    from {{ ref('stg_sources') }} as s
    inner join {{ ref('int_document_sources') }} as ds using (source_id)
    where s.doc_number_normalized is not null
    group by s.doc_number_normalized
),

by_title as (
    -- Titles compared without spaces and 的; a title shared by two documents resolves to neither.
    select regexp_replace(title, '[\s的]', '', 'g') as title_key, min(document_id) as document_id
    from {{ ref('dim_documents') }}
    where title is not null
    group by title_key
    having count(*) = 1
),

resolved as (
    select
        p.*,
        coalesce(n.document_id, t.document_id) as cited_document_id
    from pairs as p
    left join by_number as n on n.doc_number_normalized = p.cited_doc_number_normalized
    left join by_title as t on t.title_key = regexp_replace(p.cited_title, '[\s的]', '', 'g')
)

select
    citing_document_id || '|' || cited_key as reference_key,
    citing_document_id,
    cited_doc_number,
    cited_doc_number_normalized,
    cited_title,
    case when cited_document_id = citing_document_id then null else cited_document_id end as cited_document_id,
    relation,
    verb,
    mention_count,
    source_id,
    first_clause_id,
    first_char_start,
    first_char_end,
    first_page
from resolved
-- A notice's own 文号 (a scraped header repeats it) is not a reference.
where cited_document_id is distinct from citing_document_id or cited_doc_number_normalized is null
