"""The command line of the real binary: parsing rules (options belong to their command, unknown options exit 2
with a one-line reason, `COMMAND --help`) and the progress bar rule (never when stderr is not a terminal, never
with --json; drawn on a terminal). TSCOPE_CLI_PROGRESS_DELAY_MS=0 makes every step "long"."""
from __future__ import annotations

import os
import pty
import re
import select
import subprocess

import pytest

import conftest as H

COMMANDS = ["info", "ls", "show", "stats", "signatures", "verify"]


def _fixture_checkpoint():
    for case in sorted(H.FIXTURES_DIR.glob("*/ckpt_train_adam")):
        for index in sorted(case.rglob("*.index")):
            return str(index)[:-len(".index")]
    pytest.skip("no ckpt_train_adam fixture")


def run(*args, env=None):
    H._require_cli()
    return subprocess.run([str(H.CLI_PATH), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=H.CLI_TIMEOUT_S, env=dict(os.environ, **(env or {})))


@pytest.mark.parametrize("args,mentioned", [
    (["show", "P", "v", "--flat"], "--flat"),
    (["ls", "P", "--slice", "0"], "--slice"),
    (["info", "P", "--format", "csv"], "--format"),
    (["verify", "P", "--bogus"], "--bogus"),
    (["frobnicate", "P"], "frobnicate"),
])
def test_unknown_options_are_usage_errors(args, mentioned):
    proc = run(*args)
    assert proc.returncode == 2, proc
    assert proc.stdout == b""
    first = proc.stderr.decode().splitlines()[0]
    assert first.startswith("tensorscope-cli: ") and mentioned in first, proc.stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(command):
    proc = run(command, "--help")
    assert proc.returncode == 0 and proc.stderr == b"", proc
    assert b"PATH" in proc.stdout and b"--json" in proc.stdout


def test_version():
    proc = run("--version")
    assert proc.returncode == 0
    assert re.fullmatch(rb"tensorscope-cli \d+\.\d+\.\d+\n", proc.stdout), proc.stdout


def _run_with_terminal_stderr(args, env):
    """Runs the CLI with stderr on a pseudo-terminal (stdout piped); returns (exit code, stdout, stderr)."""
    H._require_cli()
    master, slave = pty.openpty()
    proc = subprocess.Popen([str(H.CLI_PATH), *args], stdout=subprocess.PIPE, stderr=slave,
                            env=dict(os.environ, **env))
    os.close(slave)
    out = proc.stdout.read()
    err = b""
    while True:
        ready, _, _ = select.select([master], [], [], 5)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    proc.wait(timeout=H.CLI_TIMEOUT_S)
    os.close(master)
    return proc.returncode, out, err


@pytest.mark.parametrize("command", ["verify", "stats", "info"])
def test_no_progress_bar_when_stderr_is_not_a_terminal(command):
    proc = run(command, _fixture_checkpoint(), env={"TSCOPE_CLI_PROGRESS_DELAY_MS": "0"})
    assert proc.returncode == 0, proc
    assert proc.stderr == b"", proc.stderr


@pytest.mark.parametrize("command", ["verify", "stats"])
def test_progress_bar_on_a_terminal_but_never_with_json(command):
    env = {"TSCOPE_CLI_PROGRESS_DELAY_MS": "0"}
    code, out, err = _run_with_terminal_stderr([command, _fixture_checkpoint()], env)
    assert code == 0
    assert b"\r" in err and b"%" in err, err  # drawn, then erased with \r
    assert b"\r" not in out
    code, out, err = _run_with_terminal_stderr([command, _fixture_checkpoint(), "--json"], env)
    assert code == 0
    assert err == b"", err
