"""Dagster definitions: thin assets over the pure functions in pipelines/."""
