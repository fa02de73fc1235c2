-- Tasks of the current catalogue's sources (every source's own; the marts keep the canonical one).
select
    t.task_id,
    t.source_id,
    t.seq,
    t.heading_path,
    t.heading_titles,
    t.text,
    t.note_text,
    t.deadline,
    t.char_start,
    t.char_end,
    t.note_char_start,
    t.note_char_end,
    t.page,
    t.clause_ids,
    t.table_index,
    t.table_row
from {{ source('raw_tasks', 'tasks') }} as t
inner join {{ ref('stg_catalog') }} using (source_id)
