#!/usr/bin/env python3
"""Writes the JSON field tables of docs/CLI.md from the schemas in docs/schema/ (between the GENERATED markers),
so the documentation cannot drift from the schemas the tests validate against.

    python3 scripts/gen-cli-doc.py           # rewrite docs/CLI.md
    python3 scripts/gen-cli-doc.py --check   # exit 1 (and say so) when docs/CLI.md is not what this writes
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_DIR = ROOT / "docs" / "schema"
CLI_MD = ROOT / "docs" / "CLI.md"
BEGIN = "<!-- BEGIN GENERATED from docs/schema/*.json by scripts/gen-cli-doc.py: edit the schemas, not this -->"
END = "<!-- END GENERATED -->"
# Document order and the command that writes each.
DOCUMENTS = [("info.json", "info"), ("ls.json", "ls"), ("tensor.json", "show"), ("stats.json", "stats"),
             ("signatures.json", "signatures"), ("verify.json", "verify"), ("diff.json", "diff"), ("check.json", "check"),
             ("run.json", "run"), ("export.json", "export"),
             ("error.json", "any command, on failure")]


def load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def resolve(ref: str, here: dict) -> tuple[dict, dict, str]:
    """(schema, the document it lives in, a short name) for `file.json#/$defs/x` or `#/$defs/x`."""
    file, _, pointer = ref.partition("#")
    doc = load(file) if file else here
    node = doc
    for part in [p for p in pointer.split("/") if p]:
        node = node[part]
    return node, doc, pointer.rsplit("/", 1)[-1]


def type_text(s: dict, doc: dict) -> str:
    if "$ref" in s:
        target, tdoc, name = resolve(s["$ref"], doc)
        if name in ("status", "tree_node", "nested"):
            return {"status": "problem object", "tree_node": "tree node", "nested": "nested values"}[name]
        return type_text(target, tdoc)
    if "const" in s:
        return "`%s`" % json.dumps(s["const"])
    if "enum" in s:
        return " \\| ".join("`%s`" % v for v in s["enum"])
    if "anyOf" in s:
        return " or ".join(type_text(x, doc) for x in s["anyOf"])
    t = s.get("type")
    types = t if isinstance(t, list) else [t] if t else []
    if "array" in types and "items" in s:
        inner = type_text(s["items"], doc)
        types = ["array of " + inner if x == "array" else x for x in types]
    if s.get("contentEncoding") == "base64":
        types = ["base64 " + x for x in types]
    return " or ".join(types) or "any"


def description(s: dict, doc: dict) -> str:
    if "description" in s:
        return s["description"]
    if "$ref" in s:
        return description(resolve(s["$ref"], doc)[0], doc)
    return ""


def object_of(s: dict, doc: dict):
    """The object schema a field holds (directly, as array items, through a $ref or in an anyOf), or None."""
    if "$ref" in s:
        target, tdoc, _ = resolve(s["$ref"], doc)
        return object_of(target, tdoc)
    if s.get("type") == "object" and "properties" in s:
        return s, doc
    if "items" in s:
        return object_of(s["items"], doc)
    for alt in s.get("anyOf", []):
        found = object_of(alt, doc)
        if found:
            return found
    return None


def rows(obj: dict, doc: dict, prefix: str, seen: set) -> list:
    out = []
    required = set(obj.get("required", []))
    for name, s in obj["properties"].items():
        path = prefix + name
        note = "" if name in required else " (optional)"
        out.append("| `%s` | %s | %s%s |" % (path, type_text(s, doc), description(s, doc).replace("|", "\\|"), note))
        found = object_of(s, doc)
        if found:
            key = id(found[0])
            if key in seen:
                out.append("| `%s…` | | the same fields again, recursively |" % (path + ("[]." if _is_array(s, doc) else ".")))
                continue
            out += rows(found[0], found[1], path + ("[]." if _is_array(s, doc) else "."), seen | {key})
    return out


def _is_array(s: dict, doc: dict) -> bool:
    if "$ref" in s:
        target, tdoc, _ = resolve(s["$ref"], doc)
        return _is_array(target, tdoc)
    t = s.get("type")
    return t == "array" or (isinstance(t, list) and "array" in t)


def generate() -> str:
    parts = [BEGIN]
    for name, command in DOCUMENTS:
        doc = load(name)
        parts += ["", "### `%s` → `%s` (docs/schema/%s)" % (command, doc["title"], name), doc["description"], "",
                  "| field | type | meaning |", "|---|---|---|"]
        parts += rows(doc, doc, "", {id(doc)})
    parts += ["", END]
    return "\n".join(parts)


def main() -> int:
    undocumented = sorted({p.name for p in SCHEMA_DIR.glob("*.json")} - {n for n, _ in DOCUMENTS} - {"common.json"})
    if undocumented:
        print("schemas missing from DOCUMENTS in %s: %s" % (Path(__file__).name, ", ".join(undocumented)),
              file=sys.stderr)
        return 1
    text = CLI_MD.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print("docs/CLI.md has no GENERATED markers", file=sys.stderr)
        return 1
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    new = head + generate() + tail
    if "--check" in sys.argv[1:]:
        if new != text:
            print("docs/CLI.md differs from the schemas: run python3 scripts/gen-cli-doc.py", file=sys.stderr)
            return 1
        return 0
    CLI_MD.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
