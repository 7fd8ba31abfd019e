"""Writes the TensorFlow reference cases (see README.md next to this file).

    python generate.py                      # every topic into graph-ops/src/test/resources/tf-cases-2.21
    python generate.py --topics ops,slim    # some topics only (the index is rebuilt from all folders)
    python generate.py --big DIR            # also the cases too big to commit, into DIR

Run it with the Python that has TensorFlow 2.21; each topic and mode runs in its own process.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RESOURCES = REPO / "graph-ops" / "src" / "test" / "resources"
DEFAULT_OUT = RESOURCES / "tf-cases-2.21"

sys.path.insert(0, str(HERE))
from tfref import topics  # noqa: E402  (no TensorFlow import here)
from tfref.jsonfmt import write_json  # noqa: E402


def _run(args, capture=False):
    env = dict(os.environ, TF_ENABLE_ONEDNN_OPTS="0", TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="",
               PYTHONHASHSEED="0", PYTHONPATH=str(HERE))
    return subprocess.run([sys.executable, "-m", "tfref.run"] + args, env=env, cwd=str(HERE), text=True,
                          stdout=subprocess.PIPE if capture else None)


def run_topic(topic, out, big, only):
    """Each case in a fresh process (big ones first, so the topic's check can read them); then the check."""
    listing = _run(["--topic", topic, "--list"], capture=True)
    if listing.returncode != 0:
        return [topic + " (listing)"]
    cases = [json.loads(line[5:]) for line in listing.stdout.splitlines() if line.startswith("CASE ")]
    roots = ["--out", str(out)] + (["--big", str(big)] if big else [])
    failed = []
    for c in sorted(cases, key=lambda c: not c["big"]):
        if (c["big"] and not big) or (only and c["name"] not in only):
            continue
        if _run(["--topic", topic, "--case", c["name"], "--mode", c["mode"]] + roots).returncode != 0:
            failed.append(topic + "/" + c["name"])
    if not only and _run(["--topic", topic, "--after", "--mode", "tf2"] + roots).returncode:
        failed.append(topic + " (check)")
    return failed


def write_index(out):
    entries = []
    for spec_path in sorted(out.glob("*/*/case.json")):
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        entries.append({"topic": spec["topic"], "case": spec["name"], "path": spec["topic"] + "/" + spec["name"],
                        "issue": spec["issue"], "kind": spec["kind"], "description": spec["description"],
                        "op_types": spec["op_types"]})
    write_json(out / "index.json", {"cases": entries})
    lines = ["# Cases (written by the generator; see README.md)", "",
             "| topic | case | issue | kind | size (bytes) | description |", "|---|---|---|---|---|---|"]
    total = 0
    for e in entries:
        size = sum(p.stat().st_size for p in (out / e["path"]).rglob("*") if p.is_file())
        total += size
        lines.append("| %s | %s | %s | %s | %d | %s |" % (e["topic"], e["case"], e["issue"], e["kind"], size,
                                                           e["description"].replace("|", "\\|")))
    lines += ["", "%d cases, %d bytes in their folders." % (len(entries), total)]
    (out / "INDEX.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(entries), total


def check_no_local_paths(roots):
    """No written file may carry a path of the machine that wrote it."""
    needles = {str(Path(sys.prefix)), str(Path(tempfile.gettempdir())) + "/", str(Path.home()) + "/", str(REPO)}
    needles = [n.encode() for n in needles if len(n) > 4]
    bad = []
    for root in roots:
        for p in Path(root).rglob("*"):
            if p.is_file() and p.stat().st_size < 512 * 1024 * 1024:
                data = p.read_bytes()
                bad += [(str(p), n.decode()) for n in needles if n in data]
    for p, n in bad:
        print("LOCAL PATH %s in %s" % (n, p), file=sys.stderr)
    return not bad


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, help="where every topic goes (default: tf-cases-2.21, or the "
                        "topic's own folder named in topics.ROOTS)")
    parser.add_argument("--topics", default=",".join(topics.TOPICS))
    parser.add_argument("--case", action="append", default=[], help="only these cases (repeatable)")
    parser.add_argument("--big", type=Path, help="also write the cases too big to commit into this folder")
    args = parser.parse_args()
    failed = []
    outs = []
    for topic in args.topics.split(","):
        print("== " + topic, flush=True)
        out = args.out or (RESOURCES / topics.ROOTS[topic] if topic in topics.ROOTS else DEFAULT_OUT)
        out.mkdir(parents=True, exist_ok=True)
        outs += [out] if out not in outs else []
        failed += run_topic(topic, out.resolve(), args.big.resolve() if args.big else None, set(args.case))
    for out in outs:
        count, total = write_index(out)
        print("%d cases, %.2f MB under %s" % (count, total / 1e6, out))
    roots = list(outs)
    if args.big:
        big_count, big_total = write_index(args.big)
        print("%d big cases, %.2f MB under %s" % (big_count, big_total / 1e6, args.big))
        roots.append(args.big)
    if not check_no_local_paths(roots):
        failed.append("local paths in written files")
    for f in failed:
        print("FAILED " + f, file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
