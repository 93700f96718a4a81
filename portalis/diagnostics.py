"""The catalogue of diagnostic codes: one place that says what each code means."""

from __future__ import annotations

CODES: dict[str, str] = {
    # reading and parsing
    "PTL001": "syntax error: the module does not parse",
    "PTL002": "the module cannot be read (missing, unreadable, not UTF-8)",
    "PTL003": "the module is empty: nothing to translate",
    "PTL004": "the module nests too deeply: CPython's parser rejects it, or it is deeper than the translator parses (portalis/nesting.py) or its passes can recurse",
    "PTL005": "libcst's parser crashed or timed out on the module in an isolated worker process: the module is not parsed",
    "PTL009": "internal error: a stage raised on this module (the exception's type and message); the module is not translated",
    # files, module names and the crate's layout (portalis/source.py, portalis/naming.py)
    "PTL010": "a .py file whose name no import can name (`my module.py`, `a-b.py`, `2x.py`): not translated",
    "PTL011": "a symlink (file or directory) leading outside the repository: never read",
    "PTL012": "a dangling symlink or a symlink loop: not translated",
    "PTL013": "not a regular file (directory, FIFO...) or cannot be read: not translated",
    "PTL014": "a symlink to another file of the repository: translated once, under the real file's name",
    "PTL015": "a module shadowed by a package of the same name (`pkg.py` and `pkg/__init__.py`): the package is translated",
    "PTL016": "the module has another name in the crate (a name Rust or the crate's own files reserve): the diagnostic names its Rust path",
    "PTL017": "a name defined again later in its module or class: the earlier definition is not emitted (the last one wins, as in Python)",
    # signatures and types
    "PTL110": "a parameter or return type is not annotated and could not be inferred (docstring examples, defaults, uses, callers, returned values)",
    "PTL111": "annotation names a type with no Rust mapping yet",
    "PTL112": "a local variable's (or attribute's) type cannot be inferred: annotate it",
    "PTL113": "types do not match what the operation needs",
    "PTL170": "an unannotated parameter's evidence disagrees (two observations no one Python type satisfies, e.g. a str default and `x - 1`): both are named; not translated",
    # statements and expressions the rules do not translate yet
    "PTL120": "statement not supported yet",
    "PTL121": "this form of exception handling is not supported yet (except*, raising a non-exception, finally with return)",
    "PTL122": "this generator is not supported (returns a value, an endless one the lazy form cannot resume, or a collected one drawing from an endless one; others are collected into lists or made lazy iterators)",
    "PTL123": "nested class or decorated nested function not supported yet",
    "PTL124": "global/nonlocal state not supported yet",
    "PTL125": "two names share one list, dict, set or object in Python (`x = y`, `xs.append(y)`) and one of them is changed in place afterwards: the Rust would change a copy, so the function is not translated",
    "PTL130": "expression not supported yet",
    "PTL131": "this use of a function value (lambda, function name) or of a class object as a value is not supported yet",
    "PTL132": "this comprehension is not supported yet",
    "PTL133": "builtin function not supported yet",
    "PTL134": "method not supported yet",
    "PTL135": "name cannot be resolved",
    "PTL136": "call to a function without a typed signature",
    "PTL137": "calls a function or method that is not translated (a todo!() stub, or an inherited method not lowered for the class): the caller is not translated either, its Rust is its stub; the message names the callee and the reason of the first stub of the chain",
    "PTL140": "class form not supported yet (a builtin value, enum or exception base, a metaclass deriving from `type`, super() beyond __init__)",
    "PTL190": "the method reads an attribute or calls a method the class inherits from a base not translated with it (in another module, outside the repository): the class's own methods are translated, this one is not",
    "PTL191": "the class's metaclass (or a base's) may rewrite this method or the class's behaviour: not translated",
    "PTL141": "a signature or field names a type with no Rust item in the crate (a class outside the repository, a class not translated, an alias or TypeVar with no mapping): a stub over the placeholder `crate::pyrt::Opaque`",
    "PTL142": "an exception class's methods are not translated (exceptions are `crate::pyrt::PyErr` values raised and caught by class name)",
    "PTL143": "a star import of a module outside the repository: the names it brings are not resolved",
    "PTL144": "a function defined inside a module-level if/try/with/loop block (a conditional definition): not translated, listed in the report",
    "PTL146": "a function defined under `if __name__ == '__main__':` (the module's script block, which an import never runs): status `excluded`, not part of the library crate, listed in the report and counted apart",
    "PTL145": "a module constant computed by an expression that the rules cannot lower: it is left out (its uses are PTL135)",
    "PTL150": "variadic parameters or *args/**kwargs in calls not supported yet",
    "PTL160": "the function nests too deeply for the translator's passes (recursion limit): it is a todo!() stub",
    "PTL161": "rustfmt rejected the item's Rust (a printer bug; rustfmt's message is kept): the item is quarantined as todo!()",
    "PTL162": "rustfmt timed out on the item: it is quarantined as todo!()",
    "PTL163": "a literal has no Rust form (an integer too large for its type, a string holding a lone surrogate)",
    "PTL164": "internal error while printing the item's Rust: the item is quarantined as todo!()",
    "PTL165": "two Python names of one function map to the same Rust identifier",
    "PTL166": "the item's Rust nests brackets deeper than rustfmt handles in reasonable time (64): it is quarantined as todo!()",
    "PTL171": "the evidence pass could not walk the module (nested too deep): types come from annotations and defaults only",
    "PTL169": "rustfmt did not run (missing or failed to start): the Rust is left as printed",
    "PTL201": "variadic parameter (no longer emitted: `**kwargs` is a dict parameter, `*args` a list)",
    "PTL173": "a `**kwargs` parameter whose keyword arguments have several types (bools, strs, ints: no one value type for its dict): not translated",
    "PTL174": "keyword arguments a `**kwargs` parameter cannot take as written (`**d` of a value that is not a dict of str keys, `**d` beside other extra keywords, `**d` into named parameters)",
    "PTL202": "star import",
    # validation
    "PTL301": "rustc rejected the translation: the function was quarantined as todo!()",
    "PTL180": "rustc rejected an item outside any translated body (a struct, constant or impl, or a stub's signature): the item is left out of the crate so the rest builds",
    "PTL302": "rustc error outside any translated function",
    "PTL303": "rustc warning",
    "PTL304": "the toolchain did not run (missing cargo, timeout)",
    # dependencies (portalis/deps.py, the [crates] table of gate_table.toml)
    "PTL240": "the crate's dependencies could not be resolved (no registry and no cached lock): it is not built",
    "PTL242": "info: an int computed with num_bigint::BigInt where the value may leave i64 (`int(str) % m`)",
    "PTL232": "info: a function whose ints may grow past i64 (a product or power accumulated, a large int in its examples) is lowered on num_bigint::BigInt",
    "PTL233": "info: a function whose ints may grow past i64 keeps i64 (a construct outside the BigInt subset): an overflow raises OverflowError",
    "PTL234": "info: a function whose ints can pass i64 midway for i64 arguments (every value inside i128) is computed in checked i128, its signature on i64",
    "PTL241": "the crate's manifest was rejected by the crate-level safety gate (a dependency outside the table, a build script...)",
    "PTL243": "a regular expression the translation maps to neither the regex nor the fancy-regex crate (atomic group, possessive quantifier, conditional), or one Python rejects",
    "PTL244": "a re pattern, flags or replacement that is not a literal (patterns are translated at translation time), or a callable replacement",
    "PTL245": "a `$` whose Python meaning (end, or before a final newline) the translation cannot keep in this position or function",
    "PTL246": "a re flag with no translation yet (re.LOCALE, re.ASCII with re.IGNORECASE or inline)",
    "PTL247": "a decorator the translation does not know (it may change what the function does), or a functools cache it cannot keep (a parameter that is not a memo key)",
    "PTL248": "info: lru_cache(maxsize=N) translated as an unbounded memo (the same results for a pure function)",
    "PTL249": "a functools.partial the translation cannot keep (keywords of a lambda, a bound argument that is rebound later)",
    # bytes and bytearray (portalis/lower/bytes_ops.py)
    "PTL250": "a bytes operation on a value of another type (a bytes-like object is required), or a change to immutable bytes",
    "PTL251": "a bytes or bytearray method or constructor form not supported yet (these arguments)",
    "PTL252": "an encoding or errors argument that is not a literal, or an encoding other than utf-8, ascii and latin-1, or errors other than 'strict'",
    "PTL253": "a base64/binascii call form not supported yet (an argument, keyword or function with no translation)",
    # the safety gate (portalis/validate/safety.py, its table gate_table.toml)
    "PTL401": "rejected by the safety gate (a construct or path its allow-list does not allow): the function was quarantined as todo!()",
    "PTL403": "a capability (files, processes, network, environment) allowed because the Python function itself uses it",
    # the sandbox of repository code (portalis/sandbox)
    "PTL601": "repository code not run: no sandbox with its own network and file system here, and unsandboxed runs are not allowed",
    # orchestration (Dagster)
    "PTL701": "a pipeline stage raised for this module: it keeps its last good Rust and is retried by the next run",
    # why a function is not verified (portalis/reasons.py)
    "PTL720": "behaviour validation: the translation differs from the Python on a case (the first differing case is named)",
    "PTL721": "behaviour validation: no case could run for the function (the reason is named), so it is untested",
    "PTL722": "the function is not translated but no diagnostic says why (a translator bug: please report it)",
    # the LLM stage (portalis/llm)
    "PTL501": "translated by the LLM backend: safe, compiled in the crate, verified on cases when it has any",
    "PTL502": "no LLM candidate passed the gates: the function keeps the rules' output (todo!() or their translation)",
    "PTL503": "the LLM backend gave no answer for the function: it is asked again on the next run",
}


def describe(code: str) -> str:
    return CODES.get(code, "unknown diagnostic code")
