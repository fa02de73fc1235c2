-- China's provincial-level divisions (GB/T 2260), with how much of the warehouse concerns each.
with documents as (
    select province, count(*) as document_count from {{ ref('dim_documents') }} group by province
),

agencies as (
    select province_code, count(*) as agency_count from {{ ref('dim_agencies') }} group by province_code
)

select
    p.code as province_code,
    p.name as name_zh,
    p.short_name as short_name_zh,
    p.name_en,
    p.kind as kind_zh,
    coalesce(d.document_count, 0) as document_count,
    coalesce(a.agency_count, 0) as agency_count
from {{ ref('admin_divisions') }} as p
left join documents as d on d.province = p.name
left join agencies as a on a.province_code = p.code
where p.level = 'province'
