"""MLflow's search language over runs (mlflow/utils/search_utils.py): filter strings such as
`metrics.acc > 0.9 and params.optimizer = 'sgd' and tags.mlflow.parentRunId = 'abc'`, and
order_by clauses such as `["metrics.acc DESC", "start_time"]`, evaluated on mlflow Run objects.

Comparisons are joined by AND (MLflow has no OR). Entities: metrics (numbers: = != < <= > >=),
params and tags (strings: = != LIKE ILIKE, IS NULL, IS NOT NULL), attributes (run_id, run_name,
status, user_id, artifact_uri as strings, IN (...) too; start_time and end_time as numbers).
Keys with special characters go in backticks or double quotes: metrics.`val acc`.
"""
import re

from ..exceptions import INVALID_PARAMETER_VALUE, MlflowException

_ENTITY_ALIASES = {
    "metric": "metrics", "metrics": "metrics",
    "param": "params", "params": "params", "parameter": "params", "parameters": "params",
    "tag": "tags", "tags": "tags",
    "attribute": "attributes", "attributes": "attributes", "attr": "attributes", "run": "attributes",
}
_NUMERIC_ATTRIBUTES = ("start_time", "end_time")
_ATTRIBUTE_ALIASES = {"run_name": "run_name", "name": "run_name", "run_id": "run_id", "status": "status",
                      "user_id": "user_id", "artifact_uri": "artifact_uri", "start_time": "start_time",
                      "end_time": "end_time", "experiment_id": "experiment_id"}
_TOKEN = re.compile(r"""
    \s*(?:
      (?P<ident>[A-Za-z_]\w*(?:\.(?:`[^`]*`|"[^"]*"|[\w\-/:]+))*)
    | (?P<op>!=|>=|<=|=|<|>)
    | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    | (?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<open>\() | (?P<close>\)) | (?P<comma>,)
    )""", re.VERBOSE)
_WORD_OPS = ("NOT ILIKE", "NOT LIKE", "ILIKE", "LIKE", "NOT IN", "IN", "IS NOT NULL", "IS NULL")


def _bad(filter_string, why):
    return MlflowException("Invalid filter string '%s': %s" % (filter_string, why), INVALID_PARAMETER_VALUE)


def _tokens(text):
    position, found = 0, []
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _bad(text, "cannot read %r" % text[position:position + 20])
        kind = match.lastgroup
        found.append((kind, match.group(kind)))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return found


def _unquote(text):
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"`":
        return re.sub(r"\\(.)", r"\1", text[1:-1]) if text[0] != "`" else text[1:-1]
    return text


def _split_identifier(filter_string, ident):
    entity, _, key = ident.partition(".")
    if not key:  # a bare attribute name: status = 'FINISHED'
        entity, key = "attributes", ident
    canonical = _ENTITY_ALIASES.get(entity.lower())
    if canonical is None:
        raise _bad(filter_string, "unknown entity %r (metrics, params, tags or attributes)" % entity)
    key = _unquote(key)
    if canonical == "attributes":
        if key not in _ATTRIBUTE_ALIASES:
            raise _bad(filter_string, "unknown attribute %r" % key)
        key = _ATTRIBUTE_ALIASES[key]
    return canonical, key


def _word_operator(tokens, index):
    """The word operator (LIKE, NOT IN, IS NULL, ...) starting at tokens[index], and how many tokens it takes."""
    words = []
    for kind, text in tokens[index:index + 3]:
        if kind != "ident":
            break
        words.append(text.upper())
    for op in _WORD_OPS:
        parts = op.split()
        if words[:len(parts)] == parts:
            return op, len(parts)
    return None, 0


def parse_filter(filter_string):
    """[(entity, key, op, value)]; MlflowException for what MLflow would refuse."""
    if not filter_string or not filter_string.strip():
        return []
    tokens = _tokens(filter_string)
    clauses, index = [], 0
    while index < len(tokens):
        kind, text = tokens[index]
        if kind != "ident":
            raise _bad(filter_string, "expected a name like metrics.acc, got %r" % text)
        entity, key = _split_identifier(filter_string, text)
        index += 1
        if index >= len(tokens):
            raise _bad(filter_string, "a comparison needs an operator and a value")
        op, used = _word_operator(tokens, index)
        if op is None:
            kind, op = tokens[index]
            if kind != "op":
                raise _bad(filter_string, "expected an operator after %s.%s" % (entity, key))
            used = 1
        index += used
        value, index = _value(filter_string, tokens, index, op)
        clauses.append(_checked(filter_string, entity, key, op, value))
        if index < len(tokens):
            kind, text = tokens[index]
            if kind != "ident" or text.upper() != "AND":
                raise _bad(filter_string, "comparisons are joined with AND, got %r" % text)
            index += 1
            if index >= len(tokens):
                raise _bad(filter_string, "nothing after AND")
    return clauses


