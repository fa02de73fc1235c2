-- One row per document, however many sources (HTML page, PDF) it was published as, with the
-- attachments its page links. Metadata comes from the canonical source, with gaps filled from
-- the other copies of the notice (never from an attachment: a forwarded notice's 文号 is not this one's).

with sources as (
    select
        ds.document_id, ds.is_canonical, ds.supplies_clauses,
        ds.attachment_of, ds.attachment_title, ds.attachment_position, ds.attachment_of is not null as is_attachment,
        s.*
    from {{ ref('int_document_sources') }} as ds
    inner join {{ ref('stg_sources') }} as s using (source_id)
),

attachments as (
    select
        document_id,
        list(
            {'source_id': source_id, 'title': attachment_title, 'format': format, 'url': url,
             'attachment_of': attachment_of, 'supplies_clauses': supplies_clauses}
            order by attachment_of, attachment_position
        ) as attachments
    from sources
    where is_attachment
    group by document_id
),

withdrawn as (
    -- A document is withdrawn when every one of its sources is: since the last of them went.
    select ds.document_id, max(w.withdrawn_since) as withdrawn_since, string_agg(w.withdrawn_reason, '; ' order by w.source_id) as withdrawn_reason
    from {{ ref('int_document_sources') }} as ds
    left join {{ ref('stg_withdrawals') }} as w using (source_id)
    group by ds.document_id
    having count(w.source_id) = count(*)
),

clause_counts as (
    select source_id, count(*) as clause_count
    from {{ ref('stg_clauses') }}
    group by source_id
)

select
    document_id,
    arg_max(title, is_canonical) filter (where title is not null and not is_attachment) as title,
    arg_max(issuer, is_canonical) filter (where issuer is not null and not is_attachment) as issuer,
    arg_max(province, is_canonical) filter (where province is not null and not is_attachment) as province,
    arg_max(pv.province_code, is_canonical) filter (where pv.province_code is not null and not is_attachment) as province_code,
    arg_max(doc_number, is_canonical) filter (where doc_number is not null and not is_attachment) as doc_number,
    arg_max(signed_date, is_canonical) filter (where signed_date is not null and not is_attachment) as signed_date,
    arg_max(publish_date, is_canonical) filter (where publish_date is not null and not is_attachment) as publish_date,
    coalesce(
        arg_max(signed_date, is_canonical) filter (where signed_date is not null and not is_attachment),
        arg_max(publish_date, is_canonical) filter (where publish_date is not null and not is_attachment)
    ) as document_date,
    list(url order by is_canonical desc, source_id) as source_urls,
    list(distinct format order by format) as formats,
    list(source_id order by is_canonical desc, source_id) as source_ids,
    count(*) as source_count,
    arg_max(source_id, is_canonical) as canonical_source_id,
    arg_max(format, is_canonical) as canonical_format,
    arg_max(content_sha256, is_canonical) as content_sha256,
    coalesce(arg_max(cc.clause_count, is_canonical), 0) as clause_count,
    arg_max(page_count, is_canonical) as page_count,
    count(*) filter (where is_attachment) as attachment_count,
    coalesce(any_value(att.attachments), []) as attachments,
    any_value(wd.withdrawn_since) as withdrawn_since,
    any_value(wd.withdrawn_reason) as withdrawn_reason
from sources
left join clause_counts as cc using (source_id)
left join withdrawn as wd using (document_id)
left join attachments as att using (document_id)
left join (
    select code as province_code, name as province_name from {{ ref('admin_divisions') }} where level = 'province'
) as pv on pv.province_name = sources.province
group by document_id
