#!/usr/bin/env python3
"""Tensorscope against the tools a user would otherwise run, on the same files, pair by pair, in one run.

    ~/.cache/tensorscope/venvs/tf215/bin/python bench/perf_driver.py [--quick] [--runs N] [--only GROUP,...]
        [--build-dir build] [--bench-dir DIR] [--export-dir DIR] [--dry-run]

1. Inputs are written with real TensorFlow by bench/perf_inputs.py into $TSCOPE_BENCH_DIR/perf-full (or
   perf-quick; default /tmp/tscope-bench, never the repository) and reused while the generator version matches.
2. Per group: the load average is recorded, the input files are read once (page cache warm), each command runs
   once untimed, then N rounds (default 5; --quick: 2) run every command of the group in turn, ours and the
   peer interleaved, each as a fresh child process. Per process: wall time, CPU time and peak RSS (os.wait4,
   the rusage of that child alone). Then the load average again.
3. Medians, min/max, speed-up = peer median / ours median, and every target of issue 15 (plus 11 and 12) as
   met / not met go to docs/PERFORMANCE.md and bench/results/latest.json (--quick: into the bench directory,
   so a smoke run never replaces the full figures in the repository).

--dry-run prints the groups and commands without generating or running anything (no TensorFlow needed).
"""
import argparse
import json
import os
import platform
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import perf_report  # noqa: E402
import perf_targets  # noqa: E402

# stats_hp and verify_hp repeat stats and verify with the inputs cached in 2 MiB folios (warm_files).
GROUPS = ("list", "stats", "stats_hp", "diff", "signatures", "verify", "verify_hp", "export", "run", "gui")
STATS_HISTOGRAM_BINS = 64  # the stats group's histogram, ours and numpy's
GUI_FLAG_WORDS = ("first-paint", "startup-tim", "timing", "time-to")


# ------------------------------------------------------------------------------------------ processes

def run_process(cmd, env=None, stdout_path=None, ok_codes=(0,)):
    """One child process, spawn to exit: wall seconds, CPU seconds and peak RSS of that child alone.

    Python spawns with vfork, and the kernel starts a vfork'd child's peak RSS at the spawning process's own
    high-water mark: the driver keeps its own memory small (it never maps an input), and the result document
    records that mark (driver_peak_rss_bytes) as the floor under every peak reported."""
    with open(stdout_path or os.devnull, "wb") as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode not in ok_codes:
            err.seek(0)
            raise SystemExit(f"exit code {p.returncode}: {shlex.join(map(str, cmd))}\n"
                             + err.read().decode(errors="replace")[-3000:])
    return {"wall_s": wall, "cpu_s": ru.ru_utime + ru.ru_stime, "peak_rss_bytes": ru.ru_maxrss * 1024}


def summary(values):
    values = list(values)
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "all": values}


def peer_env():
    # As bench/peer_bench.py: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (pinned on some CI images) select a slow
    # generic OpenBLAS kernel; the peers get numpy's best case.
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    return env


def file_huge_pages_kb():
    """The kernel's count of page-cache memory held in 2 MiB folios (0 when it has none or does not say)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("FileHugePages:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


# Maps a file with MADV_HUGEPAGE and touches every page (warm_files' "huge" state).
TOUCH_THROUGH_HUGE_PAGES = """
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
with mmap.mmap(fd, os.fstat(fd).st_size, prot=mmap.PROT_READ) as m:
    m.madvise(mmap.MADV_HUGEPAGE)
    memoryview(m)[::4096].tobytes()
