-- No agency is named only by a joiner or a fragment, and no name is the note grammar's mistake:
-- the grammar drops 及 / 和 / 与 / 等, expands shared suffixes (广州、深圳、珠海市政府; 株洲市、湘潭市
-- 人民政府), resolves a level prefix to the issuing jurisdiction once (省 → 广东省, 自治区 → 广西壮族
-- 自治区, 市 → 长沙市), keeps central agencies and national enterprises unqualified (财政部, 国家能源局,
-- 中国铁路总公司) and keeps deadlines and role phrases out of names. Each clause below is one kind of
-- mistake; tests/test_extract_tasks.py runs this query on examples of each.
select agency_id, name_zh, unit_zh
from {{ ref('dim_agencies') }}
where (length(unit_zh) < 2 and not is_group)
    -- a joiner or a separator at an end, or punctuation inside (a list or a label taken whole)
    or regexp_matches(name_zh, '^(及|以及|和|与|等|、|，|,|；|;)|(及|和|与|等|、|，|,|；|;)$')
    or regexp_matches(name_zh, '[、，,；;：:（）()]')
    -- a bare type character or a suffix left without its place (a group may be one: 市、县人民政府 in a
    -- provincial notice is every city's and county's government)
    or (not is_group
        and name_zh in ('省', '市', '州', '县', '区', '政府', '人民政府', '市政府', '州政府', '等州', '市人民政府'))
    or (jurisdiction is null and length(name_zh) < 3 and not is_group)
    -- a level qualified twice: 广西壮族自治区自治区发展改革委, 株洲市市人民政府, 广东省省…
    -- (长沙市市场监管局 and 长沙市市政设施管理处 are whole)
    or regexp_matches(name_zh, '自治区自治区|省省|州州|县县|旗旗|盟盟')
    or regexp_matches(name_zh, '市市([^场政]|政府|$)')
    -- a qualified unit that still starts with a level prefix: 湖南省市发展改革委 (a group may: 省市有关部门)
    or (jurisdiction is not null and not is_group
        and regexp_matches(unit_zh, '^(省|自治区|市[^场政]|市政府|州|县[^域]|区[^域]|旗|盟)'))
    -- a central ministry under a province or city: 广东省财政部, 广西壮族自治区交通运输部 (a party
    -- committee's departments are its own: 广东省委组织部)
    or (jurisdiction is not null and ends_with(unit_zh, '部')
        and not ends_with(jurisdiction, '委')
        and not regexp_matches(unit_zh, '(组织|宣传|统战|统一战线工作|武装|人武)部$'))
    -- a national agency or enterprise under a province or city: 广东省中国铁路总公司, 广东省国家能源局
    or (jurisdiction is not null and regexp_matches(unit_zh, '^(国家|国务院|中国|中央|中共中央|海关总署)'))
    -- a deadline taken for a name: 广东省完成时限:2018年底前, 广东省2018年底前完成
    or regexp_matches(name_zh, '时限|完成|年底|底前|年前|时间节点|持续推进|长期坚持|[0-9]{4}年')
    -- a role phrase taken for a name: 广东省各有关单位按各自的职责, 广东省由省发展改革委, …会同省财政厅
    or regexp_matches(name_zh, '职责|分工|牵头|配合|负责|[省市区县州]由|[委厅局办府]会同')
