-- The clauses of each document, taken from its canonical source and its attachments
-- (int_document_sources.supplies_clauses), so that a notice published as HTML and PDF is not
-- counted twice. stg_clauses keeps every source's own clauses.
select
    c.clause_id,
    ds.document_id,
    c.source_id,
    c.seq,
    c.paragraph_seq,
    c.heading_path,
    c.heading_titles,
    c.heading_level,
    c.is_heading,
    c.text,
    c.text_normalized,
    c.char_start,
    c.char_end,
    c.page,
    c.is_repeat,
    c.ocr_confidence is not null as is_ocr,
    c.ocr_confidence,
    s.url as source_url,
    q.detail as quality_issue
from {{ ref('stg_clauses') }} as c
inner join {{ ref('int_document_sources') }} as ds
    on ds.source_id = c.source_id and ds.supplies_clauses
inner join {{ ref('stg_sources') }} as s on s.source_id = c.source_id
left join {{ ref('int_quality_issues') }} as q
    on q.check_name = 'clause_text' and q.row_id = c.clause_id
