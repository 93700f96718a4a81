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
    # signatures and types
    "PTL110": "a parameter or return type is not annotated and could not be inferred (docstring examples, defaults, uses, callers, returned values)",
    "PTL111": "annotation names a type with no Rust mapping yet",
    "PTL112": "a local variable's (or attribute's) type cannot be inferred: annotate it",
    "PTL113": "types do not match what the operation needs",
    # statements and expressions the rules do not translate yet
    "PTL120": "statement not supported yet",
    "PTL121": "this form of exception handling is not supported yet (except*, raising a non-exception, finally with return)",
    "PTL122": "this generator is not supported (endless, `yield from`, returns a value; others are collected into lists)",
    "PTL123": "nested class or decorated nested function not supported yet",
    "PTL124": "global/nonlocal state not supported yet",
    "PTL130": "expression not supported yet",
    "PTL131": "this use of a function value (lambda, function name) is not supported yet",
    "PTL132": "this comprehension is not supported yet",
    "PTL133": "builtin function not supported yet",
    "PTL134": "method not supported yet",
    "PTL135": "name cannot be resolved",
    "PTL136": "call to a function without a typed signature",
    "PTL140": "class form not supported yet (bases outside the module, several bases, super() beyond __init__)",
    "PTL150": "variadic parameters or *args/**kwargs in calls not supported yet",
    "PTL160": "the function nests too deeply for the translator's passes (recursion limit): it is a todo!() stub",
    "PTL161": "rustfmt rejected the item's Rust (a printer bug; rustfmt's message is kept): the item is quarantined as todo!()",
    "PTL162": "rustfmt timed out on the item: it is quarantined as todo!()",
    "PTL163": "a literal has no Rust form (an integer too large for its type, a string holding a lone surrogate)",
    "PTL164": "internal error while printing the item's Rust: the item is quarantined as todo!()",
    "PTL165": "two Python names of one function map to the same Rust identifier",
    "PTL169": "rustfmt did not run (missing or failed to start): the Rust is left as printed",
    "PTL201": "variadic parameter",
    "PTL202": "star import",
    # validation
    "PTL301": "rustc rejected the translation: the function was quarantined as todo!()",
    "PTL302": "rustc error outside any translated function",
    "PTL303": "rustc warning",
    "PTL304": "the toolchain did not run (missing cargo, timeout)",
    # the LLM stage (portalis/llm)
    "PTL501": "translated by the LLM backend: safe, compiled in the crate, verified on cases when it has any",
    "PTL502": "no LLM candidate passed the gates: the function keeps the rules' output (todo!() or their translation)",
    "PTL503": "the LLM backend gave no answer for the function: it is asked again on the next run",
}


def describe(code: str) -> str:
    return CODES.get(code, "unknown diagnostic code")
