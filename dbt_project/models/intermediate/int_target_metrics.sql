-- Targets of each document's canonical source and attachments, named by seed metric_dictionary.
--
-- A quantitative target or milestone whose phrase contains a dictionary phrase gets that metric
-- (the longest phrase wins: 省会城市高速铁路互联互通 over a shorter one). Others keep their phrase
-- under a stable synthetic id: unmapped_<hash>, or plan_<hash> / deadline_<hash> for those kinds.

with targets as (
    -- the canonical source's targets, less those the quality checks excluded (a misread year)
    select t.*, ds.document_id
    from {{ ref('stg_targets') }} as t
    inner join {{ ref('int_document_sources') }} as ds
        on ds.source_id = t.source_id and ds.supplies_clauses
    where not exists (
        select 1 from {{ ref('int_quality_issues') }} as q
        where q.check_name = 'target_year' and q.row_id = t.target_id
    )
),

matched as (
    select t.target_id, d.metric_id, d.label_zh, d.label_en, d.unit as metric_unit
    from targets as t
    inner join {{ ref('metric_dictionary') }} as d
        on t.kind in ('quantitative', 'milestone') and contains(t.metric_phrase_normalized, d.phrase_zh)
    qualify row_number() over (partition by t.target_id order by length(d.phrase_zh) desc, d.metric_id) = 1
)

select
    t.*,
    coalesce(
        m.metric_id,
        case t.kind when 'plan_period' then 'plan_' when 'deadline' then 'deadline_' else 'unmapped_' end
        || substr(md5(coalesce(t.metric_phrase_normalized, t.statement)), 1, 8)
    ) as metric_id,
    m.metric_id is not null as is_mapped,
    coalesce(m.label_zh, t.metric_phrase) as metric_zh,
    m.label_en as metric_en,
    m.metric_unit
from targets as t
left join matched as m using (target_id)
