-- Structural: a task closed by a responsibility note names at least one agency (or group), or
-- is flagged by the content check note_without_agency (int_quality_issues).
select task_id, note_text
from {{ ref('fct_tasks') }}
where has_note and lead_count + co_count + responsible_count + guide_count + supervise_count = 0
    and quality_issue is null
