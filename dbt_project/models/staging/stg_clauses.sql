select
    c.clause_id,
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
    c.ocr_confidence
from {{ source('raw', 'clauses') }} as c
inner join {{ ref('stg_catalog') }} using (source_id)
