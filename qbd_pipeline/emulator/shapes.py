"""Response shapes taken from the SDK's own pydantic models (`conductor.types.qbd.*`).

The models know every key a response must carry, which are required, which are lists, which
are references (`{id, fullName}`) and which are nested objects. Building objects from them means
the emulator emits exactly the keys the SDK and the spec expect, for every entity, with no
per-entity field lists to keep in step.
"""

import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel

Resolver = Callable[[str, str], dict]  # (reference field alias, id) -> {"id", "fullName"}


@dataclass(frozen=True)
class FieldShape:
    alias: str
    required: bool
    is_list: bool
    model: type[BaseModel] | None  # nested model (the item model for lists)
    literal: tuple | None  # Literal values, e.g. the objectType constant
    scalar: type | None
    is_ref: bool  # a `{id, fullName}` reference


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Strip Optional; report whether None was allowed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else typing.Union[tuple(args)]), True  # noqa: UP007
    return annotation, False


@cache
def fields_of(model: type[BaseModel]) -> tuple[FieldShape, ...]:
    shapes = []
    for name, info in model.model_fields.items():
        annotation, _optional = _unwrap(info.annotation)
        is_list = typing.get_origin(annotation) in (list, typing.List)  # noqa: UP006
        inner = typing.get_args(annotation)[0] if is_list else annotation
        inner, _ = _unwrap(inner)
        nested = inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None
        literal = typing.get_args(inner) if typing.get_origin(inner) is Literal else None
        scalar = inner if isinstance(inner, type) and nested is None else None
        is_ref = nested is not None and {f.alias or n for n, f in nested.model_fields.items()} == {"id", "fullName"}
        shapes.append(FieldShape(info.alias or name, info.is_required(), is_list, nested, literal, scalar, is_ref))
    return tuple(shapes)


@cache
def field_map(model: type[BaseModel]) -> dict[str, FieldShape]:
    return {f.alias: f for f in fields_of(model)}


@cache
def is_ref_model(model: type[BaseModel]) -> bool:
    return {f.alias for f in fields_of(model)} == {"id", "fullName"}


def blank(model: type[BaseModel]) -> dict:
    """Every key of the model: [] for lists (the API never sends null arrays), else null."""
    return {f.alias: ([] if f.is_list else None) for f in fields_of(model)}


def build(model: type[BaseModel], params: dict, resolve: Resolver, existing: dict | None = None,
          skip: frozenset[str] = frozenset()) -> dict:
    """Apply create/update params (wire names) onto an object of `model`'s shape.

    `fooId` fills the reference `foo`, `fooIds` the reference list `foos`; nested objects are
    merged key by key; arrays replace. Keys in `skip` are left to the caller (lines).
    """
    obj = dict(existing) if existing is not None else blank(model)
    for f in fields_of(model):
        if f.alias in skip:
            continue
        if f.is_ref and not f.is_list:
            key = f"{f.alias}Id"
            if key in params:
                obj[f.alias] = resolve(f.alias, params[key]) if params[key] is not None else None
        elif f.is_ref and f.is_list:
            key = f"{f.alias[:-1]}Ids" if f.alias.endswith("s") else f"{f.alias}Ids"
            if key in params:
                obj[f.alias] = [resolve(f.alias, i) for i in params[key]]
        elif f.model is not None and f.is_list:
            if f.alias in params:
                obj[f.alias] = [fill_required(f.model, build(f.model, p, resolve)) for p in params[f.alias]]
        elif f.model is not None:
            if f.alias in params:
                value = params[f.alias]
                obj[f.alias] = None if value is None else build(f.model, value, resolve, obj.get(f.alias))
        elif f.alias in params:
            obj[f.alias] = params[f.alias]
    return obj


def fill_required(model: type[BaseModel], obj: dict, defaults: dict | None = None) -> dict:
    """Give required keys still null a value: constants, then `defaults`, then empty ones."""
    defaults = defaults or {}
    for f in fields_of(model):
        if obj.get(f.alias) is not None or not f.required:
            continue
        if f.alias in defaults:
            obj[f.alias] = defaults[f.alias]
        elif f.literal:
            obj[f.alias] = f.literal[0]
        elif f.is_list:
            obj[f.alias] = []
        elif f.scalar is bool:
            obj[f.alias] = f.alias == "isActive"
    return obj


def line_model(model: type[BaseModel], alias: str = "lines") -> type[BaseModel]:
    shape = field_map(model)[alias]
    assert shape.model is not None
    return shape.model


def project(obj: dict, model: type[BaseModel]) -> dict:
    """Only the model's keys (drops anything stored for the emulator's own bookkeeping)."""
    return {f.alias: obj.get(f.alias, [] if f.is_list else None) for f in fields_of(model)}
