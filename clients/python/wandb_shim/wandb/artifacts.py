"""wandb.Artifact over Sweep's artifact store.

An Artifact collects local files (add_file, add_dir); run.log_artifact
stores them as the next version of the named artifact (identical files to
the latest version: no new version, as W&B does) and fills in version,
digest and aliases. run.use_artifact("name:v3" | "name:latest" | "name:alias")
returns a logged Artifact whose download() gives a local folder with its files.

As in W&B, new_file(name) is a file that joins the artifact when closed, add(obj, name) stores a
wandb.Table (or other stored media) as `name.<type>.json`, and add_reference("file://...") takes
the referenced file or folder's contents (W&B hashes them; other schemes are not supported here).
"""
import contextlib
import os
import shutil
import tempfile
from urllib.parse import unquote, urlparse

from sweep_client import _artifact_store

# W&B's _log_type of the media classes its Artifact.add accepts: the middle of the entry name.
_MEDIA_TYPES = {"Table": "table", "Image": "image-file", "Html": "html-file", "Audio": "audio-file",
                "Video": "video-file"}


class Artifact:
    def __init__(self, name, type="artifact", description=None, metadata=None, **_ignored):  # noqa: A002
        self.name = name
        self.type = type
        self.description = description
        self.metadata = dict(metadata or {})
        self._entries = {}  # entry name -> absolute local path
        self.version = None  # "v3" once logged or used
        self.digest = None
        self.aliases = []
        self._doc = None  # what the store said about the version
        self._run_id = None
        self._scratch = None  # new_file/add's files: a TemporaryDirectory, removed with the Artifact (as W&B's)

    def add_file(self, local_path, name=None, **_ignored):
        path = os.path.abspath(str(local_path))
        if not os.path.isfile(path):
            raise FileNotFoundError("Artifact.add_file: no such file: %s" % path)
        self._entries[name or os.path.basename(path)] = path

    def add_dir(self, local_path, name=None, **_ignored):
        """Add every file under `local_path`, keeping relative paths (under `name` if given)."""
        root = os.path.abspath(str(local_path))
        for folder, _dirs, files in os.walk(root):
            for file_name in sorted(files):
                path = os.path.join(folder, file_name)
                relative = os.path.relpath(path, root)
                self.add_file(path, name=os.path.join(name, relative) if name else relative)

    @contextlib.contextmanager
    def new_file(self, name, mode="w", encoding=None):
        """An open file in a scratch folder, added to the artifact as `name` when the block closes."""
        path = os.path.join(self._scratch_folder(), name.lstrip("/"))
        if os.path.exists(path):
            raise ValueError("Artifact.new_file: a file named %r was already added" % name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode, encoding=encoding) as handle:
            yield handle
        self.add_file(path, name=name)

    def add(self, obj, name):
        """Store a wandb media object (e.g. a Table) as `name.<type>.json`, W&B's entry name (an
        Image's PNG under its own name); a name already added keeps its first object, as in W&B."""
        from .media import Media
        log_type = _MEDIA_TYPES.get(type(obj).__name__)
        if not isinstance(obj, Media) or not obj.stored or log_type is None:
            raise ValueError("Artifact.add: found %s, expected one of %s" % (type(obj).__name__,
                                                                               ", ".join(sorted(_MEDIA_TYPES))))
        suffix = ".%s.json" % log_type
        stem = name[:-len(suffix)] if name.endswith(suffix) else name
        if stem + suffix in self._entries:
            return
        folder = tempfile.mkdtemp(dir=self._scratch_folder())
        os.makedirs(os.path.dirname(os.path.join(folder, stem)), exist_ok=True)
        written = obj._write(os.path.join(folder, stem))
        for path in [p for p in written if p.endswith(suffix)] or written:  # a Table's CSV twin stays out
            self.add_file(path, name=os.path.relpath(path, folder))

    def _scratch_folder(self):
        if self._scratch is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="sweep-artifact-new-")
        return self._scratch.name

    def add_reference(self, uri, name=None, checksum=True, max_objects=None, **_ignored):
        """file:// references: the file's (or folder's files') contents join the artifact, under
        `name` or the file name (a folder's files keep their relative paths, under `name` if given)."""
        parsed = urlparse(str(uri))
        if not parsed.scheme:
            raise ValueError("References must be URIs. To reference a local file, use file://")  # W&B's words
        if parsed.scheme != "file":
            from . import _note_noop
            _note_noop("Artifact.add_reference of %s:// URIs" % parsed.scheme)
            return
        path = unquote(parsed.path)
        if os.path.isdir(path):
            self.add_dir(path, name=name)
        elif os.path.isfile(path):
            self.add_file(path, name=name)
        else:
            raise ValueError("Artifact.add_reference: no such file or folder: %s" % path)

    def entries(self):
        """(entry name, absolute path) pairs in insertion order."""
        return list(self._entries.items())

    @property
    def qualified_name(self):
        return "%s:%s" % (self.name, self.version) if self.version else self.name

    def wait(self, timeout=None):
        """Logging is synchronous here: the version is known when log_artifact returns."""
        return self

    def download(self, root=None, **_ignored):
        """A local folder with the version's files: the store's shared read-only copy, or
        writable copies under `root` when given."""
        if self._doc is None:
            raise ValueError("Artifact.download: %s was not logged or used" % self.name)
        if root is None:
            return self._doc["path"] if "path" in self._doc else self._use()["path"]
        root = os.path.abspath(str(root))
        source = self._doc["path"] if "path" in self._doc else self._use()["path"]
        shutil.copytree(source, root, dirs_exist_ok=True, copy_function=shutil.copyfile)
        return root

    def file(self, root=None):
        """The path of the version's only file (W&B raises when there are several)."""
        folder = self.download(root)
        files = [os.path.join(d, f) for d, _s, names in os.walk(folder) for f in names]
        if len(files) != 1:
            raise ValueError("Artifact.file: %s has %d files, not one" % (self.qualified_name, len(files)))
        return files[0]

    def _use(self):
        self._doc = _artifact_store.use_version("%s:%s" % (self.name, self.version), run_id=self._run_id,
                                                project=self._doc.get("project"))
        return self._doc

    def _set_version(self, doc, run_id=None):
        """Fill in what the store says about the logged or used version."""
        self._doc = doc
        self._run_id = run_id
        self.name = doc["name"]
        self.type = doc["type"]
        self.version = doc["version"]
        self.digest = doc["digest"]
        self.aliases = list(doc.get("aliases", []))
        self.metadata = dict(doc.get("metadata") or {})


def staged_folder(artifact):
    """A temporary folder holding the artifact's entries under their names (hard links where the
    filesystem allows, else copies), for `sweep artifact log`; the caller removes it."""
    folder = tempfile.mkdtemp(prefix="sweep-artifact-")
    for entry_name, path in artifact.entries():
        target = os.path.join(folder, entry_name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    return folder
