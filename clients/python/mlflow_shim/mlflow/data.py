"""mlflow.data: datasets a run used (from_numpy, from_pandas) and log_input's record of them.

log_input records the dataset as a data version of the run (sweep_client's Run.log_input with the
dataset's name, digest and source: `sweep show`/`sweep diff` list it); log_input's tags become run
tags `dataset.<name>.<tag>`. With a sweep_client that has no log_input, the whole record is kept as
tags `dataset.<name>.digest`, `.source`, `.context`.
The digest is MLflow's (mlflow/data/digest_utils.py): the first 8 hex digits of an MD5 over pandas'
hashes of the first 10,000 rows (string and number columns) or array elements, with the length,
column names or shape; without pandas, of SHA-256 over all the data's bytes.
"""
import collections
import hashlib

_DIGEST_CHARS = 8
_DIGEST_SAMPLE = 10000  # MLflow's MAX_ROWS: rows (or array elements) that enter the digest
_TAG_PREFIX = "dataset."

DatasetInput = collections.namedtuple("DatasetInput", "dataset tags")


class Dataset:
    """name, digest, source (a string: where the data came from), profile, schema."""

    def __init__(self, name, digest, source, profile=None, schema=None):
        self.name, self.digest, self.source = name, digest, source
        self.profile, self.schema = profile, schema

    def to_dict(self):
        return {"name": self.name, "digest": self.digest, "source": self.source}

    def __repr__(self):
        return "<Dataset %s digest=%s source=%s>" % (self.name, self.digest, self.source)


def _digest_of(*arrays):
    """A digest of data without pandas (MLflow's rule needs pandas' hashes)."""
    digest = hashlib.sha256()
    for array in arrays:
        if array is None:
            continue
        if hasattr(array, "to_numpy"):
            array = array.to_numpy()
        if hasattr(array, "tobytes"):
            digest.update(array.tobytes())
        else:
            digest.update(repr(array).encode("utf-8"))
    return digest.hexdigest()[:_DIGEST_CHARS]


def _md5_digest(elements):
    md5 = hashlib.md5(usedforsecurity=False)  # a fingerprint, as in MLflow, not a security hash
    for element in elements:
        md5.update(element)
    return md5.hexdigest()[:_DIGEST_CHARS]


def _pandas_digest(df):
    """MLflow's compute_pandas_digest: the sampled rows' string and number columns, length, names."""
    import numpy
    import pandas
    sample = df.head(_DIGEST_SAMPLE)
    cell_types = df.map(type) if hasattr(df, "map") else df.applymap(type)
    columns = sample.columns[(cell_types == str).all(0)].union(
        sample.select_dtypes(include=[numpy.number]).columns)
    return _md5_digest([pandas.util.hash_pandas_object(sample[columns]).values, numpy.int64(len(df))]
                       + [str(name).encode() for name in df.columns])


def _numpy_digest(features, targets=None):
    """MLflow's compute_numpy_digest: each array's first elements and its shape (dicts: by key)."""
    import numpy
    import pandas
    elements = []

    def add(array):
        array = numpy.asarray(array)
        sample = array.flatten()[:_DIGEST_SAMPLE]
        try:
            elements.append(pandas.util.hash_array(sample))
        except TypeError:
            elements.append(numpy.int64(sample.size))
        elements.extend(numpy.int64(size) for size in array.shape)

    for item in (features, targets):
        if isinstance(item, dict):
            for key in sorted(item):
                add(item[key])
        elif item is not None:
            add(item)
    return _md5_digest(elements)


def _pandas_available():
    try:
        import numpy  # noqa: F401
        import pandas  # noqa: F401
    except ImportError:
        return False
    return True


def _source_text(source):
    if source is None:
        return "unknown"
    return getattr(source, "uri", None) or getattr(source, "url", None) or str(source)


def from_numpy(features, source=None, targets=None, name=None, digest=None):
    if not digest:
        digest = _numpy_digest(features, targets) if _pandas_available() else _digest_of(features, targets)
    return Dataset(name or "dataset", digest, _source_text(source),
                   profile={"features_shape": list(getattr(features, "shape", []))})


def from_pandas(df, source=None, targets=None, name=None, digest=None, predictions=None):
    if not digest:
        digest = _pandas_digest(df) if _pandas_available() else _digest_of(df)
    return Dataset(name or "dataset", digest, _source_text(source), profile={"num_rows": len(df)})


def record_input(run, dataset, context=None, tags=None):
    """log_input: the dataset's name, digest, source and context as a data version of `run` (an
    ActiveRun); tags as run tags."""
    name = getattr(dataset, "name", None) or "dataset"
    prefix = _TAG_PREFIX + name + "."
    digest, source = str(getattr(dataset, "digest", "") or ""), _source_text(getattr(dataset, "source", None))
    values = {prefix + str(key): value for key, value in (tags or {}).items()}
    core_log_input = getattr(run._core, "log_input", None)
    if core_log_input is not None:
        core_log_input(name=name, context=context, digest=digest, source=source)
    else:  # an older sweep_client: no data versions, so the record goes to tags
        values.update({prefix + "digest": digest, prefix + "source": source})
        if context:
            values[prefix + "context"] = context
    if values:
        run.set_tags(values)
    run.add_dataset(DatasetInput(dataset=dataset, tags=dict(tags or {}, **({"mlflow.data.context": context}
                                                                           if context else {}))))
