"""The runtime's Decimal, statistics and random helpers against CPython, on random inputs.

    .venv/bin/python benchmarks/decimal_check.py [--seed N] [--count N]

Writes a small crate in a temporary directory holding the runtime's own `PyDecimal`,
`statistics`, `fsum` and `PyRandom` helpers (portalis.runtime.render, crates pinned and locked
by portalis/deps.py as a generated crate gets them) and a reader that applies one operation per
input line; the same lines are computed by this Python (C `_decimal`, `statistics`,
`math.fsum`, `random`). Operands: Decimals of 1-40 digits with exponents -40..40 and at the
context's limits, NaN, sNaN, infinities; float lists of 0-30 values with infinities, NaNs,
subnormals and 1e308; seeds up to 2**63-1. Prints the number of operations and of differences
(the first ten shown); exits 1 when any differs. Not part of the test suite (a release build
and about 50,000 operations per run); tests/test_decimal.py runs a sample through translated
code.
"""

from __future__ import annotations

import argparse
import decimal
import math
import os
import random
import statistics
import struct
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portalis import deps, runtime  # noqa: E402

MAIN_RS = r"""
mod pyrt;
use pyrt::*;

fn show(r: Result<PyDecimal, PyErr>) -> String {
    match r { Ok(d) => d.to_string(), Err(e) => format!("!{}", e.kind.rsplit('.').next().unwrap_or("")) }
}

fn err<T>(e: PyErr) -> Result<T, String> { Err(format!("!{}", e.kind.rsplit('.').next().unwrap_or(""))) }

fn floats(s: &str) -> Vec<f64> {
    s.split(',').filter(|x| !x.is_empty()).map(|x| f64::from_bits(x.parse::<u64>().unwrap())).collect()
}

fn line(l: &str) -> Result<String, String> {
    let p: Vec<&str> = l.split('|').collect();
    let f = |r: Result<f64, PyErr>| match r { Ok(x) => Ok(x.to_bits().to_string()), Err(e) => err(e) };
    match p[0] {
        "fsum" => return f(fsum(&floats(p[1]))),
        "mean" => return f(stat_mean(&floats(p[1]))),
        "fmean" => return f(stat_fmean(&floats(p[1]))),
        "median" => return f(stat_median(&floats(p[1]))),
        "variance" => return f(stat_variance(&floats(p[1]), false)),
        "pvariance" => return f(stat_variance(&floats(p[1]), true)),
        "stdev" => return f(stat_stdev(&floats(p[1]), false)),
        "pstdev" => return f(stat_stdev(&floats(p[1]), true)),
        "rand" => {
            random_seed(p[1].parse().unwrap());
            let mut v: Vec<i64> = (0..20).collect();
            let a = random_random().to_bits();
            let b = random_randint(-9223372036854775807, 9223372036854775806).map_err(|e| e.kind.to_string())?;
            let c = random_randrange(10, Some(-10), -3).map_err(|e| e.kind.to_string())?;
            random_shuffle(&mut v);
            return Ok(format!("{} {} {} {:?}", a, b, c, v));
        }
        "fromf" => return Ok(PyDecimal::from_f64(f64::from_bits(p[1].parse().unwrap())).to_string()),
        _ => {}
    }
    let a = PyDecimal::parse(p[1]).or_else(err)?;
    Ok(match p[0] {
        "parse" => a.to_string(),
        "neg" => show(a.neg()),
        "abs" => show(a.abs()),
        "int" => match a.to_i64() { Ok(n) => n.to_string(), Err(e) => err::<String>(e)? },
        "float" => match a.to_f64() { Ok(x) => x.to_bits().to_string(), Err(e) => err::<String>(e)? },
        op => {
            let b = PyDecimal::parse(p[2]).or_else(err)?;
            match op {
                "add" => show(a.add(&b)), "sub" => show(a.sub(&b)), "mul" => show(a.mul(&b)), "div" => show(a.div(&b)),
                "fdiv" => show(a.floordiv(&b)), "mod" => show(a.rem(&b)),
                "cmp" => match a.cmp_py(&b) { Ok(o) => format!("{:?}", o), Err(e) => err::<String>(e)? },
                _ => show(a.quantize(&b, p[3])),
            }
        }
    })
}

fn main() {
    use std::io::BufRead;
    for l in std::io::stdin().lock().lines() {
        let l = l.unwrap();
        println!("{}", match line(&l) { Ok(s) | Err(s) => s });
    }
}
"""

