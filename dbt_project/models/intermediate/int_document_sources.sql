-- Which sources are the same document, and which of them supply the clauses.
--
-- Sources with the same 文号 are one document. Sources are also one document when they are
-- near-identical texts that do not contradict each other: at least 80% of the distinct clauses
-- of the LARGER source occur in the other (so a notice that forwards another, and contains it,
-- is not merged with it), and where both state a 文号, an issuer or a title, they agree.
-- Similarity is transitive: connected sources form one document (a recursive walk).
-- The canonical source is the most complete text (characters in non-repeated clauses); sources
-- within 1% of the most complete count as equal, and then HTML wins (it carries the portal's
-- metadata), so a small parser change does not flip a document's clause ids between sources.
--
-- Attachments (files a notice page links: 附件1：重点任务分工表.docx) take no part in the grouping:
-- each belongs to the document of the page that links it. An attachment supplies its own clauses
-- besides the canonical source's, unless it is a copy of that text (80% of its clauses occur in
-- the canonical source: the signed PDF of the page).

with recursive sources as (
    select
        source_id,
        format,
        doc_number_normalized,
        issuer,
        nullif(regexp_replace(coalesce(title, ''), '[\s[:punct:]，。、；：？！“”‘’（）《》〔〕【】—…·]', '', 'g'), '') as title_key
    from {{ ref('stg_sources') }}
    where source_id not in (select source_id from {{ ref('stg_attachments') }})
),

clause_keys as (
    select distinct
        source_id,
        regexp_replace(text_normalized, '[\s[:punct:]，。、；：？！“”‘’（）《》〔〕【】—…·]', '', 'g') as clause_key
    from {{ ref('stg_clauses') }}
    where not is_repeat
),

clause_keys_kept as (
    -- Short clauses ("（一）总体要求") recur across unrelated notices. So does boilerplate
    -- ("各省、自治区、直辖市人民政府，国务院各部委、各直属机构：" opens thousands): a clause found in
    -- more sources than one document plausibly has copies tells documents apart no better than
    -- chance, and pairing every source that holds it would grow with the square of its spread.
    select source_id, clause_key
    from clause_keys
    where length(clause_key) >= 8 and source_id in (select source_id from sources)
    qualify count(*) over (partition by clause_key) <= {{ var('grouping_max_copies', 12) }}
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
    inner join source_sizes as na on na.source_id = s.source_a
    inner join source_sizes as nb on nb.source_id = s.source_b
    inner join sources as a on a.source_id = s.source_a
    inner join sources as b on b.source_id = s.source_b
    where s.n_shared >= 0.8 * greatest(na.n_keys, nb.n_keys)
        and (a.doc_number_normalized is null or b.doc_number_normalized is null
             or a.doc_number_normalized = b.doc_number_normalized)
        and (a.issuer is null or b.issuer is null or a.issuer = b.issuer)
        and (a.title_key is null or b.title_key is null or a.title_key = b.title_key)
),

edges as (
    select source_a as from_id, source_b as to_id from similar_pairs
    union
    select source_b, source_a from similar_pairs
),

reachable(source_id, other_id) as (
    select source_id, source_id from sources
    union
    select r.source_id, e.to_id
    from reachable as r
    inner join edges as e on e.from_id = r.other_id
),

components as (
    select
        r.source_id,
        min(r.other_id) as component_root,
        min(o.doc_number_normalized) as component_doc_number
    from reachable as r
    inner join sources as o on o.source_id = r.other_id
    group by r.source_id
),

keyed as (
    select
        s.source_id,
        case
            when s.doc_number_normalized is not null then 'doc_number:' || s.doc_number_normalized
            when c.component_doc_number is not null then 'doc_number:' || c.component_doc_number
            else 'source:' || c.component_root
        end as document_key
    from sources as s
    inner join components as c using (source_id)
),

completeness as (
    select source_id, sum(length(text_normalized)) as body_chars
    from {{ ref('stg_clauses') }}
    where not is_repeat
    group by source_id
),

ranked as (
    select
        k.document_key,
        s.source_id,
        s.format,
        coalesce(c.body_chars, 0) as body_chars,
        max(coalesce(c.body_chars, 0)) over (partition by k.document_key) as max_body_chars
    from keyed as k
    inner join sources as s using (source_id)
    left join completeness as c using (source_id)
),

notices as (
    select
        document_key,
        source_id,
        format,
        body_chars,
        row_number() over (
            partition by document_key
            order by (body_chars >= 0.99 * max_body_chars) desc, (format = 'html') desc, body_chars desc, source_id
        ) = 1 as is_canonical
    from ranked
),

attachments as (
    -- An attachment whose page was not parsed (yet) stays together under that page's id.
    select
        coalesce(n.document_key, 'source:' || a.attachment_of) as document_key,
        a.source_id,
        s.format,
        coalesce(c.body_chars, 0) as body_chars,
        a.attachment_of,
        a.attachment_title,
        a.attachment_position
    from {{ ref('stg_attachments') }} as a
    inner join {{ ref('stg_sources') }} as s using (source_id)
    left join notices as n on n.source_id = a.attachment_of
    left join completeness as c on c.source_id = a.source_id
),

copies as (
    -- Attachments that repeat the canonical text: most of their clauses are in it.
    select a.source_id
    from attachments as a
    inner join clause_keys as k on k.source_id = a.source_id and length(k.clause_key) >= 8
    left join (
        select n.document_key, k.clause_key
        from notices as n
        inner join clause_keys as k using (source_id)
        where n.is_canonical
    ) as canon on canon.document_key = a.document_key and canon.clause_key = k.clause_key
    group by a.source_id
    having count(canon.clause_key) >= 0.8 * count(*)
)

select
    substr(md5(document_key), 1, 16) as document_id,
    document_key,
    source_id,
    format,
    body_chars,
    is_canonical,
    is_canonical as supplies_clauses,
    null::varchar as attachment_of,
    null::varchar as attachment_title,
    null::integer as attachment_position
from notices
union all
select
    substr(md5(document_key), 1, 16),
    document_key,
    source_id,
    format,
    body_chars,
    false,
    source_id not in (select source_id from copies),
    attachment_of,
    attachment_title,
    attachment_position
from attachments
