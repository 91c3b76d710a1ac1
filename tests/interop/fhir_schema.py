"""Validate resources with the official FHIR R4 JSON schema (Ajv, run with node) and with
the fhir.resources models: two independent validators, both must agree."""

import json
import subprocess
from pathlib import Path

from fhir.resources.R4B import get_fhir_model_class

TOOLS = Path(__file__).resolve().parent.parent / "fhir_js"


def schema_errors(resources: list[dict]) -> list[list[str]]:
    """One list of errors per resource, from the FHIR R4 JSON schema (fhir.schema.json)."""
    done = subprocess.run(
        ["node", str(TOOLS / "validate.mjs")],
        input=json.dumps(resources),
        capture_output=True,
        text=True,
        check=True,
        cwd=TOOLS,
    )
    return json.loads(done.stdout)


def assert_valid(resources: list[dict]) -> None:
    errors = schema_errors(resources)
    assert errors == [[] for _ in resources], [e for e in errors if e]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
