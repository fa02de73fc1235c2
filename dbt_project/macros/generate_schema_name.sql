{#- Use the folder's schema name as is (marts, staging, …) instead of dbt's "<target>_<custom>",
    so analysts and BI tools see stable schema names. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
