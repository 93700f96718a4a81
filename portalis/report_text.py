"""What the CLI prints about a report (portalis-report.json's content), as text.

- `function_lines`: one compiler-style line per function that is not verified (not translated,
  quarantined, failed, untested): `path:line: CODE status: message (function)`; with
  `verbose`, every function (verified and translated ones as `path:line: status ... (function)`).
- `print_summary`: the per-module table and the totals line.
- `print_verification`: the per-function behaviour table of a `--verify` report and its totals.
- `failed_modules`: one `path:line: CODE message` line per module whose status is `error`.

Verbosity: QUIET prints the summary only (tables of modules and totals), NORMAL adds the lines of
the functions that are not verified and the `--verify` table, VERBOSE a line for every function.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TextIO

QUIET, NORMAL, VERBOSE = 0, 1, 2

# statuses of functions that have a translation (behaviour validation refines "translated")
TRANSLATED = ("translated", "verified", "failed", "untested")
OK_STATUSES = ("verified", "translated")


def plural(n: int, word: str, many: str | None = None) -> str:
    """`1 module`, `2 modules`, `0 functions`; `many` for irregular plurals."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def display_path(root: Path | None, path: str, module: str) -> str:
    """The module's file as the user can open it: relative to the working directory when the
    source root is under it (`examples/inventory/stock.py`), else as in the report (relative to
    the source root); the module name when there is no path."""
    if not path:
        return module
    if root is None:
        return path
    try:
        rel = os.path.relpath((root / path).resolve())
    except ValueError:  # another drive (Windows)
        return path
    return path if rel.startswith("..") else rel


def function_lines(report: dict, root: Path | None = None, verbosity: int = NORMAL) -> list[str]:
    """Compiler-style lines, one per function that is not verified (every function with
    VERBOSE), in module order: `path:line: CODE status: message (function)`."""
    if verbosity <= QUIET:
        return []
    out = []
    for m in report["modules"]:
        where = display_path(root, m.get("path", ""), m["module"])
        for f in m["functions"]:
            reason = f.get("reason")
            if reason is None and verbosity < VERBOSE:
                continue
            line = (reason or {}).get("line") or f.get("line")
            at = f"{where}:{line}" if line else where
            if reason is not None:
                out.append(f"{at}: {reason['code']} {reason['message']} ({f['qualname']})")
            else:
                cases = f", {f['cases_passed']}/{f['cases_total']} cases" if f.get("cases_total") else ""
                out.append(f"{at}: {f['status']}{cases} ({f['qualname']})")
    return out


def print_function_lines(report: dict, root: Path | None = None, verbosity: int = NORMAL, out: TextIO | None = None) -> None:
    lines = function_lines(report, root, verbosity)
    out = out or sys.stdout
    for line in lines:
        print(line, file=out)
    if lines:
        print(file=out)


def _summary_table(modules: list[dict]) -> str:
    rows = [("module", "functions", "translated", "untranslated", "status")]
    for m in modules:
        fns = [f for f in m["functions"] if f["status"] != "excluded"]
        ok = sum(f["status"] in TRANSLATED for f in fns)
        rows.append((m["module"], str(len(fns)), str(ok), str(len(fns) - ok), m["status"]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for i, r in enumerate(rows):
        cells = [c.ljust(w) if j in (0, 4) else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))]
        lines.append("  ".join(cells).rstrip())
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def totals_line(report: dict) -> str:
    """`6 modules, 42 functions: 42 translated, 0 untranslated; crate compiles`."""
    modules = report["modules"]
    every = [f for m in modules for f in m["functions"]]
    # script code (`if __name__ == '__main__':`, status `excluded`) is counted apart: not a function of the library
    fns = [f for f in every if f["status"] != "excluded"]
    ok = sum(f["status"] in TRANSLATED for f in fns)
    crate = report["crate"]
    script = len(every) - len(fns)
    return (
        f"{plural(len(modules), 'module')}, {plural(len(fns), 'function')}: {ok} translated, {len(fns) - ok} untranslated"
        + (f" ({script} more excluded: script code under `if __name__ == '__main__':`)" if script else "") + "; "
        f"crate {'compiles' if crate['compiles'] else 'DOES NOT COMPILE'}"
    )


def print_summary(report: dict, out: TextIO | None = None) -> None:
    """The per-module table, the totals, the files that are not modules, the crate's path."""
    out = out or sys.stdout
    print(_summary_table(report["modules"]), file=out)
    print(file=out)
    print(totals_line(report), file=out)
    print_skipped(report, out)
    print(f"crate: {report['crate']['path']}", file=out)


def print_skipped(report: dict, out: TextIO | None = None) -> None:
    """The `.py` files that are not modules, each with its code and reason; the excluded count."""
    out = out or sys.stdout
    skipped = report.get("skipped") or []
    excluded = report.get("excluded", 0)
    if skipped:
        print(f"{plural(len(skipped), '.py file')} not translated:", file=out)
        width = max(len(s["path"]) for s in skipped)
        for s in skipped:
            print(f"  {s['path'].ljust(width)}  {s['code']}  {s['reason']}", file=out)
    if excluded:
        print(f"{plural(excluded, '.py file')} left out by the exclude patterns (tests, setup.py...)", file=out)


