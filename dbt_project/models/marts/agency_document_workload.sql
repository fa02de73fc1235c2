-- How many tasks each agency leads, co-leads and is responsible for in each document.
with per_task as (
    select
        b.agency_id,
        b.document_id,
        b.task_id,
        bool_or(b.role = 'lead') as is_lead,
        bool_or(b.role = 'co') as is_co,
        bool_or(b.role = 'responsible') as is_responsible
    from {{ ref('bridge_task_agencies') }} as b
    group by all
)

select
    w.agency_id,
    w.document_id,
    a.name_zh,
    a.name_en,
    d.doc_number,
    d.title,
    count(*) filter (where w.is_lead) as tasks_led,
    count(*) filter (where w.is_co) as tasks_co,
    count(*) filter (where w.is_responsible) as tasks_responsible,
    count(*) as tasks_total
from per_task as w
inner join {{ ref('dim_agencies') }} as a using (agency_id)
inner join {{ ref('dim_documents') }} as d using (document_id)
group by all
