"""Wire values to WMS columns: exact or refused with the column named, never rounded or cut."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from qbd_pipeline.spec.mapping import Col
from qbd_pipeline.sync.convert import MappingError, convert, map_columns, parse_instant


@pytest.mark.parametrize("kind,raw,expected", [
    ("money", "12.50", Decimal("12.50")),
    ("price", "0.12345", Decimal("0.12345")),
    ("quantity", 2.1, Decimal("2.1")),  # a JSON float's binary noise is not a decimal place
    ("percent", "7.25", Decimal("7.25")),
    ("bool", False, False),
    ("int", "3", 3),
    ("date", "2026-11-02", date(2026, 11, 2)),
    ("datetime", "2026-11-02T10:00:00-05:00", datetime(2026, 11, 2, 15, tzinfo=timezone.utc)),
])
def test_values_arrive_exactly(kind, raw, expected):
    value = convert(Col("c", kind, ("c",)), raw)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("column,raw,says", [
    (Col("amount", "money", ("amount",)), "1.005", "more than the 2 decimal places"),
    (Col("rate", "price", ("rate",)), "1.000001", "more than the 5 decimal places"),
    (Col("flag", "bool", ("flag",)), "yes", "expected true/false"),
    (Col("qty", "quantity", ("qty",)), True, "expected a number"),
    (Col("qty", "quantity", ("qty",)), "NaN", "not a finite number"),
    (Col("name", "text", ("name",), length=3), "four", "4 characters exceed the column's 3"),
    (Col("when", "date", ("when",)), "31/01/2026", "cannot read"),
    (Col("name", "text", ("name",), required=True), None, "is required but missing"),
])
def test_a_value_the_wms_cannot_hold_exactly_is_refused_naming_the_column(column, raw, says):
    with pytest.raises(MappingError) as caught:
        convert(column, raw)
    assert caught.value.column == column.name and says in str(caught.value)


def test_a_column_takes_the_first_of_its_paths_that_has_a_value():
    price = Col("sales_price", "price", ("salesPrice", "salesOrPurchaseDetails.price"))
    assert map_columns((price,), {"salesPrice": None, "salesOrPurchaseDetails": {"price": "9.5"}}) == {
        "sales_price": Decimal("9.5")}
    assert map_columns((price,), {}) == {"sales_price": None}


def test_instants_are_utc_whatever_offset_quickbooks_wrote():
    assert parse_instant("2026-11-02T10:00:00Z") == parse_instant("2026-11-02T05:00:00-05:00")
    assert parse_instant("2026-11-02T10:00:00Z").tzinfo == timezone.utc


def _reference(columns, obj: dict) -> dict:
    """Each column's first non-null path, through `convert`: what the compiled mapper must equal."""
    def walk(value, path):
        for part in path.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return value

    return {c.name: convert(c, next((v for v in (walk(obj, p) for p in c.paths) if v is not None), None))
            for c in columns}


def _outcome(function, *args):
    try:
        return "ok", function(*args)
    except MappingError as exc:
        return "refused", (exc.column, str(exc))


def test_the_compiled_mappers_equal_the_reference_on_every_record_of_a_company_and_on_bad_values(shared_server):
    from qbd_pipeline.spec.entities import RESOURCES
    from qbd_pipeline.spec.mapping import MAPPINGS
    from qbd_pipeline.sync.convert import compiled, flat_lines
    from qbd_pipeline_tests.conftest import END_USER

    company = shared_server.emulator.companies[END_USER]
    checked = 0
    for qbd in RESOURCES:
        mapping = MAPPINGS[qbd.entity]
        for record in company.store.iter_records(END_USER, qbd.path):
            assert compiled(mapping.columns)(record) == _reference(mapping.columns, record)
            for line in flat_lines(record) if mapping.lines else ():
                assert compiled(mapping.lines.columns)(line) == _reference(mapping.lines.columns, line)
            checked += 1
    assert checked > 200
    columns = (Col("name", "text", ("name",), 5, required=True), Col("flag", "bool", ("flag",)),
               Col("rate", "price", ("rate", "details.rate")), Col("amount", "money", ("amount",)),
               Col("day", "date", ("day",)))
    for obj in ({"name": "ok", "rate": "1.23456", "amount": "-3.10"}, {"name": "toolong"}, {"name": None},
                {"name": 12345, "flag": "yes"}, {"name": "a", "rate": "1.000010"}, {"name": "a", "rate": "1.0000100"},
                {"name": "a", "details": {"rate": 2.5}}, {"name": "a", "details": "flat"},
                {"name": "a", "amount": "1.005"},
                {"name": "a", "amount": "NaN"}, {"name": "a", "amount": True}, {"name": "a", "day": "2026-02-30"},
                {"name": "a", "amount": "1e3"}, {"name": "a", "amount": 7}):
        assert _outcome(compiled(columns), obj) == _outcome(_reference, columns, obj), obj
