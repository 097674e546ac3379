"""The request-body rules derived from conductor-py's TypedDicts must equal Conductor's OpenAPI spec.

The spec is not shipped with the project; it is read from `../shared/reference/openapi.json` beside the
checkout. With env `CI` set a missing spec is a failure, otherwise those tests are skipped.

Known version skew, checked narrowly rather than ignored: the reference spec is the one bundled with
SDK 1.91.2, while the installed SDK (1.92.3) documents more string caps ("Maximum length: N
characters.") than that spec has. A derived `maxLength` is accepted on a spec property only when the
spec is silent about it (no `maxLength` and no "Maximum length" in its description) and the field is
not an id (id caps come from a rule, not a docstring, so they must always match). Everything else
(properties, required keys, types, enums, formats, minItems, every stated maxLength) must be equal.
"""

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from qbd_pipeline.spec.entities import RESOURCES, RESOURCES_BY_PATH
from qbd_pipeline.spec.request_checks import to_json_schema, validate_body
from qbd_pipeline.spec.request_rules import FieldRule, ObjectRule, body_rule

SPEC_PATH = Path(__file__).resolve().parents[3] / "shared/reference/openapi.json"

OPERATIONS: list[tuple[str, Any]] = []
for _resource in RESOURCES:
    OPERATIONS.append((f"/quickbooks-desktop/{_resource.path}", _resource.create_params))
    OPERATIONS.append((f"/quickbooks-desktop/{_resource.path}/{{id}}", _resource.update_params))

_ID_NAME = re.compile(r"(^ids?$|Ids?$)")
_STATED_CAP = re.compile(r"Maximum length: \d+ characters")


@pytest.fixture(scope="module")
def spec() -> dict:
    if not SPEC_PATH.is_file():
        message = f"Conductor OpenAPI spec not found at {SPEC_PATH} (it is kept beside the checkout)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return json.loads(SPEC_PATH.read_text())


# --------------------------------------------------------------------------------------------------
# Comparing a spec schema with the derived JSON-Schema view
# --------------------------------------------------------------------------------------------------


