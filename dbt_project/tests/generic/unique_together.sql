{% test unique_together(model, columns) %}
-- The combination of the given columns identifies a row (a bridge's grain).
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
