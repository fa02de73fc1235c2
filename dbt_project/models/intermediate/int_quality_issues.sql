-- Content problems found in one document's rows: quarantined, never fatal.
--
-- Each row is one problem of one row of one source (an agency name that is a fragment, a task
-- whose note names no agency, a target year outside 1949–2100, a clause of undecodable text).
-- `action` says what the marts do about it: `excluded` rows are left out of the marts (a
-- fragment is not an agency), `flagged` rows are kept and marked (an analyst would rather see a
-- task without an agency than miss it). The checks are the macros in macros/quality_checks.sql;
-- structural tests on the marts use the same macros to prove nothing excluded got through.

with agency_problems as (
    select
        a.source_id,
        'agency_name' as check_name,
        'excluded' as action,
        a.task_id as row_id,
        r.name_zh as value,
        {{ agency_name_problem('r.name_zh', 'r.canonical_unit', 'r.jurisdiction', 'r.is_group') }} as detail,
        a.char_start,
        a.char_end
    from {{ ref('stg_task_agencies') }} as a
    inner join {{ ref('int_agencies_resolved') }} as r on r.name = a.name
),

excluded_agencies as (
    select * from agency_problems where detail is not null
),

tasks_without_agency as (
    -- a note that names no agency once fragments are left out
    select
        t.source_id,
        'note_without_agency' as check_name,
        'flagged' as action,
        t.task_id as row_id,
        t.note_text as value,
        'the note names no agency the grammar could read' as detail,
        t.note_char_start as char_start,
        t.note_char_end as char_end
    from {{ ref('stg_tasks') }} as t
    where t.note_text is not null
        and not exists (
            select 1 from {{ ref('stg_task_agencies') }} as a
            where a.task_id = t.task_id
                and not exists (
                    select 1 from excluded_agencies as x
                    where x.row_id = a.task_id and x.char_start = a.char_start and x.char_end = a.char_end
                )
        )
),

target_problems as (
    select
        t.source_id,
        'target_year' as check_name,
        'excluded' as action,
        t.target_id as row_id,
        t.statement as value,
        {{ target_year_problem('t.target_year', 't.target_year_end') }} as detail,
        t.char_start,
        t.char_end
    from {{ ref('stg_targets') }} as t
),

clause_problems as (
    select
        c.source_id,
        'clause_text' as check_name,
        'flagged' as action,
        c.clause_id as row_id,
        left(c.text, 80) as value,
        {{ text_problem('c.text') }} as detail,
        c.char_start,
        c.char_end
    from {{ ref('stg_clauses') }} as c
),

issues as (
    select * from excluded_agencies
    union all select * from tasks_without_agency
    union all select * from target_problems where detail is not null
    union all select * from clause_problems where detail is not null
)

select
    substr(md5(i.check_name || '|' || i.row_id || '|' || coalesce(i.char_start, -1)), 1, 16) as issue_id,
    i.source_id,
    ds.document_id,
    i.check_name,
    i.action,
    i.row_id,
    c.clause_id,
    i.value,
    i.detail,
    i.char_start,
    i.char_end
from issues as i
left join {{ ref('int_document_sources') }} as ds using (source_id)
left join {{ ref('stg_clauses') }} as c
    on c.source_id = i.source_id and i.char_start >= c.char_start and i.char_start < c.char_end
