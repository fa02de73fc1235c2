select
    source_id,
    url,
    source_url,
    overrides_json
from {{ source('raw', 'catalog') }}
