"""Why a function is not verified: one reason per function, with a code and a line.

The same reason is shown everywhere a function's status is: the CLI's compiler-style lines
(`path:line: CODE status: message (function)`), the report's `reason`, the `--verify` table and
the validation_report partition in Dagster. A translated function has no reason until behaviour
validation gives it a verdict; a verified one never has one.

- untranslated: the function's first error diagnostic (what the rules could not translate);
- compile_error: rustc's (PTL301) or the safety gate's (PTL401) diagnostic for the function;
- failed: PTL720 with the first differing case;
- untested: PTL721 with why no case ran.
"""

from __future__ import annotations

from pydantic import BaseModel

from portalis.model import Diagnostic, FunctionReport, FunctionStatus, ParsedModule, RustItem, Severity

FAILED_CODE = "PTL720"
UNTESTED_CODE = "PTL721"
NO_DIAGNOSTIC_CODE = "PTL722"

# Codes that say why a function is quarantined as todo!() after translation.
_QUARANTINE_CODES = ("PTL301", "PTL401", "PTL161", "PTL162", "PTL164")


class Reason(BaseModel):
    """Why one function is not verified (or not translated)."""

    code: str
    message: str
    line: int | None = None  # where: the construct's line, else the function's

    def text(self) -> str:
        return f"{self.code} {self.message}"


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _own_diagnostic(qualname: str, diagnostics: list[Diagnostic], codes: tuple[str, ...] | None = None,
                    severities: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING)) -> Diagnostic | None:
    """The function's first error (or, failing that, warning) diagnostic, optionally among `codes`."""
    mine = [d for d in diagnostics if d.function == qualname and (codes is None or d.code in codes)]
    for severity in severities:
        hit = next((d for d in mine if d.severity is severity), None)
        if hit is not None:
            return hit
    return None


def function_reason(function: FunctionReport, diagnostics: list[Diagnostic], line: int | None = None) -> Reason | None:
    """The reason `function` is not verified, or None (verified, or translated and not yet
    validated). `diagnostics`: the module's (translation and validation); `line`: the function's
    Python line, used when the reason has no line of its own."""
    status = function.status
    if status in (FunctionStatus.VERIFIED, FunctionStatus.TRANSLATED):
        return None
    label = status.value.replace("_", " ")
    if status is FunctionStatus.FAILED:
        return Reason(code=FAILED_CODE, message=f"failed: {_one_line(function.detail or 'differs from the Python on a case')}", line=line)
    if status is FunctionStatus.EXCLUDED:
        d = _own_diagnostic(function.qualname, diagnostics, ("PTL146",), severities=(Severity.INFO,))
        said = _one_line(d.message) if d is not None else "not part of the library"
        return Reason(code="PTL146", message=f"excluded: {said}", line=(d.line if d else None) or line)
    if status is FunctionStatus.UNTESTED:
        return Reason(code=UNTESTED_CODE, message=f"untested: {_one_line(function.detail or 'no case ran')}", line=line)
    codes = _QUARANTINE_CODES if status is FunctionStatus.COMPILE_ERROR else None
    d = _own_diagnostic(function.qualname, diagnostics, codes) or _own_diagnostic(function.qualname, diagnostics)
    if d is None and "." in function.qualname:
        # a method of a class that is not translated: the class's diagnostic says why
        owner = function.qualname.rsplit(".", 1)[0]
        # (an exception class's methods: PTL142 is information on the class, still the reason)
        found = _own_diagnostic(owner, diagnostics, severities=(Severity.ERROR, Severity.WARNING, Severity.INFO))
        if found is not None:
            said = _one_line(found.message)
            # the class's diagnostic may name the class already ("class `C`: base class ...")
            prefix = "" if said.startswith((f"class `{owner}`", f"enum `{owner}`")) else f"class `{owner}`: "
            return Reason(code=found.code, message=f"{label}: {prefix}{said}", line=found.line or line)
    if d is None:
        return Reason(code=NO_DIAGNOSTIC_CODE, message=f"{label}: no diagnostic was recorded for it", line=line)
    return Reason(code=d.code, message=f"{label}: {_one_line(d.message)}", line=d.line or line)


def function_lines(parsed: ParsedModule | None, items: list[RustItem] = ()) -> dict[str, int]:
    """The Python line of each function by qualified name (`f`, `Class.method`): from the parse
    stage's outline, else from the Rust items (`python_line`; a constructor `Class.new`)."""
    lines: dict[str, int] = {}
    if parsed is not None:
        for f in parsed.functions:
            lines.setdefault(f.qualname, f.line)
        for c in parsed.classes:
            for m in c.methods:
                lines.setdefault(f"{c.name}.{m.name}", m.line)
    for it in items:
        if it.kind == "fn" and it.python_line:
            lines.setdefault(it.name, it.python_line)
    return lines
