from __future__ import annotations

import re

from shared.contracts import json_schemas
from shared.contracts.base import registered_contracts


def test_every_contract_has_a_versioned_cloudevents_type() -> None:
    pattern = re.compile(r"^de\.wirkung\.(agreements|cases|audit)\.[A-Z][A-Za-z]+\.v\d+$")

    assert registered_contracts()
    for ce_type in registered_contracts():
        assert pattern.match(ce_type), ce_type


def test_every_contract_exports_a_json_schema_that_forbids_unknown_fields() -> None:
    for ce_type, schema in json_schemas().items():
        assert schema["type"] == "object", ce_type
        assert schema["additionalProperties"] is False, ce_type
        assert {"occurred_on", "actor"} <= set(schema["required"]), ce_type
