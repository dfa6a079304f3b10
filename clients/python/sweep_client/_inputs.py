"""Data versions: the content digest of a dataset a run reads (run.log_input).

The rule is the one `sweep` applies to a spec's `inputs:`
(agents/host/data_digest.h), so both agree on the same data:
  file    SHA-256 of its bytes;
  folder  SHA-256 of its `sha256sum`-style listing, one line
          "<hex sha256>  <relative '/'-path>\\n" per regular file below it
          (symlinks to files followed, symlinked folders not entered),
          sorted bytewise by relative path.
Size is the sum of the files' sizes; a .csv/.tsv file also counts its data
rows (lines after the header).

A file's digest is cached by (path, size, mtime) in a JSON file under the
user's cache folder ($XDG_CACHE_HOME/sweep, else ~/.cache/sweep), the one
`sweep` uses for a spec's inputs (agents/host/file_digest_cache.h), so a
10 GB dataset is read once while it does not change.
"""
import hashlib
import json
import os
import tempfile

# Bytes read at a time while hashing.
READ_CHUNK_BYTES = 1 << 20
# As agents/host/data_digest.h: a folder with more files is not hashed.
MAX_DIGEST_FILES = 1000000
# Cache entries kept at most (one per file hashed); the oldest go first.
MAX_CACHE_ENTRIES = 100000
_ROW_EXTENSIONS = (".csv", ".tsv")


def _cache_path():
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(root, "sweep", "file_digests.json")


class _DigestCache:
    """(path, size, mtime_ns) -> [sha256, newlines, ends_with_newline], read once, written when it grew."""

    def __init__(self):
        self._path = _cache_path()
        self._entries = None
        self._dirty = False

    def _load(self):
        if self._entries is None:
            try:
                with open(self._path, encoding="utf-8") as handle:
                    loaded = json.load(handle)
                self._entries = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._entries = {}
        return self._entries

    @staticmethod
    def _key(path, stat):
        # As agents/host/file_digest_cache.h writes it: the two share the file.
        return "%d:%d:%s" % (stat.st_size, stat.st_mtime_ns, path)

    def get(self, path, stat):
        entry = self._load().get(self._key(path, stat))
        return entry if isinstance(entry, list) and len(entry) == 3 else None

    def put(self, path, stat, entry):
        entries = self._load()
        entries[self._key(path, stat)] = entry
        while len(entries) > MAX_CACHE_ENTRIES:
            entries.pop(next(iter(entries)))
        self._dirty = True

    def save(self):
        """Write the cache atomically; a cache that cannot be written only costs a re-read later."""
        if not self._dirty:
            return
        try:
            os.makedirs(os.path.dirname(self._path), exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=os.path.dirname(self._path), suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._entries, handle)
            os.replace(temporary, self._path)
            self._dirty = False
        except OSError:
            pass


def _hash_file(path, cache, count_lines):
    """([sha256, newline count or None, ends with a newline], size) of one file, cached while unchanged.

    Newlines are counted (and cached) only when `count_lines`; a cached entry without them is read again.
    """
    stat = os.stat(path)
    real = os.path.realpath(path)
    cached = cache.get(real, stat)
    if cached is not None and (cached[1] is not None or not count_lines):
        return cached, stat.st_size
    digest, newlines, last = hashlib.sha256(), 0, b"\n"
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(READ_CHUNK_BYTES)
            if not chunk:
                break
            digest.update(chunk)
            if count_lines:
                newlines += chunk.count(b"\n")
            last = chunk[-1:]
    entry = [digest.hexdigest(), newlines if count_lines else None, last == b"\n"]
    cache.put(real, stat, entry)
    return entry, stat.st_size


def _folder_files(folder):
    """(relative '/'-path, path) of every regular file below `folder`, symlinked folders not entered."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(root, d))]
        for name in files:
            path = os.path.join(root, name)
            if os.path.isfile(path):
                found.append((os.path.relpath(path, folder).replace(os.sep, "/"), path))
                if len(found) > MAX_DIGEST_FILES:
                    raise ValueError("%s has more than %d files; name the data files or a smaller folder"
                                     % (folder, MAX_DIGEST_FILES))
    found.sort(key=lambda item: item[0].encode("utf-8", "surrogateescape"))
    return found


def digest_data(path):
    """{"digest", "size", "files", "rows" (.csv/.tsv files)} of a file or folder; see the module docstring."""
    cache = _DigestCache()
    try:
        if os.path.isdir(path):
            listing, size = [], 0
            files = _folder_files(path)
            for relative, full in files:
                (sha, _, _), file_size = _hash_file(full, cache, count_lines=False)
                listing.append("%s  %s\n" % (sha, relative))
                size += file_size
            return {"digest": hashlib.sha256("".join(listing).encode("utf-8", "surrogateescape")).hexdigest(),
                    "size": size, "files": len(files)}
        if not os.path.isfile(path):
            raise FileNotFoundError("no such file or folder: %s" % path)
        counts = os.path.splitext(path)[1].lower() in _ROW_EXTENSIONS
        (sha, newlines, ends_with_newline), size = _hash_file(path, cache, count_lines=counts)
        out = {"digest": sha, "size": size, "files": 1}
        if counts and size > 0:
            lines = newlines + (0 if ends_with_newline else 1)
            out["rows"] = max(lines - 1, 0)  # the header is not a row
        return out
    finally:
        cache.save()


def input_message(path, name=None, context=None):
    """The "input" protocol message (PROTOCOL.md) for the data at `path`."""
    full = os.path.abspath(path)
    message = {"t": "input", "name": str(name) if name else os.path.basename(full.rstrip(os.sep)),
               "path": full, "context": str(context or "")}
    message.update(digest_data(full))
    return message
