#!/usr/bin/env python3
"""Tensorgraph against TensorFlow's Java binding on the CPU, in one sitting (docs/benchmarks.md, "Side by side").

    benchmarks/side-by-side.py --peer PEER_DIR --graph resnet50.pb [--rounds 2] [--workloads W1,...,W8]

PEER_DIR is the TensorFlow Java peer (the folder with run.sh, pom.xml and src/); it is copied into
benchmarks/target/tfjava-peer and built there (the first build downloads TensorFlow's binding, about 160 MB).
resnet50.pb is W8's graph (tf-interop/python/w8_resnet50.py writes it). For each round, each workload runs in
Tensorgraph (`scripts/tensorgraph bench --isolate`, a JVM of its own) and then in the peer, so the two see the same
machine; start-up is each side's first W1 result after JVM start, W5's memory each side's peak RSS. The table gives
every round's medians, their ratio against the target of issue #19 and the load average around each measurement:
figures taken while other processes use the CPU say little, so run it on a quiet machine.

Where gcc is present, benchmarks/core-probe.c also runs just before and just after each side's measurement and the
table says where the host had put the two CPUs: "together" (sharing an L3 cache, a cache-line round trip under
150 ns), "apart" (two L3 domains, where ops split over both cores run slower; docs/benchmarks-cpu.md, "Why W3 runs
fast or slow"), "moved" (one of each) or "busy" (another process held a CPU).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEER_COPY = ROOT / "benchmarks" / "target" / "tfjava-peer"
PROBE = ROOT / "benchmarks" / "target" / "core-probe"

# workload -> (unit, higher is better, target ratio ours/theirs: >= for throughput, <= for times)
TARGETS = {
    "startup": ("ms", False, 0.5),
    "W1": ("us/run", False, 0.2),
    "W2": ("GFLOP/s", True, 1.0),
    "W3": ("steps/s", True, 1.2),
    "W4": ("steps/s", True, 1.2),
    "W5": ("ms/step", False, 1.0),
    "W5 peak RSS": ("MiB", False, 1.0),
    "W6": ("steps/s", True, 1.2),
    "W8 b1": ("ms/run", False, 1.0),
    "W8 b8": ("ms/run", False, 1.0),
}
PEER_RESULT = re.compile(r"^RESULT (W\d)[^:]*?(?: b(\d+))?: median ([0-9.eE+-]+) (\S+)")
PEER_STARTUP = re.compile(r"^STARTUP .*?([0-9.]+) ms after JVM start")
PEER_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")


def load():
    return os.getloadavg()[0]


def build_probe():
    """Compiles the core probe; False where there is no C compiler (the table then has no cores column)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return False
    PROBE.parent.mkdir(parents=True, exist_ok=True)
    rc, out = run([cc, "-O2", "-pthread", "-o", str(PROBE), str(ROOT / "benchmarks" / "core-probe.c")], ROOT)
    if rc != 0:
        print("the core probe did not compile; no cores column:\n" + out[-1000:], file=sys.stderr)
    return rc == 0


def cores(enabled):
    """Where the two CPUs are now: together, apart, busy, or None without the probe."""
    if not enabled:
        return None
    rc, out = run([str(PROBE)], ROOT)
    if rc != 0:
        return None
    ns = float(out.strip().splitlines()[-1])
    return "busy" if ns > 1000 else "together" if ns < 150 else "apart" if ns > 250 else "between"


def placement(before, after):
    if before is None or after is None:
        return "-"
    return before if before == after else "moved"


