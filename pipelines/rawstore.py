"""Content-addressed store for fetched bytes: raw/objects/ab/abcdef… (SHA-256 of the bytes).

Bytes are written once and never changed or deleted by the pipeline, so every version of every
document that was ever fetched stays on disk, and re-fetching identical bytes costs nothing.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (if not already there) and return its SHA-256 hex digest."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if target.exists():
            return sha
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename: a run killed mid-write never leaves a torn object.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return sha

    def get(self, sha256: str) -> bytes:
        data = self.path_for(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"raw object {sha256} is corrupt on disk ({self.path_for(sha256)})")
        return data

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()
