"""W&B's MongoDB-style run filters ({"config.lr": {"$gt": 0.01}}), evaluated on runs in Python.

W&B sends these filters to its server, which evaluates them over the run's
fields; here they are evaluated on the runs read from the store, with the
same meaning for the operators scripts use: $eq $ne $gt $gte $lt $lte $in
$nin $exists $regex $and $or $nor $not, and a plain value as equality.
A list field (tags) matches a value when it contains it, as in MongoDB.
"""
import re

MISSING = object()  # field_value's answer for a field the run does not have
# W&B's run field names in filters (GraphQL names and their snake_case forms).
_RUN_FIELDS = {
    "state": "state", "tags": "tags", "notes": "notes", "group": "group",
    "jobType": "job_type", "job_type": "job_type",
    "displayName": "name", "display_name": "name",
    "name": "id", "id": "id",  # W&B's `name` in filters is the run id
    "createdAt": "created_at", "created_at": "created_at",
    "sweep": "sweep_id",
}
_SECTIONS = {"config": "config", "summary_metrics": "summary", "summary": "summary"}


class FilterError(ValueError):
    """A filter this module cannot evaluate (unknown operator, wrong operand type)."""


def field_value(run, path):
    """The value `path` ("config.lr", "summary_metrics.loss", "state", ...) names on `run`, or MISSING."""
    section, _, rest = path.partition(".")
    if section in _SECTIONS and rest:
        values = getattr(run, _SECTIONS[section])
        if section == "config" and rest.endswith(".value"):
            rest = rest[: -len(".value")]  # W&B stores config as {key: {"value": v}}
        if rest in values:
            return values[rest]
        current = values
        for part in rest.split("."):
            if not isinstance(current, dict) or part not in current:
                return MISSING
            current = current[part]
        return current
    if path in _RUN_FIELDS:
        value = getattr(run, _RUN_FIELDS[path])
        return MISSING if value is None else value
    return MISSING


def _compare(value, operand, op):
    if value is MISSING or value is None or operand is None:
        return False
    numeric = (int, float)
    if isinstance(value, bool) or isinstance(operand, bool) or not (
            isinstance(value, numeric) and isinstance(operand, numeric)
            or isinstance(value, str) and isinstance(operand, str)):
        return False
    return op(value, operand)


def _equals(value, operand):
    if isinstance(value, (list, tuple)) and not isinstance(operand, (list, tuple)):
        return operand in value
    if isinstance(value, tuple):
        value = list(value)
    return value is not MISSING and value == operand


def _in(value, operands):
    if not isinstance(operands, (list, tuple)):
        raise FilterError("$in/$nin need a list, got %r" % (operands,))
    return any(_equals(value, operand) for operand in operands)


_COMPARISONS = {
    "$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b,
}


def _operator_matches(value, op, operand):
    if op == "$eq":
        return _equals(value, operand)
    if op == "$ne":
        return not _equals(value, operand)
    if op in _COMPARISONS:
        if isinstance(value, (list, tuple)):
            return any(_compare(item, operand, _COMPARISONS[op]) for item in value)
        return _compare(value, operand, _COMPARISONS[op])
    if op == "$in":
        return _in(value, operand)
    if op == "$nin":
        return not _in(value, operand)
    if op == "$exists":
        return (value is not MISSING) == bool(operand)
    if op == "$regex":
        items = value if isinstance(value, (list, tuple)) else [value]
        return any(isinstance(item, str) and re.search(operand, item) is not None for item in items)
    if op == "$not":
        return not _value_matches(value, operand)
    raise FilterError("unsupported filter operator %r" % (op,))


def _value_matches(value, condition):
    if isinstance(condition, dict) and condition and all(str(k).startswith("$") for k in condition):
        return all(_operator_matches(value, op, operand) for op, operand in condition.items())
    return _equals(value, condition)


def run_matches(run, filters):
    """True when `run` satisfies the W&B filter document `filters` (None or {} match every run)."""
    if not filters:
        return True
    if not isinstance(filters, dict):
        raise FilterError("filters must be a dict, got %r" % (type(filters).__name__,))
    for key, condition in filters.items():
        if key in ("$and", "$or", "$nor"):
            if not isinstance(condition, (list, tuple)):
                raise FilterError("%s needs a list of filters" % key)
            results = [run_matches(run, part) for part in condition]
            matched = all(results) if key == "$and" else any(results)
            if matched == (key == "$nor"):
                return False
        elif key.startswith("$"):
            raise FilterError("unsupported filter operator %r" % (key,))
        elif not _value_matches(field_value(run, key), condition):
            return False
    return True


# Run columns W&B's best_run() order keys may name bare; other bare names are summary metrics.
_BARE_ORDER_COLUMNS = ("createdAt", "updatedAt", "name", "sweep")
_ORDER_SECTIONS = ("config", "summary_metrics", "tags")


def best_run_order(order):
    """W&B's QueryGenerator.format_order_key: "loss" -> "-summary_metrics.loss" (descending unless
    "+"); dotted names outside config/summary_metrics/tags are summary metrics too."""
    direction = "-"
    if order[:1] in ("+", "-"):
        direction, order = order[0], order[1:]
    parts = order.split(".")
    if len(parts) == 1:
        # W&B returns nothing for a bare run column, so best_run() falls back to the newest run.
        return None if order in _BARE_ORDER_COLUMNS else direction + "summary_metrics." + order
    return direction + order if parts[0] in _ORDER_SECTIONS else direction + "summary_metrics." + order


def sort_runs(runs, order):
    """W&B's order: "+field" ascending, "-field" or a bare "field" descending (W&B's default
    direction); runs without the field come last either way."""
    order = (order or "").strip()
    if not order:
        return list(runs)
    descending = not order.startswith("+")
    path = order.lstrip("+-")
    present, absent = [], []
    for run in runs:
        value = field_value(run, path)
        (absent if value is MISSING or value is None else present).append((value, run))

    def key(pair):
        value = pair[0]
        # Numbers before strings, so a mixed column still sorts instead of raising.
        return (0, value, "") if isinstance(value, (int, float)) else (1, 0, str(value))

    present.sort(key=key, reverse=descending)
    return [run for _, run in present] + [run for _, run in absent]
