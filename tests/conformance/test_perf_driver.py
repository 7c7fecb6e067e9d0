"""bench/perf_driver.py's plan, without running a benchmark: `--dry-run` lists every group's commands (ours and
the peer) and needs neither TensorFlow nor built binaries; a bench directory inside the repository is refused
(the inputs are GiBs). No timing is asserted anywhere: the benchmark itself never runs in a test."""
import subprocess
import sys
from pathlib import Path

DRIVER = Path(__file__).resolve().parents[2] / "bench" / "perf_driver.py"


def run_driver(*args):
    return subprocess.run([sys.executable, str(DRIVER), *args], capture_output=True, text=True, timeout=60)


def test_dry_run_lists_every_group_with_both_sides(tmp_path):
    p = run_driver("--dry-run", "--bench-dir", str(tmp_path), "--build-dir", str(tmp_path / "build"))
    assert p.returncode == 0, p.stderr
    groups = [line[1:line.index("]")] for line in p.stdout.splitlines() if line.startswith("[")]
    assert groups == ["list", "stats", "stats_hp", "diff", "signatures", "verify", "verify_hp", "export", "run",
                      "gui"]
    lines = p.stdout.splitlines()
    # The two *_hp groups repeat theirs with the inputs cached in 2 MiB folios; every other group in small ones.
    states = {line[1:line.index("]")]: line.rsplit("page cache: ", 1)[1] for line in lines if line.startswith("[")}
    assert states == {g: "huge folios" if g.endswith("_hp") else "small folios" for g in groups}
    for cli_args in (" info ", " ls ", " stats ", " diff ", " signatures ", " verify ", " export npz ",
                     " export safetensors ", " export savedmodel ", " run "):
        assert any("tensorscope-cli" + cli_args in line for line in lines), cli_args
    for peer in ("perf_peers.py list ", "perf_peers.py stats ", "perf_peers.py diff ", "saved_model_cli show --all",
                 "perf_peers.py export_npz ", "perf_peers.py export_savedmodel ", "perf_peers.py run ", "membw "):
        assert any(peer in line for line in lines), peer
    assert not (tmp_path / "perf-full").exists(), "a dry run must not write inputs"


def test_bench_dir_inside_the_repository_is_refused():
    p = run_driver("--dry-run", "--bench-dir", str(DRIVER.parent / "results"))
    assert p.returncode != 0
    assert "inside the repository" in p.stderr
