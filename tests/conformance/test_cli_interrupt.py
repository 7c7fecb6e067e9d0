"""Ctrl-C in tensorscope-cli: the first SIGINT cancels the running operation through its cancel token, the CLI
prints one line "cancelled" on stderr and exits 130 soon after; nothing of the report reaches stdout. The
checkpoint is written by TensorFlow in a temporary directory, large enough that `verify` runs for seconds."""
from __future__ import annotations

import signal
import subprocess
import time

import pytest

import conftest as H

# String variables of 2 Mi elements each: verify decodes every element (checksumming plain numbers runs at
# over 10 GB/s, far too fast to interrupt), about 3 seconds in all on a 2-core machine.
VARIABLES = 40
ELEMENTS = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def large_checkpoint(tmp_path_factory):
    tf = pytest.importorskip("tensorflow")
    directory = tmp_path_factory.mktemp("large_ckpt")
    variables = {"v%02d" % i: tf.Variable(tf.fill([ELEMENTS], "x%d" % i)) for i in range(VARIABLES)}
    prefix = tf.train.Checkpoint(**variables).write(str(directory / "ckpt"))
    return prefix


def _start(*args):
    H._require_cli()
    return subprocess.Popen([str(H.CLI_PATH), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_verify_runs_long_enough_to_interrupt(large_checkpoint):
    # The premise of the test below: uninterrupted, verify takes clearly longer than the moment we interrupt.
    started = time.monotonic()
    proc = _start("verify", large_checkpoint, "--json")
    out, err = proc.communicate(timeout=H.CLI_TIMEOUT_S)
    assert proc.returncode == 0, err.decode()
    assert b'"ok": true' in out or b'"ok":true' in out
    assert time.monotonic() - started > 1.0


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_sigint_cancels_verify(large_checkpoint, json_flag):
    proc = _start("verify", large_checkpoint, *json_flag)
    time.sleep(0.5)  # opened, verifying
    assert proc.poll() is None, "verify ended before it could be interrupted"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, (proc.returncode, err.decode())
    assert time.monotonic() - sent < 5.0
    lines = err.decode().strip().splitlines()
    assert lines == ["tensorscope-cli: cancelled"], lines
    assert out == b""  # no half report

# That a second Ctrl-C kills (the handler is one-shot) is tested in tests/cli/tst_interrupt.cpp, where it is
# deterministic.