def _deref(spec: dict, node: dict) -> dict:
    """Follow `$ref`s (`#/components/schemas/...`) until a concrete schema."""
    seen = set()
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"external $ref not supported: {ref}"
        assert ref not in seen, f"$ref cycle at {ref}"
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _normalise(spec: dict, node: dict) -> tuple[dict, set[str]]:
    """(schema, its set of types): resolves `$ref`s and picks the non-null (object) variant of
    `anyOf`/`oneOf`; a `null` variant shows up as "null" in the type set."""
    node = _deref(spec, node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            variants = [_normalise(spec, v) for v in node[key]]
            null = any(types == {"null"} for _, types in variants)
            real = [(schema, types) for schema, types in variants if types != {"null"}]
            objects = [v for v in real if "object" in v[1]]
            assert len(objects) <= 1, f"several object variants under {key}"
            schema, types = objects[0] if objects else real[0]
            if not objects:
                assert len(real) == 1, f"several non-object variants under {key}"
            return schema, types | ({"null"} if null else set())
    declared = node.get("type")
    types = set(declared) if isinstance(declared, list) else ({declared} if declared else set())
    return node, types


def _derived_types(node: dict) -> set[str]:
    declared = node.get("type")
    return set(declared) if isinstance(declared, list) else ({declared} if declared else set())


def compare(spec: dict, spec_node: dict, derived: dict, path: str = "") -> list[str]:
    """Every difference between a spec schema and a derived schema (empty when they agree)."""
    problems: list[str] = []
    spec_node, spec_types = _normalise(spec, spec_node)
    where = path or "<body>"
    if spec_types != _derived_types(derived):
        problems.append(f"{where}: type {sorted(spec_types)} != derived {sorted(_derived_types(derived))}")
        return problems

    spec_enum, derived_enum = spec_node.get("enum"), derived.get("enum")
    if (spec_enum is None) != (derived_enum is None) or set(spec_enum or ()) != set(derived_enum or ()):
        problems.append(f"{where}: enum {spec_enum} != derived {derived_enum}")
    for key in ("format", "minItems"):
        if spec_node.get(key) != derived.get(key):
            problems.append(f"{where}: {key} {spec_node.get(key)!r} != derived {derived.get(key)!r}")

    spec_cap, derived_cap = spec_node.get("maxLength"), derived.get("maxLength")
    if spec_cap != derived_cap:
        name = path.rsplit(".", 1)[-1].removesuffix("[]")
        sdk_newer_cap = (
            spec_cap is None
            and isinstance(derived_cap, int)
            and derived_cap > 0
            and "string" in spec_types
            and not _STATED_CAP.search(spec_node.get("description", ""))
            and not _ID_NAME.search(name)
        )
        if not sdk_newer_cap:
            problems.append(f"{where}: maxLength {spec_cap} != derived {derived_cap}")

    if "object" in spec_types:
        if spec_node.get("additionalProperties") is not False:
            problems.append(f"{where}: spec object is not closed (additionalProperties)")
        if derived.get("additionalProperties") is not False:
            problems.append(f"{where}: derived object is not closed (additionalProperties)")
        spec_props, derived_props = spec_node.get("properties", {}), derived.get("properties", {})
        if set(spec_props) != set(derived_props):
            problems.append(
                f"{where}: properties only in spec {sorted(set(spec_props) - set(derived_props))}, "
                f"only derived {sorted(set(derived_props) - set(spec_props))}"
            )
        if set(spec_node.get("required", ())) != set(derived.get("required", ())):
            problems.append(
                f"{where}: required {sorted(spec_node.get('required', ()))} "
                f"!= derived {sorted(derived.get('required', ()))}"
            )
        for name in sorted(set(spec_props) & set(derived_props)):
            problems += compare(spec, spec_props[name], derived_props[name], f"{path}.{name}".lstrip("."))
    if "array" in spec_types:
        if "items" not in spec_node or "items" not in derived:
            problems.append(
                f"{where}: items missing (spec {'items' in spec_node}, derived {'items' in derived})"
            )
        else:
            problems += compare(spec, spec_node["items"], derived["items"], f"{path}[]")
    return problems


def _request_schema(spec: dict, path: str) -> dict:
    operation = spec["paths"][path]["post"]
    return operation["requestBody"]["content"]["application/json"]["schema"]


# --------------------------------------------------------------------------------------------------
# Derivation == spec
# --------------------------------------------------------------------------------------------------


def test_scope_is_every_create_and_update_operation_of_the_spec_table():
    assert len(OPERATIONS) == len({path for path, _ in OPERATIONS}) == 2 * len(RESOURCES) >= 26


@pytest.mark.parametrize(("path", "params_cls"), OPERATIONS, ids=[f"POST {p}" for p, _ in OPERATIONS])
def test_derived_body_rule_equals_spec(spec, path, params_cls):
    derived = to_json_schema(body_rule(params_cls))
    problems = compare(spec, _request_schema(spec, path), derived)
    assert not problems, f"POST {path}: derivation differs from the spec:\n" + "\n".join(problems)


@pytest.mark.parametrize(("path", "params_cls"), OPERATIONS, ids=[f"POST {p}" for p, _ in OPERATIONS])
def test_header_fields_are_not_body_keys(spec, path, params_cls):
    rule = body_rule(params_cls)
    assert not [name for name in rule.fields if "-" in name]
    assert "conductor_end_user_id" not in rule.fields
    assert "conductorEndUserId" not in rule.fields
    headers = {p["name"] for p in spec["paths"][path]["post"].get("parameters", ()) if p["in"] == "header"}
    assert "Conductor-End-User-Id" in headers


def test_comparison_detects_differences(spec):
    """Guard against a comparison that always passes: break the derived view in several ways."""
    path = "/quickbooks-desktop/customers"
    schema = _request_schema(spec, path)
    good = to_json_schema(body_rule(RESOURCES_BY_PATH["customers"].create_params))
    assert compare(spec, schema, good) == []

    def broken(change) -> dict:
        copy = json.loads(json.dumps(good))
        change(copy)
        return copy

    cases = {
        "name cap": lambda s: s["properties"]["name"].update(maxLength=40),
        "id cap": lambda s: s["properties"]["classId"].pop("maxLength"),
        "missing property": lambda s: s["properties"].pop("fax"),
        "extra property": lambda s: s["properties"].update(bogus={"type": "string"}),
        "required": lambda s: s["required"].append("fax"),
        "enum": lambda s: s["properties"]["preferredDeliveryMethod"]["enum"].remove("mail"),
        "type": lambda s: s["properties"]["isActive"].update(type="string"),
        "nested type": lambda s: s["properties"]["billingAddress"]["properties"]["city"].update(
            type="number"
        ),
        "nested cap": lambda s: s["properties"]["billingAddress"]["properties"]["city"].update(maxLength=30),
        "array items": lambda s: s["properties"]["additionalNotes"]["items"]["properties"].pop("note"),
        "minItems": lambda s: s["properties"]["additionalNotes"].pop("minItems"),
        "date format": lambda s: s["properties"]["jobStartDate"].pop("format"),
        "uuid format": lambda s: s["properties"]["externalId"].pop("format"),
        "open object": lambda s: s.update(additionalProperties=True),
    }
    for label, change in cases.items():
        assert compare(spec, schema, broken(change)), f"comparison missed a broken {label}"


def test_comparison_resolves_refs_and_any_of(spec):
    """The spec helpers follow `$ref` and pick the object variant of `anyOf`."""
    derived = {
        "type": "object",
        "properties": {"a": {"type": "string", "maxLength": 3}},
        "required": ["a"],
        "additionalProperties": False,
    }
    local = {
        "paths": {},
        "components": {
            "schemas": {
                "A": {
                    "type": "object",
                    "properties": {"a": {"$ref": "#/components/schemas/S"}},
                    "required": ["a"],
                    "additionalProperties": False,
                },
                "S": {"type": "string", "maxLength": 3},
            }
        },
    }
    wrapped = {"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "null"}]}
    assert compare(local, {"$ref": "#/components/schemas/A"}, derived) == []
    assert (
        compare(
            local,
            {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}]},
            {**derived, "type": ["object", "null"]},
        )
        == []
    )
    assert compare(local, wrapped, derived)  # the spec allows null here, the derivation does not
    local["components"]["schemas"]["S"]["maxLength"] = 4
    assert compare(local, {"$ref": "#/components/schemas/A"}, derived)


