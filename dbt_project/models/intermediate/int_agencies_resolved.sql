-- One row per agency surface name seen in any note, resolved to its canonical agency.
--
-- The note grammar (pipelines/extract/agencies.py) has already qualified each name by its
-- jurisdiction (省 / 自治区 → the issuing province, 市 / 州 / 县 / 区 → the issuing city, prefecture or
-- county; central agencies such as 财政部 have none; a prefix the notice could not resolve is kept
-- as written and flagged as a group). Here the unit is mapped to its canonical form by the
-- agency_aliases seed (发改委 = 发展改革委 = 发展和改革委员会), so the same agency under different
-- names is one agency within a province, and different provinces' agencies stay apart. The kind
-- (level, English name) is the longest matching pattern of the agency_kinds seed; vague groups take
-- the longest matching pattern of agency_groups.

with names as (
    select
        name,
        any_value(jurisdiction) as jurisdiction,
        any_value(unit) as unit,
        any_value(province) as province,
        bool_or(is_group) as is_group,
        list(distinct mention order by mention) as mentions
    from {{ ref('stg_task_agencies') }}
    group by name
),

aliased as (
    -- A unit with no jurisdiction that a central body is called by (发展改革委 in a State Council
    -- notice, 财政部, 人民银行) is that body, under its full name; others take the alias's canonical unit.
    -- A unit whose level the notice could not place (市发改委 in an excerpt that never names its
    -- city) keeps its level and takes the alias of the rest: 市发展和改革委员会.
    select
        n.* exclude (jurisdiction),
        case when c.name is not null then null else n.jurisdiction end as jurisdiction,
        coalesce(c.name, a.canonical, left(n.unit, 1) || lv.canonical, n.unit) as canonical_unit,
        c.name is not null as is_central
    from names as n
    left join {{ ref('agency_aliases') }} as a on a.alias = n.unit
    left join {{ ref('agency_aliases') }} as lv
        on a.alias is null and n.jurisdiction is null and left(n.unit, 1) in ('省', '市', '州', '县', '区')
        and lv.alias = substr(n.unit, 2)
    left join {{ ref('central_bodies') }} as c on n.jurisdiction is null and c.alias = n.unit
),

rewritten as (
    -- Vertically managed offices take their national name (agency_rewrites: 河南银保监局 →
    -- 中国银行保险监督管理委员会河南监管局, 河南省税务局 → 国家税务总局河南省税务局).
    select
        x.*,
        coalesce(
            (select regexp_replace(coalesce(x.jurisdiction, '') || x.canonical_unit, r.pattern, r.replacement)
             from {{ ref('agency_rewrites') }} as r
             where regexp_matches(coalesce(x.jurisdiction, '') || x.canonical_unit, r.pattern)
             order by r.priority, r.pattern limit 1),
            coalesce(x.jurisdiction, '') || x.canonical_unit
        ) as full_name
    from aliased as x
),

kinds as (
    select
        x.name,
        arg_max(k.kind, length(k.pattern)) as kind,
        arg_max(k.name_en, length(k.pattern)) as kind_name_en
    from rewritten as x
    inner join {{ ref('agency_kinds') }} as k
        on (k.match = 'suffix' and ends_with(x.canonical_unit, k.pattern))
        or (k.match = 'prefix' and starts_with(x.canonical_unit, k.pattern))
        or (k.match = 'exact' and x.canonical_unit = k.pattern)
        or (k.match = 'contains' and contains(x.canonical_unit, k.pattern))
    group by x.name
),

groups as (
    select
        x.name,
        arg_max(g.name_en, length(g.pattern)) as group_name_en
    from rewritten as x
    inner join {{ ref('agency_groups') }} as g on regexp_matches(x.canonical_unit, g.pattern)
    where x.is_group
    group by x.name
),

central_en as (
    select name, any_value(name_en) as name_en from {{ ref('central_bodies') }} group by name
),

places as (
    -- A self-named unit's place, for its English name: the longest division short name it contains
    -- (厦门海关 → Xiamen, 人行福州中心支行 → Fuzhou, 国开行福建省分行 → Fujian).
    select
        x.name,
        arg_max(d.name_en, length(d.short_name) * 10 - least(strpos(x.full_name, d.short_name), 9)) as place_en,
        arg_max(starts_with(x.full_name, d.short_name), length(d.short_name) * 10 - least(strpos(x.full_name, d.short_name), 9)) as place_first
    from rewritten as x
    inner join {{ ref('admin_divisions') }} as d
        on length(d.short_name) >= 2 and contains(x.full_name, d.short_name)
    where x.jurisdiction is null
    group by x.name
),

party as (
    -- 广东省委组织部: the jurisdiction is a division's party committee (广东省委 → 广东省).
    select x.name, dv.qualifier_en, dv.code, dv.province_code
    from rewritten as x
    inner join {{ ref('int_divisions') }} as dv on dv.jurisdiction = regexp_replace(x.jurisdiction, '委$', '')
    where ends_with(x.jurisdiction, '委')
)

select
    substr(md5(x.full_name), 1, 16) as agency_id,
    x.name,
    x.full_name as name_zh,
    x.jurisdiction,
    x.unit,
    x.canonical_unit,
    x.province,
    coalesce(dv.code, pa.code) as division_code,
    coalesce(dv.province_code, pa.province_code, pv.code) as province_code,
    x.is_group,
    case
        when x.is_group then 'group'
        when k.kind = 'government' and dv.level = 'province' then 'provincial_government'
        when k.kind = 'government' and dv.level = 'prefecture' then 'prefecture_government'
        when k.kind = 'department' and dv.level = 'province' then 'provincial_department'
        when k.kind = 'department' and dv.level = 'prefecture' then 'prefecture_department'
        when k.kind in ('government', 'department') and dv.level = 'county' then 'county_' || k.kind
        -- a county-level jurisdiction the seed does not know (a renamed or new district)
        when k.kind in ('government', 'department') and dv.code is null
            and regexp_matches(x.jurisdiction, '(县|区|旗|市)$') then 'county_' || k.kind
        else coalesce(k.kind, 'unknown')
    end as level,
    k.kind,
    case when x.is_group then g.group_name_en else k.kind_name_en end as kind_en,
    -- The agency's own English name: qualified by its division (Guangdong Provincial Development and
    -- Reform Commission, Shenzhen Municipal People's Government), a central body's official name
    -- (National Development and Reform Commission), a self-named unit's place (Xiamen Customs).
    case
        when x.is_group then g.group_name_en || coalesce(' (' || coalesce(dv.name_en, pv.name_en) || ')', '')
        when ce.name_en is not null then ce.name_en
        when dv.qualifier_en is not null and k.kind_name_en is not null then dv.qualifier_en || ' ' || k.kind_name_en
        when pa.qualifier_en is not null and k.kind_name_en is not null
            then pa.qualifier_en || ' Party Committee ' || k.kind_name_en
        when pl.place_en is not null and k.kind_name_en is not null then
            case when pl.place_first then pl.place_en || ' ' || k.kind_name_en
                 else k.kind_name_en || ', ' || pl.place_en end
        else k.kind_name_en
    end as name_en,
    x.mentions
from rewritten as x
left join kinds as k using (name)
left join groups as g using (name)
left join {{ ref('int_divisions') }} as dv on dv.jurisdiction = x.jurisdiction
left join {{ ref('admin_divisions') }} as pv on pv.name = x.province and pv.level = 'province'
left join central_en as ce on x.is_central and ce.name = x.canonical_unit
left join places as pl using (name)
left join party as pa using (name)
