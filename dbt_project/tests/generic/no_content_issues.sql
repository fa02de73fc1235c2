{#- Warns (never fails the build) when a content check found problems: one row per check that
    did, with how many rows it quarantined. -#}
{% test no_content_issues(model, column_name) %}
select {{ column_name }} as check_name, count(*) as issues
from {{ model }}
group by {{ column_name }}
{% endtest %}
