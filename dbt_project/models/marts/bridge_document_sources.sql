-- Documents × sources: each source (HTML page, PDF, an attachment its page links) a document was read from.
select
    ds.document_id,
    ds.source_id,
    ds.is_canonical,
    ds.supplies_clauses,
    ds.attachment_of,
    ds.attachment_title,
    ds.attachment_position,
    s.format,
    s.url as source_url,
    s.content_sha256,
    s.page_count
from {{ ref('int_document_sources') }} as ds
inner join {{ ref('stg_sources') }} as s using (source_id)
