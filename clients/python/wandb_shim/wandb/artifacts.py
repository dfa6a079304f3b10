"""wandb.Artifact, reduced to a named list of local files."""
import os


class Artifact:
    def __init__(self, name, type="artifact", description=None, metadata=None, **_ignored):
        self.name = name
        self.type = type
        self.description = description
        self.metadata = dict(metadata or {})
        self._entries = {}  # entry name -> absolute local path

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

    def add_reference(self, *args, **kwargs):
        from . import _note_noop
        _note_noop("Artifact.add_reference")

    def entries(self):
        """(entry name, absolute path) pairs in insertion order."""
        return list(self._entries.items())
