select
    source_id,
    url,
    overrides_json
from {{ source('raw', 'catalog') }}
