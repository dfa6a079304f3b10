"""Files a run logs (log_artifact(s), log_dict, log_text, log_figure, log_image) as artifacts of
the run, under MLflow's artifact paths ("<artifact_path>/<file name>").

Files made from values (a dict, a text, a figure) are written into the run's scratch folder, which
lives until the run has ended: outside a sweep `sweep record` copies them after they are sent.
"""
import json
import os

from sweep_client._warn import warn_once

_IMAGE_DIR = "images"


def _joined(artifact_path, name):
    return "/".join(p for p in (artifact_path or "").replace("\\", "/").split("/") + [name] if p)


def log_file(run, local_path, artifact_path=None):
    """MLflow's log_artifact: `local_path` lands at `<artifact_path>/<its file name>`."""
    if os.path.isdir(local_path):
        return log_dir(run, local_path, artifact_path)
    run.log_artifact(local_path, _joined(artifact_path, os.path.basename(local_path)))


def log_dir(run, local_dir, artifact_path=None):
    """MLflow's log_artifacts: every file under `local_dir`, keeping its path below it."""
    for root, dirs, files in os.walk(local_dir):
        dirs.sort()
        relative = os.path.relpath(root, local_dir)
        for name in sorted(files):
            inner = name if relative == "." else os.path.join(relative, name)
            run.log_artifact(os.path.join(root, name), _joined(artifact_path, inner.replace(os.sep, "/")))


def _scratch_file(run, artifact_file):
    path = os.path.join(run.scratch_dir(), *[p for p in artifact_file.replace("\\", "/").split("/") if p not in ("", ".", "..")])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def log_text(run, text, artifact_file):
    path = _scratch_file(run, artifact_file)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    run.log_artifact(path, artifact_file)


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
    run.log_artifact(path, artifact_file)


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
    run.log_artifact(path, artifact_file)
