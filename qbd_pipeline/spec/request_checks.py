"""Checking request bodies against the derived rules, in the words Conductor uses (zod style), and
the rules as JSON Schema (which the tests compare with Conductor's OpenAPI spec)."""

import datetime as dt
import math
import re
from typing import Any

from .request_rules import FieldRule, ObjectRule

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _received(value: object) -> str:
    """zod's name for the type of a received value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "NaN" if isinstance(value, float) and math.isnan(value) else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _at(path: str) -> str:
    return f' at "{path}"' if path else ""


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _expected(rule: FieldRule) -> str:
    return {"integer": "int"}.get(rule.kind, rule.kind)


def _check_value(rule: FieldRule, value: object, path: str, errors: list[str]) -> None:
    if value is None:
        if not rule.nullable and rule.kind != "any":
            errors.append(f"Invalid input: expected {_expected(rule)}, received null{_at(path)}")
        return
    kind = rule.kind
    if kind == "any":
        return
    if kind == "object":
        if not isinstance(value, dict):
            errors.append(f"Invalid input: expected object, received {_received(value)}{_at(path)}")
            return
        _check_object(rule.fields or ObjectRule({}), value, path, errors)
        return
    if kind == "array":
        if not isinstance(value, list | tuple):
            errors.append(f"Invalid input: expected array, received {_received(value)}{_at(path)}")
            return
        if rule.min_items is not None and len(value) < rule.min_items:
            errors.append(f"Too small: expected array to have >={rule.min_items} items{_at(path)}")
        if rule.items is not None:
            for index, item in enumerate(value):
                _check_value(rule.items, item, f"{path}[{index}]", errors)
        return
    if kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    elif kind == "integer":
        ok = (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer()
        )
    else:
        ok = isinstance(value, str)
    if not ok:
        errors.append(f"Invalid input: expected {_expected(rule)}, received {_received(value)}{_at(path)}")
        return
    if rule.enum is not None and value not in rule.enum:
        options = "|".join(f'"{v}"' if isinstance(v, str) else str(v) for v in rule.enum)
        errors.append(f"Invalid option: expected one of {options}{_at(path)}")
        return
    if isinstance(value, str):
        if rule.max_length is not None and len(value) > rule.max_length:
            errors.append(f"Too big: expected string to have <={rule.max_length} characters{_at(path)}")
        if rule.accepts_date and not _is_iso_date(value):
            errors.append(f'Invalid ISO date: expected "YYYY-MM-DD", received "{value}"{_at(path)}')
        if rule.is_uuid and not _UUID_RE.match(value):
            errors.append(f"Invalid UUID{_at(path)}")


def _is_iso_date(value: str) -> bool:
    if not _DATE_RE.match(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_object(rule: ObjectRule, value: dict, path: str, errors: list[str]) -> None:
    for key in value:
        if key not in rule.fields:
            errors.append(f'Unrecognized key: "{key}"{_at(path)}')
    for name, field_rule in rule.fields.items():
        if name in value:
            _check_value(field_rule, value[name], _join(path, name), errors)
        elif field_rule.required:
            errors.append(
                f"Invalid input: expected {_expected(field_rule)}, received undefined{_at(_join(path, name))}"
            )


def validate_body(rule: ObjectRule, body: object) -> list[str]:
    """Every problem with a JSON request body, one zod-style message each (empty when valid).

    Messages end with the offending path, e.g. `Too big: expected string to have <=41 characters
    at "name"`, so the emulator's 400 responses read like Conductor's.
    """
    errors: list[str] = []
    if not isinstance(body, dict):
        errors.append(f"Invalid input: expected object, received {_received(body)}")
        return errors
    _check_object(rule, body, "", errors)
    return errors


# --------------------------------------------------------------------------------------------------
# JSON-Schema view
# --------------------------------------------------------------------------------------------------


def _field_schema(rule: FieldRule) -> dict[str, Any]:
    schema: dict[str, Any]
    if rule.kind == "object":
        schema = to_json_schema(rule.fields or ObjectRule({}))
    elif rule.kind == "array":
        schema = {"type": "array"}
        if rule.items is not None:
            schema["items"] = _field_schema(rule.items)
        if rule.min_items is not None:
            schema["minItems"] = rule.min_items
    elif rule.kind == "any":
        schema = {}
    else:
        schema = {"type": rule.kind}
    if rule.enum is not None:
        schema["enum"] = list(rule.enum)
    if rule.max_length is not None:
        schema["maxLength"] = rule.max_length
    if rule.accepts_date:
        schema["format"] = "date"
    elif rule.is_uuid:
        schema["format"] = "uuid"
    if rule.nullable and "type" in schema:
        schema["type"] = [schema["type"], "null"]
    return schema


def to_json_schema(rule: ObjectRule) -> dict[str, Any]:
    """A minimal JSON-Schema view of a rule (type, properties, required, additionalProperties,
    maxLength, enum, items, minItems, format "date"/"uuid"), so tests can compare it with the spec."""
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {name: _field_schema(f) for name, f in rule.fields.items()},
        "additionalProperties": False,
    }
    required = sorted(rule.required)
    if required:
        schema["required"] = required
    return schema
