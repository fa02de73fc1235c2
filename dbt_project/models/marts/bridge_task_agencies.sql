-- Which agencies each task names, in which role: one row per mention in the task's note,
-- for the sources that supply the documents' clauses (canonical source, attachments). A name the quality checks found to be a fragment
-- (int_quality_issues, check agency_name) is left out: it names no agency.
select
    a.task_id,
    r.agency_id,
    ds.document_id,
    a.role,
    a.mention,
    a.position,
    a.is_group,
    a.char_start,
    a.char_end
from {{ ref('stg_task_agencies') }} as a
inner join {{ ref('int_document_sources') }} as ds
    on ds.source_id = a.source_id and ds.supplies_clauses
inner join {{ ref('int_agencies_resolved') }} as r on r.name = a.name
where not exists (
    select 1 from {{ ref('int_quality_issues') }} as q
    where q.check_name = 'agency_name' and q.row_id = a.task_id
        and q.char_start = a.char_start and q.char_end = a.char_end
)
