-- The copies of a notice grouped into one document do not contradict each other: one 文号 and
-- one issuer at most (a source may leave either unknown). Attachments may carry their own (a
-- forwarded notice): they are in the document because the page links them, not by likeness.
select ds.document_id,
       count(distinct s.doc_number_normalized) as doc_numbers,
       count(distinct s.issuer) as issuers
from {{ ref('int_document_sources') }} as ds
inner join {{ ref('stg_sources') }} as s using (source_id)
where ds.attachment_of is null
group by ds.document_id
having count(distinct s.doc_number_normalized) > 1 or count(distinct s.issuer) > 1
