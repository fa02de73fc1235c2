-- References to other notices in the current catalogue's sources (every source's own).
select
    r.reference_id,
    r.source_id,
    r.cited_doc_number,
    r.cited_doc_number_normalized,
    r.cited_title,
    r.cited_title_normalized,
    r.relation,
    r.verb,
    r.char_start,
    r.char_end,
    r.page
from {{ source('raw_promises', 'document_references') }} as r
inner join {{ ref('stg_catalog') }} using (source_id)
