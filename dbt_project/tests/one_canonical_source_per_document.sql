-- Every document has exactly one canonical source.
select document_id, count(*) filter (where is_canonical) as n_canonical
from {{ ref('int_document_sources') }}
group by document_id
having count(*) filter (where is_canonical) <> 1
