"""docs/PERFORMANCE.md from a bench/perf_driver.py result document (also its short console summary)."""

GROUP_TITLES = {
    "list": "Listing 100,000 variables",
    "gui": "GUI start to first paint",
    "stats": "Statistics of 1 GiB (float32, bfloat16)",
    "stats_hp": "Statistics of 1 GiB, page cache in 2 MiB folios",
    "verify": "Verify against memory bandwidth",
    "verify_hp": "Verify, page cache in 2 MiB folios",
    "diff": "Diff of two 1 GiB float32 checkpoints one training step apart",
    "signatures": "Signatures of a Keras SavedModel",
    "run": "Run series over 20 checkpoints",
    "export": "Export of 1 GiB",
}


def _num(v, unit):
    if v is None:
        return "—"
    if unit.startswith("x"):
        return (f"{v:.2f}x" if v < 10 else f"{v:.1f}x" if v < 100 else f"{v:.0f}x") + unit[1:]
    if unit in ("ms", "MB", "%") :
        return f"{v:.0f} {unit}" if v >= 100 else f"{v:.1f} {unit}"
    return f"{v:.2f} {unit}" if v < 100 else f"{v:.0f} {unit}"


def _secs(s):
    if s is None:
        return "—"
    return f"{s * 1e3:.0f} ms" if s < 1 else f"{s:.2f} s"


def _status(row):
    if row["threshold"] is None:
        return "no target"
    return {True: "**met**", False: "**not met**", None: "not measured"}[row["met"]]


def _threshold(row):
    if row["threshold"] is None:
        return "—"
    t, u = row["threshold"], row["unit"]
    if u in ("ms", "MB", "s"):
        return f"< {t} {u}"
    if u.startswith("x"):
        return f">= {t}{u}"
    if u == "%":
        return f">= {t}%"
    return f">= {t} {u}"


