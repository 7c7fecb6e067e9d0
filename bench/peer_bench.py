#!/usr/bin/env python3
"""Tensorscope vs its peers, measured side by side in one run; prints a table and writes JSON.

Run with the TensorFlow venv's Python (see bench/README.md):

    TSCOPE_BENCH_DIR=/tmp/tscope-bench \\
        ~/.cache/tensorscope/venvs/tf215/bin/python bench/peer_bench.py [--build-dir build] [--repeats 7]

What it does, in this order, all in one invocation:
  1. runs build/bench/bench_index_open, bench_stats and bench_crc32c with TSCOPE_BENCH_DIR set (they write
     the synthetic checkpoints there on first use, then reuse them) and reads their --benchmark_out JSON;
  2. times `tensorscope-cli info --json PREFIX` as whole processes;
  3. in a child Python process: TensorFlow's tf.train.load_checkpoint(prefix) + get_variable_to_shape_map()
     (plus, for the object-graph checkpoint, reading and parsing _CHECKPOINTABLE_OBJECT_GRAPH), and a
     whole `python -c "import tensorflow; load..."` process for the CLI comparison;
  4. in a child Python process: numpy min, max, mean, std, linalg.norm, count_nonzero(a == 0),
     isnan().sum(), isinf().sum() over np.memmap of the 1 GiB float32 data (pages touched first, as the
     C++ bench does). OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are removed from THAT child's environment
     only: when set (some CI images pin them) they select a slow OpenBLAS kernel for np.linalg.norm;
  5. CRC32C: google_crc32c or crc32c from the venv if installed (never installed by this script);
     otherwise that row has no peer.

Ratios are ours / peer on time (for throughput rows: on the time per GiB): < 1 means Tensorscope is
faster. "cpu ratio" is the same on CPU time (user + system, all threads; for whole processes from
getrusage of the children), which other jobs on a shared machine disturb far less than wall time. Times are medians over repetitions; "min" columns are the fastest
repetition, the least disturbed by other jobs on a shared machine. The load average is recorded.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GIB = 1 << 30


# ----------------------------------------------------------------------------------------- helpers

def read_manifest(path):
    out = {}
    for line in Path(path).read_text().splitlines():
        if " = " in line:
            k, v = line.split(" = ", 1)
            out[k] = v
    return out


def summarize(values):
    values = list(values)
    return {"median": statistics.median(values), "min": min(values), "n": len(values), "all": values}


def base_name(run_name):
    """'BM_X/plain/min_time:1.000/repeats:5/real_time' -> 'BM_X/plain'."""
    parts = [p for p in run_name.split("/")
             if p != "real_time" and not p.startswith(("min_time:", "repeats:", "iterations:"))]
    return "/".join(parts)


def run_gbench(binary, bench_dir, extra_args=()):
    """Runs a Google Benchmark binary, returns {run_name: {...}} from its JSON output."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out_path = tmp.name
    env = dict(os.environ, TSCOPE_BENCH_DIR=str(bench_dir))
    cmd = [str(binary), f"--benchmark_out={out_path}", "--benchmark_out_format=json", *extra_args]
    print("+", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode:
        sys.stderr.write(p.stderr)
        raise SystemExit(f"{binary.name} failed with exit code {p.returncode}")
    data = json.loads(Path(out_path).read_text())
    os.unlink(out_path)
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}
    runs = {}
    for b in data["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue
        if b.get("error_occurred"):
            raise SystemExit(f"{binary.name}: {b['name']}: {b.get('error_message')}")
        r = runs.setdefault(base_name(b["run_name"]), {"real_ms": [], "cpu_ms": [], "bytes_per_second": [],
                                            "cpu_bytes_per_second": [], "counters": {}})
        f = scale[b["time_unit"]]
        r["real_ms"].append(b["real_time"] * f)
        r["cpu_ms"].append(b["cpu_time"] * f)
        if "bytes_per_second" in b:
            r["bytes_per_second"].append(b["bytes_per_second"])
        if "cpu_bytes_per_second" in b:
            r["cpu_bytes_per_second"].append(b["cpu_bytes_per_second"])
        for k in ("entries", "tree_nodes", "index_MB", "err_mean", "err_std", "err_l2"):
            if k in b:
                r["counters"][k] = b[k]
    for r in runs.values():
        r["real_ms"] = summarize(r["real_ms"])
        r["cpu_ms"] = summarize(r["cpu_ms"])
        for k in ("bytes_per_second", "cpu_bytes_per_second"):
            r[k] = {"median": statistics.median(r[k]), "max": max(r[k])} if r[k] else None
    return {"context": data.get("context", {}), "runs": runs}


def time_process(cmd, repeats, env=None):
    """Wall and CPU (user + system) time of whole processes (spawn to exit), in ms; also the last stdout."""
    times, cpu, out = [], [], ""
    for _ in range(repeats):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
        times.append((time.perf_counter() - t0) * 1e3)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(((r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)) * 1e3)
        out = p.stdout
    return summarize(times), summarize(cpu), out


def child(args, env=None):
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    p = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------- child: TF

def worker_tf(opts):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    t0 = time.perf_counter()
    import tensorflow as tf  # noqa: E402
    from tensorflow.core.protobuf import trackable_object_graph_pb2  # noqa: E402
    import_ms = (time.perf_counter() - t0) * 1e3
    result = {"tensorflow": tf.__version__, "import_ms": import_ms}
    for name, prefix in (("plain", opts.prefix_plain), ("graph", opts.prefix_graph)):
        load, total, with_graph, total_cpu, with_graph_cpu = [], [], [], [], []
        n_vars = n_nodes = 0
        for i in range(opts.repeats + 1):  # first round is a warm-up, not recorded
            c0 = time.process_time()
            t0 = time.perf_counter()
            reader = tf.train.load_checkpoint(prefix)
            t1 = time.perf_counter()
            shapes = reader.get_variable_to_shape_map()
            t2 = time.perf_counter()
            c2 = time.process_time()
            if name == "graph":
                g = trackable_object_graph_pb2.TrackableObjectGraph()
                g.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
                n_nodes = len(g.nodes)
            t3 = time.perf_counter()
            c3 = time.process_time()
            n_vars = len(shapes)
            del reader, shapes
            if i:
                load.append((t1 - t0) * 1e3)
                total.append((t2 - t0) * 1e3)
                with_graph.append((t3 - t0) * 1e3)
                total_cpu.append((c2 - c0) * 1e3)
                with_graph_cpu.append((c3 - c0) * 1e3)
        result[name] = {"load_ms": summarize(load), "load_and_shape_map_ms": summarize(total),
                        "load_and_shape_map_cpu_ms": summarize(total_cpu), "variables": n_vars}
        if name == "graph":
            result[name]["load_shape_map_and_graph_ms"] = summarize(with_graph)
            result[name]["load_shape_map_and_graph_cpu_ms"] = summarize(with_graph_cpu)
            result[name]["graph_nodes"] = n_nodes
    print(json.dumps(result))


# ---------------------------------------------------------------------------------- child: numpy

def worker_numpy(opts):
    import numpy as np
    m = read_manifest(opts.manifest)
    count, offset = int(m["elements"]), int(m["offset"])
    mm = np.memmap(m["data_file"], dtype="<f4", mode="r", offset=offset, shape=(count,))
    a = np.asarray(mm)
    t0 = time.perf_counter()
    touched = float(a[::1024].sum())  # one element per 4 KiB page: page cache + page tables, as in C++
    touch_ms = (time.perf_counter() - t0) * 1e3
    ops = {
        "min": lambda: a.min(),
        "max": lambda: a.max(),
        "mean": lambda: a.mean(),
        "std": lambda: a.std(),
        "linalg.norm": lambda: np.linalg.norm(a),
        "count_nonzero(a==0)": lambda: np.count_nonzero(a == 0),
        "isnan().sum()": lambda: np.isnan(a).sum(),
        "isinf().sum()": lambda: np.isinf(a).sum(),
    }
    times, cpu, values = {}, {}, {}
    for name, fn in ops.items():
        ts, cs = [], []
        for _ in range(opts.repeats):
            c0 = time.process_time()
            t0 = time.perf_counter()
            v = fn()
            ts.append((time.perf_counter() - t0) * 1e3)
            cs.append((time.process_time() - c0) * 1e3)
        times[name] = summarize(ts)
        cpu[name] = summarize(cs)
        values[name] = float(v)
    cfg = {}
    try:
        import threadpoolctl  # optional, only to report BLAS threads
        cfg["blas"] = threadpoolctl.threadpool_info()
    except Exception:
        pass
    print(json.dumps({
        "numpy": np.__version__, "bytes": count * 4, "touch_ms": touch_ms, "touched_sum": touched,
        "ops_ms": times, "ops_cpu_ms": cpu, "values": values,
        "total_median_ms": sum(t["median"] for t in times.values()),
        "total_cpu_median_ms": sum(t["median"] for t in cpu.values()),
        "total_min_ms": sum(t["min"] for t in times.values()),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
                                               "OMP_NUM_THREADS")},
        **cfg,
    }))


