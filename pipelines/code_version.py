"""Code versions derived from source files, so a changed parser re-processes what it parsed."""
from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path


def modules_version(modules: list[str], data_files: list[Path] = ()) -> str:
    """Short SHA-256 over the source text of the named modules and the data files they read."""
    h = hashlib.sha256()
    paths: list[tuple[str, Path]] = []
    for name in sorted(modules):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(name)
        paths.append((name, Path(spec.origin)))
    paths += [(p.name, Path(p)) for p in sorted(data_files)]
    for name, path in paths:
        h.update(name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]
