"""Triage of the fuzz corpus: every generated module translated alone, failures grouped by signature.

    .venv/bin/python benchmarks/fuzz_triage.py [--seed 9] [--count 250] [--minimize] [--json FILE]

`tests/test_fuzz.py` translates the whole generated repository in one `portalis translate` and
fails on the first crash; this script says *what* crashes and how often: each module runs in its
own `portalis translate` subprocess (`-X faulthandler`, so a segfault still names the Python frame),
and each failure gets a signature: the exception type and the innermost frame inside `portalis/`
(or `signal N`, `timeout`, `crate does not compile`, `module missing from report`, `status error
without an error diagnostic`). With --minimize, the smallest single item of the first module of
each signature that still gives that signature is printed as its reproducer. Prints a table;
asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from fuzzgen import GeneratedModule, Item, generate_module, render  # noqa: E402

PYTHON = sys.executable


@dataclass
class Outcome:
    signatures: list[str] = field(default_factory=list)  # empty: no failure
    rc: int = 0
    seconds: float = 0.0
    tail: str = ""  # the traceback head / stderr tail for the report

    @property
    def ok(self) -> bool:
        return not self.signatures


_FRAME = re.compile(r'File "([^"]+)", line (\d+),? in (\S+)')


def traceback_signature(stderr: str) -> tuple[str, str] | None:
    """(signature, traceback head) of the last Python traceback or fatal error in stderr."""
    fatal = stderr.find("Fatal Python error")
    start = stderr.rfind("Traceback (most recent call last):")
    if fatal >= 0:
        block = stderr[fatal:]
        kind = block.splitlines()[0].replace("Fatal Python error: ", "")
    elif start >= 0:
        block = stderr[start:]
        lines = block.splitlines()
        # the exception line follows the last frame and its indented source lines
        last_frame = max((i for i, l in enumerate(lines) if l.startswith('  File "')), default=0)
        after = [l for l in lines[last_frame + 1:] if l and not l.startswith(" ")]
        kind = after[0].split(":", 1)[0] if after else "?"
    else:
        return None
    frames = _FRAME.findall(block)
    ours = [(f, n, fn) for f, n, fn in frames if "/portalis/" in f and "site-packages" not in f]
    if fatal >= 0:  # faulthandler prints the innermost frame first
        ours = list(reversed(ours))
    where = f"{Path(ours[-1][0]).relative_to(REPO).as_posix() if Path(ours[-1][0]).is_relative_to(REPO) else ours[-1][0]}:{ours[-1][2]}" if ours else "?"
    head = "\n".join(block.strip().splitlines()[-8:]) if start >= 0 and fatal < 0 else "\n".join(block.strip().splitlines()[:12])
    detail = ""
    if "RustfmtError" in kind:  # one exception for many causes: rustfmt's first error names the cause
        found = re.search(r"error(\[E\d+\])?: .*", block)
        first = found.group(0) if found else ""
        detail = f" [{_normalize(first)}]"
        head = block[found.start():found.start() + 1200] if found else head
    return f"{kind} in {where}{detail}", head


def _normalize(message: str) -> str:
    """A message without the names and numbers that differ between occurrences of one cause."""
    message = re.sub(r"`[^`]*`", lambda m: m.group(0) if len(m.group(0)) <= 4 else "`_`", message)
    return re.sub(r"\d+", "N", message)[:160]


def translate_alone(root: Path, name: str, data: bytes, timeout: float) -> Outcome:
    """`portalis translate` of a one-module repository holding `data` as `name.py`."""
    with tempfile.TemporaryDirectory(prefix="portalis-triage-") as tmp:
        repo, out = Path(tmp) / "repo", Path(tmp) / "out"
        repo.mkdir()
        (repo / f"{name}.py").write_bytes(data)
        t0 = time.perf_counter()
        cmd = [PYTHON, "-X", "faulthandler", "-m", "portalis.cli", "translate", str(repo), "--out", str(out), "--no-build", "--json"]
        with subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace") as popen:
            try:
                stdout, stderr = popen.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # SIGABRT: faulthandler prints where the translator was, then the process dies
                popen.send_signal(signal.SIGABRT)
                stdout, stderr = popen.communicate()
                tb = traceback_signature(stderr)
                where = tb[0].split(" in ", 1)[1] if tb else "?"
                return Outcome([f"timeout ({timeout:.0f} s) in {where}"], rc=-1, seconds=timeout, tail=tb[1] if tb else stderr[-1500:])
        proc = subprocess.CompletedProcess(cmd, popen.returncode, stdout, stderr)
        seconds = time.perf_counter() - t0
        outcome = Outcome(rc=proc.returncode, seconds=seconds)
        tb = traceback_signature(proc.stderr)
        if tb is not None:
            outcome.signatures.append(tb[0])
            outcome.tail = tb[1]
        elif proc.returncode < 0 or proc.returncode > 2:
            outcome.signatures.append(f"signal/exit {proc.returncode}")
            outcome.tail = proc.stderr[-1500:]
        if tb is None and proc.returncode in (0, 1):
            report_file = out / "portalis-report.json"
            if not report_file.exists():
                outcome.signatures.append("no report written")
                return outcome
            report = json.loads(report_file.read_text(encoding="utf-8"))
            modules = {m["module"]: m for m in report["modules"]}
            if not modules:
                outcome.signatures.append("module missing from report")
            for m in modules.values():
                errors = [d for d in m["diagnostics"] if d.get("severity") == "error"]
                if m["status"] == "error" and not errors:
                    outcome.signatures.append("status error without an error diagnostic")
                for d in m["diagnostics"]:
                    if d["code"] == "PTL302":
                        outcome.signatures.append(f"PTL302 rustc error outside any function [{_normalize(d['message'].splitlines()[0])}]")
                        outcome.tail = d["message"][:1500]
                        break
            if not report["crate"]["compiles"]:
                outcome.signatures.append("crate does not compile")
            if not report["crate"].get("rustfmt_clean", True):
                outcome.signatures.append("crate not rustfmt-clean")
        return outcome


def minimize(module: GeneratedModule, signature: str, timeout: float) -> tuple[Item | None, Outcome | None]:
    """The smallest single item of `module` that alone still gives `signature`."""
    for item in sorted(module.items, key=lambda i: len(i.source)):
        data = render(module.header, [item]).encode("utf-8", "surrogatepass")
        outcome = translate_alone(REPO, module.name, data, timeout)
        if signature in outcome.signatures:
            return item, outcome
    return None, None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--count", type=int, default=250)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--minimize", action="store_true")
    parser.add_argument("--indices", type=str, default=None, help="comma-separated module indices (instead of --start/--count)")
    parser.add_argument("--json", type=Path, default=None, help="write the per-signature results here")
    args = parser.parse_args()
    by_sig: dict[str, list[tuple[GeneratedModule, Outcome]]] = defaultdict(list)
    t0 = time.perf_counter()
    slowest: list[tuple[float, int]] = []
    indices = [int(i) for i in args.indices.split(",")] if args.indices else list(range(args.start, args.start + args.count))
    for index in indices:
        module = generate_module(args.seed, index)
        outcome = translate_alone(REPO, module.name, module.data(), args.timeout)
        slowest.append((outcome.seconds, index))
        for sig in outcome.signatures:
            by_sig[sig].append((module, outcome))
        print(f"{index:4d} {module.name:10s} {outcome.seconds:6.1f}s rc={outcome.rc} {'; '.join(outcome.signatures) or 'ok'}",
              file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    failed = {i for runs in by_sig.values() for m, _ in runs for i in [m.index]}
    print(f"\nseed {args.seed}, {len(indices)} modules ({indices[0]}..{indices[-1]}): {len(failed)} failing, "
          f"{len(by_sig)} signatures, {total:.0f} s; slowest: "
          + ", ".join(f"#{i} {s:.1f}s" for s, i in sorted(slowest, reverse=True)[:5]))
    results = []
    for sig, runs in sorted(by_sig.items(), key=lambda kv: -len(kv[1])):
        module, outcome = runs[0]
        entry: dict[str, object] = {"signature": sig, "modules": [m.index for m, _ in runs], "features": sorted({f for m, _ in runs for f in m.features}),
                 "tail": outcome.tail}
        print(f"\n## {sig}  ({len(runs)} modules: {', '.join(str(m.index) for m, _ in runs[:12])}{' ...' if len(runs) > 12 else ''})")
        if args.minimize:
            item, small = minimize(module, sig, args.timeout)
            if item is not None:
                entry["feature"] = item.feature
                entry["reproducer"] = item.source
                entry["tail"] = small.tail if small else outcome.tail
                text = item.source if len(item.source) < 1500 else item.source[:700] + "\n...\n" + item.source[-300:]
                print(f"feature {item.feature}, module name {module.name}:\n{text}")
            else:
                print(f"(no single item reproduces it; module {module.index} of seed {args.seed}, features {module.features})")
        print("tail:\n" + str(entry["tail"] or "")[:1500])
        results.append(entry)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
