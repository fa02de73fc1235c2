-- Withdrawn sources of the current catalogue: since when, and why. Their earlier rows stay.
select
    w.source_id,
    w.withdrawn_since,
    w.reason as withdrawn_reason
from {{ source('raw', 'withdrawals') }} as w
inner join {{ ref('stg_catalog') }} using (source_id)
