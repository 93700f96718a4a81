"""The per-module stages behind one net: a failure of ours costs one module, never the run.

Each pass already contains what it knows how to contain (a syntax error is a diagnostic, a
function the rules cannot lower is a todo!() stub with a code). What escapes a pass for one
module is a bug of ours (or a resource limit such as RecursionError or MemoryError): the
functions here turn it into a PTL190 diagnostic on that module, mark the module failed (its
report status is `error`, the CLI exits 1, Dagster shows the partition failed), and let the
other modules go on. The CLI pipeline, the per-function cache path, the LLM path and the
Dagster assets all call these, so every entry point contains the same way.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable, Iterable

from portalis.model import Diagnostic, ModuleTranslation, ModuleTypeMap, ParsedModule, Severity, SourceModule

INTERNAL_ERROR = "PTL190"


def internal_error(module: str, stage: str, exc: BaseException) -> Diagnostic:
    """A readable diagnostic for an exception that escaped a stage: type, message, and the
    innermost Portalis frame (file:line), which is what a bug report needs."""
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if "/portalis/" in frame.filename.replace("\\", "/"):
            where = f" at {Path(frame.filename).name}:{frame.lineno} ({frame.name})"
            break
    text = str(exc).splitlines()[0][:300] if str(exc) else ""
    message = f"internal error in {stage}: {type(exc).__name__}{': ' + text if text else ''}{where}; the module was not translated"
    return Diagnostic(code=INTERNAL_ERROR, message=message, module=module, severity=Severity.ERROR)


def is_failed(diagnostics: Iterable[Diagnostic]) -> bool:
    """True when a stage failed for the module (its status is then `error`)."""
    return any(d.code == INTERNAL_ERROR for d in diagnostics)


def _failed_parse(parsed_or_src: ParsedModule | SourceModule, diag: Diagnostic) -> ParsedModule:
    if isinstance(parsed_or_src, ParsedModule):
        return parsed_or_src.model_copy(update={"ok": False, "diagnostics": [*parsed_or_src.diagnostics, diag]})
    src = parsed_or_src
    return ParsedModule(module=src.module, path=src.path, source_sha256=src.sha256, ok=False, diagnostics=[diag])


def parse_contained(root: Path, src: SourceModule) -> ParsedModule:
    """parse_file, with anything it raises made a failed module."""
    from portalis.parse import parse_file

    try:
        return parse_file(root, src)
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - the net of last resort
        return _failed_parse(src, internal_error(src.module, "parsing", exc))


def type_map_contained(parsed: ParsedModule) -> tuple[ParsedModule, ModuleTypeMap]:
    """build_type_map; when it raises, the module is failed: (its parsed copy with ok=False and
    the diagnostic, an empty map), so lowering skips it and its status is `error`."""
    from portalis.typemap import build_type_map

    try:
        return parsed, build_type_map(parsed)
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001
        return _failed_parse(parsed, internal_error(parsed.module, "the type map", exc)), ModuleTypeMap(module=parsed.module)


def lower_contained(lower: Callable[..., ModuleTranslation]) -> Callable[..., ModuleTranslation]:
    """Wrap a lower_module-like function: an exception becomes a failed, empty translation."""

    def run(parsed: ParsedModule, type_map: ModuleTypeMap, *args, **kwargs) -> ModuleTranslation:  # noqa: ANN002, ANN003
        try:
            return lower(parsed, type_map, *args, **kwargs)
        except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001
            out = ModuleTranslation(module=parsed.module)
            out.diagnostics.extend(parsed.diagnostics)
            out.diagnostics.append(internal_error(parsed.module, "lowering", exc))
            return out

    run.__name__ = getattr(lower, "__name__", "lower")
    run.__doc__ = lower.__doc__
    return run


def format_contained(translations: list[ModuleTranslation], rustfmt: str) -> None:
    """format_translations over many modules in one rustfmt call; when that call fails, each
    module alone, and a module whose formatting still fails loses its items (failed, PTL190)
    while the others keep theirs. (Item-level quarantine inside a module happens in
    format_items; this is the net around it.)"""
    from portalis.lower.module import format_translations

    try:
        format_translations(translations, rustfmt)
        return
    except (Exception, RecursionError) as exc:  # noqa: BLE001
        if len(translations) <= 1:
            for t in translations:
                _drop_items(t, internal_error(t.module, "formatting", exc))
            return
    for t in translations:
        try:
            format_translations([t], rustfmt)
        except (Exception, RecursionError) as exc:  # noqa: BLE001
            _drop_items(t, internal_error(t.module, "formatting", exc))


def _drop_items(t: ModuleTranslation, diag: Diagnostic) -> None:
    t.items = []
    t.diagnostics.append(diag)