# --------------------------------------------------------------------------------------------------
# validate_body behaviour
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def customer_create() -> ObjectRule:
    return body_rule(RESOURCES_BY_PATH["customers"].create_params)


@pytest.fixture(scope="module")
def sales_order_create() -> ObjectRule:
    return body_rule(RESOURCES_BY_PATH["sales-orders"].create_params)


VALID_CUSTOMER = {
    "name": "Acme Corporation",
    "isActive": True,
    "companyName": "Acme Corporation",
    "classId": "40000-1000000000",
    "billingAddress": {"line1": "1 Main Street", "city": "Springfield", "postalCode": "12345"},
    "preferredDeliveryMethod": "email",
    "jobStartDate": "2024-01-31",
    "creditLimit": "1000.00",
    "additionalNotes": [{"note": "Prefers morning deliveries."}],
    "externalId": "12345678-abcd-1234-abcd-1234567890ab",
}


def test_rule_shapes(customer_create):
    name = customer_create.fields["name"]
    assert name == FieldRule(name="name", required=True, kind="string", max_length=41)
    assert customer_create.required == {"name"}
    address = customer_create.fields["billingAddress"]
    assert address.kind == "object" and address.fields is not None
    assert address.fields.fields["line1"].max_length == 41
    notes = customer_create.fields["additionalNotes"]
    assert notes.kind == "array" and notes.items is not None and notes.items.kind == "object"
    assert customer_create.fields["jobStartDate"].accepts_date
    assert customer_create.fields["preferredDeliveryMethod"].enum == ("email", "mail", "none")
    assert customer_create.fields["classId"].max_length == 36
    assert body_rule(RESOURCES_BY_PATH["customers"].create_params) is customer_create  # cached


