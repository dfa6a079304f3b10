"""Files a run logs (log_artifact(s), log_dict, log_text, log_figure, log_image), under MLflow's
artifact paths ("<artifact_path>/<file name>").

Where they go depends on what sweep_client offers. With versioned artifacts (the artifact store),
log_artifact(s) make the next version of a named artifact of the run's project, named after the
first component of the MLflow path ("model.pkl", or "checkpoints" for artifact_path="checkpoints"),
so "runs:/<run>/<path>" names it for register_model; without them, and always for log_dict,
log_text, log_figure and log_image, they are files of the run (artifacts/<MLflow path>).

Files made from values (a dict, a text, a figure) are written into the run's scratch folder, which
lives until the run has ended: outside a sweep `sweep record` copies them after they are sent.
"""
import json
import os
import re

from sweep_client._warn import warn_once

_IMAGE_DIR = "images"
# Artifact names are W&B's: letters, digits, '_', '-' and '.'.
_NOT_IN_ARTIFACT_NAMES = re.compile(r"[^A-Za-z0-9_.\-]")


def _joined(artifact_path, name):
    return "/".join(p for p in (artifact_path or "").replace("\\", "/").split("/") + [name] if p)


def artifact_name(mlflow_path):
    """The versioned artifact an MLflow artifact path belongs to: its first component, made a valid name."""
    first = [p for p in mlflow_path.replace("\\", "/").split("/") if p][0]
    return _NOT_IN_ARTIFACT_NAMES.sub("-", first)


def log_file(run, local_path, artifact_path=None):
    """MLflow's log_artifact: `local_path` lands at `<artifact_path>/<its file name>`."""
    if os.path.isdir(local_path):
        return log_dir(run, local_path, artifact_path)
    path = _joined(artifact_path, os.path.basename(local_path))
    if run.has_versioned_artifacts():
        return run.log_version(local_path, artifact_name(path))
    run.save_file(local_path, path)


def log_dir(run, local_dir, artifact_path=None, artifact_type=None):
    """MLflow's log_artifacts: every file under `local_dir`, keeping its path below it."""
    if run.has_versioned_artifacts():
        return run.log_version(local_dir, artifact_name(artifact_path or os.path.basename(os.path.abspath(local_dir))),
                               artifact_type)
    save_dir(run, local_dir, artifact_path)


def save_dir(run, local_dir, artifact_path=None):
    """Every file under `local_dir` as files of the run under `artifact_path`."""
    for root, dirs, files in os.walk(local_dir):
        dirs.sort()
        relative = os.path.relpath(root, local_dir)
        for name in sorted(files):
            inner = name if relative == "." else os.path.join(relative, name)
            run.save_file(os.path.join(root, name), _joined(artifact_path, inner.replace(os.sep, "/")))


def _scratch_file(run, artifact_file):
    path = os.path.join(run.scratch_dir(), *[p for p in artifact_file.replace("\\", "/").split("/") if p not in ("", ".", "..")])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def log_text(run, text, artifact_file):
    path = _scratch_file(run, artifact_file)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    run.save_file(path, artifact_file)


def log_dict(run, dictionary, artifact_file):
    """JSON for a .json file, YAML for .yaml/.yml (as MLflow; JSON when PyYAML is missing), else JSON."""
    extension = os.path.splitext(artifact_file)[1].lower()
    if extension in (".yaml", ".yml"):
        try:
            import yaml
            text = yaml.safe_dump(dictionary, default_flow_style=False, sort_keys=False)
        except ImportError:
            warn_once("mlflow-yaml", "mlflow.log_dict: PyYAML is not installed; %s is written as JSON" % artifact_file)
            text = json.dumps(dictionary, indent=2)
    else:
        text = json.dumps(dictionary, indent=2)
    log_text(run, text, artifact_file)


def log_figure(run, figure, artifact_file, save_kwargs=None):
    """A matplotlib figure (savefig) or a plotly one (write_html / write_image), as MLflow takes them."""
    path = _scratch_file(run, artifact_file)
    if hasattr(figure, "savefig"):
        figure.savefig(path, **(save_kwargs or {}))
    elif hasattr(figure, "write_html") and path.endswith(".html"):
        figure.write_html(path, **(save_kwargs or {}))
    elif hasattr(figure, "write_image"):
        figure.write_image(path, **(save_kwargs or {}))
    else:
        raise TypeError("Unsupported figure object type: '%s'" % type(figure))
    run.save_file(path, artifact_file)


def log_image(run, image, artifact_file=None, key=None, step=None):
    """A PIL image or a numpy array (HxW, HxWx3, HxWx4; floats in [0, 1] or integers in [0, 255]).
    `artifact_file` as MLflow's old form; `key`/`step` as its new one (images/<key>/step_<n>.png).
    Needs Pillow (as MLflow does); without it the call is noted once and skipped."""
    try:
        from PIL import Image
    except ImportError:
        warn_once("mlflow-pil", "mlflow.log_image needs Pillow (pip install Pillow); the image is not logged")
        return
    if not hasattr(image, "save"):
        import numpy
        array = numpy.asarray(image)
        if array.dtype.kind == "f":
            array = (numpy.clip(array, 0.0, 1.0) * 255).round()
        image = Image.fromarray(array.astype(numpy.uint8))
    if artifact_file is None:
        if key is None:
            raise ValueError("log_image needs artifact_file, or key (and step)")
        artifact_file = "%s/%s/step_%d.png" % (_IMAGE_DIR, key, int(step or 0))
    path = _scratch_file(run, artifact_file)
    image.save(path)
    run.save_file(path, artifact_file)
