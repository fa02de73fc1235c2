-- Projects × provinces: the provinces whose notices name a project.
select
    m.project_id,
    p.code as province_code,
    d.province,
    count(distinct m.document_id) as document_count,
    count(*) as mention_count
from {{ ref('int_project_mentions') }} as m
inner join {{ ref('dim_documents') }} as d using (document_id)
inner join {{ ref('admin_divisions') }} as p on p.name = d.province and p.level = 'province'
group by m.project_id, p.code, d.province
