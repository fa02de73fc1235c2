-- How targets move across notices: one row per metric, target year and issuing document, in the
-- order of the documents' dates (undated documents last), with what the previous notice said.
-- A document that states the same metric and year twice contributes its first statement.

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

sequenced as (
    select
        *,
        row_number() over metric_order as series_seq,
        lag(document_id) over metric_order as previous_document_id,
        lag(target_year) over metric_order as previous_target_year,
        lag(value) over metric_order as previous_value,
        count(distinct document_id) over (partition by metric_id) as documents_in_series
    from per_document
    window metric_order as (partition by metric_id order by document_date nulls last, document_id, target_year)
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
