-- Parsed sources of the current catalogue.
select
    s.source_id,
    -- readers see the catalogue's URL; a local file as its catalogue-relative path, never this machine's
    c.source_url as url,
    case when s.final_url like 'file:%' then c.source_url else s.final_url end as final_url,
    s.format,
    s.content_sha256,
    s.size_bytes,
    nullif(trim(s.title), '') as title,
    nullif(trim(s.issuer), '') as issuer,
    s.doc_number,
    s.doc_number_normalized,
    s.signed_date,
    s.publish_date,
    s.province,
    s.encoding,
    s.page_count,
    s.paragraph_count,
    s.clause_count,
    s.char_count,
    s.full_text,
    s.warnings,
    s.overridden_fields
from {{ source('raw', 'sources') }} as s
inner join {{ ref('stg_catalog') }} as c using (source_id)
