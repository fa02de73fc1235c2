-- Which sources are the same document, and which of them supplies the clauses.
--
-- Two sources are one document when they carry the same 文号, or (for sources without one)
-- when at least 80% of the smaller source's distinct clauses occur in the other.
-- The canonical source is the one whose text is most complete: the most characters in
-- non-repeated clauses (HTML wins a tie: it carries the portal's metadata).

with sources as (
    select * from {{ ref('stg_sources') }}
),

clause_keys as (
    select distinct
        source_id,
        regexp_replace(text_normalized, '[\s[:punct:]，。、；：？！“”‘’（）《》〔〕【】—…·]', '', 'g') as clause_key
    from {{ ref('stg_clauses') }}
    where not is_repeat
),

clause_keys_kept as (
    select * from clause_keys where length(clause_key) >= 8
),

source_sizes as (
    select source_id, count(*) as n_keys from clause_keys_kept group by source_id
),

shared as (
    select a.source_id as source_a, b.source_id as source_b, count(*) as n_shared
    from clause_keys_kept as a
    inner join clause_keys_kept as b
        on a.clause_key = b.clause_key and a.source_id < b.source_id
    group by all
),

similar_pairs as (
    select s.source_a, s.source_b
    from shared as s
    inner join source_sizes as sa on sa.source_id = s.source_a
    inner join source_sizes as sb on sb.source_id = s.source_b
    where s.n_shared >= 0.8 * least(sa.n_keys, sb.n_keys)
),

keyed as (
    -- A source without 文号 joins the document of a similar source; failing that, the cluster
    -- is named after its smallest source id, so the key is stable across runs.
    select
        s.source_id,
        coalesce(
            'doc_number:' || s.doc_number_normalized,
            (
                select min('doc_number:' || o.doc_number_normalized)
                from similar_pairs as p
                inner join sources as o
                    on o.source_id = case when p.source_a = s.source_id then p.source_b else p.source_a end
                where (p.source_a = s.source_id or p.source_b = s.source_id)
                    and o.doc_number_normalized is not null
            ),
            'source:' || least(
                s.source_id,
                coalesce((
                    select min(case when p.source_a = s.source_id then p.source_b else p.source_a end)
                    from similar_pairs as p
                    where p.source_a = s.source_id or p.source_b = s.source_id
                ), s.source_id)
            )
        ) as document_key
    from sources as s
),

completeness as (
    select source_id, sum(length(text_normalized)) as body_chars
    from {{ ref('stg_clauses') }}
    where not is_repeat
    group by source_id
)

select
    substr(md5(k.document_key), 1, 16) as document_id,
    k.document_key,
    s.source_id,
    s.format,
    coalesce(c.body_chars, 0) as body_chars,
    row_number() over (
        partition by k.document_key
        order by coalesce(c.body_chars, 0) desc, (s.format = 'html') desc, s.source_id
    ) = 1 as is_canonical
from keyed as k
inner join sources as s using (source_id)
left join completeness as c using (source_id)
