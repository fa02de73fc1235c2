-- Targets of the current catalogue's sources (every source's own; marts keep the canonical one).
select
    t.target_id,
    t.source_id,
    t.clause_id,
    t.kind,
    t.metric_phrase,
    t.metric_phrase_normalized,
    t.target_year,
    t.target_year_end,
    t.is_approximate,
    t.value,
    t.value_high,
    t.unit,
    t.comparator,
    t.hedge,
    t.step,
    t.base_year,
    t.recurrence,
    t.deadline,
    t.statement,
    t.char_start,
    t.char_end,
    t.page
from {{ source('raw_promises', 'targets') }} as t
inner join {{ ref('stg_catalog') }} using (source_id)
