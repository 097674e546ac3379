"""Request-body validation rules derived at run time from conductor-py's param TypedDicts.

The emulator must reject the request bodies Conductor rejects, and Conductor validates bodies
against its OpenAPI spec. We may not ship that spec, but the SDK is generated from it: each
`*CreateParams` / `*UpdateParams` TypedDict carries the wire names (`PropertyInfo(alias=)`), required
keys (`Required[...]`), types, enums (`Literal`) and nested shapes, and the field docstrings carry the
spec's "Maximum length: N characters." text. Two spec rules the SDK cannot express are applied
generally: ids are capped at 36 characters and arrays must not be empty. This module turns all that
into `ObjectRule`s and checks bodies against them, reporting problems in the zod style Conductor uses.

`qbd_pipeline_tests/spec/test_request_rules.py` proves the derivation equals the spec. The one
known difference is version skew: the installed SDK (1.92.3) documents string caps that the older
reference spec (1.91.2) does not have yet (e.g. `email` 1023, `memo` 4095); the newer SDK wins here.
"""

import ast
import collections.abc
import datetime as dt
import functools
import inspect
import re
import sys
import threading
import time
import types
import typing
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import typing_extensions

Kind = Literal["string", "number", "integer", "boolean", "object", "array", "any"]

_MAX_LENGTH_RE = re.compile(r"Maximum length:\s*(\d+)\s+characters?\.")
_GUID_FORMAT_RE = re.compile(r"must be formatted as a valid GUID", re.IGNORECASE)

# QuickBooks object ids ("80000001-1234567890") are at most 36 characters: Conductor's spec puts
# `maxLength: 36` on every `id` / `*Id` string and every `*Ids` array item, although the SDK's
# docstrings do not say so. The exceptions are the GUID-valued ids (`externalId`, custom-field
# `ownerId`), whose docstrings say "GUID" and which the spec leaves uncapped.
ID_MAX_LENGTH = 36
# Conductor's spec gives every request-body array `minItems: 1` (an empty list is rejected); the
# SDK types cannot express it, so it is a general rule here.
ARRAY_MIN_ITEMS = 1


@dataclass(frozen=True)
class FieldRule:
    """What one body key (or one array element) must look like on the wire."""

    name: str  # wire alias, e.g. "billingAddress"; "[]" for array items
    required: bool
    kind: Kind
    enum: tuple[str, ...] | None = None
    max_length: int | None = None
    fields: "ObjectRule | None" = None  # for kind == "object"
    items: "FieldRule | None" = None  # for kind == "array"
    accepts_date: bool = False  # `Union[str, date]`: a "YYYY-MM-DD" string on the wire
    is_uuid: bool = False  # docstring: "must be formatted as a valid GUID" (spec `format: uuid`)
    min_items: int | None = None  # for kind == "array"
    nullable: bool = False  # only when the TypedDict says `Optional[...]`


@dataclass(frozen=True)
class ObjectRule:
    """A closed JSON object: only these keys are allowed (the spec's `additionalProperties: false`)."""

    fields: dict[str, FieldRule] = field(hash=False)

    @property
    def required(self) -> frozenset[str]:
        """Wire names that must be present."""
        return frozenset(name for name, rule in self.fields.items() if rule.required)


# --------------------------------------------------------------------------------------------------
# Derivation
# --------------------------------------------------------------------------------------------------


# CPython 3.11's compiler keeps state per interpreter: `ast.parse` here and `compile` inside
# `typing.get_type_hints` must not run in two threads at once ("AST constructor recursion depth
# mismatch"), e.g. the push and an in-process emulator deriving rules together. Re-entrant: rules nest.
_PARSE_LOCK = threading.RLock()


