-- Every GB/T 2260 division a note's jurisdiction can name, one row per way it is written:
-- provinces and prefectures under their full names (广东省, 深圳市), counties under their
-- prefecture-qualified name (长沙市望城区, as the note grammar qualifies them) and, where the name
-- is unique in the country, alone (浏阳市). qualifier_en is what an agency of the division is
-- called by in English: "Guangdong Provincial", "Shenzhen Municipal", "Wangcheng District".

with upper as (
    select
        name as jurisdiction,
        code,
        name,
        level,
        province_code,
        province,
        name_en,
        name_en || ' ' || adjective_en as qualifier_en
    from {{ ref('admin_divisions') }}
),

counties as (
    select
        c.code,
        c.name,
        c.prefecture,
        substr(c.code, 1, 2) || '0000' as province_code,
        c.province,
        c.name_en,
        -- a county-level city's agencies are "Liuyang Municipal …"; a district's "Wangcheng District …"
        case when c.adjective_en = 'Municipal' then c.name_en || ' Municipal' else c.name_en end as qualifier_en,
        count(*) over (partition by c.name) as same_name
    from {{ ref('county_divisions') }} as c
),

county_keys as (
    select coalesce(prefecture, '') || name as jurisdiction, * exclude (same_name) from counties
    union all
    select name as jurisdiction, * exclude (same_name) from counties
    where same_name = 1 and coalesce(prefecture, '') <> ''
)

select jurisdiction, code, name, level, province_code, province, name_en, qualifier_en from upper
union all
select
    k.jurisdiction, k.code, k.name, 'county' as level, k.province_code, k.province, k.name_en, k.qualifier_en
from county_keys as k
-- a county's bare name that is also a prefecture's (吉林市 is not the county 吉林…) stays the prefecture's
where k.jurisdiction not in (select jurisdiction from upper)
qualify row_number() over (partition by k.jurisdiction order by k.code) = 1
