-- Tasks × clauses: the clauses (sentences) a task's text spans, in order.
select
    t.task_id,
    t.document_id,
    unnest(t.clause_ids) as clause_id,
    generate_subscripts(t.clause_ids, 1) as position
from {{ ref('fct_tasks') }} as t
