-- Every task closed by a responsibility note names at least one agency (or group).
select task_id, note_text
from {{ ref('fct_tasks') }}
where has_note and lead_count + co_count + responsible_count = 0
