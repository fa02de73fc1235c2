"""Scoring the pipeline on real notices it has never seen (``make eval``; see eval/README.md)."""
