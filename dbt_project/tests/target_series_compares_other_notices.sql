-- A notice is never its own "previous notice" in the target series.
select series_key from {{ ref('fct_target_series') }}
where previous_document_id = document_id
