"""Names and strings that are not valid UTF-8 (strictly: surrogates, overlong forms, code points above U+10FFFF
and truncated sequences are invalid too). TensorFlow writes such a checkpoint (SaveV2 takes bytes names); the CLI's
JSON must stay strict UTF-8, show the name as display text and give the exact bytes in `key_base64`, and write
such string values as {"base64": ...}."""
from __future__ import annotations

import base64
import json
import os
import subprocess

import pytest

import conftest as H
import test_schemas as S

NAMES = [b"ok", b"bad\xff", b"surrogate\xed\xa0\x80", b"overlong\xc0\x80", b"above\xf4\x90\x80\x80",
         b"truncated\xe2\x82", b"strings"]
STRINGS = [b"plain", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xc0\x80", b"\xe2\x82", "ünï ✓".encode()]


@pytest.fixture(scope="module")
def checkpoint(tf, tmp_path_factory):
    prefix = tmp_path_factory.mktemp("non_utf8") / "ckpt"
    tensors = [tf.constant(float(i)) for i in range(len(NAMES) - 1)] + [tf.constant(STRINGS)]
    tf.raw_ops.SaveV2(prefix=str(prefix), tensor_names=tf.constant(NAMES),
                      shape_and_slices=tf.constant([b""] * len(NAMES)), tensors=tensors)
    return prefix


def run_bytes(*args):
    """The CLI with bytes arguments; stdout must decode as strict UTF-8."""
    H._require_cli()
    proc = subprocess.run([os.fsencode(str(H.CLI_PATH)), *[a if isinstance(a, bytes) else a.encode() for a in args]],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=H.CLI_TIMEOUT_S)
    text = proc.stdout.decode("utf-8")  # strict: raises on surrogates, overlong forms, ...
    return proc.returncode, json.loads(text)


def test_ls_keeps_exact_key_bytes(checkpoint):
    code, doc = run_bytes("ls", str(checkpoint), "--json")
    assert code == 0
    by_bytes = {}
    for v in doc["variables"]:
        raw = base64.b64decode(v["key_base64"]) if "key_base64" in v else v["key"].encode()
        by_bytes[raw] = v
        if "key_base64" in v:
            assert "\ufffd" in v["key"], v
            assert v["key"].encode("utf-8")  # display text is valid text
    assert sorted(by_bytes) == sorted(NAMES)
    assert "key_base64" not in by_bytes[b"ok"] and "key_base64" not in by_bytes[b"strings"]
    tree_names = set()

    def walk(node):
        tree_names.add(base64.b64decode(node["name_base64"]) if "name_base64" in node else node["name"].encode())
        for c in node["children"]:
            walk(c)
    walk(doc["tree"])
    assert set(NAMES) <= tree_names


@pytest.mark.parametrize("name", NAMES[1:-1], ids=lambda n: n.decode("ascii", "replace")[:9])
def test_show_and_stats_of_a_non_utf8_key(checkpoint, name):
    for command in ("show", "stats"):
        code, doc = run_bytes(command, str(checkpoint), name, "--json")
        assert code == 0, doc
        record = doc if command == "show" else doc["tensors"][0]
        assert base64.b64decode(record["key_base64"]) == name
        validator = S.validators()[doc["schema"]]
        assert not list(validator.iter_errors(doc))


def test_non_utf8_string_values_are_base64(checkpoint):
    code, doc = run_bytes("show", str(checkpoint), "strings", "--json")
    assert code == 0
    for value, raw in zip(doc["values"], STRINGS):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            assert value == {"base64": base64.b64encode(raw).decode()}, (raw, value)
        else:
            assert value == text
    assert [base64.b64decode(s) for s in doc["strings_base64"]] == STRINGS
