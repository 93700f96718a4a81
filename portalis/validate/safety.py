"""Safety gate: Rust that a translation must never contain, whoever wrote it (rules or an LLM).

Rejected outright: `unsafe`, `extern crate` / `extern "C"` blocks, `#[link]`, `#[no_mangle]`,
inline assembly, `include!`-family macros (they read files at compile time), build scripts and
dependencies in the crate's manifest. Rejected unless the Python source made the same kind of
call: spawning processes (`std::process`), the network (`std::net`), the file system
(`std::fs`, `File`, `OpenOptions`), and environment variables (`std::env::var`).

The scan runs on code with comments, string and char literals blanked out, so the text of a
`todo!("...")` stub or a doc comment never trips it. `check_items` gives one violation per
offending item; `gate_translations` replaces each rejected function by its stub (like the
compile quarantine) with a PTL401 diagnostic on the Python line; `check_crate_dir` looks at the
manifest and build script.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel

from portalis.model import Diagnostic, FunctionStatus, ModuleTranslation, RustItem

# (name, pattern) rejected in any case
ALWAYS: list[tuple[str, re.Pattern[str]]] = [
    ("unsafe", re.compile(r"\bunsafe\b")),
    ("extern crate", re.compile(r"\bextern\s+crate\b")),
    ("extern block", re.compile(r"\bextern\s*(?:\"[^\"]*\"\s*)?\{|\bextern\s+\"")),
    ("#[link]", re.compile(r"#\s*!?\s*\[\s*link\b")),
    ("#[no_mangle]", re.compile(r"#\s*!?\s*\[\s*(?:unsafe\s*\(\s*)?no_mangle\b")),
    ("#[export_name]", re.compile(r"#\s*!?\s*\[\s*(?:unsafe\s*\(\s*)?export_name\b")),
    ("inline assembly", re.compile(r"\b(?:global_)?asm!\s*[\(\[\{]")),
    ("include! macro", re.compile(r"\binclude(?:_str|_bytes)?!\s*[\(\[\{]")),
    ("std::mem::transmute", re.compile(r"\bmem\s*::\s*transmute\b")),
    ("raw pointers", re.compile(r"\*\s*(?:const|mut)\s+[A-Za-z_(\[]")),
]

# capability -> (patterns in Rust, Python modules / builtins that grant it)
CAPABILITIES: dict[str, tuple[list[re.Pattern[str]], set[str]]] = {
    "process": (
        [re.compile(r"\bstd\s*::\s*process\b"), re.compile(r"\bCommand\s*::\s*new\b"), re.compile(r"\bprocess\s*::\s*(?:exit|abort|Command)\b")],
        {"subprocess", "os.system", "os.popen", "os.exec", "os.spawn", "os.fork", "os.kill", "sys.exit", "exit", "multiprocessing"},
    ),
    "network": (
        [re.compile(r"\bstd\s*::\s*net\b"), re.compile(r"\b(?:TcpStream|TcpListener|UdpSocket)\b")],
        {"socket", "urllib", "http", "requests", "httpx", "ftplib", "smtplib", "aiohttp"},
    ),
    "filesystem": (
        [re.compile(r"\bstd\s*::\s*fs\b"), re.compile(r"\b(?:File|OpenOptions)\s*::"), re.compile(r"\bfs\s*::\s*\w+\s*\(")],
        {"open", "io.open", "pathlib", "os.path", "os.remove", "os.unlink", "os.listdir", "os.makedirs", "os.mkdir",
         "os.rename", "os.scandir", "os.walk", "shutil", "tempfile", "glob"},
    ),
    "environment": (
        [re.compile(r"\bstd\s*::\s*env\s*::\s*(?:var|vars|set_var|remove_var|args|current_dir|set_current_dir)\b"),
         re.compile(r"\benv\s*::\s*(?:var|vars|set_var|remove_var|args)\s*\(")],
        {"os.environ", "os.getenv", "os.putenv", "sys.argv"},
    ),
}


class Violation(BaseModel):
    item: str | None  # the item's Python name; None for the crate itself
    kind: str  # what was found: "unsafe", "filesystem", "build script"
    excerpt: str = ""


def strip_rust(code: str) -> str:
    """Code with comments and the contents of string, byte-string, raw-string and char literals
    replaced by spaces (lengths and newlines kept, so positions still match)."""
    out: list[str] = []
    i, n = 0, len(code)
    while i < n:
        c = code[i]
        if code.startswith("//", i):
            j = code.find("\n", i)
            j = n if j == -1 else j
            out.append(" " * (j - i))
            i = j
        elif code.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if code.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif code.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            out.append(_blank(code[i:j]))
            i = j
        elif (m := _RAW_STRING.match(code, i)) and not (i and (code[i - 1].isalnum() or code[i - 1] == "_")):
            hashes = m.group(1)
            close = code.find('"' + hashes, m.end())
            body_end = n if close == -1 else close
            j = n if close == -1 else close + 1 + len(hashes)
            out.append(code[i:m.end()] + _blank(code[m.end():body_end]) + code[body_end:j])
            i = j
        elif c == '"' or (c == "b" and code.startswith('b"', i)):
            start = i + (2 if c == "b" else 1)
            j = start
            while j < n and code[j] != '"':
                j += 2 if code[j] == "\\" else 1
            out.append(code[i:start] + _blank(code[start:j]) + ('"' if j < n else ""))
            i = j + 1
        elif c == "'":
            # a char literal ('a', '\n', '\u{1F600}') or a lifetime ('a): only literals are blanked
            m2 = re.match(r"'(?:\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'", code[i:])
            if m2:
                out.append("'" + " " * (m2.end() - 2) + "'")
                i += m2.end()
            else:
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


_RAW_STRING = re.compile(r'b?r(#*)"')


def _blank(text: str) -> str:
    return "".join("\n" if ch == "\n" else " " for ch in text)


def python_capabilities(source: str) -> set[str]:
    """Capabilities (process, network, filesystem, environment) a Python source uses: modules it
    imports and calls such as open() or os.environ."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                names.add(a.name)
                names.add(a.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.add(node.module.split(".")[0])
            for a in node.names:
                names.add(f"{node.module}.{a.name}")
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            names.add(f"{node.value.id}.{node.attr}")
    granted: set[str] = set()
    for cap, (_, grants) in CAPABILITIES.items():
        if any(n in grants or any(n.startswith(g + ".") for g in grants if "." not in g) for n in names):
            granted.add(cap)
    return granted


def check_code(code: str, allowed: Collection[str] = frozenset()) -> list[tuple[str, str]]:
    """(construct, excerpt) for everything forbidden in a piece of Rust."""
    clean = strip_rust(code)
    found: list[tuple[str, str]] = []
    for name, pattern in ALWAYS:
        m = pattern.search(clean)
        if m:
            found.append((name, _excerpt(code, m.start())))
    for cap, (patterns, _) in CAPABILITIES.items():
        if cap in allowed:
            continue
        for pattern in patterns:
            m = pattern.search(clean)
            if m:
                found.append((cap, _excerpt(code, m.start())))
                break
    return found


def _excerpt(code: str, pos: int) -> str:
    start = code.rfind("\n", 0, pos) + 1
    end = code.find("\n", pos)
    return code[start:end if end != -1 else len(code)].strip()[:120]


def check_items(items: list[RustItem], python_source: str = "") -> list[Violation]:
    """Violations in a module's items, given the Python source the module was translated from."""
    allowed = python_capabilities(python_source)
    out: list[Violation] = []
    for it in items:
        if not it.code:
            continue
        for construct, excerpt in check_code(it.code, allowed):
            out.append(Violation(item=it.name, kind=construct, excerpt=excerpt))
    return out


def gate_translations(
    translations: dict[str, ModuleTranslation], sources: dict[str, str]
) -> tuple[dict[str, ModuleTranslation], dict[str, list[Diagnostic]]]:
    """Translations with every rejected item replaced by its stub (a function) or removed
    (anything else), and a PTL401 diagnostic per rejection. `sources`: module -> Python source."""
    gated: dict[str, ModuleTranslation] = {}
    diags: dict[str, list[Diagnostic]] = {}
    for m, t in translations.items():
        violations = check_items(t.items, sources.get(m, ""))
        if not violations:
            gated[m] = t
            continue
        bad: dict[str, list[Violation]] = {}
        for v in violations:
            bad.setdefault(v.item or "", []).append(v)
        items: list[RustItem] = []
        for it in t.items:
            found = bad.get(it.name)
            if not found or not it.code:
                items.append(it)
                continue
            what = ", ".join(sorted({v.kind for v in found}))
            diags.setdefault(m, []).append(Diagnostic(
                code="PTL401", module=m, function=it.name, line=it.python_line,
                message=f"rejected by the safety gate ({what}): {found[0].excerpt}",
            ))
            if it.kind == "fn" and it.stub and not check_code(it.stub):
                items.append(it.model_copy(update={"code": it.stub, "status": FunctionStatus.UNTRANSLATED, "runtime": []}))
            elif it.kind == "fn":
                items.append(it.model_copy(update={"code": "", "status": FunctionStatus.UNTRANSLATED, "runtime": []}))
        gated[m] = t.model_copy(update={"items": items, "diagnostics": [*t.diagnostics, *diags.get(m, [])]})
    return gated, diags


def check_crate_dir(crate_dir: Path) -> list[Violation]:
    """The crate as a whole: a build script, `build =` or dependencies in Cargo.toml, and any
    .rs file outside src/ and examples/ (a build script under another name)."""
    out: list[Violation] = []
    if (crate_dir / "build.rs").exists():
        out.append(Violation(item=None, kind="build script", excerpt="build.rs"))
    manifest = crate_dir / "Cargo.toml"
    if manifest.exists():
        section = ""
        for line in manifest.read_text(encoding="utf-8").splitlines():
            text = line.split("#", 1)[0].strip()
            if text.startswith("["):
                section = text.strip("[]").strip()
                if section in ("build-dependencies", "dev-dependencies") or section.startswith("target."):
                    out.append(Violation(item=None, kind=f"[{section}] in Cargo.toml", excerpt=text))
                continue
            if section == "package" and re.match(r"build\s*=", text) and not re.match(r"build\s*=\s*false", text):
                out.append(Violation(item=None, kind="build script", excerpt=text))
            if section == "dependencies" and "=" in text:
                out.append(Violation(item=None, kind="dependency", excerpt=text))
    return out