@functools.cache
def _module_docstrings(module_name: str) -> dict[str, dict[str, str]]:
    """`{class name: {attribute: docstring}}` for a module, read from its source.

    Attribute docstrings are not kept at run time, so the string literal that follows each
    annotated attribute in the class body is read with `ast`.
    """
    module = sys.modules[module_name]
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):  # no source available (e.g. a zipped, compiled-only install)
        return {}
    for attempt in range(3):
        try:
            with _PARSE_LOCK:
                tree = ast.parse(source)
            break
        except SystemError:  # CPython 3.11: a `compile` in another thread (not ours to lock) got in between
            if attempt == 2:
                raise
            time.sleep(0.05)
    result: dict[str, dict[str, str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        body = node.body
        for stmt, following in zip(body, [*body[1:], None], strict=True):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                docs[stmt.target.id] = following.value.value
        result[node.name] = docs
    return result


def _field_docstrings(cls: type) -> dict[str, str]:
    """Docstrings of a TypedDict's own and inherited attributes (Python-side names)."""
    docs: dict[str, str] = {}
    for base in getattr(cls, "__orig_bases__", ()):
        if typing_extensions.is_typeddict(base):
            docs.update(_field_docstrings(base))
    docs.update(_module_docstrings(cls.__module__).get(cls.__name__, {}))
    return docs


def _max_length_from_doc(doc: str | None) -> int | None:
    match = _MAX_LENGTH_RE.search(doc or "")
    return int(match.group(1)) if match else None


def _is_id_name(name: str) -> bool:
    """A wire name holding QuickBooks object ids: `id`, `classId`, `itemId`, `classIds`..."""
    return name in ("id", "ids") or name.endswith(("Id", "Ids"))


def _special_forms(name: str) -> frozenset[Any]:
    """`typing.X` and `typing_extensions.X` (they differ on some Python versions)."""
    return frozenset(f for f in (getattr(typing, name, None), getattr(typing_extensions, name, None)) if f)


_REQUIRED = _special_forms("Required")
_NOT_REQUIRED = _special_forms("NotRequired")
_READ_ONLY = _special_forms("ReadOnly")


def _unwrap(hint: Any) -> tuple[Any, bool | None, str | None]:
    """Strip `Required`/`NotRequired`/`ReadOnly`/`Annotated` from a TypedDict field's hint.

    Returns (bare type, required: True/False if the hint says so else None, wire alias or None).
    """
    required: bool | None = None
    alias: str | None = None
    while True:
        origin = typing_extensions.get_origin(hint)
        if origin in _REQUIRED or origin in _NOT_REQUIRED or origin in _READ_ONLY:
            if origin not in _READ_ONLY:
                required = origin in _REQUIRED
            hint = typing_extensions.get_args(hint)[0]
        elif origin is typing_extensions.Annotated:
            hint, *metadata = typing_extensions.get_args(hint)
            for meta in metadata:
                meta_alias = getattr(meta, "alias", None)  # conductor's `PropertyInfo(alias=...)`
                if isinstance(meta_alias, str):
                    alias = meta_alias
        else:
            return hint, required, alias


def _is_array_origin(origin: Any) -> bool:
    """`Iterable[X]`, `List[X]`, `Sequence[X]`, `SequenceNotStr[X]`... but not `str`/`dict`."""
    if not isinstance(origin, type) or origin in (str, bytes, dict) or issubclass(origin, dict):
        return False
    if origin.__name__ == "SequenceNotStr":
        return True
    try:
        return issubclass(origin, collections.abc.Iterable)
    except TypeError:  # a non-runtime-checkable Protocol
        return False


_UNION_TYPES: tuple[Any, ...] = (typing.Union, types.UnionType)


def _type_rule(name: str, required: bool, hint: Any, max_length: int | None) -> FieldRule:
    """The rule for a value of Python type `hint` (already stripped of Required/Annotated)."""
    hint = _unwrap(hint)[0]
    origin = typing_extensions.get_origin(hint)
    args = typing_extensions.get_args(hint)
    nullable = False

    if origin in _UNION_TYPES:
        members = [a for a in args if a is not type(None)]
        nullable = len(members) != len(args)
        plain = [_unwrap(a)[0] for a in members]
        if len(plain) == 1:
            rule = _type_rule(name, required, plain[0], max_length)
            return replace(rule, nullable=nullable or rule.nullable)
        if all(a in (str, dt.date, dt.datetime) for a in plain):
            # `Union[str, date]`: the SDK serialises a date; on the wire it is a string.
            return FieldRule(
                name,
                required,
                "string",
                max_length=max_length,
                accepts_date=dt.date in plain,
                nullable=nullable,
            )
        if all(typing_extensions.get_origin(a) is Literal for a in plain):
            values = tuple(v for a in plain for v in typing_extensions.get_args(a))
            return _literal_rule(name, required, values, nullable)
        return FieldRule(name, required, "any", nullable=nullable)

    if origin is Literal:
        return _literal_rule(name, required, args, nullable)
    if hint is str:
        return FieldRule(name, required, "string", max_length=max_length)
    if hint is bool:
        return FieldRule(name, required, "boolean")
    if hint is int:
        return FieldRule(name, required, "integer")
    if hint is float:
        return FieldRule(name, required, "number")
    if hint in (dt.date, dt.datetime):
        return FieldRule(name, required, "string", max_length=max_length, accepts_date=hint is dt.date)
    if isinstance(hint, type) and typing_extensions.is_typeddict(hint):
        return FieldRule(name, required, "object", fields=body_rule(hint))
    if _is_array_origin(origin) and len(args) == 1:
        items = _type_rule("[]", True, args[0], max_length)
        return FieldRule(name, required, "array", items=items, min_items=ARRAY_MIN_ITEMS)
    return FieldRule(name, required, "any")


def _literal_rule(name: str, required: bool, values: tuple[Any, ...], nullable: bool) -> FieldRule:
    if None in values:
        nullable = True
        values = tuple(v for v in values if v is not None)
    if all(isinstance(v, str) for v in values):
        kind: Kind = "string"
    elif all(isinstance(v, bool) for v in values):
        kind = "boolean"
    elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        kind = "integer"
    else:
        kind = "any"
    return FieldRule(name, required, kind, enum=tuple(values), nullable=nullable)


def warm_rules(resources) -> None:
    """Derive every create and update rule now, in one thread, so that no request thread parses later
    (the emulator does this before it serves; see `_PARSE_LOCK`)."""
    for resource in resources:
        for params in (resource.create_params, resource.update_params):
            if params is not None:
                body_rule(params)


@functools.cache
def body_rule(params_cls: type) -> ObjectRule:
    """The JSON body rule of an SDK params TypedDict (header fields such as
    `Conductor-End-User-Id` are excluded). Cached: the SDK does not change while we run."""
    with _PARSE_LOCK:
        return _body_rule(params_cls)


def _body_rule(params_cls: type) -> ObjectRule:
    module = sys.modules[params_cls.__module__]
    hints = typing.get_type_hints(params_cls, globalns=vars(module), include_extras=True)
    # The SDK modules postpone annotations (PEP 563), so on Python < 3.12
    # `__required_keys__` cannot see `Required["..."]` (it is empty for the `total=False` params);
    # `Required`/`NotRequired` in the resolved hint decides, `__required_keys__` (totality) otherwise.
    declared_required = set(getattr(params_cls, "__required_keys__", ()))
    docs = _field_docstrings(params_cls)
    fields: dict[str, FieldRule] = {}
    for py_name, hint in hints.items():
        base, explicit_required, alias = _unwrap(hint)
        required = explicit_required if explicit_required is not None else py_name in declared_required
        wire = alias or py_name
        if "-" in wire:  # an HTTP header (`Conductor-End-User-Id`), not a body key
            continue
        doc = docs.get(py_name, "")
        max_length = _max_length_from_doc(doc)
        if max_length is None and _is_id_name(wire) and "GUID" not in doc:
            max_length = ID_MAX_LENGTH
        # `max_length` reaches only string values (for arrays: their string items).
        rule = _type_rule(wire, required, base, max_length)
        if rule.kind == "string" and _GUID_FORMAT_RE.search(doc):
            rule = replace(rule, is_uuid=True)
        fields[wire] = rule
    return ObjectRule(fields)


# --------------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------------
