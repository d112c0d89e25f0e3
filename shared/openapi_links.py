"""OpenAPI links: from what an operation creates to the operations on it.

A client generated from the document, or schemathesis' stateful phase, follows them: the
id the 201 answer names goes into the path of the reads and commands on the object.
"""

from __future__ import annotations

import re
from typing import Any


def link_creations(document: dict[str, Any]) -> None:
    """OpenAPI links from each operation that creates an object (201) to the reads and
    commands on it: the paths under `<its path>/{id}` whose answer names the same kind
    (or, below those, any operation on the object), their parameters taken from the request's
    path or the created object's fields."""
    paths: dict[str, dict[str, Any]] = document["paths"]
    for path, item in paths.items():
        creating = item.get("post", {})
        created = _schema_ref(creating.get("responses", {}).get("201"))
        if created is None:
            continue
        fields = set(_properties(document, created))
        links: dict[str, Any] = {}
        for target, target_item in paths.items():
            if not target.startswith(path + "/{"):
                continue
            parameters = _link_parameters(path, target, fields, _reads(paths, path, created))
            if parameters is None:
                continue
            for method, operation in target_item.items():
                if method in ("get", "post", "put", "patch", "delete"):
                    links[operation["operationId"]] = {
                        "operationId": operation["operationId"], "parameters": parameters,
                        "description": f"{method.upper()} {target} on what was created."}
        if links:
            creating["responses"]["201"]["links"] = links


def _reads(paths: dict[str, dict[str, Any]], path: str, created: str) -> set[str]:
    """The parameters under `path` whose read answers the kind created (its `id` is theirs)."""
    return {match[1] for target, item in paths.items()
            if (match := re.fullmatch(re.escape(path) + r"/{(\w+)}", target))
            and _schema_ref(item.get("get", {}).get("responses", {}).get("200")) == created}


def _link_parameters(path: str, target: str, fields: set[str],
                     reads: set[str]) -> dict[str, str] | None:
    own = set(re.findall(r"{(\w+)}", path))
    new = [name for name in re.findall(r"{(\w+)}", target) if name not in own]
    parameters = {name: f"$request.path.{name}" for name in own}
    for index, name in enumerate(new):
        if name in fields:
            parameters[name] = f"$response.body#/{name}"
        elif index == 0 and "id" in fields and name in reads:
            parameters[name] = "$response.body#/id"
        else:
            return None
    return parameters


def _schema_ref(answer: dict[str, Any] | None) -> str | None:
    if not answer:
        return None
    schema = answer.get("content", {}).get("application/json", {}).get("schema", {})
    reference = schema.get("$ref")
    return reference.rsplit("/", 1)[1] if isinstance(reference, str) else None


def _properties(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema = document.get("components", {}).get("schemas", {}).get(name, {})
    properties: dict[str, Any] = schema.get("properties", {})
    return properties
