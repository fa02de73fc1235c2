-- Content problems the checks found, one row each, with where to look: the document, the
-- source, the clause and the offsets. `action` says whether the row was left out of the marts
-- (excluded) or kept and marked (flagged).
select
    q.issue_id,
    q.document_id,
    q.source_id,
    q.clause_id,
    q.check_name,
    q.action,
    q.row_id,
    q.value,
    q.detail,
    q.char_start,
    q.char_end,
    s.url as source_url
from {{ ref('int_quality_issues') }} as q
inner join {{ ref('stg_sources') }} as s using (source_id)