def markdown(doc):
    m = doc["machine"]
    tfv = next((i.get("tensorflow") for i in doc["inputs"].values() if i.get("tensorflow")), "?")
    out = [
        "# Performance: Tensorscope against TensorFlow, numpy and `saved_model_cli`",
        "",
        "Written by `bench/perf_driver.py` (do not edit by hand; rerun it). Every figure below comes from one run "
        "in which each task ran as fresh processes, ours and the peer interleaved round by round, on the same "
        "files, page cache warm (each input read once, each command run once untimed first). Times are "
        "medians of the rounds, with min–max; **speed-up = peer median / ours median** (> 1: Tensorscope is "
        "faster). Throughputs use whole-process wall times (start, open and exit included). Peak memory is "
        "each child's own peak RSS (`wait4`), the largest over the rounds. The load average (1 minute) is "
        "recorded before → after each group: 2.0 means both cores were busy with other work, and wall times "
        "then stretch.",
        "",
        f"- Run: {doc['started_utc']}, mode `{doc['mode']}`, {doc['runs']} rounds per group, total "
        f"{doc['total_wall_s']:.0f} s (input generation {doc['input_generation_s']:.0f} s of it; inputs are "
        "cached and reused).",
        f"- Machine: {m.get('cpu', '?')}, {m.get('cores')} cores, "
        f"{(m.get('ram_bytes') or 0) / 2**30:.1f} GiB RAM, Linux {m.get('kernel')}; build "
        f"`{m.get('build_type', '?')}` at commit `{m.get('commit', '?')}`; TensorFlow {tfv}, Python {m.get('python')}.",
        f"- Binaries: `{(doc.get('binaries') or {}).get('cli', '?')}`, `{(doc.get('binaries') or {}).get('membw', '?')}`.",
        f"- Reproduce: `{doc['reproduce']}` (inputs in `$TSCOPE_BENCH_DIR`, default `/tmp/tscope-bench`).",
        (f"- Peak RSS floor: the driver's own high-water mark, {doc['driver_peak_rss_bytes'] / 1e6:.0f} MB (children are "
         "spawned with vfork, and the kernel starts a child's peak there)." if doc.get("driver_peak_rss_bytes")
         else "- Peak RSS floor: not recorded by this run."),
        "- Page cache: each group evicts its inputs and reads them back in a known state (small folios; 2 MiB "
        "folios for the `_hp` groups): see bench/README.md, \"Page cache\".",
        "",
    ]
    if doc["mode"] != "full":
        out += ["> **Quick mode**: small inputs and 2 rounds. A smoke check of the driver; the figures do not "
                "say anything about the targets.", ""]
    rows = doc["targets"]
    met = sum(1 for r in rows if r["met"] is True)
    unmet = sum(1 for r in rows if r["met"] is False)
    untargeted = sum(1 for r in rows if r["threshold"] is None)
    unmeasured = len(rows) - met - unmet - untargeted
    line = f"**{met} targets met, {unmet} not met"
    line += f", {unmeasured} not measured by this run" if unmeasured else ""
    line += f"; {untargeted} figure{'s' if untargeted != 1 else ''} reported without a target.**" if untargeted \
        else ".**"
    out += [line, ""]
    for group, title in GROUP_TITLES.items():
        grows = [r for r in rows if r["group"] == group]
        if not grows:
            continue
        out += [f"## {title}", ""]
        out += ["| issue | target | measured | peer | speed-up | CPU speed-up | threshold | status | load avg | note |",
                "|---|---|---|---|---|---|---|---|---|---|"]
        for r in grows:
            load = f"{r['load_average'][0]} → {r['load_average'][1]}" if r["load_average"] else "—"
            out.append(f"| #{r['issue']} | {r['target']} | {_num(r['measured'], r['unit'])} | {_secs(r['peer_s'])} | "
                       f"{_num(r['speedup'], 'x')} | {_num(r['cpu_speedup'], 'x')} | {_threshold(r)} | "
                       f"{_status(r)} | {load} | {r['note']} |")
        g = doc["groups"].get(group) or {}
        if g.get("skipped"):
            out += ["", f"Skipped: {g['skipped']}."]
        if g.get("error"):
            out += ["", "Failed (nothing measured):", "", "```", g["error"][-1500:], "```", ""]
        if g.get("commands"):
            out += ["", "Every process of the group (wall time; CPU is user + system of all its threads):", "",
                    "| side | command | median | min–max | CPU (median) | peak RSS | stdout |",
                    "|---|---|---|---|---|---|---|"]
            for c in g["commands"].values():
                w = c["wall_s"]
                out.append(f"| {c['side']} | {c['label']} | {_secs(w['median'])} | {_secs(w['min'])}–"
                           f"{_secs(w['max'])} | {_secs(c['cpu_s']['median'])} | "
                           f"{c['peak_rss_bytes']['max'] / 1e6:.0f} MB | {c['output_bytes'] / 1e6:.2f} MB |")
            out += ["", "Exact commands:", "", "```sh"]
            out += [c["command"] for c in g["commands"].values()]
            if g.get("inprocess"):
                s = sorted(g["inprocess"]["seconds"])
                out.append(f"# in-process peer, median {_secs(s[len(s) // 2])} over {len(s)} calls:")
                out.append(g.get("inprocess_command", ""))
            if g.get("membw"):
                out.append(g.get("membw_command", ""))
                out.append("# memory bandwidth, same run: "
                           + ", ".join(f"{r['threads']} thread(s) {r.get('gbps_median', 0):.2f} GB/s"
                                       for r in g["membw"]["results"]))
            out += ["```", ""]
        else:
            out.append("")
    out += ["## Inputs", "",
            "Written with TensorFlow by `bench/perf_inputs.py` (generator version "
            f"{next(iter(doc['inputs'].values()))['generator_version']}):", ""]
    for name, i in doc["inputs"].items():
        out.append(f"- `{name}`: {i['params']}, written in {i['write_seconds']:.0f} s")
    out.append("")
    return "\n".join(out)


def summary_text(doc):
    lines = [f"{'target':86} {'measured':>12} {'speed-up':>9}  status   load"]
    for r in doc["targets"]:
        load = f"{r['load_average'][0]}->{r['load_average'][1]}" if r["load_average"] else ""
        lines.append(f"{r['target'][:86]:86} {_num(r['measured'], r['unit']):>12} "
                     f"{_num(r['speedup'], 'x'):>9}  {_status(r).strip('*'):12} {load}")
    return "\n".join(lines)
