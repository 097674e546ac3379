"""Validate emulator responses against the response schemas of Conductor's OpenAPI spec."""

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:conductor-openapi"


class SpecChecker:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)
        self._validators: dict[str, jsonschema.Draft202012Validator] = {}

    def _validator(self, pointer: str) -> jsonschema.Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = jsonschema.Draft202012Validator(
                {"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)
        return self._validators[pointer]

    @staticmethod
    def _escape(path: str) -> str:
        return path.replace("~", "~0").replace("/", "~1")

    def response_errors(self, spec_path: str, method: str, body: object) -> list[str]:
        """Schema violations of a 200 response body for one operation ([] when it conforms)."""
        assert spec_path in self.spec["paths"], f"{spec_path} is not in the spec"
        assert method in self.spec["paths"][spec_path], f"{method.upper()} {spec_path} is not in the spec"
        pointer = (f"/paths/{self._escape(spec_path)}/{method}/responses/200/content/"
                   f"{self._escape('application/json')}/schema")
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                for e in self._validator(pointer).iter_errors(body)]

    def error_errors(self, body: object) -> list[str]:
        return [e.message for e in self._validator("/components/schemas/Error").iter_errors(body.get("error"))] + (
            [] if set(body) == {"error"} else [f"unexpected top-level keys {sorted(body)}"])

    def response_headers(self, spec_path: str, method: str) -> set[str]:
        return set(self.spec["paths"][spec_path][method]["responses"]["200"].get("headers", {}))
