"""Slot links of the Keras optimizers of TF >= 2.11 against the ground truth the generator recorded.

These optimizers write their slots as `optimizer/_variables/<i>` without slot references, so `ls` infers the
links (`slot_link`). The generator (tests/oracle/cases_optimizers.py) recorded, per checkpoint, which model
variable each slot belongs to, from the optimizer's own variable names (`optimizer_truth`). Here:

* every link we show (`linked-by-graph` or `inferred`) names exactly that variable, and the slot name when we
  give one is Keras' own;
* a slot we cannot decide says so (`ambiguous`/`unlinked`, with a reason);
* where the checkpoint determines the layout (`decidable: true`), every slot is linked;
* optimizer state that is no slot (iterations, learning rate, Nadam's u_product) is never linked.
"""
from __future__ import annotations

import pytest

import conftest as H

CASES = [n for n in H.fixture_case_names() if n.startswith("ckpt_optimizers_")]


def _checkpoints():
    out = []
    for name in CASES:
        case = H.load_case(name)
        for view in case.checkpoints:
            if "optimizer_truth" in view.record:
                out.append(pytest.param(name, view.label, id="%s/%s" % (name, view.label)))
    if not out:
        out.append(pytest.param(None, None, marks=pytest.mark.skip(
            reason="no optimizer fixtures for tag %r in %s" % (H.TF_TAG, H.TAG_DIR)), id="none"))
    return out


def _check(ls_doc: dict, truth: dict) -> list:
    by_key = {v["key"]: v for v in ls_doc["variables"]}
    problems = []
    for opt in truth["optimizers"]:
        for s in opt["slots"]:
            v = by_key.get(s["key"])
            if v is None:
                problems.append("%s: not listed by ls" % s["key"])
                continue
            link = v["slot_link"]
            if link is None:
                problems.append("%s (%s of %s): no slot_link at all" % (s["key"], s["slot"], s["variable_key"]))
                continue
            if not link["reason"]:
                problems.append("%s: slot_link without a reason" % s["key"])
            if link["confidence"] in ("linked-by-graph", "inferred"):
                if link["variable"] != s["variable_key"]:
                    problems.append("%s: we link it (%s) to %r, TensorFlow's optimizer to %r" % (
                        s["key"], link["confidence"], link["variable"], s["variable_key"]))
                if link["slot_name"] is not None and link["slot_name"] != s["slot"]:
                    problems.append("%s: slot name %r, Keras' %r" % (s["key"], link["slot_name"], s["slot"]))
                if link["optimizer_path"] != opt["attribute"]:
                    problems.append("%s: optimizer_path %r, expected %r" % (
                        s["key"], link["optimizer_path"], opt["attribute"]))
            elif link["variable"] is not None:
                problems.append("%s: %s but names variable %r" % (s["key"], link["confidence"], link["variable"]))
            elif truth["decidable"] is True:
                problems.append("%s (%s of %s): %s although the checkpoint determines it: %s" % (
                    s["key"], s["slot"], s["variable_key"], link["confidence"], link["reason"]))
        for key in opt["state"]:
            v = by_key.get(key)
            if v is not None and v["slot_link"] is not None and v["slot_link"]["variable"] is not None:
                problems.append("%s: optimizer state, but we link it to %r" % (key, v["slot_link"]["variable"]))
    # Nothing else claims a link: model weights carry none.
    slot_keys = {s["key"] for o in truth["optimizers"] for s in o["slots"]}
    state_keys = {k for o in truth["optimizers"] for k in o["state"]}
    for v in ls_doc["variables"]:
        if v["key"] in slot_keys or v["key"] in state_keys or v["slot_link"] is None:
            continue
        if v["slot_link"]["variable"] is not None:
            problems.append("%s: not a slot, but we link it to %r" % (v["key"], v["slot_link"]["variable"]))
    return problems


@pytest.mark.parametrize("name,label", _checkpoints())
def test_optimizer_slot_links(name, label):
    case = H.load_case(name)
    view = next(v for v in case.checkpoints if v.label == label)
    truth = view.record["optimizer_truth"]
    ls_doc = H.cli_json("ls", view.cli_path)
    H.assert_no_problems(_check(ls_doc, truth), "%s/%s" % (name, label))


@pytest.mark.parametrize("name,label", _checkpoints())
def test_optimizer_slot_counts_in_info(name, label):
    """info's slot_links counts are the ls records' confidences."""
    case = H.load_case(name)
    view = next(v for v in case.checkpoints if v.label == label)
    ls_doc = H.cli_json("ls", view.cli_path)
    info = H.cli_json("info", view.cli_path)
    counts = {"linked-by-graph": 0, "inferred": 0, "ambiguous": 0, "unlinked": 0}
    for v in ls_doc["variables"]:
        if v["slot_link"] is not None:
            counts[v["slot_link"]["confidence"]] += 1
    assert info["slot_links"] == counts


def test_matrix_is_covered():
    """Both TensorFlow versions' fixtures hold the whole optimizer matrix (a case silently skipped by the
    generator would otherwise shrink what this suite checks)."""
    if not CASES:
        pytest.skip("no optimizer fixtures for tag %r" % H.TF_TAG)
    labels = {v.label for n in CASES for v in H.load_case(n).checkpoints if "optimizer_truth" in v.record}
    want = {"adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "ftrl", "adamw", "lion",
            "sgd_momentum", "adam_amsgrad", "rmsprop_centered", "rmsprop_momentum_centered", "adam_ema",
            "identical_layers", "frozen_layer", "two_optimizers"}
    missing = sorted(w for w in want if "%s/ckpt" % w not in labels)
    assert not missing, missing
