"""The CLI's text (portalis/report_text.py) and the behaviour_verified verdict
(portalis_assets/checks.py) on report entries: reasons per function, verbosity, plurals."""

from __future__ import annotations

import dagster as dg

from portalis.model import Diagnostic, FunctionReport, FunctionStatus
from portalis.reasons import function_reason
from portalis.report_text import NORMAL, QUIET, VERBOSE, function_lines, plural, totals_line
from portalis_assets.checks import behaviour_verdict


def _f(name: str, status: str, line: int, reason: dict | None = None, passed: int = 0, total: int = 0) -> dict:
    return {"name": name, "qualname": name, "line": line, "status": status, "cases_passed": passed, "cases_total": total,
            "reason": reason, "backend": "rules", "detail": None}


MODULE = {
    "module": "shop.book", "path": "shop/book.py", "status": "partial", "diagnostics": [],
    "functions": [
        _f("OrderBook.__init__", "verified", 3, passed=4, total=4),
        _f("add", "untranslated", 9, {"code": "PTL121", "message": "untranslated: try/except* is not supported", "line": 11}),
        _f("div", "failed", 20, {"code": "PTL720", "message": "failed: [doctest] div(-7, 2): python -> -4, rust -> -3", "line": 20},
           passed=3, total=4),
        _f("gen", "untested", 30, {"code": "PTL721", "message": "untested: no canonical form for generator", "line": 30}),
    ],
}
REPORT = {"modules": [MODULE], "crate": {"path": "/c", "compiles": True}}


def test_function_lines_by_verbosity() -> None:
    assert function_lines(REPORT, verbosity=QUIET) == []
    assert function_lines(REPORT, verbosity=NORMAL) == [
        "shop/book.py:11: PTL121 untranslated: try/except* is not supported (add)",
        "shop/book.py:20: PTL720 failed: [doctest] div(-7, 2): python -> -4, rust -> -3 (div)",
        "shop/book.py:30: PTL721 untested: no canonical form for generator (gen)",
    ]
    verbose = function_lines(REPORT, verbosity=VERBOSE)
    assert verbose[0] == "shop/book.py:3: verified, 4/4 cases (OrderBook.__init__)"  # not markdown: the name as written
    assert verbose[1:] == function_lines(REPORT, verbosity=NORMAL)


def test_plurals() -> None:
    assert (plural(1, "module"), plural(0, "function"), plural(2, ".py file")) == ("1 module", "0 functions", "2 .py files")
    one = {"modules": [{**MODULE, "functions": MODULE["functions"][:1]}], "crate": {"compiles": True}}
    assert totals_line(one) == "1 module, 1 function: 1 translated, 0 untranslated; crate compiles"


def test_reasons_come_from_the_functions_own_diagnostics() -> None:
    diags = [
        Diagnostic(code="PTL303", message="unused", function="f", severity="warning"),
        Diagnostic(code="PTL134", message="`Book` has no method `x`", function="f", line=7),
        Diagnostic(code="PTL124", message="global", function="g", line=2),
    ]
    r = function_reason(FunctionReport(name="f", qualname="f", status=FunctionStatus.UNTRANSLATED), diags, line=5)
    assert (r.code, r.message, r.line) == ("PTL134", "untranslated: `Book` has no method `x`", 7)
    quarantined = FunctionReport(name="g", qualname="g", status=FunctionStatus.COMPILE_ERROR)
    rustc = Diagnostic(code="PTL301", message="mismatched types", function="g", line=3)
    assert function_reason(quarantined, [*diags, rustc], line=1).code == "PTL301"
    lost = function_reason(FunctionReport(name="h", qualname="h", status=FunctionStatus.UNTRANSLATED), diags, line=9)
    assert (lost.code, lost.line) == ("PTL722", 9)  # never an empty reason
    # a method of an exception class: the class's PTL142 (information) is the reason, not PTL722
    exc = Diagnostic(code="PTL142", message="exception class", function="Oops", line=2, severity="info")
    method = FunctionReport(name="Oops.__init__", qualname="Oops.__init__", status=FunctionStatus.UNTRANSLATED)
    assert function_reason(method, [exc], line=3).code == "PTL142"
    untested = FunctionReport(name="k", qualname="k", status=FunctionStatus.UNTESTED, detail="no case:\n  none")
    assert function_reason(untested, [], line=4).message == "untested: no case: none"
    for ok in (FunctionStatus.VERIFIED, FunctionStatus.TRANSLATED):
        assert function_reason(FunctionReport(name="v", qualname="v", status=ok), diags) is None


def test_behaviour_verdicts() -> None:
    verdict = behaviour_verdict(MODULE, threshold=0.8)
    assert not verdict.passed and verdict.severity == dg.AssetCheckSeverity.WARN
    assert verdict.description.startswith("1/4 verified, 1 failed, 1 untested, 1 untranslated: div PTL720 failed: ")
    assert (verdict.figures["failed"], verdict.figures["untested"], verdict.figures["translated"]) == (1, 1, 3)

    untested_only = {**MODULE, "functions": [MODULE["functions"][0], MODULE["functions"][3]]}
    assert behaviour_verdict(untested_only, threshold=0.5).passed  # untested is not a failure...
    low = behaviour_verdict(untested_only, threshold=0.8)  # ...but lowers the verified share
    assert not low.passed and "(verified share 50% < threshold 80%)" in low.description

    nothing = behaviour_verdict({**MODULE, "functions": [MODULE["functions"][1]]}, threshold=0.0)
    assert not nothing.passed and nothing.description.startswith("nothing translated: 0/1 verified, 1 untranslated")

    off = behaviour_verdict(MODULE, threshold=0.0, not_run="the check crate does not compile")
    assert not off.passed and off.severity == dg.AssetCheckSeverity.ERROR
    assert off.description == "validation did not run: the check crate does not compile" and off.figures["ran"] is False

    empty = behaviour_verdict({"functions": []}, threshold=0.8)
    assert empty.passed and empty.description == "nothing to verify: the module has no functions"
