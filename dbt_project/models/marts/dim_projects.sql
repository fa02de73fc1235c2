-- One row per project: the same normalised name across notices (赣州至深圳客专 = 赣州—深圳客专,
-- 深（圳）中（山）通道 = 深中通道) is one project. "Latest" is by document date; a document without a
-- date (the Bay Area opinions) counts only when no dated document mentions the project.

with mentions as (
    select m.*, d.document_date, d.province
    from {{ ref('int_project_mentions') }} as m
    inner join {{ ref('dim_documents') }} as d using (document_id)
),

ordered as (
    select
        *,
        row_number() over (
            partition by project_id
            order by document_date desc nulls last, stage_rank desc, char_start
        ) as recency,
        row_number() over (
            partition by project_id
            order by document_date nulls last, char_start
        ) as earliness
    from mentions
),

names as (
    -- The name most often written, then the shortest: the display name.
    select project_id, name, count(*) as n
    from mentions
    group by project_id, name
    qualify row_number() over (partition by project_id order by count(*) desc, length(name), name) = 1
)

select
    o.project_id,
    n.name as name_zh,
    any_value(o.name_normalized) as name_normalized,
    coalesce(
        any_value(o.category) filter (where o.category_source = 'name'),
        mode(o.category) filter (where o.category is not null)
    ) as category,
    coalesce(
        any_value(o.category_en) filter (where o.category_source = 'name'),
        mode(o.category_en) filter (where o.category_en is not null)
    ) as category_en,
    any_value(o.document_id) filter (where o.earliness = 1) as first_document_id,
    min(o.document_date) as first_mention_date,
    any_value(o.document_id) filter (where o.recency = 1) as latest_document_id,
    max(o.document_date) as latest_mention_date,
    any_value(o.stage) filter (where o.recency = 1) as latest_stage,
    list(distinct o.stage order by o.stage) as stages,
    list(distinct o.province order by o.province) filter (where o.province is not null) as provinces,
    count(distinct o.document_id) as document_count,
    count(*) as mention_count
from ordered as o
inner join names as n using (project_id)
group by o.project_id, n.name
