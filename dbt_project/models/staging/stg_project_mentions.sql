-- Project mentions of the current catalogue's sources (every source's own; marts keep the canonical one).
select
    m.mention_id,
    m.source_id,
    m.clause_id,
    m.name,
    m.name_normalized,
    m.note,
    m.stage,
    m.verb,
    m.list_noun,
    m.topic,
    m.char_start,
    m.char_end,
    m.page
from {{ source('raw_promises', 'project_mentions') }} as m
inner join {{ ref('stg_catalog') }} using (source_id)
