-- One row per task of each document (from its canonical source and its attachments), with its provenance and how
-- many agencies its note names in each role.
with counts as (
    select
        task_id,
        count(*) filter (where role = 'lead') as lead_count,
        count(*) filter (where role = 'co') as co_count,
        count(*) filter (where role = 'responsible') as responsible_count,
        count(*) filter (where role = 'guide') as guide_count,
        count(*) filter (where role = 'supervise') as supervise_count,
        count(*) filter (where is_group) as group_count
    from {{ ref('bridge_task_agencies') }}
    group by task_id
)

select
    t.task_id,
    ds.document_id,
    t.source_id,
    t.seq,
    t.heading_path,
    t.heading_titles,
    t.heading_titles[1] as section_title,
    t.heading_titles[-1] as item_title,
    t.text,
    t.note_text,
    t.note_text is not null as has_note,
    t.deadline,
    coalesce(c.lead_count, 0) as lead_count,
    coalesce(c.co_count, 0) as co_count,
    coalesce(c.responsible_count, 0) as responsible_count,
    coalesce(c.guide_count, 0) as guide_count,
    coalesce(c.supervise_count, 0) as supervise_count,
    coalesce(c.group_count, 0) as group_count,
    t.clause_ids,
    t.char_start,
    t.char_end,
    t.note_char_start,
    t.note_char_end,
    t.page,
    t.table_index,
    t.table_row,
    s.url as source_url,
    q.detail as quality_issue
from {{ ref('stg_tasks') }} as t
inner join {{ ref('int_document_sources') }} as ds
    on ds.source_id = t.source_id and ds.supplies_clauses
inner join {{ ref('stg_sources') }} as s on s.source_id = t.source_id
left join counts as c using (task_id)
left join {{ ref('int_quality_issues') }} as q
    on q.check_name = 'note_without_agency' and q.row_id = t.task_id