"""


def warm_files(paths, page_cache=None):
    """Reads every file under the given paths once, so the timed runs start from a warm page cache.

    page_cache=None reads what is there (pages already cached stay as they are). Otherwise each file is first
    evicted (posix_fadvise DONTNEED) and read back from disk in a known way, because how a file came into the
    page cache decides its folio size, and the folio size decides what mapping it costs:
    - "small": read() with readahead off (POSIX_FADV_RANDOM), so the cache holds 4 KiB folios. A mapping then
      takes one page-table entry per 4 KiB whatever the folio size below 2 MiB, so this costs what the cache
      TensorFlow's writer leaves costs (it writes in pieces, into folios below 2 MiB): mapping and unmapping
      1 GiB take ~150 ms of the kernel's time.
    - "huge": touched through a mapping with MADV_HUGEPAGE, as Tensorscope's first open of a file does
      (io/mapped_file.cpp). Kernels whose file system supports large folios (ext4 since Linux 6.16, xfs) then
      cache the file in 2 MiB folios, and every later mapping takes one entry per 2 MiB (~8 ms for 1 GiB).
      Large sequential reads (cp, TensorFlow's restore, with a large readahead window) can leave the same.
    """
    total = 0
    for p in paths:
        p = Path(p)
        files = [p] if p.is_file() else [f for f in p.rglob("*") if f.is_file()] if p.is_dir() else []
        for f in files:
            fd = os.open(f, os.O_RDONLY)
            try:
                size = os.fstat(fd).st_size
                if page_cache:
                    os.sync()  # dirty pages cannot be evicted
                    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                if page_cache == "huge" and size >= (2 << 20):
                    # In a process of its own: the children are spawned with vfork, and a child's peak RSS
                    # (wait4) starts from this process's own high-water mark, which mapping 1 GiB here would
                    # raise to 1 GiB for every later command of the run.
                    subprocess.run([sys.executable, "-c", TOUCH_THROUGH_HUGE_PAGES, str(f)], check=True)
                    total += size
                else:
                    if page_cache == "small":
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_RANDOM)
                    while chunk := os.read(fd, 16 << 20):
                        total += len(chunk)
            finally:
                os.close(fd)
    return total


def prefix_files(prefix):
    prefix = Path(prefix)
    if not prefix.parent.is_dir():
        return []  # --dry-run before the inputs exist
    return [f for f in prefix.parent.iterdir() if f.name.startswith(prefix.name + ".")]


# ---------------------------------------------------------------------------------------- the plan

class Command:
    """One side of a pair: argv, what to call it in the report, how to clean up after each run."""

    def __init__(self, cid, side, label, argv, ok_codes=(0,), capture=False, cleanup=(), env=None):
        self.cid, self.side, self.label, self.argv = cid, side, label, [str(a) for a in argv]
        self.ok_codes, self.capture, self.cleanup, self.env = ok_codes, capture, list(cleanup), env


def plan(opts, inputs, cli, gui, gui_flag):
    """The groups: {name: {"warm": [paths], "commands": [Command], "notes": [...]}}."""
    py = sys.executable
    peers = str(HERE / "perf_peers.py")
    penv = peer_env()
    out = Path(opts.export_dir)
    g = {}

    def peer(cid, label, *args, **kw):
        return Command(cid, "peer", label, [py, peers, *args], env=penv, capture=True, **kw)

    def ours(cid, label, *args, **kw):
        return Command(cid, "ours", label, [cli, *args], **kw)

    m = inputs["many"]
    g["list"] = {"warm": prefix_files(m["prefix"]), "commands": [
        ours("info", "tensorscope-cli info", "info", m["prefix"]),
        ours("ls_json", "tensorscope-cli ls --json", "ls", m["prefix"], "--json", capture=True),
        peer("tf_list", "python: import tensorflow; tf.train.list_variables", "list", m["prefix"]),
    ], "inprocess": [py, peers, "list_inprocess", m["prefix"], str(opts.runs)],
        # openArtifact in-process (tree included), on bench_index_open's own 100,000-variable checkpoint with
        # an object graph (kept under the bench dir so it is written once).
        "openartifact": [str(Path(opts.build_dir) / "bench" / "bench_index_open"),
                         "--keep-dir=" + str(Path(opts.bench_dir) / "index-open"),
                         "--benchmark_filter=BM_OpenArtifact/graph", "--benchmark_format=json",
                         "--benchmark_repetitions=" + str(max(3, opts.runs))]}

    f, b = inputs["f32"], inputs["bf16"]
    # Both sides compute the statistics and a histogram of STATS_HISTOGRAM_BINS bins over [min, max]: the same
    # work (tests/conformance/test_histogram.py checks the counts are np.histogram's).
    hist = ("--histogram", str(STATS_HISTOGRAM_BINS))
    g["stats"] = {"warm": prefix_files(f["prefix"]) + prefix_files(b["prefix"]), "commands": [
        ours("stats_f32", "tensorscope-cli stats --histogram %d (float32)" % STATS_HISTOGRAM_BINS, "stats",
             f["prefix"], f["key"], *hist, "--json"),
        peer("np_stats_f32", "load_checkpoint().get_tensor + numpy min/max/mean/std + np.histogram (float32)",
             "stats", f["prefix"], f["key"], str(STATS_HISTOGRAM_BINS)),
        ours("stats_bf16", "tensorscope-cli stats --histogram %d (bfloat16)" % STATS_HISTOGRAM_BINS, "stats",
             b["prefix"], b["key"], *hist, "--json"),
        peer("np_stats_bf16", "the same, bfloat16 converted to float32 first", "stats", b["prefix"], b["key"],
             str(STATS_HISTOGRAM_BINS)),
    ]}

    # The same commands with the inputs cached in 2 MiB folios (see warm_files); the other groups evict theirs
    # and read them back into small folios, so no group inherits the folios another one left.
    g["stats_hp"] = dict(g["stats"], page_cache="huge")

    s1 = inputs["f32_step1"]
    g["diff"] = {"warm": prefix_files(f["prefix"]) + prefix_files(s1["prefix"]), "commands": [
        ours("diff", "tensorscope-cli diff --json", "diff", f["prefix"], s1["prefix"], "--json", ok_codes=(0, 1)),
        peer("np_diff", "get_tensor of both + numpy float64 metrics (bench/peer_diff.py)", "diff",
             f["prefix"], s1["prefix"]),
    ]}

    sm = inputs["sm"]["saved_model"]
    g["signatures"] = {"warm": [sm], "commands": [
        ours("signatures", "tensorscope-cli signatures --json", "signatures", sm, "--json"),
        Command("saved_model_cli", "peer", "saved_model_cli show --all",
                [str(Path(py).parent / "saved_model_cli"), "show", "--all", "--dir", sm], env=penv),
    ]}

    g["verify"] = {"warm": prefix_files(f["prefix"]), "commands": [
        ours("verify", "tensorscope-cli verify --json", "verify", f["prefix"], "--json", capture=True),
    ], "membw": [str(Path(opts.build_dir) / "bench" / "membw"), "--bytes", str(f["bytes"]),
                 "--repeats", str(opts.runs)]}
    g["verify_hp"] = {k: v for k, v in g["verify"].items() if k != "membw"}  # the bandwidth is verify's
    g["verify_hp"]["page_cache"] = "huge"

    sm_template = f["saved_model"]
    rows, cols = f["params"]["rows"], f["params"]["cols"]
    g["export"] = {"warm": prefix_files(f["prefix"]) + [Path(sm_template) / "saved_model.pb"], "commands": [
        ours("export_npz", "tensorscope-cli export npz", "export", "npz", f["prefix"], out / "ours.npz",
             cleanup=[out / "ours.npz"]),
        peer("np_savez", "get_tensor + numpy.savez", "export_npz", f["prefix"], out / "peer.npz",
             cleanup=[out / "peer.npz"]),
        ours("export_safetensors", "tensorscope-cli export safetensors", "export", "safetensors", f["prefix"],
             out / "ours.safetensors", cleanup=[out / "ours.safetensors"]),
        peer("st_save_file", "get_tensor + safetensors.numpy.save_file", "export_safetensors", f["prefix"],
             out / "peer.safetensors", cleanup=[out / "peer.safetensors"]),
        ours("export_savedmodel", "tensorscope-cli export savedmodel --template", "export", "savedmodel",
             f["prefix"], out / "ours_sm", "--template", sm_template, cleanup=[out / "ours_sm"]),
        peer("tf_saved_model_save", "restore into the tf.Module + tf.saved_model.save", "export_savedmodel",
             f["prefix"], out / "peer_sm", rows, cols, cleanup=[out / "peer_sm"]),
    ]}

    r = inputs["run"]
    g["run"] = {"warm": [r["directory"]], "commands": [
        ours("run", "tensorscope-cli run --json", "run", r["directory"], "--json"),
        peer("np_run", "load_checkpoint per step + numpy series per variable", "run", r["directory"]),
    ]}

    if gui_flag:
        cmds = [Command("gui_100k", "ours", f"tensorscope {gui_flag} (100,000 variables)",
                        [gui, "--new-instance", gui_flag, m["prefix"]], capture=True,
                        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))]
        if "many20k" in inputs:
            cmds.append(Command("gui_20k", "ours", f"tensorscope {gui_flag} (20,000 variables)",
                                [gui, "--new-instance", gui_flag, inputs["many20k"]["prefix"]], capture=True,
                                env=dict(os.environ, QT_QPA_PLATFORM="offscreen")))
        if "many_b" in inputs:
            cmds.append(Command("gui_compare_100k", "ours", f"tensorscope {gui_flag} --compare (2 x 100,000 variables)",
                                [gui, "--new-instance", gui_flag, "--compare", m["prefix"], inputs["many_b"]["prefix"]],
                                capture=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen")))
        g["gui"] = {"warm": prefix_files(m["prefix"]) + (prefix_files(inputs["many_b"]["prefix"])
                                                         if "many_b" in inputs else []), "commands": cmds}
    elif not Path(gui).exists():
        g["gui"] = {"warm": [], "commands": [], "skipped": f"{gui} is not built"}
    else:
        g["gui"] = {"warm": [], "commands": [], "skipped": "the GUI has no start-to-first-paint timing flag "
                    f"(`tensorscope --help` lists no option containing {' or '.join(GUI_FLAG_WORDS)})"}
    for name, group in g.items():  # every other group starts from files cached in small folios
        group.setdefault("page_cache", "small")
    return g


def gui_timing_flag(gui):
    """The GUI's start-to-first-paint flag, if this build has one (branch perf-open adds it)."""
    if not Path(gui).exists():
        return None
    p = subprocess.run([gui, "--help"], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    for word in (p.stdout + p.stderr).split():
        flag = word.split("=")[0].split("<")[0].rstrip(",")
        if flag.startswith("--") and any(w in flag for w in GUI_FLAG_WORDS):
            return flag
    return None


# ------------------------------------------------------------------------------------------ running

def measure_group(name, group, runs):
    out = {"load_before": os.getloadavg(), "commands": {}}
    huge_before = file_huge_pages_kb()
    out["warmed_bytes"] = warm_files(group["warm"], group.get("page_cache"))
    out["page_cache"] = group.get("page_cache") or "as found"
    out["file_huge_pages_kb"] = [huge_before, file_huge_pages_kb()]
    stdout_dir = Path(tempfile.mkdtemp(prefix="tscope-perf-"))
    try:
        samples = {c.cid: [] for c in group["commands"]}
        last_output = {}
        for rnd in range(runs + 1):  # round 0 is the untimed warm-up
            for c in group["commands"]:
                for p in c.cleanup:
                    shutil.rmtree(p, ignore_errors=True) if Path(p).is_dir() else Path(p).unlink(missing_ok=True)
                path = stdout_dir / f"{c.cid}.out"
                # Untimed: the previous command's written output (1 GiB for an export) goes to disk now, so
                # its writeback neither slows nor throttles this command's own writes.
                os.sync()
                r = run_process(c.argv, env=c.env, stdout_path=path, ok_codes=c.ok_codes)
                r["output_bytes"] = path.stat().st_size
                if rnd:
                    samples[c.cid].append(r)
                if c.capture:  # small outputs only (`ls --json` writes tens of MB)
                    small = r["output_bytes"] < 100_000
                    last_output[c.cid] = path.read_text(errors="replace") if small else None
                path.unlink()
                for p in c.cleanup:
                    if Path(p).exists():
                        r.setdefault("output_on_disk_bytes", disk_size(p))
            print(f"  {name}: round {rnd}/{runs} done" + (" (warm-up)" if rnd == 0 else ""), flush=True)
        for c in group["commands"]:
            s = samples[c.cid]
            out["commands"][c.cid] = {
                "side": c.side, "label": c.label, "command": shlex.join(c.argv),
                "wall_s": summary(x["wall_s"] for x in s), "cpu_s": summary(x["cpu_s"] for x in s),
                "peak_rss_bytes": summary(x["peak_rss_bytes"] for x in s),
                "output_bytes": s[-1]["output_bytes"], "output_on_disk_bytes": s[-1].get("output_on_disk_bytes"),
                "report": parse_last_json(last_output.get(c.cid)) if c.side == "peer" else None,
                "stdout_tail": (last_output.get(c.cid) or "")[-2000:] if c.side == "ours" and c.capture else None,
            }
            for p in c.cleanup:
                shutil.rmtree(p, ignore_errors=True) if Path(p).is_dir() else Path(p).unlink(missing_ok=True)
        if "inprocess" in group:
            with tempfile.NamedTemporaryFile() as tmp:
                run_process(group["inprocess"], env=peer_env(), stdout_path=tmp.name)
                out["inprocess"] = parse_last_json(Path(tmp.name).read_text())
                out["inprocess_command"] = shlex.join(group["inprocess"])
        if "openartifact" in group and Path(group["openartifact"][0]).exists():
            with tempfile.NamedTemporaryFile() as tmp:
                run_process(group["openartifact"], stdout_path=tmp.name)
                # The benchmark reports aggregates over its repetitions only (median, min, ...).
                agg = {b.get("aggregate_name"): b for b in json.loads(Path(tmp.name).read_text())["benchmarks"]}
                out["openartifact"] = {"median_ms": agg["median"]["real_time"], "min_ms": agg["min"]["real_time"],
                                       "held_mb": agg["median"]["held_MB"], "entries": agg["median"]["entries"],
                                       "time_unit": agg["median"]["time_unit"]}
                out["openartifact_command"] = shlex.join(group["openartifact"])
        if "membw" in group:
            with tempfile.NamedTemporaryFile() as tmp:
                run_process(group["membw"], stdout_path=tmp.name)
                out["membw"] = json.loads(Path(tmp.name).read_text())
                out["membw_command"] = shlex.join(group["membw"])
    finally:
        shutil.rmtree(stdout_dir, ignore_errors=True)
    out["load_after"] = os.getloadavg()
    return out


def disk_size(p):
    p = Path(p)
    return p.stat().st_size if p.is_file() else sum(f.stat().st_size for f in p.rglob("*") if f.is_file())


def parse_last_json(text):
    if not text:
        return None
    for line in reversed(text.strip().splitlines()):
        try:
            return json.loads(line)
        except ValueError:
            continue
    return None


def machine(build_dir):
    info = {"kernel": platform.release(), "cores": os.cpu_count(), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_bytes"] = int(line.split()[1]) * 1024
    except OSError:
        pass
    cache = Path(build_dir) / "CMakeCache.txt"
    if cache.exists():
        for line in cache.read_text().splitlines():
            if line.startswith("CMAKE_BUILD_TYPE:"):
                info["build_type"] = line.split("=", 1)[1]
    p = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    info["commit"] = p.stdout.strip()
    return info


# --------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small inputs, 2 rounds: a smoke check, not figures")
    ap.add_argument("--runs", type=int, help="timed rounds per group (default 5, --quick 2)")
    ap.add_argument("--only", default="", help="comma-separated groups: " + ",".join(GROUPS))
    ap.add_argument("--build-dir", default=os.environ.get("TSCOPE_BUILD_DIR", str(REPO / "build")))
    ap.add_argument("--bench-dir", default=os.environ.get("TSCOPE_BENCH_DIR", "/tmp/tscope-bench"))
    ap.add_argument("--export-dir", help="where the export outputs go (default: BENCH_DIR/perf-*/out)")
    ap.add_argument("--out-md", help="default docs/PERFORMANCE.md (--quick: BENCH_DIR/perf-quick/PERFORMANCE.md)")
    ap.add_argument("--out-json", help="default bench/results/latest.json (--quick: next to --out-md)")
    ap.add_argument("--dry-run", action="store_true", help="print the plan; generate and run nothing")
    ap.add_argument("--from-json", help="only re-evaluate the targets of an earlier result and rewrite --out-md")
    opts = ap.parse_args()
    if opts.from_json:
        doc = json.loads(Path(opts.from_json).read_text())
        doc["targets"] = perf_targets.evaluate(doc)
        out_md = Path(opts.out_md or Path(opts.from_json).with_suffix(".md"))
        out_md.write_text(perf_report.markdown(doc))
        print(perf_report.summary_text(doc))
        print(f"wrote {out_md}")
        return
    opts.runs = opts.runs or (2 if opts.quick else 5)
    size = "quick" if opts.quick else "full"
    root = Path(opts.bench_dir) / f"perf-{size}"
    if REPO in root.resolve().parents:
        raise SystemExit(f"the bench directory {root} is inside the repository; use /tmp or similar")
    opts.export_dir = opts.export_dir or str(root / "out")
    out_md = Path(opts.out_md or (root / "PERFORMANCE.md" if opts.quick else REPO / "docs" / "PERFORMANCE.md"))
    out_json = Path(opts.out_json or (out_md.with_suffix(".json") if opts.quick
                                      else HERE / "results" / "latest.json"))
    groups = [g for g in GROUPS if not opts.only or g in opts.only.split(",")]
    build = Path(opts.build_dir)
    cli, gui = str(build / "app" / "tensorscope-cli"), str(build / "app" / "tensorscope")
    started = time.time()

    if opts.dry_run:
        inputs = dry_inputs(root)
        g = plan(opts, inputs, cli, gui, "--<gui-timing-flag>")
        for name in groups:
            print(f"[{name}] warm {len(g[name]['warm'])} paths, page cache: {g[name].get('page_cache')} folios")
            for c in g[name]["commands"]:
                print(f"  {c.side:4} {c.cid:22} {shlex.join(c.argv)}")
            for k in ("inprocess", "openartifact", "membw"):
                if k in g[name]:
                    print(f"  {k:27} {shlex.join(g[name][k])}")
        return
    for binary in (cli, str(build / "bench" / "membw")):
        if not Path(binary).exists():
            raise SystemExit(f"{binary} is missing: ninja -C {build} tensorscope-cli membw")

    print(f"inputs in {root} ({size})", flush=True)
    gui_flag = gui_timing_flag(gui) if "gui" in groups else None
    t0 = time.perf_counter()
    gen = [sys.executable, str(HERE / "perf_inputs.py"), "--root", str(root), "--size", size]
    if gui_flag:
        gen.append("--gui-small")
    p = subprocess.run(gen, stdout=subprocess.PIPE, text=True)
    if p.returncode:
        raise SystemExit(f"input generation failed (exit {p.returncode})")
    inputs = json.loads(p.stdout.strip().splitlines()[-1])
    generation_s = time.perf_counter() - t0
    Path(opts.export_dir).mkdir(parents=True, exist_ok=True)

    g = plan(opts, inputs, cli, gui, gui_flag)
    results = {}
    for name in groups:
        if g[name].get("skipped"):
            results[name] = {"skipped": g[name]["skipped"]}
            print(f"[{name}] skipped: {g[name]['skipped']}", flush=True)
            continue
        print(f"[{name}] load average {os.getloadavg()[0]:.2f}", flush=True)
        try:
            results[name] = measure_group(name, g[name], opts.runs)
        except SystemExit as e:  # a failing command costs its group, not the whole run
            results[name] = {"error": str(e)}
            print(f"[{name}] FAILED: {e}", file=sys.stderr, flush=True)
    doc = {
        "schema": "tensorscope.perf/1",
        "started_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "mode": size, "runs": opts.runs, "machine": machine(build), "bench_dir": str(root),
        "export_dir": opts.export_dir, "input_generation_s": generation_s,
        "binaries": {"cli": os.path.realpath(cli), "membw": os.path.realpath(build / "bench" / "membw")},
        "inputs": inputs, "groups": results, "gui_flag": gui_flag,
        "speedup_definition": "peer median wall time / ours median wall time (> 1: Tensorscope faster)",
        "reproduce": reproduce_command(opts),
    }
    doc["driver_peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    doc["targets"] = perf_targets.evaluate(doc)
    doc["total_wall_s"] = time.time() - started
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(doc, indent=1) + "\n")
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(perf_report.markdown(doc))
    print(perf_report.summary_text(doc))
    print(f"wrote {out_md} and {out_json} in {doc['total_wall_s']:.0f} s "
          f"(input generation {generation_s:.0f} s)")


def reproduce_command(opts):
    args = ["~/.cache/tensorscope/venvs/tf215/bin/python", "bench/perf_driver.py"]
    if opts.quick:
        args.append("--quick")
    if opts.only:
        args.append(f"--only {opts.only}")
    return " ".join(args)


def dry_inputs(root):
    """Placeholder paths with the shape of perf_inputs.py's manifests, for --dry-run only."""
    big = {"params": {"rows": 0, "cols": 0}, "key": "model/embeddings/.ATTRIBUTES/VARIABLE_VALUE", "bytes": 0}
    return {"many": {"prefix": str(root / "many/ckpt")}, "many20k": {"prefix": str(root / "many20k/ckpt")},
            "many_b": {"prefix": str(root / "many_b/ckpt")},
            "f32": {**big, "prefix": str(root / "f32/ckpt"), "saved_model": str(root / "f32/saved_model")},
            "f32_step1": {**big, "prefix": str(root / "f32_step1/ckpt")},
            "bf16": {**big, "prefix": str(root / "bf16/ckpt")},
            "run": {"directory": str(root / "run")}, "sm": {"saved_model": str(root / "sm/saved_model")}}


if __name__ == "__main__":
    main()
