{#- on-run-end: record the build in meta.dbt_builds, so the reader snapshot can tell whether it
    follows the marts (pipelines/publish.py). A build run by hand, outside the pipeline, leaves
    the snapshot behind: say so loudly, with the command that publishes it. -#}
{% macro record_build() %}
    {%- if execute -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list | length -%}
        {%- set by_pipeline = env_var('NOTICES_PIPELINE_DBT', '') != '' -%}
        {%- if not by_pipeline and flags.WHICH in ('build', 'run', 'seed') -%}
            {{ log("WARNING: the marts changed but the reader snapshot did not: readers see the previous build until you run `make publish` (or `python -m pipelines.cli publish`).", info=True) }}
        {%- endif -%}
        create schema if not exists meta;
        create table if not exists meta.dbt_builds (
            invocation_id varchar, command varchar, finished_at timestamptz, failures integer, by_pipeline boolean
        );
        insert into meta.dbt_builds values (
            '{{ invocation_id }}', '{{ flags.WHICH }}', now(), {{ failed }}, {{ 'true' if by_pipeline else 'false' }}
        );
    {%- else -%}
        select 1
    {%- endif -%}
{% endmacro %}