MODES = ["ROUND_DOWN", "ROUND_HALF_UP", "ROUND_HALF_EVEN", "ROUND_CEILING", "ROUND_FLOOR", "ROUND_UP", "ROUND_HALF_DOWN",
         "ROUND_05UP"]


def _bits(x: float) -> str:
    return str(struct.unpack("<Q", struct.pack("<d", x))[0])


def _decimal(rng: random.Random) -> str:
    if rng.random() < 0.03:
        return rng.choice(["NaN", "-NaN", "Inf", "-Infinity", "sNaN", "NaN12", "0", "-0", "0E-1000030", "1E+999999",
                           "9.999999999999999999999999999E+999999", "1E-999999", "1E-1000026", "-0.000"])
    nd = rng.choice([1, 1, 2, 3, 5, 10, 20, 27, 28, 29, 30, 40])
    digits = "".join(rng.choice("0123456789") for _ in range(nd))
    if rng.random() < 0.2:
        digits = rng.choice(["5", "25", "15", "50", "1", "9" * nd, "1" + "0" * nd, "5" + "0" * nd])
    e = rng.choice([0, 0, -1, -2, -3, rng.randint(-40, 40), rng.choice([-999999, 999990, -1000020, 999999 - nd])])
    return f"{rng.choice(['', '', '-'])}{digits}E{e}"


def _float(rng: random.Random) -> float:
    r = rng.random()
    if r < 0.02:
        return rng.choice([math.inf, -math.inf, math.nan])
    if r < 0.1:
        return rng.choice([0.0, -0.0, 1e308, -1e308, 5e-324, 1e-300, 1e16, 1.0])
    return rng.choice([rng.uniform(-10, 10), rng.uniform(-1e6, 1e6) * 10 ** rng.randint(-20, 20), float(rng.randint(-100, 100))])


def _python(op: str, args: list[str]) -> str:
    try:
        if op in ("fsum", "mean", "fmean", "median", "variance", "pvariance", "stdev", "pstdev"):
            xs = [struct.unpack("<d", struct.pack("<Q", int(x)))[0] for x in args[0].split(",") if x]
            return _bits(float((math.fsum if op == "fsum" else getattr(statistics, op))(xs)))
        if op == "rand":
            random.seed(int(args[0]))
            v = list(range(20))
            a = _bits(random.random())
            b = random.randint(-9223372036854775807, 9223372036854775806)
            c = random.randrange(10, -10, -3)
            random.shuffle(v)
            return f"{a} {b} {c} {v}"
        if op == "fromf":
            return str(Decimal(struct.unpack("<d", struct.pack("<Q", int(args[0])))[0]))
        x = Decimal(args[0])
        if op == "parse":
            return str(x)
        if op == "neg":
            return str(-x)
        if op == "abs":
            return str(abs(x))
        if op == "int":
            return "!OverflowError" if x.is_finite() and x and x.adjusted() > 19 or x.is_finite() and not -2**63 <= int(x) < 2**63 else str(int(x))
        if op == "float":
            return _bits(float(x))
        y = Decimal(args[1])
        if op == "cmp":
            return "Less" if x < y else "Greater" if x > y else "Equal"
        if op == "q":
            return str(x.quantize(y, rounding=args[2]))
        return str({"add": x.__add__, "sub": x.__sub__, "mul": x.__mul__, "div": x.__truediv__, "fdiv": x.__floordiv__,
                    "mod": x.__mod__}[op](y))
    except (decimal.DecimalException, ValueError, OverflowError, TypeError, AttributeError, statistics.StatisticsError) as e:
        return "!" + type(e).__name__


