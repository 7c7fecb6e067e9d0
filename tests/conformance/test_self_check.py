"""The suite catches a broken reader: corrupt what the CLI returned, on real fixtures, and the very comparison
the real checks use (conftest.check_values -> compare_tensor -> decode_raw) must report it."""
from __future__ import annotations

import numpy as np
import pytest

import conftest as H


def _find(dtype: str, want=lambda exp: True):
    """(cli_path, [Expected of `dtype`], [every Expected]) for the first fixture checkpoint of the current tag
    holding `dtype` values."""
    for name in H.fixture_case_names():
        case = H.load_case(name)
        for view in case.checkpoints:
            everything = case.expected(view)
            found = [e for e in everything if e.dtype == dtype and e.raw and want(e)]
            if found:
                return view.cli_path, found, everything
    pytest.skip("no fixture with %s values for tag %r in %s" % (dtype, H.TF_TAG, H.TAG_DIR))


def _swap_pairs(raw: bytes) -> bytes:
    out = bytearray(raw)
    out[0::2], out[1::2] = raw[1::2], raw[0::2]
    return bytes(out)


def test_detects_bfloat16_byte_swap(monkeypatch):
    """A reader that returns bfloat16 elements big-endian (bytes of each element swapped) must fail."""
    cli_path, tensors, everything = _find("bfloat16")
    assert H.check_values(cli_path, tensors) == [], "the uncorrupted values must match first"
    detectable = [e for e in tensors if _swap_pairs(e.raw) != e.raw]
    assert detectable, "no bfloat16 tensor whose bytes change when swapped"

    real_decode = H.decode_raw

    def byte_swapped_bfloat16(show_doc):
        raw = real_decode(show_doc)
        return _swap_pairs(raw) if show_doc.get("dtype") == "bfloat16" else raw

    monkeypatch.setattr(H, "decode_raw", byte_swapped_bfloat16)
    problems = H.check_values(cli_path, tensors)
    for e in detectable:
        assert any(p.startswith(e.key + " ") and "values differ" in p for p in problems), (e.key, problems)
    # The corruption is targeted: the other tensors of the same checkpoint still compare equal.
    others = [e for e in everything if e.dtype != "bfloat16" and e.unreadable is None]
    assert others and H.check_values(cli_path, others) == []


def test_detects_nan_payload_and_signed_zero_loss(monkeypatch):
    """A reader that goes through float values (canonical NaN, -0.0 -> 0.0) instead of bits must fail."""
    cli_path, tensors, _ = _find("float32", lambda e: any(
        np.isnan(x) or (x == 0 and np.signbit(x)) for x in np.frombuffer(e.raw, "<f4")))
    assert H.check_values(cli_path, tensors) == []
    real_decode = H.decode_raw

    def canonical_floats(show_doc):
        raw = real_decode(show_doc)
        if show_doc.get("dtype") != "float32":
            return raw
        a = np.frombuffer(raw, "<f4").copy()
        a[np.isnan(a)] = np.float32("nan")
        a[a == 0] = np.float32(0.0)
        return a.astype("<f4").tobytes()

    monkeypatch.setattr(H, "decode_raw", canonical_floats)
    assert H.check_values(cli_path, tensors), "canonicalised NaN payloads / signed zeros went unnoticed"
