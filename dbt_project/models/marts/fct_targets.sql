-- One row per target of each document (canonical source and attachments): quantitative targets, milestones,
-- plan periods and deadlines, with the metric the dictionary names and the document's date.
select
    t.target_id,
    t.document_id,
    t.clause_id,
    t.source_id,
    t.metric_id,
    t.metric_zh,
    t.metric_en,
    t.is_mapped as metric_is_mapped,
    t.metric_phrase,
    t.kind,
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
    c.heading_path,
    d.document_date,
    t.char_start,
    t.char_end,
    t.page
from {{ ref('int_target_metrics') }} as t
inner join {{ ref('dim_documents') }} as d using (document_id)
left join {{ ref('stg_clauses') }} as c on c.clause_id = t.clause_id
