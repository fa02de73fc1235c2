-- One row per project mention in each document's canonical source and attachments, with its provenance.
select
    m.mention_id,
    m.project_id,
    m.document_id,
    m.clause_id,
    m.source_id,
    m.name as name_as_written,
    m.note,
    m.stage,
    m.verb,
    m.list_noun,
    m.topic,
    m.category,
    d.document_date,
    m.char_start,
    m.char_end,
    m.page,
    s.url as source_url
from {{ ref('int_project_mentions') }} as m
inner join {{ ref('dim_documents') }} as d using (document_id)
inner join {{ ref('stg_sources') }} as s on s.source_id = m.source_id
