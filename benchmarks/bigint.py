"""The cost of big integers: the same kernels with checked i64 and with num_bigint::BigInt.

    .venv/bin/python benchmarks/bigint.py [--reps N]

Writes a small crate in a temporary directory (its dependency on num-bigint pinned by the crate
table, its Cargo.lock from portalis/deps.py, as a generated crate gets them), builds it with
`cargo build --release` and runs it. Each kernel computes the same values with both types (the
program checks that they agree) on values that stay inside i64, which is where the choice
between the two representations is made (issue 12, item 1); the last kernel is a function as the
translator writes it on i64 and, since the analysis puts such a function on BigInt, on BigInt. Prints one row per kernel:
nanoseconds per iteration with i64, with BigInt, and the ratio; then the same for checked i128
(`leapdays` as portalis/lower/wide.py writes it). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from portalis import deps  # noqa: E402

MAIN_RS = r"""
use num_bigint::BigInt;
use std::hint::black_box;
use std::time::Instant;

// Python's int semantics on i64: an overflow is an error (OverflowError), never a wrap.
fn add(a: i64, b: i64) -> i64 { a.checked_add(b).expect("OverflowError") }
fn mul(a: i64, b: i64) -> i64 { a.checked_mul(b).expect("OverflowError") }

// fib(90) by repeated addition: values up to 2.9e18.
fn fib_i64(n: u32) -> i64 {
    let (mut a, mut b) = (0i64, 1i64);
    for _ in 0..n { let c = add(a, b); a = b; b = c; }
    a
}
fn fib_big(n: u32) -> BigInt {
    let (mut a, mut b) = (BigInt::from(0), BigInt::from(1));
    for _ in 0..n { let c = &a + &b; a = b; b = c; }
    a
}

// A product modulo a prime: multiplication and %, values below 1e9.
fn prodmod_i64(n: i64) -> i64 {
    let m = 1_000_000_007i64;
    let mut acc = 1i64;
    for i in 1..=n { acc = mul(acc, i) % m; }
    acc
}
fn prodmod_big(n: i64) -> BigInt {
    let m = BigInt::from(1_000_000_007i64);
    let mut acc = BigInt::from(1);
    for i in 1..=n { acc = (acc * BigInt::from(i)) % &m; }
    acc
}

// A digit sum: division and remainder by 10 (the automorphic / Armstrong number kind).
fn digits_i64(mut x: i64) -> i64 {
    let mut s = 0i64;
    while x > 0 { s = add(s, x % 10); x /= 10; }
    s
}
fn digits_big(x: i64) -> BigInt {
    let ten = BigInt::from(10);
    let zero = BigInt::from(0);
    let mut x = BigInt::from(x);
    let mut s = BigInt::from(0);
    while x > zero { s += &x % &ten; x /= &ten; }
    s
}

// factorial(20) (the largest that fits i64) as the translator writes `factorial_series` of
// tests/data/ints.py: on i64 with checked `*=`, and on BigInt as portalis/lower/bigint.py
// lowers the whole function (the analysis: `total *= i` accumulated in a loop).
fn fact_i64(n: i64) -> i64 {
    let mut total: i64 = 1;
    for i in 1..(n + 1) { total = mul(total, i); }
    total
}
fn big_to_i64(x: &BigInt) -> i64 { i64::try_from(x).expect("OverflowError") }
fn fact_big(n: BigInt) -> BigInt {
    let mut total: BigInt;
    total = BigInt::from(1i64);
    for i in 1i64..big_to_i64(&(&n + &BigInt::from(1i64))) {
        total = &total * &BigInt::from(i);
    }
    total
}

// calendar.leapdays of tests/data/ints.py as the translator writes it: on i64 (checked `-`,
// Python's `//`), and in checked i128 as portalis/lower/wide.py does (the analysis' value
// ranges: `y1 -= 1` passes i64 for y1 = -2**63, every value stays inside i128).
fn floordiv_i64(a: i64, b: i64) -> i64 {
    let q = a / b;
    if a % b != 0 && (a < 0) != (b < 0) { q - 1 } else { q }
}
fn leap_i64(y1: i64, y2: i64) -> i64 {
    let y1 = y1.checked_sub(1).expect("OverflowError");
    let y2 = y2.checked_sub(1).expect("OverflowError");
    let a = floordiv_i64(y2, 4).checked_sub(floordiv_i64(y1, 4)).expect("OverflowError");
    let b = floordiv_i64(y2, 100).checked_sub(floordiv_i64(y1, 100)).expect("OverflowError");
    let c = floordiv_i64(y2, 400).checked_sub(floordiv_i64(y1, 400)).expect("OverflowError");
    a.checked_sub(b).and_then(|x| x.checked_add(c)).expect("OverflowError")
}
fn floordiv_i128(a: i128, b: i128) -> i128 {
    // pyrt::wide_floordiv: operands inside i64 divide as i64 (i128 division is a library call)
    if let (Ok(x), Ok(y)) = (i64::try_from(a), i64::try_from(b)) {
        if let Some(q) = x.checked_div(y) {
            return i128::from(if x % y != 0 && (x < 0) != (y < 0) { q - 1 } else { q });
        }
    }
    let q = a / b;
    if a % b != 0 && (a < 0) != (b < 0) { q - 1 } else { q }
}
fn leap_i128(y1: i64, y2: i64) -> i64 {
    let (y1, y2) = (i128::from(y1) - 1, i128::from(y2) - 1);
    let r = (floordiv_i128(y2, 4) - floordiv_i128(y1, 4)) - (floordiv_i128(y2, 100) - floordiv_i128(y1, 100))
        + (floordiv_i128(y2, 400) - floordiv_i128(y1, 400));
    i64::try_from(r).expect("OverflowError")
}

