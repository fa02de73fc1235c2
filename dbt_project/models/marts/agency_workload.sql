-- How many tasks each agency leads, co-leads and is responsible for, over all documents.
-- (Per document: agency_document_workload. One grain per table, so a SUM never double-counts.)
with per_task as (
    select
        b.agency_id,
        b.task_id,
        bool_or(b.role = 'lead') as is_lead,
        bool_or(b.role = 'co') as is_co,
        bool_or(b.role = 'responsible') as is_responsible
    from {{ ref('bridge_task_agencies') }} as b
    group by all
)

select
    w.agency_id,
    a.name_zh,
    a.name_en,
    a.province,
    a.province_code,
    a.level,
    a.is_group,
    count(distinct b.document_id) as document_count,
    count(*) filter (where w.is_lead) as tasks_led,
    count(*) filter (where w.is_co) as tasks_co,
    count(*) filter (where w.is_responsible) as tasks_responsible,
    count(*) as tasks_total
from per_task as w
inner join {{ ref('dim_agencies') }} as a using (agency_id)
inner join {{ ref('fct_tasks') }} as b using (task_id)
group by all
