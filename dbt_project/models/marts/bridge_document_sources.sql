-- Documents × sources: each source (HTML page, PDF) a document was read from.
select
    ds.document_id,
    ds.source_id,
    ds.is_canonical,
    s.format,
    s.url as source_url,
    s.content_sha256,
    s.page_count
from {{ ref('int_document_sources') }} as ds
inner join {{ ref('stg_sources') }} as s using (source_id)
