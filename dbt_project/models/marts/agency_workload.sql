-- How many tasks each agency leads, co-leads and is responsible for: per document, and overall
-- (scope = 'overall', document_id null).
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
),

per_document as (
    select
        agency_id,
        'document' as scope,
        document_id,
        count(*) filter (where is_lead) as tasks_led,
        count(*) filter (where is_co) as tasks_co,
        count(*) filter (where is_responsible) as tasks_responsible,
        count(*) as tasks_total
    from per_task
    group by agency_id, document_id
),

overall as (
    select
        agency_id,
        'overall' as scope,
        null::varchar as document_id,
        count(*) filter (where is_lead) as tasks_led,
        count(*) filter (where is_co) as tasks_co,
        count(*) filter (where is_responsible) as tasks_responsible,
        count(*) as tasks_total
    from per_task
    group by agency_id
)

select
    w.agency_id,
    a.name_zh,
    a.name_en,
    a.province,
    a.level,
    w.scope,
    w.document_id,
    d.doc_number,
    w.tasks_led,
    w.tasks_co,
    w.tasks_responsible,
    w.tasks_total
from (select * from per_document union all select * from overall) as w
inner join {{ ref('dim_agencies') }} as a using (agency_id)
left join {{ ref('dim_documents') }} as d using (document_id)
