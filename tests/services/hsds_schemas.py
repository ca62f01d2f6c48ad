"""Validation against the official Open Referral HSDS 3.0 compiled schemas, which live beside
the checkout in ../shared/hsds-3.0 (never copied into the project)."""

import copy
import json
from functools import cache
from pathlib import Path

import jsonschema
from django.conf import settings

HSDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "hsds-3.0"


@cache
def _schema(name: str, strict: bool) -> dict:
    schema = json.loads((HSDS_DIR / name).read_text())
    if strict:
        schema = copy.deepcopy(schema)
        _forbid_additional(schema)
    return schema


def _forbid_additional(node) -> None:
    """HSDS's own checks run the schemas with additional properties forbidden everywhere."""
    if isinstance(node, dict):
        if "properties" in node:
            node["additionalProperties"] = False
        for value in node.values():
            _forbid_additional(value)
    elif isinstance(node, list):
        for value in node:
            _forbid_additional(value)


def validate(instance, name: str) -> None:
    """Raise if `instance` breaks the named schema, leniently or strictly."""
    for strict in (False, True):
        schema = _schema(name, strict)
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        assert not errors, f"{name} (strict={strict}): " + "; ".join(
            f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]
        )


def validate_page(body: dict, item_schema: str) -> None:
    assert set(body) == {
        "total_items",
        "total_pages",
        "page_number",
        "size",
        "first_page",
        "last_page",
        "empty",
        "contents",
    }
    for item in body["contents"]:
        validate(item, item_schema)