def _cases(seed: int, count: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    out: list[tuple[str, list[str]]] = []
    for _ in range(count):
        op = rng.choice(["add", "sub", "mul", "div", "fdiv", "mod", "cmp", "q", "q", "parse", "neg", "abs", "int", "float",
                         "fromf", "stat", "stat", "rand"])
        if op == "q":
            out.append((op, [_decimal(rng), "1E" + str(rng.choice([0, -1, -2, -3, 1, 2, rng.randint(-30, 30)])), rng.choice(MODES)]))
        elif op == "fromf":
            out.append((op, [_bits(rng.choice([rng.random(), rng.uniform(-1e20, 1e20), 5e-324, -0.0, 0.1, math.inf, 1e308]))]))
        elif op == "stat":
            name = rng.choice(["fsum", "mean", "fmean", "median", "variance", "pvariance", "stdev", "pstdev"])
            xs = [_float(rng) for _ in range(rng.choice([0, 1, 2, 3, 5, 10, 30]))]
            if name == "median" and any(math.isnan(x) for x in xs):
                continue  # NotImplementedError in the Rust, by design
            out.append((name, [",".join(_bits(x) for x in xs)]))
        elif op == "rand":
            out.append((op, [str(rng.choice([0, 1, 42, 2**32, 2**63 - 1, -(2**63) + 1, rng.randint(0, 10**12)]))]))
        else:
            out.append((op, [_decimal(rng), _decimal(rng)]))
    return out


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    try:  # any NaN is a NaN (its sign is not compared)
        return all(math.isnan(struct.unpack("<d", struct.pack("<Q", int(x)))[0]) for x in (a, b))
    except ValueError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--count", type=int, default=50000)
    args = parser.parse_args()
    helpers = ["PyDecimal", "statistics", "fsum", "PyRandom"]
    crates = sorted(runtime.crates(helpers))
    cases = _cases(args.seed, args.count)
    with tempfile.TemporaryDirectory(prefix="portalis-decimal-") as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        (root / "src" / "main.rs").write_text(MAIN_RS, encoding="utf-8")
        (root / "src" / "pyrt.rs").write_text(runtime.render(helpers), encoding="utf-8")
        (root / "Cargo.toml").write_text(
            '[package]\nname = "decimal_check"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
            + "\n".join(deps.dependency_lines(crates)) + "\n\n[workspace]\n", encoding="utf-8")
        (root / "Cargo.lock").write_text(deps.lockfile("decimal_check", crates), encoding="utf-8")
        env = {**os.environ, "CARGO_TERM_COLOR": "never"}
        env.pop("CARGO_TARGET_DIR", None)
        build = subprocess.run(["cargo", "build", "--release", "--offline", "--locked", "--quiet"], cwd=root,
                               capture_output=True, text=True, env=env)
        if build.returncode != 0:
            print(build.stderr, file=sys.stderr)
            return 1
        lines = ["|".join([op, *a]) for op, a in cases]
        run = subprocess.run([str(root / "target" / "release" / "decimal_check")], input="\n".join(lines) + "\n",
                             capture_output=True, text=True)
    got = run.stdout.splitlines()
    want = [_python(op, a) for op, a in cases]
    bad = [(line, w, g) for line, w, g in zip(lines, want, got) if not _same(w, g)]
    if len(got) != len(lines):
        print(f"the Rust stopped after {len(got)} of {len(lines)} lines:\n{run.stderr[-2000:]}", file=sys.stderr)
        return 1
    print(f"{len(lines)} operations (seed {args.seed}), {len(bad)} differences")
    for line, w, g in bad[:10]:
        print(f"  {line[:120]}\n    python {w}\n    rust   {g}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
