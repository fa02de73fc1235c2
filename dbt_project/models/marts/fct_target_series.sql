-- How targets move across notices: one row per metric, target year and issuing document, in the
-- order of the documents' dates (undated documents last), with what the previous notice said:
-- the latest year it set for the metric (a moved deadline shows in target_year_change) and, for
-- the same target year, its value (a revised target shows in value_change). A document that
-- states the same metric and year twice contributes its first statement.

with targets as (
    select t.*, d.doc_number, d.title as document_title, d.province
    from {{ ref('fct_targets') }} as t
    inner join {{ ref('dim_documents') }} as d using (document_id)
    where t.target_year is not null and t.kind in ('quantitative', 'milestone', 'plan_period')
),

per_document as (
    select
        *,
        count(*) over (partition by metric_id, target_year, document_id) as statements_in_document
    from targets
    qualify row_number() over (partition by metric_id, target_year, document_id order by char_start) = 1
),

ranked as (
    -- The order of the notices that state each metric (undated notices last).
    select
        *,
        dense_rank() over (partition by metric_id order by document_date nulls last, document_id) as document_rank
    from per_document
),

document_years as (
    -- The latest year each notice sets for a metric: "the deadline it gave".
    select metric_id, document_rank, any_value(document_id) as document_id, max(target_year) as latest_target_year
    from ranked
    group by metric_id, document_rank
),

sequenced as (
    select
        r.*,
        row_number() over (partition by r.metric_id order by r.document_rank, r.target_year) as series_seq,
        count(distinct r.document_id) over (partition by r.metric_id) as documents_in_series,
        -- The previous notice on the same metric, and the latest year it set.
        p.document_id as previous_document_id,
        p.latest_target_year as previous_target_year,
        -- The same metric and year as stated by an earlier notice (a revised value).
        lag(r.value) over (partition by r.metric_id, r.target_year order by r.document_rank) as previous_value
    from ranked as r
    left join document_years as p
        on p.metric_id = r.metric_id and p.document_rank = r.document_rank - 1
)

select
    metric_id || '|' || target_year || '|' || document_id as series_key,
    metric_id,
    metric_zh,
    metric_en,
    kind,
    target_year,
    target_year_end,
    is_approximate,
    value,
    value_high,
    unit,
    comparator,
    hedge,
    step,
    document_id,
    doc_number,
    document_title,
    province,
    document_date,
    target_id,
    clause_id,
    source_id,
    char_start,
    char_end,
    page,
    statement,
    statements_in_document,
    series_seq,
    documents_in_series,
    previous_document_id,
    previous_target_year,
    target_year - previous_target_year as target_year_change,
    previous_value,
    value - previous_value as value_change
from sequenced
