-- Structural: no agency in the marts is a fragment of the note grammar. Such names are found by
-- the content check agency_name_problem (macros/quality_checks.sql) and quarantined by
-- int_quality_issues; one in dim_agencies means the quarantine is broken.
select agency_id, name_zh, unit_zh,
       {{ agency_name_problem('name_zh', 'unit_zh', 'jurisdiction', 'is_group') }} as problem
from {{ ref('dim_agencies') }}
where {{ agency_name_problem('name_zh', 'unit_zh', 'jurisdiction', 'is_group') }} is not null
