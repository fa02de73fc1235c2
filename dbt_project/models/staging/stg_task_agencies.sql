-- Agencies named by the tasks' notes, one row per mention, for the current catalogue's sources.
select
    a.task_id,
    a.source_id,
    a.position,
    a.role,
    a.mention,
    a.name,
    a.jurisdiction,
    a.unit,
    a.province,
    a.is_group,
    a.char_start,
    a.char_end
from {{ source('raw_tasks', 'task_agencies') }} as a
inner join {{ ref('stg_catalog') }} using (source_id)
