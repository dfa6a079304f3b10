"""Copying a file into the run's artifacts folder and describing it (SHA-256, size)."""
import hashlib
import os
import shutil

ARTIFACTS_DIR_NAME = "artifacts"
_HASH_CHUNK_BYTES = 1 << 20


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def safe_relative_name(name):
    """`name` as a relative path that cannot leave the artifacts folder ("a/../../x" -> "a/x")."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    if not parts:
        raise ValueError("artifact name %r has no usable path component" % name)
    return os.path.join(*parts)


def store_artifact(source, name, run_dir):
    """Copy `source` to run_dir/artifacts/<name> (or leave it in place when run_dir is None).

    Returns the protocol message. Without a run folder (standalone mode)
    the message names the source file and `sweep record` copies it.
    """
    source = os.path.abspath(source)
    if not os.path.isfile(source):
        raise FileNotFoundError("log_artifact: no such file: %s" % source)
    if name is None:
        name = os.path.basename(source)
    if run_dir is None:
        destination = source
    else:
        destination = os.path.abspath(os.path.join(run_dir, ARTIFACTS_DIR_NAME, safe_relative_name(name)))
        os.makedirs(os.path.dirname(destination), exist_ok=True)
        if destination != source:
            shutil.copyfile(source, destination)
    return {
        "t": "artifact",
        "name": name,
        "path": destination,
        "sha256": sha256_of(destination),
        "size": os.path.getsize(destination),
    }
