-- Every catalogue entry and what became of it: fetched? parsed? extracted? If not, why.
with last_fetch as (
    select * from {{ ref('stg_fetches') }}
    qualify row_number() over (partition by source_id order by fetched_at desc) = 1
),

last_good_fetch as (
    select source_id, content_sha256, version, fetched_at
    from {{ ref('stg_fetches') }}
    where ok
    qualify row_number() over (partition by source_id order by fetched_at desc) = 1
),

stages as (
    select
        source_id,
        max(status) filter (where stage = 'parse') as parse_status,
        max(error) filter (where stage = 'parse') as parse_error,
        max(error_kind) filter (where stage = 'parse' and status = 'error') as parse_error_kind,
        list(stage || ': ' || error order by stage) filter (where status = 'error' and stage <> 'parse') as extract_errors
    from {{ ref('stg_stage_state') }}
    group by source_id
),

quality as (
    select
        source_id,
        count(*) as quality_issue_count,
        list(check_name || ': ' || detail || ' (' || left(value, 40) || ')' order by char_start) as quality_issues
    from {{ ref('int_quality_issues') }}
    group by source_id
)

select
    c.source_id,
    c.source_url as url,
    lf.ok as last_fetch_ok,
    lf.status_code as last_fetch_status,
    lf.error as last_fetch_error,
    lf.fetched_at as last_fetched_at,
    g.content_sha256,
    g.version as content_version,
    st.parse_status,
    st.parse_error,
    st.extract_errors,
    st.parse_error_kind,
    coalesce(q.quality_issue_count, 0) as quality_issue_count,
    coalesce(q.quality_issues, []) as quality_issues,
    ds.document_id,
    ds.is_canonical,
    att.attachment_of,
    w.withdrawn_since,
    w.withdrawn_reason,
    case
        when w.source_id is not null then 'withdrawn'
        when g.content_sha256 is null then 'not fetched'
        when st.parse_status = 'error' and st.parse_error_kind = 'unreadable' and ds.document_id is not null
            then 'unreadable text (earlier version kept)'
        when st.parse_status = 'error' and st.parse_error_kind = 'unreadable' then 'unreadable text'
        when st.parse_status = 'error' and ds.document_id is not null then 'parse failed (earlier version kept)'
        when st.parse_status = 'error' then 'parse failed'
        when ds.document_id is null then 'not parsed'
        when len(coalesce(st.extract_errors, [])) > 0 then 'extraction failed'
        when not lf.ok then 'fetch failed (earlier version kept)'
        when q.quality_issue_count > 0 then 'ok with quality issues'
        else 'ok'
    end as status
from {{ ref('stg_catalog') }} as c
left join last_fetch as lf using (source_id)
left join last_good_fetch as g using (source_id)
left join stages as st using (source_id)
left join {{ ref('int_document_sources') }} as ds using (source_id)
left join {{ ref('stg_attachments') }} as att using (source_id)
left join quality as q using (source_id)
left join {{ ref('stg_withdrawals') }} as w using (source_id)