fn time<T>(reps: u32, mut f: impl FnMut(u32) -> T) -> f64 {
    let start = Instant::now();
    for r in 0..reps { black_box(f(r)); }
    start.elapsed().as_nanos() as f64 / reps as f64
}

fn main() {
    let reps: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20000);
    assert_eq!(BigInt::from(fib_i64(90)), fib_big(90));
    assert_eq!(BigInt::from(prodmod_i64(1000)), prodmod_big(1000));
    assert_eq!(BigInt::from(digits_i64(9_223_372_036_854_775_807)), digits_big(9_223_372_036_854_775_807));
    assert_eq!(BigInt::from(fact_i64(20)), fact_big(BigInt::from(20)));
    let rows = [
        ("fib(90), additions", time(reps, |r| fib_i64(90 - (r & 1))), time(reps, |r| fib_big(90 - (r & 1)))),
        ("product mod p, 1000 steps", time(reps / 10 + 1, |r| prodmod_i64(1000 + (r & 1) as i64)),
         time(reps / 10 + 1, |r| prodmod_big(1000 + (r & 1) as i64))),
        ("digit sum of i64::MAX", time(reps, |r| digits_i64(i64::MAX - r as i64)), time(reps, |r| digits_big(i64::MAX - r as i64))),
        ("factorial(20), translated", time(reps, |r| fact_i64(20 - (r & 1) as i64)),
         time(reps, |r| fact_big(BigInt::from(20 - (r & 1) as i64)))),
    ];
    for (name, a, b) in rows {
        println!("{}\t{:.1}\t{:.1}\t{:.1}", name, a, b, b / a);
    }
    assert_eq!(leap_i64(1, 2025), leap_i128(1, 2025));
    let (a, b) = (time(reps, |r| leap_i64(black_box(1 - (r as i64) * 977), black_box(2025))),
                  time(reps, |r| leap_i128(black_box(1 - (r as i64) * 977), black_box(2025))));
    println!("i128\tleapdays(y, 2025), translated\t{:.1}\t{:.1}\t{:.1}", a, b, b / a);
}
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=20000, help="iterations per kernel (default 20000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portalis-bigint-") as tmp:
        root = Path(tmp)
        (root / "src").mkdir()
        (root / "src" / "main.rs").write_text(MAIN_RS, encoding="utf-8")
        (root / "Cargo.toml").write_text(
            '[package]\nname = "bigint_bench"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n'
            + "\n".join(deps.dependency_lines(["num-bigint"])) + "\n\n[workspace]\n", encoding="utf-8")
        (root / "Cargo.lock").write_text(deps.lockfile("bigint_bench", ["num-bigint"]), encoding="utf-8")
        env = {**os.environ, "CARGO_TERM_COLOR": "never"}
        env.pop("CARGO_TARGET_DIR", None)
        build = subprocess.run(["cargo", "build", "--release", "--offline", "--locked", "--quiet"], cwd=root,
                               capture_output=True, text=True, env=env)
        if build.returncode != 0:
            print(build.stderr, file=sys.stderr)
            return 1
        run = subprocess.run([str(root / "target" / "release" / "bigint_bench"), str(args.reps)], capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return 1
    spec = deps.crate_table()["num-bigint"]
    print(f"num-bigint {spec.version}, cargo build --release; ns per call (lower is better)")
    print(f"{'kernel':<28} {'i64 (checked)':>14} {'BigInt':>10} {'BigInt / i64':>13}")
    wide = [line.split("\t")[1:] for line in run.stdout.splitlines() if line.startswith("i128\t")]
    for line in run.stdout.splitlines():
        if line.startswith("i128\t"):
            continue
        name, a, b, ratio = line.split("\t")
        print(f"{name:<28} {float(a):>14.1f} {float(b):>10.1f} {float(ratio):>12.1f}x")
    # the analysis' third choice: checked i128 where values pass i64 midway (portalis/lower/wide.py)
    print(f"{'kernel':<28} {'i64 (checked)':>14} {'i128':>10} {'i128 / i64':>13}")
    for name, a, b, ratio in wide:
        print(f"{name:<28} {float(a):>14.1f} {float(b):>10.1f} {float(ratio):>12.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
