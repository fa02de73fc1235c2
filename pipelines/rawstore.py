"""Content-addressed store for fetched bytes: raw/objects/ab/abcdef… (SHA-256 of the bytes).

Bytes are written once and never deleted by the pipeline, so every version of every document
that was ever fetched stays on disk, and re-fetching identical bytes costs nothing. An object
whose bytes no longer match its name (disk corruption, a hand edit) is noticed when it is read
or reused, and rewritten from fresh bytes when the source is fetched again.
"""
from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path


class CorruptObject(OSError):
    """A stored object's bytes do not hash to its name."""


def describe_os_error(e: OSError) -> str:
    """``No space left on device (ENOSPC) at /raw/objects/ab``: the cause, its code and where."""
    code = errno.errorcode.get(e.errno or 0)
    text = e.strerror or str(e)
    where = f" at {e.filename}" if e.filename else ""
    return f"{text}{f' ({code})' if code else ''}{where}"


class RawStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` and return its SHA-256 hex digest. An object already there is kept if
        its bytes are right and rewritten if they are not. Raises OSError (ENOSPC, EROFS …)."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path_for(sha)
        if target.exists() and self.verify(sha):
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
            raise CorruptObject(
                f"raw object {sha256[:12]}… is corrupt on disk ({self.path_for(sha256)}): "
                "it will be fetched again on the next run"
            )
        return data

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def verify(self, sha256: str) -> bool:
        """True if the object exists and its bytes hash to its name."""
        h = hashlib.sha256()
        try:
            with open(self.path_for(sha256), "rb") as f:
                while chunk := f.read(1 << 20):
                    h.update(chunk)
        except OSError:
            return False
        return h.hexdigest() == sha256
