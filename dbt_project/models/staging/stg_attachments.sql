-- Attachments of the current catalogue's notices: which notice page links them, where on the
-- page, under what title.
select
    a.source_id,
    a.parent_source_id as attachment_of,
    a.position as attachment_position,
    nullif(trim(a.title), '') as attachment_title,
    a.extension as link_extension
from {{ source('raw', 'attachments') }} as a
inner join {{ ref('stg_catalog') }} using (source_id)
