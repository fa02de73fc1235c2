"""Frames handed from compute to the loader as Parquet files, on any fsspec filesystem.

The fan-out path (``pipelines.defs.fanout``) computes each source's frames in steps that never
open DuckDB (other processes, other machines) and leaves them here; the one writer reads them
back and loads them. The layout, under the store's URL (a local folder by default, ``s3://…``
or any fsspec URL by NOTICES_FRAMES_URL)::

    <stage>/<source_id>/<key>/<table>.parquet   one file per output table
    <stage>/<source_id>/<key>/_done.json        written last: the tables, or the source's error

``key`` is a digest of the stage's input key and code version, so frames made from other bytes or
by other code are never loaded by mistake. A folder without ``_done.json`` is an unfinished
write (a step that died) and reads as absent.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

import fsspec
import polars as pl

from pipelines.workers import WorkError

_DONE = "_done.json"


def frames_url(warehouse: Path) -> str:
    """NOTICES_FRAMES_URL, or ``frames/`` beside the warehouse file."""
    return os.environ.get("NOTICES_FRAMES_URL") or str(Path(warehouse).resolve().parent / "frames")


def frames_key(input_key: str, code_version: str) -> str:
    return hashlib.sha256(f"{input_key}\0{code_version}".encode()).hexdigest()[:20]


class FrameStore:
    """Write and read one source's frames of one stage (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.fs, self.root = fsspec.core.url_to_fs(url)

    def _folder(self, stage: str, source_id: str, key: str | None = None) -> str:
        parts = [self.root.rstrip("/"), stage, source_id] + ([key] if key else [])
        return "/".join(parts)

    def write(self, stage: str, source_id: str, key: str, outcome: Mapping[str, pl.DataFrame] | WorkError) -> None:
        """Store a source's frames (or its error) under ``key``; older keys of the source go."""
        folder = self._folder(stage, source_id, key)
        self.fs.makedirs(folder, exist_ok=True)
        if isinstance(outcome, WorkError):
            done = {"error": {"kind": outcome.kind, "message": outcome.message}}
        else:
            for table, frame in outcome.items():
                with self.fs.open(f"{folder}/{table}.parquet", "wb") as f:
                    frame.write_parquet(f)
            done = {"tables": {table: frame.height for table, frame in outcome.items()}}
        with self.fs.open(f"{folder}/{_DONE}", "w") as f:
            f.write(json.dumps(done))
        parent = self._folder(stage, source_id)
        for other in self.fs.ls(parent, detail=False):
            if other.rstrip("/").rsplit("/", 1)[-1] != key:
                self.fs.rm(other, recursive=True)

    def read(
        self, stage: str, source_id: str, key: str, schemas: Mapping[str, pl.DataFrame] | None = None,
    ) -> dict[str, pl.DataFrame] | WorkError | None:
        """The frames stored under ``key`` (cast to ``schemas``' dtypes when given), the stored
        error, or None when nothing complete is there."""
        folder = self._folder(stage, source_id, key)
        try:
            with self.fs.open(f"{folder}/{_DONE}", "r") as f:
                done = json.loads(f.read())
        except FileNotFoundError:
            return None
        if "error" in done:
            return WorkError(done["error"]["kind"], done["error"]["message"])
        frames = {}
        for table in done["tables"]:
            with self.fs.open(f"{folder}/{table}.parquet", "rb") as f:
                frame = pl.read_parquet(f)
            if schemas is not None and table in schemas:
                frame = frame.cast(dict(schemas[table].schema))
            frames[table] = frame
        return frames
