"""Every document tensorscope-cli writes, validated against its JSON Schema in docs/schema/.

Runs every command on every artifact of the shared corpus (MANIFEST.tsv) and of every committed fixture
(tests/fixtures/*/*, both tags), including the error documents (an unknown variable, `signatures` on a checkpoint,
a path that does not exist), and checks that docs/CLI.md is what scripts/gen-cli-doc.py generates from the
schemas. The schemas are closed (additionalProperties: false), so an undocumented field fails here.
"""
from __future__ import annotations

import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

import conftest as H

jsonschema = pytest.importorskip("jsonschema")
referencing = pytest.importorskip("referencing")

SCHEMA_DIR = H.REPO_ROOT / "docs" / "schema"
DOCUMENT_SCHEMAS = {"tensorscope.info/1": "info.json", "tensorscope.ls/1": "ls.json",
                    "tensorscope.tensor/1": "tensor.json", "tensorscope.stats/1": "stats.json",
                    "tensorscope.signatures/1": "signatures.json", "tensorscope.verify/1": "verify.json",
                    "tensorscope.diff/1": "diff.json", "tensorscope.check/1": "check.json",
                    "tensorscope.run/1": "run.json", "tensorscope.export/1": "export.json",
                    "tensorscope.error/1": "error.json"}
SHOW_PER_ARTIFACT = 8  # `show` is one process per tensor: a spread of keys, plus every string tensor


