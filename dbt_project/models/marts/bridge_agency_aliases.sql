-- Agencies × the names they go by: each expanded name (广东省发展改革委) and each mention as
-- written in a note (省发展改革委, 发展改革委).
with names as (
    select distinct agency_id, name as alias, 'name' as alias_kind
    from {{ ref('int_agencies_resolved') }}
    union
    select distinct agency_id, unnest(mentions) as alias, 'mention' as alias_kind
    from {{ ref('int_agencies_resolved') }}
)

select n.agency_id, n.alias, n.alias_kind
from names as n
inner join {{ ref('dim_agencies') }} using (agency_id)
