-- Project mentions of each document's canonical source and attachments, with the project they name and a category.
--
-- The category comes from seed project_categories: the highest-priority pattern found in the
-- normalised name; failing that, in the run's list noun (…等铁路项目); failing that, in the
-- paragraph's topic (铁路方面: 柳州至广州 is a railway).

with mentions as (
    select m.*, ds.document_id
    from {{ ref('stg_project_mentions') }} as m
    inner join {{ ref('int_document_sources') }} as ds
        on ds.source_id = m.source_id and ds.supplies_clauses
),

matches as (
    select
        m.mention_id,
        c.category,
        c.category_en,
        c.priority,
        case
            when regexp_matches(m.name_normalized, c.pattern) then 1
            when regexp_matches(coalesce(m.list_noun, ''), c.pattern) then 2
            when regexp_matches(coalesce(m.topic, ''), c.pattern) then 3
        end as matched_on
    from mentions as m
    cross join {{ ref('project_categories') }} as c
),

best as (
    select mention_id, category, category_en, matched_on
    from matches
    where matched_on is not null
    qualify row_number() over (partition by mention_id order by matched_on, priority desc, category) = 1
)

select
    m.mention_id,
    'prj_' || substr(md5(m.name_normalized), 1, 12) as project_id,
    m.document_id,
    m.source_id,
    m.clause_id,
    m.name,
    m.name_normalized,
    m.note,
    m.stage,
    case m.stage
        when 'planning' then 1 when 'preliminary' then 2 when 'construction' then 3 when 'completion' then 4
    end as stage_rank,
    m.verb,
    m.list_noun,
    m.topic,
    b.category,
    b.category_en,
    case b.matched_on when 1 then 'name' when 2 then 'list_noun' when 3 then 'topic' end as category_source,
    m.char_start,
    m.char_end,
    m.page
from mentions as m
left join best as b using (mention_id)
