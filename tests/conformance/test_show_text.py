"""`show` as text for people: a selection of more than 1000 values prints numpy's summary (the first and last
3 along each dimension, "..." between), `--all` prints every value, and every printed number is the value
TensorFlow wrote (float32 and float64 tensors of the generated fixtures, parsed back bit for bit). csv and
json always hold every value (checked elsewhere)."""
from __future__ import annotations

import re

import numpy as np
import pytest

import conftest as H

NUMBER = re.compile(r"-?(?:inf|nan|[0-9][0-9.e+-]*)")
EDGE = 3


def printed_numbers(text: str, dtype) -> np.ndarray:
    body = text.split("\n", 1)[1]
    if body.startswith("("):  # the summary's note line
        body = body.split("\n", 1)[1]
    return np.array([float(x) for x in NUMBER.findall(body.replace("...", " "))], dtype=dtype)


def edges(v: np.ndarray) -> np.ndarray:
    """What numpy's summary shows: along each axis longer than 2*EDGE, the first and last EDGE."""
    for axis, n in enumerate(v.shape):
        if n > 2 * EDGE:
            v = np.take(v, list(range(EDGE)) + list(range(n - EDGE, n)), axis=axis)
    return v


# Real checkpoints with float tensors of more than 1000 values (1-, 2- and 4-D), read by TensorFlow itself.
CHECKPOINTS = ["keras-mnist-cnn-nofp/variables/variables", "tf1-estimator-widedeep-5ckpts/model.ckpt-1128"]


def big_float_tensors(tf):
    for rel in CHECKPOINTS:
        prefix = H.CORPUS_DIR / rel
        if not prefix.with_name(prefix.name + ".index").is_file():
            continue
        reader = tf.train.load_checkpoint(str(prefix))
        dtypes = reader.get_variable_to_dtype_map()
        for key, shape in sorted(reader.get_variable_to_shape_map().items()):
            if dtypes[key] in (tf.float32, tf.float64) and shape and int(np.prod(shape)) > 1000:
                v = np.asarray(reader.get_tensor(key))
                if np.all(np.isfinite(v)):
                    yield prefix, key, v


def test_large_selections_print_numpys_summary_and_all_prints_everything(tf):
    checked, problems = 0, []
    for prefix, key, v in big_float_tensors(tf):
        res = H.run_cli_uncached("show", str(prefix), key)
        assert res.returncode == 0, res.describe()
        if "the first and last 3 along each dimension" not in res.stdout:
            problems.append("%s: no summary note for %d values" % (key, v.size))
            continue
        got, want = printed_numbers(res.stdout, v.dtype), edges(v).reshape(-1)
        if got.shape != want.shape or not np.array_equal(got, want):
            problems.append("%s %s: the summary prints %s, numpy's edges are %s" % (key, v.shape, got[:8], want[:8]))
        full = H.run_cli_uncached("show", str(prefix), key, "--all")
        if full.returncode != 0 or not np.array_equal(printed_numbers(full.stdout, v.dtype), v.reshape(-1)):
            problems.append("%s: --all does not print every value" % key)
        checked += 1
    if checked == 0:
        pytest.skip("corpus not available")
    H.assert_no_problems(problems, "show text (%d tensors)" % checked)


def test_a_small_slice_prints_every_value(tf):
    for prefix, key, v in big_float_tensors(tf):
        if v.ndim == 2 and v.shape[0] >= 2 and v[:2].size <= 1000:
            res = H.run_cli_uncached("show", str(prefix), key, "--slice", "0:2")
            assert res.returncode == 0 and "first and last" not in res.stdout, res.describe()
            assert np.array_equal(printed_numbers(res.stdout, v.dtype), v[:2].reshape(-1))
            return
    pytest.skip("corpus not available")
