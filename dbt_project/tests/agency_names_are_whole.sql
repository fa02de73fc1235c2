-- No agency is named only by a joiner or a fragment: the note grammar drops 及 / 和 / 与 / 等 and
-- expands shared suffixes (广州、深圳、珠海市政府), so a name that starts or ends with a joiner or
-- separator, a bare type character (州, 市), or a suffix left without its place (人民政府) is a bug.
select agency_id, name_zh, unit_zh
from {{ ref('dim_agencies') }}
where length(unit_zh) < 2
    or regexp_matches(name_zh, '^(及|以及|和|与|等|、|，|,|；|;)|(及|和|与|等|、|，|,|；|;)$')
    or regexp_matches(name_zh, '[、，,；;（）()]')
    or name_zh in ('省', '市', '州', '县', '区', '政府', '人民政府', '市政府', '州政府', '等州', '市人民政府')
    or (jurisdiction is null and length(name_zh) < 3)
