"""fingerprint.pb: `verify --json` recomputes TensorFlow's five hashes exactly.

For every SavedModel fixture of this TensorFlow version and every corpus SavedModel with a fingerprint.pb, the
values `verify` reads (`recorded`) are what `tf.saved_model.experimental.read_fingerprint` reads, and the values
it computes from the files equal them (status `match`). TensorFlow is also asked to compute a fingerprint
afresh (its pywrap `CreateFingerprintDef`, the function `tf.saved_model.save` calls) for copies of the fixtures
whose saved_model.pb had one byte of a name changed: `verify` must compute the very same values, exit 4 and name
each field that no longer matches the stored fingerprint.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import conftest as H

FIELDS = ("saved_model_checksum", "graph_def_program_hash", "signature_def_hash", "saved_object_graph_hash",
          "checkpoint_hash")


def _fixture_dirs() -> list:
    return sorted(p.parent for p in H.TAG_DIR.glob("*/**/fingerprint.pb"))


def _corpus_dirs() -> list:
    return sorted(p.parent for p in H.CORPUS_DIR.glob("**/fingerprint.pb"))


def _params(dirs: list, root: Path) -> list:
    out = [pytest.param(d, id=str(d.relative_to(root))) for d in dirs]
    return out or [pytest.param(None, marks=pytest.mark.skip(reason="no SavedModel with fingerprint.pb"), id="none")]


def _tf_fingerprint(tf, directory: Path) -> dict:
    fp = tf.saved_model.experimental.read_fingerprint(str(directory))
    return {f: int(getattr(fp, f)) for f in FIELDS}


def _tf_computes(directory: Path):
    """TensorFlow's own fingerprint of `directory` now, or None when this TensorFlow has no such hook."""
    try:
        from tensorflow.core.protobuf import fingerprint_pb2
        from tensorflow.python.saved_model.pywrap_saved_model import fingerprinting
    except ImportError:
        return None
    fp = fingerprint_pb2.FingerprintDef()
    fp.ParseFromString(fingerprinting.CreateFingerprintDef(str(directory)))
    return {f: int(getattr(fp, f)) for f in FIELDS}


def _verify_fields(directory: Path, *expect_exit: int) -> dict:
    res = H.run_cli_uncached("verify", str(directory), "--json")
    assert res.returncode in expect_exit, res.describe()
    assert res.doc is not None and res.doc.get("schema") == "tensorscope.verify/1", res.describe()
    fields = {f["field"]: f for f in res.doc["fingerprint"]["fields"]}
    assert tuple(fields) == FIELDS, res.describe()
    return res.doc, fields


def _assert_all_match(tf, directory: Path):
    """Exit 4 is allowed for other damage (a corpus SavedModel lacks assets), never for the fingerprint."""
    expected = _tf_fingerprint(tf, directory)
    doc, fields = _verify_fields(directory, 0, 4)
    assert not [p for p in doc["problems"] if "fingerprint" in p["message"]], doc["problems"]
    for name in FIELDS:
        f = fields[name]
        assert int(f["recorded"]) == expected[name], (directory, f)
        assert f["status"] == "match", (directory, f)
        assert int(f["computed"]) == expected[name], (directory, f)


@pytest.mark.parametrize("directory", _params(_fixture_dirs(), H.TAG_DIR))
def test_fixture_fingerprints_are_recomputed(tf, directory):
    _assert_all_match(tf, directory)


@pytest.mark.parametrize("directory", _params(_corpus_dirs(), H.CORPUS_DIR))
def test_corpus_fingerprints_are_recomputed(tf, directory):
    _assert_all_match(tf, directory)


def _damaged_copies(tmp_path: Path):
    """Copies of each fixture SavedModel with one byte of the first "serving_default" (a node or signature
    name: the protobuf still parses) changed."""
    for i, src in enumerate(_fixture_dirs()):
        raw = bytearray((src / "saved_model.pb").read_bytes())
        at = raw.find(b"serving_default")
        if at < 0:
            continue
        dst = tmp_path / ("sm%d" % i)
        shutil.copytree(src, dst)
        raw[at + 3] ^= 0x01
        (dst / "saved_model.pb").write_bytes(bytes(raw))
        yield src, dst


def test_changed_saved_model_matches_tensorflows_recomputation(tf, tmp_path):
    compared = 0
    for src, dst in _damaged_copies(tmp_path):
        fresh = _tf_computes(dst)
        if fresh is None:
            pytest.skip("this TensorFlow has no pywrap CreateFingerprintDef")
        stored = _tf_fingerprint(tf, src)
        doc, fields = _verify_fields(dst, 4)
        for name in FIELDS:
            assert int(fields[name]["computed"]) == fresh[name], (dst, name, fields[name], fresh[name])
            changed = fresh[name] != stored[name]
            assert fields[name]["status"] == ("mismatch" if changed else "match"), (dst, fields[name])
            named = any(name in p["message"] for p in doc["problems"])
            assert named == changed, (dst, name, doc["problems"])
        assert fields["saved_model_checksum"]["status"] == "mismatch"
        compared += 1
    assert compared >= 3
