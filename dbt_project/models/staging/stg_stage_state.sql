select stage, source_id, input_sha256, code_version, status, error, error_kind, updated_at
from {{ source('raw', 'stage_state') }}
