"""Checks the partner API's OpenAPI description and answers recorded by the tests against it.

Usage: openapi_check.py SPEC ANSWERS

SPEC is openapi/partner-api.json. ANSWERS is a JSON list of {method, path, status, body}.
The description must be valid OpenAPI 3.1 (openapi-spec-validator), and each answer's body
must match the schema the description gives for its path, method and status (jsonschema,
draft 2020-12). Every problem is printed; the exit status is 1 when there is any.
"""

import json
import sys

import jsonschema
from openapi_spec_validator import validate


def resolve(node, spec):
    """The schema with every local $ref replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            return resolve(target, spec)
        return {key: resolve(value, spec) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, spec) for item in node]
    return node


def main():
    spec_path, answers_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as file:
        spec = json.load(file)
    validate(spec)
    with open(answers_path, encoding="utf-8") as file:
        answers = json.load(file)
    problems = []
    for answer in answers:
        where = f"{answer['method'].upper()} {answer['path']} -> {answer['status']}"
        operation = spec["paths"].get(answer["path"], {}).get(answer["method"])
        if operation is None:
            # Unknown paths and wrong methods answer with the documented error shape.
            schema = spec["components"]["schemas"]["Error"]
        else:
            response = operation["responses"].get(str(answer["status"]))
            if response is None:
                problems.append(f"{where}: status not documented")
                continue
            schema = response["content"]["application/json"]["schema"]
        schema = resolve(schema, spec)
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
        )
        for error in validator.iter_errors(answer["body"]):
            problems.append(f"{where}: {error.message} at {list(error.absolute_path)}")
    for problem in problems:
        print(problem)
    print(f"{len(answers)} answers checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
