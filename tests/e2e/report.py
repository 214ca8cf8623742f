#!/usr/bin/env python3
"""JSON helpers for the end-to-end tests (python3 + python3-jsonschema from Debian 12).

  report.py validate SCHEMA DOC   exit 0 if DOC is exactly one JSON document valid against SCHEMA
  report.py get DOC EXPR          evaluate the Python expression EXPR with `d` = the document;
                                  str results print raw, bool/None/numbers/lists/dicts as JSON.
                                  Exit 1 if DOC is not JSON or EXPR raises.
Helpers usable in EXPR: codes(d) -> list of finding codes; finding(d, code) -> first finding
with that code or {}; re (the module).
"""
import json
import re
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    # exactly one document: json.loads rejects trailing data other than whitespace
    return json.loads(text)


def codes(d):
    return [f.get("code") for f in d.get("findings", [])]


def finding(d, code):
    for f in d.get("findings", []):
        if f.get("code") == code:
            return f
    return {}


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1]
    if cmd == "validate" and len(argv) == 4:
        import jsonschema
        try:
            schema = load(argv[2])
        except (OSError, ValueError) as e:
            print(f"schema {argv[2]}: {e}", file=sys.stderr)
            return 1
        try:
            doc = load(argv[3])
        except (OSError, ValueError) as e:
            print(f"not one JSON document: {argv[3]}: {e}", file=sys.stderr)
            return 1
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:20]:
            where = "/".join(str(p) for p in e.path) or "(root)"
            print(f"schema violation at {where}: {e.message}", file=sys.stderr)
        return 1 if errors else 0
    if cmd == "get" and len(argv) == 4:
        try:
            d = load(argv[2])
        except (OSError, ValueError) as e:
            print(f"not one JSON document: {argv[2]}: {e}", file=sys.stderr)
            return 1
        try:
            v = eval(argv[3], {"re": re, "codes": codes, "finding": finding, "d": d})  # test code only
        except Exception as e:  # noqa: BLE001 - report any failure of the expression
            print(f"expression failed: {argv[3]}: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        print(v if isinstance(v, str) else json.dumps(v))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
