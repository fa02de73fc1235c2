select
    p.source_id,
    p.paragraph_seq,
    p.text,
    p.char_start,
    p.char_end,
    p.page
from {{ source('raw', 'paragraphs') }} as p
inner join {{ ref('stg_catalog') }} using (source_id)
