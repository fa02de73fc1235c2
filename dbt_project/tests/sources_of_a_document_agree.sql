-- The sources grouped into one document do not contradict each other: one 文号 and one issuer
-- at most (a source may leave either unknown).
select ds.document_id,
       count(distinct s.doc_number_normalized) as doc_numbers,
       count(distinct s.issuer) as issuers
from {{ ref('int_document_sources') }} as ds
inner join {{ ref('stg_sources') }} as s using (source_id)
group by ds.document_id
having count(distinct s.doc_number_normalized) > 1 or count(distinct s.issuer) > 1