def run(cmd, cwd, env=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return p.returncode, p.stdout


def prepare_peer(peer):
    if PEER_COPY.exists():
        shutil.rmtree(PEER_COPY)
    shutil.copytree(peer, PEER_COPY, ignore=shutil.ignore_patterns("target"))
    for path in PEER_COPY.rglob("*"):
        path.chmod(path.stat().st_mode | 0o200)
    (PEER_COPY / "run.sh").chmod(0o755)
    rc, out = run(["./run.sh", "startup"], PEER_COPY)
    if rc != 0:
        sys.exit("the peer did not build or run:\n" + out[-3000:])


def prepare_ours():
    """One untimed start, as the peer gets one when it is built: a first start after a build writes the class-data
    archive (README, "Faster start-up") and reads the jars from disk, which no later start does."""
    rc, out = run([str(ROOT / "scripts" / "tensorgraph"), "bench", "--workloads", "W1", "--rounds", "1"], ROOT)
    if rc != 0:
        sys.exit("tensorgraph's bench did not run:\n" + out[-3000:])


def ours(workload, graph, rounds_per_run):
    """Medians of one `bench` run: {name: value}."""
    cmd = [str(ROOT / "scripts" / "tensorgraph"), "bench", "--isolate", "--json", "--rounds", str(rounds_per_run),
           "--workloads", workload]
    if workload == "W8":
        cmd += ["--graph", str(graph), "--input", "x:0", "--output", "Identity:0", "--batch", "1,8"]
    p = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        print("  tensorgraph %s failed: %s" % (workload, p.stderr.strip().splitlines()[-1:]), file=sys.stderr)
        return {}
    doc = json.loads(p.stdout)
    found = {}
    for r in doc["results"]:
        if r.get("status") != "ok":
            continue
        name = r["id"] if r["id"] != "W8" else "W8 b%d" % r["batch"]
        found[name] = r["median"]
        if r["id"] == "W5" and "peakRssMiB" in r:
            found["W5 peak RSS"] = r["peakRssMiB"]
    if workload == "W1" and doc.get("startup"):
        found["startup"] = doc["startup"]["firstW1ResultMsAfterJvmStart"]
    return found


def theirs(workload, graph):
    """Medians of the peer for one workload: {name: value}."""
    env = dict(os.environ, SKIP_BUILD="1")
    found = {}
    if workload == "W8":
        for batch in (1, 8):
            rc, out = run(["./run.sh", "W8", str(graph), "x:0", "Identity:0", str(batch), "224", "224", "3"],
                          PEER_COPY, env)
            for line in out.splitlines():
                m = PEER_RESULT.match(line)
                if m:
                    found["W8 b%d" % batch] = float(m.group(3))
        return found
    args = ["./run.sh", workload] + (["5"] if workload == "W5" else [])
    rc, out = run(["/usr/bin/time", "-v"] + args, PEER_COPY, env)
    for line in out.splitlines():
        m = PEER_RESULT.match(line)
        if m and m.group(1) == workload and m.group(4) != "ms/run" and "time" not in line.split(":")[0]:
            found.setdefault(workload, float(m.group(3)))
        r = PEER_RSS.search(line)
        if r and workload == "W5":
            found["W5 peak RSS"] = int(r.group(1)) / 1024.0
    if workload == "W1":
        rc, out = run(["./run.sh", "startup"], PEER_COPY, env)
        for line in out.splitlines():
            m = PEER_STARTUP.match(line)
            if m:
                found["startup"] = float(m.group(1))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer", type=Path, required=True, help="the TensorFlow Java peer's folder")
    parser.add_argument("--graph", type=Path, required=True, help="W8's frozen ResNet50 GraphDef")
    parser.add_argument("--rounds", type=int, default=2, help="sittings of every workload on each side (default 2)")
    parser.add_argument("--workloads", default="W1,W2,W3,W4,W5,W6,W8")
    parser.add_argument("--bench-rounds", type=int, default=7, help="rounds inside each bench run (default 7)")
    parser.add_argument("--openblas-coretype", default="",
                        help="OPENBLAS_CORETYPE for both sides where the environment has none (default: none, as "
                             "on the project's machine since 2026-12-06; scripts/tensorgraph then names SkylakeX "
                             "on AVX-512 CPUs)")
    args = parser.parse_args()
    # OpenBLAS picks its kernels from this variable when it loads, and the choice moves W2 by several per cent
    # (docs/benchmarks-cpu.md): a sitting measures what users run under, so the variable is never left to chance.
    if "OPENBLAS_CORETYPE" not in os.environ and args.openblas_coretype:
        os.environ["OPENBLAS_CORETYPE"] = args.openblas_coretype
    print("OPENBLAS_CORETYPE=%s" % os.environ.get("OPENBLAS_CORETYPE", "(unset)"), flush=True)
    if not (args.peer / "run.sh").exists():
        sys.exit("%s has no run.sh: --peer names the TensorFlow Java peer's folder" % args.peer)
    if "W8" in args.workloads and not args.graph.exists():
        sys.exit("%s does not exist: write it with tf-interop/python/w8_resnet50.py" % args.graph)
    print("building the peer in %s ..." % PEER_COPY.relative_to(ROOT), flush=True)
    prepare_peer(args.peer.resolve())
    prepare_ours()
    probing = build_probe()
    workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    rows = []  # (name, round, ours, theirs, load before, load after, cores during ours, cores during theirs)
    for rnd in range(1, args.rounds + 1):
        for w in workloads:
            before = load()
            probe0 = cores(probing)
            mine = ours(w, args.graph.resolve(), args.bench_rounds)
            probe1 = cores(probing)
            peer = theirs(w, args.graph.resolve())
            probe2 = cores(probing)
            after = load()
            where = (placement(probe0, probe1), placement(probe1, probe2))
            for name in sorted(set(mine) | set(peer)):
                rows.append((name, rnd, mine.get(name), peer.get(name), before, after) + where)
                print("round %d %-12s ours %-10s TF Java %-10s load %.1f-%.1f cores %s / %s" % (
                    rnd, name, fmt(mine.get(name)), fmt(peer.get(name)), before, after, where[0], where[1]),
                    flush=True)
    print()
    print("| workload | unit | round | TensorFlow Java | Tensorgraph | ours/theirs | target | met | load avg "
          "| cores (ours / theirs) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    order = list(TARGETS)
    for name, rnd, mine, peer, before, after, where_ours, where_theirs in sorted(
            rows, key=lambda r: (order.index(r[0]) if r[0] in order else 99, r[1])):
        unit, higher, target = TARGETS.get(name, ("", True, None))
        ratio = mine / peer if mine and peer else None
        met = "" if ratio is None or target is None else (
            "yes" if (ratio >= target if higher else ratio <= target) else "no")
        bound = "" if target is None else ("≥ " if higher else "≤ ") + "%.1f×" % target
        print("| %s | %s | %d | %s | %s | %s | %s | %s | %.1f-%.1f | %s / %s |" % (
            name, unit, rnd, fmt(peer), fmt(mine), "" if ratio is None else "%.2f" % ratio, bound, met, before, after,
            where_ours, where_theirs))


def fmt(v):
    if v is None:
        return "-"
    return "%.4g" % v


if __name__ == "__main__":
    main()
