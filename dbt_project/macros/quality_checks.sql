{#- Content checks: each macro is a SQL expression that names what is wrong with one row, or is
    null when nothing is. They are used twice: int_quality_issues quarantines the rows they flag
    (one document's bad rows never stop the others), and the structural tests on the marts use
    them to prove no flagged row got through. -#}

{#- An agency name that is the note grammar's mistake, not an agency: a joiner or a fragment, a
    level qualified twice, a deadline or a role phrase taken for a name (see
    pipelines/extract/agencies.py for the grammar; tests/test_extract_tasks.py runs these rules
    on examples of each). -#}
{% macro agency_name_problem(name_zh, unit_zh, jurisdiction, is_group) -%}
case
    when length({{ unit_zh }}) < 2 and not {{ is_group }} then 'too short to be a name'
    -- a joiner or a separator at an end, or punctuation inside (a list or a label taken whole)
    when regexp_matches({{ name_zh }}, '^(及|以及|和|与|等|、|，|,|；|;)|(及|和|与|等|、|，|,|；|;)$')
        then 'starts or ends with a joiner'
    when regexp_matches({{ name_zh }}, '[、，,；;：:（）()]') then 'holds punctuation'
    -- a bare type character or a suffix left without its place (a group may be one: 市、县人民政府
    -- in a provincial notice is every city's and county's government)
    when not {{ is_group }}
        and {{ name_zh }} in ('省', '市', '州', '县', '区', '政府', '人民政府', '市政府', '州政府', '等州', '市人民政府')
        then 'a level or a suffix without its place'
    when {{ jurisdiction }} is null and length({{ name_zh }}) < 3 and not {{ is_group }} then 'too short to be a name'
    -- a level qualified twice: 广西壮族自治区自治区发展改革委, 株洲市市人民政府 (长沙市市场监管局 and
    -- 长沙市市政设施管理处 are whole)
    when regexp_matches({{ name_zh }}, '自治区自治区|省省|州州|县县|旗旗|盟盟')
        or regexp_matches({{ name_zh }}, '市市([^场政]|政府|$)') then 'a level written twice'
    -- a qualified unit that still starts with a level prefix: 湖南省市发展改革委 (a group may: 省市有关部门)
    when {{ jurisdiction }} is not null and not {{ is_group }}
        and regexp_matches({{ unit_zh }}, '^(省|自治区|市[^场政]|市政府|州|县[^域]|区[^域]|旗|盟)')
        then 'a second level prefix'
    -- a central ministry under a province or city: 广东省财政部 (a party committee's departments are
    -- its own: 广东省委组织部; so are a place's headquarters for a works: 县护城河指挥部)
    when {{ jurisdiction }} is not null and ends_with({{ unit_zh }}, '部')
        and not ends_with({{ jurisdiction }}, '委')
        and not regexp_matches({{ unit_zh }}, '(组织|宣传|统战|统一战线工作|武装|人武|指挥)部$')
        then 'a central ministry under a local jurisdiction'
    -- a national agency or enterprise under a province or city: 广东省国家能源局
    when {{ jurisdiction }} is not null and regexp_matches({{ unit_zh }}, '^(国家|国务院|中国|中央|中共中央|海关总署)')
        then 'a national body under a local jurisdiction'
    -- a deadline taken for a name: 广东省完成时限:2018年底前, 广东省2018年 (a year inside a name is
    -- no deadline: 2008年北京奥运会首都国际机场协调委员会)
    when regexp_matches({{ name_zh }}, '时限|完成|年底|底前|年前|时间节点|持续推进|长期坚持|[0-9]{4}年($|底|前|内|[0-9]{1,2}月)')
        then 'a deadline taken for a name'
    -- a role phrase taken for a name: 广东省由省发展改革委, …会同省财政厅
    when regexp_matches({{ name_zh }}, '职责|分工|牵头|配合|负责|[省市区县州]由|[委厅局办府]会同')
        then 'a role phrase taken for a name'
end
{%- endmacro %}

{#- A target year no plan has: before the People's Republic or past 2100 (a misread number). -#}
{% macro target_year_problem(target_year, target_year_end) -%}
case
    when {{ target_year }} not between 1949 and 2100 then 'target year ' || {{ target_year }} || ' is outside 1949–2100'
    when {{ target_year_end }} not between 1949 and 2100 then 'end year ' || {{ target_year_end }} || ' is outside 1949–2100'
end
{%- endmacro %}

{#- Text a reader cannot read: undecodable PDF glyphs, replacement or private-use characters. -#}
{% macro text_problem(text) -%}
case
    when contains({{ text }}, '(cid:') then 'undecodable PDF glyphs (cid:…)'
    when contains({{ text }}, chr(65533)) then 'replacement characters (U+FFFD)'
    when regexp_matches({{ text }}, '[\x{E000}-\x{F8FF}]') then 'private-use characters'
end
{%- endmacro %}