def _value(filter_string, tokens, index, op):
    if op in ("IS NULL", "IS NOT NULL"):
        return None, index
    if index >= len(tokens):
        raise _bad(filter_string, "%s needs a value" % op)
    kind, text = tokens[index]
    if op in ("IN", "NOT IN"):
        if kind != "open":
            raise _bad(filter_string, "%s needs a list: ('a', 'b')" % op)
        values, index = [], index + 1
        while index < len(tokens) and tokens[index][0] != "close":
            if tokens[index][0] == "string":
                values.append(_unquote(tokens[index][1]))
            elif tokens[index][0] != "comma":
                raise _bad(filter_string, "%s lists hold quoted strings" % op)
            index += 1
        if index >= len(tokens):
            raise _bad(filter_string, "unclosed list")
        return values, index + 1
    if kind == "string":
        return _unquote(text), index + 1
    if kind == "number":
        return float(text), index + 1
    raise _bad(filter_string, "expected a value, got %r" % text)


def _checked(filter_string, entity, key, op, value):
    numeric = entity == "metrics" or (entity == "attributes" and key in _NUMERIC_ATTRIBUTES)
    if numeric:
        if op not in ("=", "!=", "<", "<=", ">", ">=", "IS NULL", "IS NOT NULL"):
            raise _bad(filter_string, "%s.%s compares numbers (= != < <= > >=), not with %s" % (entity, key, op))
        if value is not None and not isinstance(value, float):
            raise _bad(filter_string, "%s.%s is compared with a number, not %r" % (entity, key, value))
    else:
        if op in ("<", "<=", ">", ">="):
            raise _bad(filter_string, "%s.%s compares strings (= != LIKE ILIKE), not with %s" % (entity, key, op))
        if isinstance(value, float):
            raise _bad(filter_string, "%s.%s is compared with a quoted string: '%s'" % (entity, key, _number(value)))
    return entity, key, op, value


def _number(value):
    return str(int(value)) if value == int(value) else str(value)


def _like(pattern, text, ignore_case):
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL | (re.IGNORECASE if ignore_case else 0)) is not None


def entity_value(run, entity, key):
    if entity == "metrics":
        return run.data.metrics.get(key)
    if entity == "params":
        return run.data.params.get(key)
    if entity == "tags":
        return run.data.tags.get(key)
    return getattr(run.info, key, None)


def _holds(run, clause):
    entity, key, op, wanted = clause
    actual = entity_value(run, entity, key)
    if op == "IS NULL":
        return actual is None
    if op == "IS NOT NULL":
        return actual is not None
    if actual is None:
        return False
    if op in ("LIKE", "ILIKE", "NOT LIKE", "NOT ILIKE"):
        matched = _like(wanted, str(actual), "ILIKE" in op)
        return matched != op.startswith("NOT")
    if op in ("IN", "NOT IN"):
        return (str(actual) in wanted) != (op == "NOT IN")
    comparisons = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
                   "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
    return comparisons[op](actual, wanted)


def matching(runs, filter_string):
    clauses = parse_filter(filter_string)
    return [run for run in runs if all(_holds(run, clause) for clause in clauses)]


def ordered(runs, order_by):
    """MLflow's order: each clause "<entity>.<key> [ASC|DESC]", then start_time DESC and run_id;
    runs without the value last."""
    keys = []
    for clause in list(order_by or []) + ["attributes.start_time DESC", "attributes.run_id"]:
        parts = clause.strip().rsplit(None, 1)
        descending = len(parts) == 2 and parts[1].upper() == "DESC"
        name = parts[0] if len(parts) == 2 and parts[1].upper() in ("ASC", "DESC") else clause.strip()
        keys.append((_split_identifier(clause, name), descending))
    result = list(runs)
    for (entity, key), descending in reversed(keys):  # stable sorts, least significant key first
        present = [r for r in result if entity_value(r, entity, key) is not None]
        missing = [r for r in result if entity_value(r, entity, key) is None]
        present.sort(key=lambda r: entity_value(r, entity, key), reverse=descending)
        result = present + missing
    return result
