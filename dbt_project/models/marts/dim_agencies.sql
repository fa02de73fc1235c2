-- One row per agency (or vague group) named by the documents' tasks, under its canonical name.
select
    r.agency_id,
    any_value(r.name_zh) as name_zh,
    any_value(r.name_en) as name_en,
    any_value(r.jurisdiction) as jurisdiction,
    any_value(r.canonical_unit) as unit_zh,
    any_value(r.kind_en) as unit_en,
    any_value(r.province) as province,
    any_value(r.province_code) as province_code,
    any_value(r.division_code) as division_code,
    any_value(r.level) as level,
    bool_or(r.is_group) as is_group,
    list(distinct r.name order by r.name) as aliases,
    list_sort(list_distinct(flatten(list(r.mentions)))) as mentions
from {{ ref('int_agencies_resolved') }} as r
inner join (select distinct agency_id from {{ ref('bridge_task_agencies') }}) as used using (agency_id)
group by r.agency_id
