-- A note's mentions have distinct positions (one bridge row per mention).
select task_id, position, count(*) as n
from {{ ref('bridge_task_agencies') }}
group by task_id, position
having count(*) > 1