@functools.lru_cache(maxsize=None)
def validators() -> dict:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], referencing.Resource.from_contents(schema)))
    registry = referencing.Registry().with_resources(resources)
    out = {}
    for name, file in DOCUMENT_SCHEMAS.items():
        schema = json.loads((SCHEMA_DIR / file).read_text(encoding="utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)
        out[name] = jsonschema.Draft202012Validator(schema, registry=registry)
    return out


def schema_problems(res: H.CliResult, expect_exit=(0,)) -> list:
    where = "tensorscope-cli " + " ".join(res.args)
    if res.doc is None:
        return ["%s: stdout is not JSON (exit %d): %s" % (where, res.returncode, res.stdout[:200])]
    name = res.doc.get("schema") if isinstance(res.doc, dict) else None
    if name not in DOCUMENT_SCHEMAS:
        return ["%s: unknown document schema %r" % (where, name)]
    problems = []
    if name == "tensorscope.error/1":
        if res.returncode not in (3, 5):
            problems.append("%s: error document with exit %d" % (where, res.returncode))
    elif res.returncode not in expect_exit:
        problems.append("%s: exit %d with a %s document" % (where, res.returncode, name))
    for err in sorted(validators()[name].iter_errors(res.doc), key=lambda e: list(e.absolute_path))[:5]:
        problems.append("%s: %s at /%s: %s" % (where, name, "/".join(map(str, err.absolute_path)), err.message[:300]))
    return problems


def run_json(*args) -> H.CliResult:
    return H.run_cli_uncached(*args, "--json")


# ------------------------------------------------------------------------------------------- targets ---

def _corpus_targets() -> list:
    targets = []
    for row in H.read_manifest():
        root = H.CORPUS_DIR / row["slug"]
        if not root.exists():
            continue
        files = sorted(p for p in root.rglob("*") if p.is_file())
        paths = {root}
        paths |= {p.parent for p in files if p.name in ("saved_model.pb", "saved_model.pbtxt", "checkpoint")}
        paths |= {p.with_name(p.name[:-len(".index")]) for p in files if p.name.endswith(".index")}
        targets += [("corpus/" + str(p.relative_to(H.CORPUS_DIR)), p) for p in sorted(paths)]
    return targets


def _fixture_targets() -> list:
    targets = []
    for case in sorted(p for p in H.FIXTURES_DIR.glob("*/*") if (p / "oracle.json").is_file()):
        oracle = json.loads((case / "oracle.json").read_text(encoding="utf-8"))
        paths = sorted({case / a["path"] for a in oracle["artifacts"]})
        targets += [("fixtures/" + str(p.relative_to(H.FIXTURES_DIR)), p) for p in paths]
    return targets


TARGETS = _corpus_targets() + _fixture_targets()


def _keys_to_show(ls_doc: dict) -> list:
    variables = ls_doc.get("variables", [])
    step = max(1, len(variables) // SHOW_PER_ARTIFACT)
    chosen = {v["key"] for v in variables[::step]} | {v["key"] for v in variables if v["dtype"] == "string"}
    return [v["key"] for v in variables if v["key"] in chosen and "key_base64" not in v]


@pytest.mark.parametrize("label,path", [pytest.param(l, p, id=l) for l, p in TARGETS] or
                         [pytest.param(None, None, marks=pytest.mark.skip(reason="no artifacts"))])
def test_every_command_matches_its_schema(label, path):
    p = str(path)
    ls = run_json("ls", p)
    problems = schema_problems(ls)
    for args, ok_exits in ((("info", p), (0,)), (("ls", p, "--no-slots"), (0,)), (("signatures", p), (0,)),
                           (("verify", p), (0, 4)), (("stats", p), (0, 3)),
                           (("stats", p, "--histogram", "7"), (0, 3))):
        problems += schema_problems(run_json(*args), ok_exits)
    if ls.returncode == 0 and ls.doc:
        for key in _keys_to_show(ls.doc):
            problems += schema_problems(run_json("show", p, key))
        problems += schema_problems(run_json("show", p, "no/such/variable/in/tensorscope"))
        problems += schema_problems(run_json("stats", p, "no/such/variable/in/tensorscope"))
    H.assert_no_problems(problems, label)


def _compare_invocations() -> list:
    """diff, check and run on the demo, the cmp_variants fixture and the corpus's runs."""
    demo = H.REPO_ROOT / "resources" / "demo"
    v = H.TAG_DIR / "cmp_variants"
    calls = [(("diff", str(demo / "training_run" / "ckpt-1"), str(demo / "saved_model")), (0, 1)),
             (("diff", str(demo / "training_run"), str(demo / "saved_model"), "--changed-only"), (0, 1)),
             (("check", str(demo / "training_run"), str(demo / "saved_model")), (0, 1)),
             (("run", str(demo / "training_run")), (0,))]
    if v.is_dir():
        for variant in ("copy", "perturbed", "zero_sign", "int_flip", "renamed", "lost_layer", "reshaped"):
            calls.append((("diff", str(v / "base" / "ckpt"), str(v / variant / "ckpt")), (0, 1)))
            calls.append((("check", str(v / variant / "ckpt"), str(v / "saved_model")), (0, 1)))
        calls.append((("diff", str(v / "renamed" / "ckpt"), str(v / "base" / "ckpt"), "--map",
                       "^model/block1/=model/dense1/", "--confirm-identical"), (0,)))
        calls.append((("run", str(v / "run")), (0,)))
    for slug in ("ckpt-tf2-a2c-3ckpts", "tf1-saver-two-prefixes", "tf1-estimator-widedeep-5ckpts"):
        if (H.CORPUS_DIR / slug).is_dir():
            calls.append((("run", str(H.CORPUS_DIR / slug)), (0,)))
    calls.append((("diff", str(demo / "training_run"), str(demo / "nothing-here")), ()))  # error document
    calls.append((("run", str(demo / "training_run"), "--var", "no/such/variable"), ()))
    return calls


def test_compare_commands_match_their_schemas():
    problems = []
    for args, ok_exits in _compare_invocations():
        problems += schema_problems(run_json(*args), ok_exits)
    H.assert_no_problems(problems, "diff/check/run")


def test_error_document_for_a_missing_path(tmp_path):
    res = run_json("info", str(tmp_path / "nothing-here"))
    assert res.returncode == 3, res.describe()
    H.assert_no_problems(schema_problems(res), "missing path")


def test_schemas_are_closed():
    """A field the schema does not name is rejected (so new output fields must be documented)."""
    doc = {"schema": "tensorscope.verify/1", "ok": True, "files_checked": 1, "blocks_checked": 1,
           "tensors_checked": 1, "bytes_checked": 1, "problems": []}
    assert validators()["tensorscope.verify/1"].is_valid(doc)
    assert not validators()["tensorscope.verify/1"].is_valid(dict(doc, undocumented=1))
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} - {"common.json"} == set(DOCUMENT_SCHEMAS.values())
    for file in DOCUMENT_SCHEMAS.values():
        schema = json.loads((SCHEMA_DIR / file).read_text(encoding="utf-8"))
        assert schema.get("additionalProperties") is False, file


def test_cli_md_is_generated_from_the_schemas():
    proc = subprocess.run([sys.executable, str(H.REPO_ROOT / "scripts" / "gen-cli-doc.py"), "--check"],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout


def test_cli_md_check_notices_drift(tmp_path, monkeypatch):
    """The check is not vacuous: a CLI.md whose tables differ from the schemas fails it."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_cli_doc", H.REPO_ROOT / "scripts" / "gen-cli-doc.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    stale = tmp_path / "CLI.md"
    stale.write_text(gen.CLI_MD.read_text(encoding="utf-8").replace("| `variables[].key` |", "| `variables[].name` |"),
                     encoding="utf-8")
    monkeypatch.setattr(gen, "CLI_MD", stale)
    monkeypatch.setattr(sys, "argv", ["gen-cli-doc.py", "--check"])
    assert gen.main() == 1
    monkeypatch.setattr(sys, "argv", ["gen-cli-doc.py"])
    assert gen.main() == 0 and gen.CLI_MD.read_text(encoding="utf-8") == H.REPO_ROOT.joinpath("docs/CLI.md").read_text(
        encoding="utf-8")
