"""What libcst's native parser is handed: limits that keep it from crashing the process.

libcst parses with a recursive-descent parser written in Rust. It recurses on the C stack: a
module nested deeper than the stack allows (a 1,300-deep parenthesised expression on an 8 MiB
main thread) is a segfault that takes the whole run with it, not an exception. Three guards, in
order, make that impossible:

1. CPython's own parser runs first (`ast.parse`, in parse.py). It rejects what CPython rejects:
   more than 200 nested brackets, more than 100 indentation levels, expressions nested deeper
   than its recursion limit allows (about 3,000 levels with the default limit of 1,000).
2. `measure()` walks CPython's tree (it has the same structure, minus the brackets) and bounds
   the C stack libcst needs, from per-level costs measured on libcst 1.9.0 (see
   `benchmarks/parse_limits.py`, which prints them; the costs here are about twice the measured
   ones). The tree is also refused above `MAX_DEPTH` levels: libcst's time and memory grow
   about quadratically with nesting (a 2,000-deep `lambda` chain: 0.8 GB, 4 s; 3,000: ~1.7 GB).
3. The parse runs on a deep thread (`portalis.contain.run_deep`, 1 GiB of stack). When the bound
   of 2. does not fit that stack (a module with a single string literal of a few hundred KB, a
   100,000-term `and` chain), the module is first parsed by libcst in a worker process with the
   same stack (`probe`): if libcst crashes there, the module gets a diagnostic; if it parses,
   parsing it here cannot crash either (same input, same code, same stack).

Measured C stack per level of libcst 1.9.0's parser (tests and benchmarks/parse_limits.py):
a bracket level 6.5-6.9 KiB, an indented block (def/class/with/try/if) 24 KiB, other
expression levels 1.0-2.4 KiB (unary, binary, lambda, conditional, attribute, call), an `elif`
1.0 KiB, an operand of `and`/`or` 1.2 KiB, a part of an implicitly concatenated string 0.8 KiB.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass

# Above this AST depth a module is not handed to libcst (time and memory, not safety). A
# 1,000-term sum (depth ~1,000) parses in about 1 s; CPython itself stops near 3,000.
MAX_DEPTH = 1500

# Bytes of C stack charged per level, about twice the measured costs (module docstring).
_BASE = 8 << 20  # libcst's and the interpreter's frames below the first level (measured < 1 MiB)
_STMT = 48 << 10  # a statement: an indented block costs 24 KiB per level
_EXPR = 16 << 10  # an expression node: the worst measured is a bracketed level, 6.9 KiB
_BRACKETS = 200 * _EXPR  # brackets are not AST nodes: CPython allows at most 200 nested
_OPERAND = 4 << 10  # each operand of `a and b and c` (libcst nests them pairwise)
_STRING_CHAR = 1 << 10  # per 2 characters of a string literal (a part of `'a' 'b'` is >= 2 chars)

PROBE_TIMEOUT_S = 300


@dataclass
class Nesting:
    """The nesting of one module, from CPython's tree."""

    depth: int  # deepest AST node (statements and expressions)
    depth_line: int | None  # where it is
    stack_bytes: int  # upper bound of the C stack libcst needs to parse the module


def measure(tree: ast.Module, source: str) -> Nesting:
    """Depth and libcst's stack bound of a module, in one iterative walk (no recursion: the
    tree may be thousands of levels deep)."""
    line_bytes: list[int] | None = None

    def span_bytes(node: ast.AST) -> int:
        nonlocal line_bytes
        first, last = node.lineno, node.end_lineno or node.lineno  # type: ignore[attr-defined]
        end_col = node.end_col_offset or 0  # type: ignore[attr-defined]
        if first == last:
            return max(0, end_col - node.col_offset)  # type: ignore[attr-defined]
        if line_bytes is None:
            line_bytes = [len(line.encode("utf-8", "surrogatepass")) + 1 for line in source.split("\n")]
        middle = sum(line_bytes[first : last - 1])
        return line_bytes[first - 1] - node.col_offset + middle + end_col  # type: ignore[attr-defined]

    best_depth, best_line, best_bytes = 0, None, 0
    stack: list[tuple[ast.AST, int, int]] = [(tree, 0, _BASE + _BRACKETS)]
    skip = (ast.expr_context, ast.operator, ast.boolop, ast.cmpop, ast.unaryop)
    while stack:
        node, depth, used = stack.pop()
        depth += 1
        if isinstance(node, ast.stmt):
            used += _STMT
        else:
            used += _EXPR
        if isinstance(node, ast.BoolOp):
            used += _OPERAND * len(node.values)
        elif isinstance(node, (ast.JoinedStr,)) or (isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))):
            used += _STRING_CHAR * (span_bytes(node) // 2 + 1)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            dots = max((a.name.count(".") for a in node.names), default=0)
            if isinstance(node, ast.ImportFrom) and node.module:
                dots = max(dots, node.module.count("."))
            used += _EXPR * (dots + 1)
        if depth > best_depth:
            best_depth, best_line = depth, getattr(node, "lineno", best_line)
        if used > best_bytes:
            best_bytes = used
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, skip):
                        stack.append((item, depth, used))
            elif isinstance(value, ast.AST) and not isinstance(value, skip):
                stack.append((value, depth, used))
    return Nesting(depth=best_depth, depth_line=best_line, stack_bytes=best_bytes)


def probe(source: str, stack: int, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """Parse `source` with libcst in a worker process, on a thread with `stack` bytes of stack.
    None when it parsed (or raised a syntax error); else why not (it crashed, timed out)."""
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "portalis.nesting", str(stack)],
            input=source.encode("utf-8", "surrogatepass"), capture_output=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"libcst's parser did not finish in {timeout:.0f} s (in a worker process)"
    except OSError as exc:
        return f"the parser worker could not start: {exc}"
    if proc.returncode in (0, 3, 4):  # parsed, or raised: in process that is an exception, contained
        return None
    if proc.returncode < 0:
        import signal

        try:
            name = signal.Signals(-proc.returncode).name
        except ValueError:
            name = f"signal {-proc.returncode}"
        return f"libcst's parser crashed ({name}) on this module in a worker process"
    tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return f"libcst's parser failed in a worker process (exit {proc.returncode}): {tail[0][:300]}"


def _worker(stack: int) -> int:
    """`python -m portalis.nesting STACK`: parse stdin with libcst on a thread of STACK bytes
    and the recursion limit a deep thread of that size gets (portalis.contain), as in process.
    Exit 0 parsed, 3 syntax error, 4 another exception; a crash shows as a signal."""
    import threading

    import libcst as cst

    from portalis.contain import recursion_limit_for

    source = sys.stdin.buffer.read().decode("utf-8", "surrogatepass")
    code = {"rc": 1}

    def body() -> None:
        try:
            cst.parse_module(source)
            code["rc"] = 0
        except cst.ParserSyntaxError:
            code["rc"] = 3
        except Exception:  # noqa: BLE001 - a Python exception is contained in process
            code["rc"] = 4

    sys.setrecursionlimit(max(sys.getrecursionlimit(), recursion_limit_for(stack)))
    threading.stack_size(stack)
    t = threading.Thread(target=body)
    t.start()
    t.join()
    return code["rc"]


if __name__ == "__main__":
    sys.exit(_worker(int(sys.argv[1])))