def test_valid_customer_passes(customer_create):
    assert validate_body(customer_create, VALID_CUSTOMER) == []
    assert validate_body(customer_create, {"name": "A"}) == []


def test_unknown_keys_fail(customer_create):
    assert validate_body(customer_create, {**VALID_CUSTOMER, "foo": 1}) == ['Unrecognized key: "foo"']
    body = {**VALID_CUSTOMER, "billingAddress": {"line1": "1 Main Street", "foo": "x"}}
    assert validate_body(customer_create, body) == ['Unrecognized key: "foo" at "billingAddress"']
    # The end-user id travels as a header, never in the body.
    assert validate_body(customer_create, {"name": "A", "Conductor-End-User-Id": "end_usr_1"}) == [
        'Unrecognized key: "Conductor-End-User-Id"'
    ]


def test_max_length(customer_create):
    assert validate_body(customer_create, {"name": "x" * 41}) == []
    assert validate_body(customer_create, {"name": "x" * 42}) == [
        'Too big: expected string to have <=41 characters at "name"'
    ]
    assert validate_body(customer_create, {"name": "A", "classId": "1" * 37}) == [
        'Too big: expected string to have <=36 characters at "classId"'
    ]
    body = {"name": "A", "billingAddress": {"line1": "x" * 42}}
    assert validate_body(customer_create, body) == [
        'Too big: expected string to have <=41 characters at "billingAddress.line1"'
    ]


def test_wrong_types(customer_create, sales_order_create):
    assert validate_body(customer_create, {"name": 5}) == [
        'Invalid input: expected string, received number at "name"'
    ]
    assert validate_body(customer_create, {"name": "A", "isActive": "yes"}) == [
        'Invalid input: expected boolean, received string at "isActive"'
    ]
    assert validate_body(customer_create, {"name": "A", "isActive": 1}) == [
        'Invalid input: expected boolean, received number at "isActive"'
    ]
    assert validate_body(customer_create, {"name": "A", "creditLimit": 1000}) == [
        'Invalid input: expected string, received number at "creditLimit"'
    ]
    assert validate_body(customer_create, {"name": "A", "billingAddress": []}) == [
        'Invalid input: expected object, received array at "billingAddress"'
    ]
    assert validate_body(customer_create, {"name": None}) == [
        'Invalid input: expected string, received null at "name"'
    ]
    assert validate_body(customer_create, []) == ["Invalid input: expected object, received array"]
    assert validate_body(customer_create, "x") == ["Invalid input: expected object, received string"]

    order = {"customerId": "80000001-1234567890", "transactionDate": "2024-05-01"}
    line = {"itemId": "80000002-1234567890", "quantity": 2, "description": "Widget"}
    assert validate_body(sales_order_create, {**order, "lines": [line, {**line, "quantity": 2.5}]}) == []
    assert validate_body(sales_order_create, {**order, "lines": [line, {**line, "description": 7}]}) == [
        'Invalid input: expected string, received number at "lines[1].description"'
    ]
    assert validate_body(sales_order_create, {**order, "lines": [{**line, "quantity": True}]}) == [
        'Invalid input: expected number, received boolean at "lines[0].quantity"'
    ]
    assert validate_body(sales_order_create, {**order, "lines": [{**line, "quantity": "2"}]}) == [
        'Invalid input: expected number, received string at "lines[0].quantity"'
    ]
    assert validate_body(sales_order_create, {**order, "lines": {"itemId": "x"}}) == [
        'Invalid input: expected array, received object at "lines"'
    ]
    assert validate_body(sales_order_create, {**order, "lines": []}) == [
        'Too small: expected array to have >=1 items at "lines"'
    ]


