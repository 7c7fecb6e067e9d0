#!/usr/bin/env python3
"""Paired whole-process timings of two tensorscope-cli builds on the 1 GiB perf inputs, for a shared machine.

Runs every command with the base binary and the new one in turn (interleaved, a fresh process each), --runs
rounds, and records wall time and CPU time (user + system of the child, os.wait4). Other processes on a
shared machine take a core away unpredictably (with the kernel's session autogroups, a busy session
elsewhere leaves ours about one CPU whatever the nice values), so besides the median of all runs it
reports the median of the runs that got both cores (CPU / wall >= --threshold): what a quiet machine
gives, measured in the same minutes as the base.

    python3 bench/paired_runs.py --base /tmp/main-cli --new build/app/tensorscope-cli --runs 12
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

KEY = "model/embeddings/.ATTRIBUTES/VARIABLE_VALUE"


def commands(bench: str) -> dict[str, list[str]]:
    full = os.path.join(bench, "perf-full")
    out = {
        "stats f32": ["stats", f"{full}/f32/ckpt", KEY, "--histogram", "64", "--json"],
        "stats bf16": ["stats", f"{full}/bf16/ckpt", KEY, "--histogram", "64", "--json"],
        "verify f32": ["verify", f"{full}/f32/ckpt", "--json"],
    }
    f16 = os.path.join(bench, "extra-f16", "ckpt")
    if os.path.exists(f16 + ".index"):
        out["stats f16"] = ["stats", f16, KEY, "--histogram", "64", "--json"]
    return out


def run_once(binary: str, args: list[str]) -> tuple[float, float]:
    started = time.monotonic()
    child = subprocess.Popen([binary, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"{binary} {' '.join(args)} failed with status {status}")
    return wall * 1e3, (usage.ru_utime + usage.ru_stime) * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="tensorscope-cli before the change")
    parser.add_argument("--new", required=True, help="tensorscope-cli after the change")
    parser.add_argument("--bench-dir", default=os.environ.get("TSCOPE_BENCH_DIR", "/tmp/tscope-bench"))
    parser.add_argument("--runs", type=int, default=12)
    parser.add_argument("--threshold", type=float, default=1.6, help="CPUs per wall second of a run on both cores")
    parser.add_argument("--only", default="", help="comma-separated command names, e.g. 'stats f32,verify f32'")
    args = parser.parse_args()
    cmds = commands(args.bench_dir)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(cmds)
    sides = {"base": args.base, "new": args.new}
    results: dict[tuple[str, str], list[tuple[float, float]]] = {}
    print("load average before:", " ".join(open("/proc/loadavg").read().split()[:3]))
    for _ in range(args.runs):
        for name in names:
            for side, binary in sides.items():
                results.setdefault((name, side), []).append(run_once(binary, cmds[name]))
    print("load average after: ", " ".join(open("/proc/loadavg").read().split()[:3]))
    for name in names:
        for side in sides:
            runs = results[(name, side)]
            both = [r for r in runs if r[1] / r[0] >= args.threshold]
            def med(rows, i):
                return statistics.median(r[i] for r in rows) if rows else float("nan")
            print(f"{name:11s} {side:4s}: all {len(runs)} runs: wall {med(runs, 0):.0f} ms, CPU {med(runs, 1):.0f} ms"
                  f" | {len(both)} on both cores: wall {med(both, 0):.0f} ms"
                  f" (min {min((r[0] for r in both), default=float('nan')):.0f}), CPU {med(both, 1):.0f} ms")


if __name__ == "__main__":
    main()
