"""SavedModel variables by their real names, and Keras 3 export twins counted once.

The oracle records TensorFlow's SavedObjectGraph (node paths and each variable node's `name`). `ls --json` must
give every variable of the variables checkpoint the name of its SavedObjectGraph node (`variable_name`). Keras 3
exports store each weight twice (`variables/<i>` and `_all_variables/<j>`): the second copy says `twin_of` the
first, both hold the same values per TensorFlow (values.npz), and `info`'s `model_weights` counts each once.
"""
from __future__ import annotations

import numpy as np
import pytest

import conftest as H


def _savedmodel_views():
    out = []
    for name in H.fixture_case_names():
        case = H.load_case(name)
        for view in case.checkpoints:
            if view.savedmodel:
                out.append(pytest.param(name, view.label, id="%s/%s" % (name, view.label)))
    if not out:
        out.append(pytest.param(None, None, marks=pytest.mark.skip(reason="no SavedModel fixtures"), id="none"))
    return out


def _variable_names(case, view) -> dict:
    """object path -> SavedObjectGraph variable name, from the oracle's first meta graph with an object graph."""
    sm = next(a for a in case.artifacts("savedmodel") if case.dir / a["path"] == view.cli_path)
    for mg in sm["meta_graphs"]:
        nodes = (mg.get("object_graph") or {}).get("nodes") or []
        if nodes:
            return {n["path"]: n["variable"]["name"] for n in nodes
                    if n.get("kind") == "variable" and n.get("path") and isinstance(n.get("variable"), dict)}
    return {}


@pytest.mark.parametrize("name,label", _savedmodel_views())
def test_variable_names_and_twins(name, label):
    case = H.load_case(name)
    view = next(v for v in case.checkpoints if v.label == label)
    names = _variable_names(case, view)
    ls = H.cli_json("ls", view.cli_path)
    info = H.cli_json("info", view.cli_path)
    npz = {v["key"]: case.npz[v["npz"]] for v in view.record["variables"] if "npz" in v}
    problems = []
    by_key = {v["key"]: v for v in ls["variables"]}
    for v in ls["variables"]:
        want = names.get(v["object_path"]) if v["object_path"] else None
        if v["variable_name"] != want:
            problems.append("%s: variable_name %r, TensorFlow's SavedObjectGraph %r" % (
                v["key"], v["variable_name"], want))
        if v["twin_of"] is not None:
            first = by_key.get(v["twin_of"])
            if first is None or first["twin_of"] is not None:
                problems.append("%s: twin_of %r is no primary variable" % (v["key"], v["twin_of"]))
                continue
            if first["variable_name"] != v["variable_name"]:
                problems.append("%s: twin of a variable named %r" % (v["key"], first["variable_name"]))
            a, b = npz.get(v["key"]), npz.get(v["twin_of"])
            if a is None or b is None or a.dtype != b.dtype or a.shape != b.shape or a.tobytes() != b.tobytes():
                problems.append("%s: twin of %s, but TensorFlow reads different values" % (v["key"], v["twin_of"]))
    # Twins are exactly the repeated names with equal values: none missed.
    by_name = {}
    for key, v in by_key.items():
        if v["variable_name"] and key in npz:
            by_name.setdefault((v["variable_name"], npz[key].tobytes(), str(npz[key].dtype), npz[key].shape),
                               []).append(key)
    for group in by_name.values():
        primaries = [k for k in group if by_key[k]["twin_of"] is None]
        if len(primaries) != 1:
            problems.append("same name and values, but %d primaries among %s" % (len(primaries), group))
    # model_weights counts each weight once.
    weights = [v for v in ls["variables"] if not v["optimizer_state"] and v["kind"] != "object_graph"
               and v["twin_of"] is None]
    want = {"variables": len(weights), "parameters": sum(v["parameters"] for v in weights),
            "bytes": sum(v["bytes"] for v in weights)}
    if info["model_weights"] != want:
        problems.append("info model_weights %r, expected %r" % (info["model_weights"], want))
    H.assert_no_problems(problems, "%s/%s" % (name, label))


def test_keras3_export_counts_each_weight_once():
    """The case from the issue: a Keras 3 model.export stores 4 weights twice; model weights are the model's."""
    if "sm_keras_sequential_export" not in H.fixture_case_names():
        pytest.skip("fixture missing")
    case = H.load_case("sm_keras_sequential_export")
    view = next(v for v in case.checkpoints if v.savedmodel)
    info = H.cli_json("info", view.cli_path)
    unique = {}
    for v in view.record["variables"]:
        if v["key"] != "_CHECKPOINTABLE_OBJECT_GRAPH":
            unique[case.npz[v["npz"]].tobytes()] = v["num_elements"]
    assert info["model_weights"]["parameters"] == sum(unique.values())