def test_missing_required(customer_create, sales_order_create):
    assert validate_body(customer_create, {}) == [
        'Invalid input: expected string, received undefined at "name"'
    ]
    assert validate_body(customer_create, {"isActive": True}) == [
        'Invalid input: expected string, received undefined at "name"'
    ]
    assert sorted(validate_body(sales_order_create, {})) == [
        'Invalid input: expected string, received undefined at "customerId"',
        'Invalid input: expected string, received undefined at "transactionDate"',
    ]


def test_bad_enum(customer_create):
    assert validate_body(customer_create, {"name": "A", "preferredDeliveryMethod": "fax"}) == [
        'Invalid option: expected one of "email"|"mail"|"none" at "preferredDeliveryMethod"'
    ]
    assert validate_body(customer_create, {"name": "A", "preferredDeliveryMethod": 1}) == [
        'Invalid input: expected string, received number at "preferredDeliveryMethod"'
    ]


@pytest.mark.parametrize(
    "value", ["01/31/2024", "2024-1-31", "2024-02-30", "2024-01-31T00:00:00", "", "today"]
)
def test_bad_date(customer_create, value):
    assert validate_body(customer_create, {"name": "A", "jobStartDate": value}) == [
        f'Invalid ISO date: expected "YYYY-MM-DD", received "{value}" at "jobStartDate"'
    ]


def test_good_dates(customer_create):
    for value in ("2024-02-29", "1999-12-31"):
        assert validate_body(customer_create, {"name": "A", "jobStartDate": value}) == []


def test_bad_uuid(customer_create):
    assert validate_body(customer_create, {"name": "A", "externalId": "not-a-guid"}) == [
        'Invalid UUID at "externalId"'
    ]


def test_all_problems_are_reported(customer_create):
    body = {"name": "x" * 42, "foo": 1, "isActive": "no", "billingAddress": {"bar": 2}}
    assert sorted(validate_body(customer_create, body)) == sorted(
        [
            'Unrecognized key: "foo"',
            'Too big: expected string to have <=41 characters at "name"',
            'Invalid input: expected boolean, received string at "isActive"',
            'Unrecognized key: "bar" at "billingAddress"',
        ]
    )


@pytest.mark.parametrize(("path", "params_cls"), OPERATIONS, ids=[f"POST {p}" for p, _ in OPERATIONS])
def test_spec_request_examples_agree_with_validation(spec, path, params_cls):
    """Cross-check with the spec itself: a body built from the spec's own examples for every
    required key is valid, and dropping any required key is reported."""
    schema, _ = _normalise(spec, _request_schema(spec, path))
    rule = body_rule(params_cls)
    body = {name: _example(spec, schema["properties"][name]) for name in schema.get("required", ())}
    assert validate_body(rule, body) == [], body
    for name in schema.get("required", ()):
        partial = {k: v for k, v in body.items() if k != name}
        messages = validate_body(rule, partial)
        assert any(m.endswith(f'received undefined at "{name}"') for m in messages), messages


def _example(spec: dict, node: dict) -> Any:
    """A value for a spec schema: its `example` if it has one, else a minimal valid value."""
    node, types = _normalise(spec, node)
    if "example" in node:
        return node["example"]
    if "enum" in node:
        return node["enum"][0]
    if "object" in types:
        return {name: _example(spec, node["properties"][name]) for name in node.get("required", ())}
    if "array" in types:
        return [_example(spec, node["items"])] * max(node.get("minItems", 0), 1)
    if "boolean" in types:
        return True
    if "number" in types or "integer" in types:
        return 1
    if node.get("format") == "date":
        return "2024-01-31"
    return "x"