def _detail(f: dict) -> str:
    """The table's detail column: the first differing case, why it is untested, or (not
    translated, quarantined) the diagnostic's code and message."""
    reason = f.get("reason")
    if f.get("detail"):
        text = f["detail"]
    elif reason is not None:
        text = f"{reason['code']} {reason['message'].split(': ', 1)[-1]}"
    else:
        text = ""
    text = " ".join(text.split())
    return text[:120] + ("..." if len(text) > 120 else "")


def verification_totals(report: dict) -> dict:
    """The report's `verification` summary, or the same counts from its functions."""
    fns = [f for m in report["modules"] for f in m["functions"]]
    return report.get("verification") or {
        "verified": sum(f["status"] == "verified" for f in fns),
        "failed": sum(f["status"] == "failed" for f in fns),
        "untested": sum(f["status"] in ("untested", "translated") for f in fns),
        "untranslated": sum(f["status"] in ("untranslated", "compile_error") for f in fns),
        "cases_passed": sum(f["cases_passed"] for f in fns),
        "cases_total": sum(f["cases_total"] for f in fns),
    }


def verification_line(report: dict) -> str:
    v = verification_totals(report)
    return (
        f"verification: {v.get('verified', 0)} verified, {v.get('failed', 0)} failed, {v.get('untested', 0)} untested, "
        f"{v.get('untranslated', 0)} untranslated; {v.get('cases_passed', 0)}/{plural(v.get('cases_total', 0), 'case')} passed"
        + (f" ({v['seconds']:.1f} s)" if "seconds" in v else "")
        + (f"; sandbox: {v['sandbox']}" if v.get("sandbox") and v.get("ran", True) else "")
        + (f"; not run: {v['reason']}" if not v.get("ran", True) else "")
    )


def print_verification(report: dict, out: TextIO | None = None, verbosity: int = NORMAL) -> None:
    """Per-function behaviour statuses of a report written with --verify (not with QUIET), and
    the totals."""
    out = out or sys.stdout
    if verbosity > QUIET:
        rows = [("function", "status", "cases", "detail")]
        for m in report["modules"]:
            for f in m["functions"]:
                cases = f"{f['cases_passed']}/{f['cases_total']}" if f["cases_total"] else "-"
                rows.append((f"{m['module']}.{f['name']}", f["status"], cases, _detail(f)))
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        print(file=out)
        for i, r in enumerate(rows):
            print("  ".join([r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]), r[3]]).rstrip(), file=out)
            if i == 0:
                print("  ".join(["-" * w for w in widths] + ["------"]), file=out)
    print(file=out)
    print(verification_line(report), file=out)


def print_llm(summary: dict, out: TextIO | None = None) -> None:
    """One line with the LLM stage's figures."""
    out = out or sys.stdout
    print(
        f"llm {summary.get('backend')}:{summary.get('model')}: {plural(summary.get('functions', 0), 'function')} sent, "
        f"{summary.get('accepted', 0)} accepted ({summary.get('verified', 0)} verified), "
        f"{plural(summary.get('candidates', 0), 'candidate')}, compile rate {summary.get('compile_rate', 0):.0%}, "
        f"{plural(summary.get('repair_rounds', 0), 'repair round')}, {summary.get('prompt_tokens', 0)}+{summary.get('completion_tokens', 0)} tokens, "
        f"{summary.get('wall_s', 0):.1f} s",
        file=out,
    )


def print_translation(report: dict, root: Path | None, verbosity: int = NORMAL, verify: bool = False,
                      out: TextIO | None = None) -> None:
    """What `portalis translate` (and `demo`) print: the functions' lines, the summary, and with
    `verify` the behaviour table and its totals."""
    print_function_lines(report, root, verbosity, out)
    print_summary(report, out)
    if verify:
        print_verification(report, out, verbosity)


def failed_modules(report: dict, root: Path | None = None) -> list[str]:
    """One `path:line: CODE message` line per module whose status is `error` (the diagnostic
    that made it fail: a module-level error first, else its first error)."""
    from portalis.contain import ERROR_CODES

    lines = []
    for m in report["modules"]:
        if m["status"] != "error":
            continue
        diags = m["diagnostics"]
        # What made it fail: a stage's error on the module, else rustc's error outside any
        # function (the module does not compile), else its first error.
        d = next((d for d in diags if d["code"] in ERROR_CODES and d.get("function") is None), None) \
            or next((d for d in diags if d["code"] in ("PTL302", "PTL304")), None) \
            or next((d for d in diags if d.get("severity", "error") == "error"), None)
        where = display_path(root, m["path"], m["module"])
        if d is None:
            lines.append(f"{where}: error: the module failed (no diagnostic)")
            continue
        line = f":{d['line']}" if d.get("line") else ""
        message = " ".join(str(d["message"]).split())
        if d.get("function"):
            message = f"{d['function']}: {message}"
        lines.append(f"{where}{line}: {d['code']} {message}")
    return lines
