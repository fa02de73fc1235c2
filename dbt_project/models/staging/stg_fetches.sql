-- One row per fetch that read bytes or failed, with the version number of the bytes it got.
select
    source_id,
    url,
    final_url,
    ok,
    status_code,
    error,
    content_type,
    headers_json,
    fetched_at,
    size as size_bytes,
    sha256 as content_sha256,
    version,
    attempts
from {{ source('raw', 'fetches') }}