# ---------------------------------------------------------------------------------- child: CRC32C

def worker_crc(opts):
    size = 64 << 20
    buf = os.urandom(size)
    for mod_name in ("google_crc32c", "crc32c"):
        try:
            mod = __import__(mod_name)
        except ImportError:
            continue
        fn = getattr(mod, "value", None) or getattr(mod, "crc32c")
        fn(buf)
        ts = []
        for _ in range(opts.repeats):
            t0 = time.perf_counter()
            fn(buf)
            ts.append(time.perf_counter() - t0)
        impl = getattr(mod, "implementation", None)
        print(json.dumps({"package": mod_name, "implementation": impl() if callable(impl) else impl,
                          "bytes": size, "seconds": summarize(ts),
                          "bytes_per_second": size / statistics.median(ts),
                          "bytes_per_second_max": size / min(ts)}))
        return
    print(json.dumps({"package": None, "skipped": "neither google_crc32c nor crc32c is installed in this venv"}))


# ------------------------------------------------------------------------------------------- main

def fmt_ms(x):
    return f"{x:9.1f} ms" if x >= 10 else f"{x:9.2f} ms"


def fmt_rate(x):
    return f"{x / 1e9:8.2f} GB/s"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.environ.get("TSCOPE_BUILD_DIR", str(REPO / "build")))
    ap.add_argument("--bench-dir", default=os.environ.get("TSCOPE_BENCH_DIR", "/tmp/tscope-bench"))
    ap.add_argument("--repeats", type=int, default=7, help="repetitions of each peer measurement")
    ap.add_argument("--out", default=str(HERE / "results" / "peer_bench.json"))  # latest.json: perf_driver.py
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: 2 short repetitions of the C++ benchmarks, 3 peer repeats (numbers are rough)")
    ap.add_argument("--_worker", choices=["tf", "numpy", "crc"], help=argparse.SUPPRESS)
    ap.add_argument("--prefix-plain", help=argparse.SUPPRESS)
    ap.add_argument("--prefix-graph", help=argparse.SUPPRESS)
    ap.add_argument("--manifest", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts._worker == "tf":
        return worker_tf(opts)
    if opts._worker == "numpy":
        return worker_numpy(opts)
    if opts._worker == "crc":
        return worker_crc(opts)

    quick = ["--benchmark_repetitions=2", "--benchmark_min_time=0.2"] if opts.quick else []
    if opts.quick:
        opts.repeats = 3
    build = Path(opts.build_dir)
    bench_dir = Path(opts.bench_dir)
    bench_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")

    # 1. C++ benchmarks (they create or reuse the synthetic checkpoints).
    idx = run_gbench(build / "bench" / "bench_index_open", bench_dir, quick)
    st = run_gbench(build / "bench" / "bench_stats", bench_dir, quick)
    crc = run_gbench(build / "bench" / "bench_crc32c", bench_dir,
                     ["--benchmark_filter=BM_Crc32c(Hardware|Portable)/67108864", "--benchmark_repetitions=3"])
    plain = read_manifest(bench_dir / "index100k_plain" / "manifest.txt")
    graph = read_manifest(bench_dir / "index100k_graph" / "manifest.txt")
    stats_manifest = bench_dir / "stats1g" / "manifest.txt"

    # 2. Our CLI as whole processes.
    cli = build / "app" / "tensorscope-cli"
    cli_runs = {}
    for name, m in (("plain", plain), ("graph", graph)):
        cmd = [str(cli), "info", "--json", m["prefix"]]
        print("+", " ".join(cmd), flush=True)
        t, c, out = time_process(cmd, opts.repeats)
        info = json.loads(out)
        cli_runs[name] = {"process_ms": t, "process_cpu_ms": c, "variable_count": info.get("variable_count"),
                          "format": info.get("format")}

    # 3. TensorFlow (in-process timings in a child, plus whole processes).
    print("+ TensorFlow worker", flush=True)
    tf = child(["--_worker", "tf", "--prefix-plain", plain["prefix"], "--prefix-graph", graph["prefix"],
                "--repeats", str(opts.repeats)])
    tf_proc_cmd = [sys.executable, "-c",
                   "import os; os.environ['TF_CPP_MIN_LOG_LEVEL']='2'; import sys, tensorflow as tf; "
                   "print(len(tf.train.load_checkpoint(sys.argv[1]).get_variable_to_shape_map()))",
                   plain["prefix"]]
    tf_proc, tf_proc_cpu, _ = time_process(tf_proc_cmd, max(3, opts.repeats // 2))

    # 4. numpy, without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE in its environment.
    print("+ numpy worker", flush=True)
    np_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    npr = child(["--_worker", "numpy", "--manifest", str(stats_manifest), "--repeats", str(max(3, opts.repeats // 2))],
                env=np_env)

    # 5. CRC32C peer, if installed.
    crc_peer = child(["--_worker", "crc", "--repeats", str(opts.repeats)])
    load_after = os.getloadavg()

    # ------------------------------------------------------------------------------- table
    rows = []

    def row(what, ours_label, ours, peer_label, peer, ours_cpu=None, peer_cpu=None, note=""):
        rows.append({"what": what, "ours": ours_label, "ours_ms": ours, "peer": peer_label, "peer_ms": peer,
                     "ratio": (ours / peer) if (ours is not None and peer) else None,
                     "ours_cpu_ms": ours_cpu, "peer_cpu_ms": peer_cpu,
                     "cpu_ratio": (ours_cpu / peer_cpu) if (ours_cpu is not None and peer_cpu) else None,
                     "note": note})

    r = idx["runs"]
    for name in ("plain", "graph"):
        tf_lm = tf[name]["load_and_shape_map_ms"]["median"]
        tf_lm_cpu = tf[name]["load_and_shape_map_cpu_ms"]["median"]
        rb_open = r[f"BM_BundleReaderOpen/{name}"]
        row(f"index open 100k ({name})", "BundleReader::open (in-process)", rb_open["real_ms"]["median"],
            "tf load_checkpoint + get_variable_to_shape_map", tf_lm, rb_open["cpu_ms"]["median"], tf_lm_cpu,
            f"min {rb_open['real_ms']['min']:.1f} ms wall, target < 50 ms")
        if name == "graph":
            peer_art = tf["graph"]["load_shape_map_and_graph_ms"]["median"]
            peer_art_cpu = tf["graph"]["load_shape_map_and_graph_cpu_ms"]["median"]
        else:
            peer_art, peer_art_cpu = tf_lm, tf_lm_cpu
        art = r[f"BM_OpenArtifact/{name}"]
        row(f"open + tree 100k ({name})", "openArtifact incl. variable tree (in-process)", art["real_ms"]["median"],
            "tf load + shape map" + (" + parse object graph" if name == "graph" else ""), peer_art,
            art["cpu_ms"]["median"], peer_art_cpu)
        row(f"CLI process 100k ({name})", "tensorscope-cli info --json (whole process)",
            cli_runs[name]["process_ms"]["median"], "tf load + shape map (in-process, TF already imported)", tf_lm,
            cli_runs[name]["process_cpu_ms"]["median"], tf_lm_cpu)
    row("CLI process 100k (plain) vs python", "tensorscope-cli info --json (whole process)",
        cli_runs["plain"]["process_ms"]["median"], "python: import tensorflow + load + shape map (whole process)",
        tf_proc["median"], cli_runs["plain"]["process_cpu_ms"]["median"], tf_proc_cpu["median"])

    s = st["runs"]
    for threads in (1, 2):
        k = f"BM_ComputeStats/threads:{threads}"
        ours_cpu = npr["bytes"] / s[k]["cpu_bytes_per_second"]["median"] * 1e3
        row(f"stats 1 GiB float32, {threads} thread(s)", f"computeStats threads={threads}",
            s[k]["real_ms"]["median"], "numpy: sum of the 8 calls", npr["total_median_ms"],
            ours_cpu, npr["total_cpu_median_ms"],
            f"ours {s[k]['bytes_per_second']['median'] / 1e9:.2f} GB/s wall (target >= 4 at 2 threads), "
            f"{s[k]['cpu_bytes_per_second']['median'] / 1e9:.2f} GB/s per CPU-second; "
            f"numpy {npr['bytes'] / (npr['total_median_ms'] / 1e3) / 1e9:.2f} GB/s wall")
    c = crc["runs"]
    hw = c.get("BM_Crc32cHardware/67108864")
    if hw:
        size = 64 * (1 << 20)
        ours_ms = size / hw["bytes_per_second"]["median"] * 1e3
        peer_ms = crc_peer["seconds"]["median"] * 1e3 if crc_peer.get("package") else None
        row("CRC32C 64 MiB, 1 core", "crc32c::extend (SSE4.2)", ours_ms,
            crc_peer.get("package") or "(no Python crc32c package installed)", peer_ms,
            hw["cpu_ms"]["median"], None,
            f"ours {hw['bytes_per_second']['median'] / 1e9:.2f} GB/s wall, "
            f"{size / (hw['cpu_ms']['median'] / 1e3) / 1e9:.2f} GB/s per CPU-second (target >= 8)")

    print()
    print(f"load average before {load_before[0]:.2f} / after {load_after[0]:.2f} (2 = both cores busy)")
    print(f"{'measurement':38} {'ours':>12} {'peer':>12} {'ours/peer':>9} {'cpu ratio':>9}  details")
    for x in rows:
        ratio = f"{x['ratio']:9.3f}" if x["ratio"] is not None else f"{'n/a':>9}"
        cratio = f"{x['cpu_ratio']:9.3f}" if x["cpu_ratio"] is not None else f"{'n/a':>9}"
        peer = fmt_ms(x["peer_ms"]) if x["peer_ms"] else f"{'n/a':>12}"
        print(f"{x['what']:38} {fmt_ms(x['ours_ms'])} {peer} {ratio} {cratio}  {x['ours']} vs {x['peer']}"
              + (f"; {x['note']}" if x["note"] else ""))
    print()
    print("numpy per call (median ms): " + ", ".join(f"{k} {v['median']:.0f}" for k, v in npr["ops_ms"].items()))
    rb = {t: s.get(f"BM_ReadBandwidth/threads:{t}") for t in (1, 2)}
    if rb[1]:
        print("memory read ceiling (uint64 sum): " + ", ".join(
            f"{t} thread(s) {rb[t]['bytes_per_second']['median'] / 1e9:.2f} GB/s" for t in (1, 2) if rb[t]))

    result = {
        "started": started, "load_average_before": load_before, "load_average_after": load_after,
        "machine": idx["context"], "bench_dir": str(bench_dir), "build_dir": str(build),
        "ratio_definition": "ours time / peer time (< 1: Tensorscope faster); cpu_ratio: the same on CPU time",
        "rows": rows,
        "cpp": {"bench_index_open": idx["runs"], "bench_stats": st["runs"], "bench_crc32c": crc["runs"]},
        "cli": cli_runs, "tensorflow": tf, "tensorflow_process_ms": tf_proc, "tensorflow_process_cpu_ms": tf_proc_cpu, "numpy": npr, "crc32c_peer": crc_peer,
        "targets": {"index_open_100k_ms": 50, "crc32c_one_core_GBps": 8, "stats_two_cores_GBps": 4},
    }
    out = Path(opts.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
