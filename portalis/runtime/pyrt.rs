// @helper floordiv
/// Python's `//` on ints: rounds toward negative infinity.
pub fn floordiv(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    // i64::MIN // -1 is 2**63 in Python: too large for i64, never a wrapped value
    let q = a
        .checked_div(b)
        .unwrap_or_else(|| panic!("OverflowError: integer division result too large for i64"));
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}
// @end

// @helper pymod
/// Python's `%` on ints: the result has the sign of the divisor.
pub fn pymod(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    // i64::MIN % -1 overflows in Rust; its exact value is 0
    let r = a.checked_rem(b).unwrap_or(0);
    if r != 0 && ((r < 0) != (b < 0)) {
        r + b
    } else {
        r
    }
}
// @end

// @helper fmod
/// Python's `%` on floats: the result has the sign of the divisor (a zero result too).
pub fn fmod(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        panic!("ZeroDivisionError: float modulo");
    }
    let r = a % b;
    if r == 0.0 {
        0.0_f64.copysign(b)
    } else if (r < 0.0) != (b < 0.0) {
        r + b
    } else {
        r
    }
}
// @end

// @helper ffloordiv
/// Python's `//` on floats, computed as CPython does (`1.0 // 0.1` is 9.0, not 10.0).
pub fn ffloordiv(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        panic!("ZeroDivisionError: float floor division by zero");
    }
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && ((b < 0.0) != (m < 0.0)) {
        div -= 1.0;
    }
    if div == 0.0 {
        return 0.0_f64.copysign(a / b);
    }
    let mut floordiv = div.floor();
    if div - floordiv > 0.5 {
        floordiv += 1.0;
    }
    floordiv
}
// @end

// @helper caught
/// `try: v = f() except Exception: ...`: `Some(v)`, or `None` when the translated code raised
/// a Python exception (a panic). Used by a metaclass's known wrapper of a method (pygments'
/// `make_analysator`: 0.0 when the body raises). A `todo!()` stub reached (an untranslated
/// function) is not a Python exception: it goes on, so it shows as a failure, never as 0.0.
pub fn caught<T>(f: impl FnOnce() -> T) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(v) => Some(v),
        Err(payload) => {
            let text = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("");
            if text.starts_with("not yet implemented") {
                std::panic::resume_unwind(payload);
            }
            None
        }
    }
}
// @end

// @helper fdiv
/// Python's `/`: true division, with Python's error on a zero divisor.
pub fn fdiv(a: f64, b: f64) -> f64 {
    if b == 0.0 {
        panic!("ZeroDivisionError: division by zero");
    }
    a / b
}
// @end

// @helper ipow
/// Python's `**` on ints with a non-negative exponent; a result outside i64 raises
/// OverflowError (never a wrapped value). A negative exponent gives a float in Python: where
/// the result is used as a float the lowering calls `ipow_float` instead.
pub fn ipow(base: i64, exp: i64) -> i64 {
    if exp < 0 {
        panic!("ValueError: negative exponent in integer power");
    }
    let big = || -> i64 { panic!("OverflowError: integer power too large for i64") };
    match base {
        0 | 1 => return if exp == 0 { 1 } else { base },
        -1 => return if exp % 2 == 0 { 1 } else { -1 },
        _ => {}
    }
    u32::try_from(exp)
        .ok()
        .and_then(|e| base.checked_pow(e))
        .unwrap_or_else(big)
}
// @end

// @helper ipow_float
/// `base ** exp` of two ints where the result is used as a float: Python's exact int converted
/// to float when exp >= 0, and `float(base) ** float(exp)` (C's pow) when exp < 0.
pub fn ipow_float(base: i64, exp: i64) -> f64 {
    if exp < 0 {
        if base == 0 {
            panic!("ZeroDivisionError: 0.0 cannot be raised to a negative power");
        }
        return (base as f64).powf(exp as f64);
    }
    let exact = u32::try_from(exp).ok().and_then(|e| base.checked_pow(e));
    match exact {
        Some(v) => v as f64,
        None => {
            let x = (base as f64).powf(exp as f64);
            if x.is_infinite() {
                panic!("OverflowError: int too large to convert to float");
            }
            x
        }
    }
}
// @end

// @helper shl
/// `a << n` on ints: OverflowError where Python's result leaves i64 (never wrapped bits),
/// ValueError for a negative count.
pub fn shl(a: i64, n: i64) -> i64 {
    if n < 0 {
        panic!("ValueError: negative shift count");
    }
    if a == 0 {
        return 0;
    }
    if n >= 64 || (a << n) >> n != a {
        panic!("OverflowError: shift result too large for i64");
    }
    a << n
}
// @end

// @helper shr
/// `a >> n` on ints: floors like Python's; a count of 64 and above gives 0 or -1.
pub fn shr(a: i64, n: i64) -> i64 {
    if n < 0 {
        panic!("ValueError: negative shift count");
    }
    if n >= 64 {
        return if a < 0 { -1 } else { 0 };
    }
    a >> n
}
// @end

// @helper index
/// A Python index (negative counts from the end) as a checked position.
#[inline]
pub fn index(i: i64, len: usize) -> usize {
    let n = len as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        panic!("IndexError: index out of range");
    }
    j as usize
}
// @end

// @helper item deps: index
/// `xs[i]` of a computed list (`[a, b][i]`, `f()[i]`): the receiver is evaluated once.
pub fn item<T: Clone>(xs: &[T], i: i64) -> T {
    xs[index(i, xs.len())].clone()
}
// @end

// @helper insert_index
/// Where `xs.insert(i, x)` puts x: a negative i counts from the end; out of range clamps.
pub fn insert_index(i: i64, len: usize) -> usize {
    let n = len as i64;
    let j = if i < 0 { (i + n).max(0) } else { i.min(n) };
    j as usize
}
// @end

// @helper str_index deps: index
/// `s[i]` on a Python str: the i-th character (not byte).
pub fn str_index(s: &str, i: i64) -> String {
    if i >= 0 {
        // Walks only up to the character (no count of the whole string first).
        if let Some(c) = s.chars().nth(i as usize) {
            return c.to_string();
        }
    }
    let n = s.chars().count();
    s.chars().nth(index(i, n)).unwrap().to_string()
}
// @end

// @helper slice_indices
/// The positions a Python slice `[start:stop:step]` selects from a sequence of `len` items.
pub fn slice_indices(len: usize, start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<usize> {
    if step == 0 {
        panic!("ValueError: slice step cannot be zero");
    }
    let n = len as i64;
    let adjust = |v: i64, lo: i64, hi: i64| -> i64 {
        let v = if v < 0 { v + n } else { v };
        v.clamp(lo, hi)
    };
    let mut out = Vec::new();
    if step > 0 {
        let a = start.map_or(0, |v| adjust(v, 0, n));
        let b = stop.map_or(n, |v| adjust(v, 0, n));
        let mut i = a;
        while i < b {
            out.push(i as usize);
            i += step;
        }
    } else {
        let a = start.map_or(n - 1, |v| adjust(v, -1, n - 1));
        let b = stop.map_or(-1, |v| adjust(v, -1, n - 1));
        let mut i = a;
        while i > b {
            out.push(i as usize);
            i += step;
        }
    }
    out
}
// @end

// @helper list_slice deps: slice_indices
/// `xs[start:stop:step]` on a list: a new list.
pub fn list_slice<T: Clone>(xs: &[T], start: Option<i64>, stop: Option<i64>, step: i64) -> Vec<T> {
    slice_indices(xs.len(), start, stop, step)
        .into_iter()
        .map(|i| xs[i].clone())
        .collect()
}
// @end

// @helper str_slice deps: slice_indices
/// `s[start:stop:step]` on a str, by characters.
pub fn str_slice(s: &str, start: Option<i64>, stop: Option<i64>, step: i64) -> String {
    if step == 1 {
        // A contiguous run: found by character offsets, copied once (no per-index list).
        let ascii = s.is_ascii();
        let n = if ascii { s.len() } else { s.chars().count() } as i64;
        let clamp = |v: i64| (if v < 0 { v + n } else { v }).clamp(0, n) as usize;
        let a = start.map_or(0, clamp);
        let b = stop.map_or(n as usize, clamp);
        if a >= b {
            return String::new();
        }
        if ascii {
            return s[a..b].to_string();
        }
        let byte = |c: usize| s.char_indices().nth(c).map_or(s.len(), |(i, _)| i);
        return s[byte(a)..byte(b)].to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    slice_indices(chars.len(), start, stop, step)
        .into_iter()
        .map(|i| chars[i])
        .collect()
}
// @end

// @helper float_repr
/// `str(x)` / `repr(x)` of a Python float: shortest round-trip digits, Python's layout.
pub fn float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "inf".to_string()
        } else {
            "-inf".to_string()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0".to_string() } else { "0.0".to_string() };
    }
    let sci = format!("{:e}", x);
    let (mantissa, exp) = sci.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if negative { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if (point as usize) >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{}{}", sign, body)
    } else {
        let mant = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let esign = if exp < 0 { "-" } else { "+" };
        format!("{}{}e{}{:02}", sign, mant, esign, exp.abs())
    }
}
// @end

// @helper bool_str
/// `str(b)` of a Python bool.
pub fn bool_str(b: bool) -> String {
    if b { "True" } else { "False" }.to_string()
}
// @end

// @helper int_parts
/// `int(s, base)` with Python's rules: surrounding whitespace (Unicode's White_Space: the same
/// set CPython's int() strips, without the \x1c-\x1f that str.isspace adds), one
/// sign, a `0x`/`0o`/`0b` prefix matching the base (any of them with base 0, where a leading
/// zero is only allowed for zero itself), single underscores between digits (and after a
/// prefix), Unicode decimal digits (category Nd) as 0-9, ASCII letters only above 9 (the
/// Kelvin sign is not a K). Ok((negative, base, digit values)); Err((exception, message)).
pub fn int_parts(s: &str, base: i64) -> Result<(bool, u32, Vec<u8>), (&'static str, String)> {
    // the first code point of each run of ten Nd digits (Unicode 14.0.0, from Python's unicodedata)
    const ND_ZEROS: [u32; 66] = [0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0];
    if base != 0 && !(2..=36).contains(&base) {
        return Err(("ValueError", "int() base must be >= 2 and <= 36, or 0".to_string()));
    }
    let invalid = || ("ValueError", format!("invalid literal for int() with base {}: {:?}", base, s));
    let chars: Vec<char> = s
        .chars()
        .map(|c| {
            if c.is_whitespace() {
                return ' ';
            }
            let u = c as u32;
            if u >= 0x80 {
                // the last zero at or below c: c is a digit when within ten of it
                let i = ND_ZEROS.partition_point(|&z| z <= u);
                if i > 0 && u - ND_ZEROS[i - 1] < 10 {
                    return char::from_digit(u - ND_ZEROS[i - 1], 10).unwrap_or('?');
                }
                return '?';
            }
            c
        })
        .collect();
    let mut i = 0;
    let mut end = chars.len();
    while i < end && chars[i] == ' ' {
        i += 1;
    }
    while end > i && chars[end - 1] == ' ' {
        end -= 1;
    }
    let t = &chars[i..end];
    let mut k = 0;
    let neg = match t.first() {
        Some('-') => {
            k = 1;
            true
        }
        Some('+') => {
            k = 1;
            false
        }
        _ => false,
    };
    let mut base = base as u32;
    let mut prefixed = false;
    if t.len() >= k + 2 && t[k] == '0' {
        let p = t[k + 1].to_ascii_lowercase();
        let b = match p {
            'x' => 16,
            'o' => 8,
            'b' => 2,
            _ => 0,
        };
        if b != 0 && (base == 0 || base == b) {
            base = b;
            prefixed = true;
            k += 2;
        }
    }
    let octal_zero = base == 0; // base 0 without a prefix: decimal, no leading zeros
    if base == 0 {
        base = 10;
    }
    let digits = &t[k..];
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut values: Vec<u8> = Vec::with_capacity(digits.len());
    let mut last_underscore = !prefixed; // an underscore may follow a prefix, not start a number
    let mut any = false;
    let mut nonzero = false;
    let mut leading_zero = false;
    for (j, &c) in digits.iter().enumerate() {
        if c == '_' {
            if last_underscore {
                return Err(invalid());
            }
            last_underscore = true;
            continue;
        }
        let d = if c.is_ascii() { c.to_digit(36) } else { None };
        match d {
            Some(d) if d < base => {
                if j == 0 && d == 0 {
                    leading_zero = true;
                }
                nonzero |= d != 0;
                values.push(d as u8);
                any = true;
                last_underscore = false;
            }
            _ => return Err(invalid()),
        }
    }
    if !any || last_underscore || (octal_zero && leading_zero && nonzero) {
        return Err(invalid());
    }
    Ok((neg, base, values))
}
// @end

// @helper int_from_str deps: int_parts
/// `int(s, base)` into i64 (int_parts's rules); a value outside i64 is an OverflowError.
pub fn int_from_str(s: &str, base: i64) -> Result<i64, (&'static str, String)> {
    let (neg, base, digits) = int_parts(s, base)?;
    let mut value: i128 = 0;
    for d in digits {
        // saturates far above i64: any such value is out of range either way
        value = value.saturating_mul(base as i128).saturating_add(d as i128);
    }
    let signed = if neg { -value } else { value };
    i64::try_from(signed).map_err(|_| ("OverflowError", "int too large for i64".to_string()))
}
// @end

// @helper big_str_mod deps: int_parts crates: num-bigint
/// `int(s, base) % m` where the string may hold any number of digits (an IBAN check): the
/// int is a num_bigint::BigInt, the remainder (with the sign of m, as Python's) fits i64.
pub fn big_str_mod(s: &str, base: i64, m: i64) -> i64 {
    let (neg, base, digits) = int_parts(s, base).unwrap_or_else(|(kind, msg)| panic!("{}: {}", kind, msg));
    if m == 0 {
        panic!("ZeroDivisionError: integer modulo by zero");
    }
    // most strings are short (a digit of a number): i128 when the value fits, BigInt beyond
    let mut small: Option<i128> = Some(0);
    for &d in &digits {
        small = small
            .and_then(|v| v.checked_mul(base as i128))
            .and_then(|v| v.checked_add(d as i128));
    }
    if let Some(v) = small {
        let (v, m) = (if neg { -v } else { v }, m as i128);
        let r = v % m;
        // |r| < |m|: the cast is exact
        return (if r != 0 && (r < 0) != (m < 0) { r + m } else { r }) as i64;
    }
    let sign = if neg { num_bigint::Sign::Minus } else { num_bigint::Sign::Plus };
    let value = num_bigint::BigInt::from_radix_be(sign, &digits, base).unwrap_or_default();
    let m_big = num_bigint::BigInt::from(m);
    let mut r = &value % &m_big; // truncated: the sign of value
    if r != num_bigint::BigInt::from(0) && (r < num_bigint::BigInt::from(0)) != (m < 0) {
        r += &m_big;
    }
    i64::try_from(&r).unwrap_or_else(|_| panic!("OverflowError: int too large for i64"))
}
// @end

// @helper parse_int deps: int_from_str
/// `int(s)` of a Python str (int_from_str's rules, base 10).
pub fn parse_int(s: &str) -> i64 {
    if !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) {
        // Plain ASCII digits (no sign, space or underscore), too few to overflow.
        return s.bytes().fold(0, |acc, b| acc * 10 + (b - b'0') as i64);
    }
    int_from_str(s, 10).unwrap_or_else(|(kind, msg)| panic!("{}: {}", kind, msg))
}
// @end

// @helper parse_float
/// `float(s)` of a Python str.
pub fn parse_float(s: &str) -> f64 {
    // Python accepts `_` between digits, as int() does.
    let t = s.trim().to_lowercase().replace('_', "");
    match t.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => f64::INFINITY,
        "-inf" | "-infinity" => f64::NEG_INFINITY,
        "nan" | "+nan" | "-nan" => f64::NAN,
        _ => t
            .parse::<f64>()
            .unwrap_or_else(|_| panic!("ValueError: could not convert string to float: {:?}", s)),
    }
}
// @end

// @helper chr
/// `chr(i)`.
pub fn chr(i: i64) -> String {
    u32::try_from(i)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or_else(|| panic!("ValueError: chr() arg not in range(0x110000)"))
        .to_string()
}
// @end

// @helper ord
/// `ord(c)`.
pub fn ord(s: &str) -> i64 {
    let mut it = s.chars();
    match (it.next(), it.next()) {
        (Some(c), None) => c as i64,
        _ => panic!("TypeError: ord() expected a character"),
    }
}
// @end

// @helper ucd32_lookup
/// The name `runs` gives the one character of `s` (`runs`: `start << 8 | name index`, sorted),
/// for `unicodedata`'s functions; a TypeError where `s` is not one character, as in Python.
pub fn ucd32_lookup(s: &str, function: &str, runs: &[u32], names: &[&'static str]) -> &'static str {
    let mut it = s.chars();
    let c = match (it.next(), it.next()) {
        (Some(c), None) => c as u32,
        _ => panic!("TypeError: {}() argument must be a unicode character, not str", function),
    };
    let i = runs.partition_point(|&r| r >> 8 <= c) - 1;
    names[(runs[i] & 0xff) as usize]
}
// @end

// @helper ucd32_category deps: ucd32_lookup
/// `unicodedata.ucd_3_2_0.category(c)`: the general category of `c` in Unicode 3.2 ("Cn" where
/// 3.2 assigned nothing), from runs of Python's own table (`start << 8 | name index`).
pub fn ucd32_category(s: &str) -> &'static str {
    ucd32_lookup(s, "category", &UCD32_CATEGORY_RUNS, &UCD32_CATEGORY_NAMES)
}
// generated: portalis/runtime/ucd32.py category
const UCD32_CATEGORY_NAMES: [&str; 30] = ["Cc", "Cf", "Cn", "Co", "Cs", "Ll", "Lm", "Lo", "Lt", "Lu", "Mc", "Me", "Mn", "Nd", "Nl", "No", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "Sc", "Sk", "Sm", "So", "Zl", "Zp", "Zs"];
const UCD32_CATEGORY_RUNS: [u32; 2112] = [
    0, 8221, 8469, 9239, 9493, 10262, 10514, 10773, 11033, 11285,
    11537, 11797, 12301, 14869, 15385, 16149, 16649, 23318, 23573, 23826,
    24088, 24336, 24600, 24837, 31510, 31769, 32018, 32281, 32512, 40989,
    41237, 41495, 42522, 43032, 43290, 43525, 43796, 44057, 44305, 44570,
    44824, 45082, 45337, 45583, 46104, 46341, 46618, 46869, 47128, 47375,
    47621, 47891, 48143, 48917, 49161, 55065, 55305, 57093, 63257, 63493,
    65545, 65797, 66057, 66309, 66569, 66821, 67081, 67333, 67593, 67845,
    68105, 68357, 68617, 68869, 69129, 69381, 69641, 69893, 70153, 70405,
    70665, 70917, 71177, 71429, 71689, 71941, 72201, 72453, 72713, 72965,
    73225, 73477, 73737, 73989, 74249, 74501, 74761, 75013, 75273, 75525,
    75785, 76037, 76297, 76549, 76809, 77061, 77321, 77573, 77833, 78085,
    78345, 78597, 78857, 79109, 79369, 79621, 80137, 80389, 80649, 80901,
    81161, 81413, 81673, 81925, 82185, 82437, 82697, 82949, 83209, 83461,
    83721, 83973, 84489, 84741, 85001, 85253, 85513, 85765, 86025, 86277,
    86537, 86789, 87049, 87301, 87561, 87813, 88073, 88325, 88585, 88837,
    89097, 89349, 89609, 89861, 90121, 90373, 90633, 90885, 91145, 91397,
    91657, 91909, 92169, 92421, 92681, 92933, 93193, 93445, 93705, 93957,
    94217, 94469, 94729, 94981, 95241, 95493, 95753, 96005, 96265, 96773,
    97033, 97285, 97545, 97797, 98569, 99077, 99337, 99589, 99849, 100357,
    100617, 101381, 101897, 102917, 103177, 103685, 103945, 104709, 105481, 105989,
    106249, 106757, 107017, 107269, 107529, 107781, 108041, 108549, 108809, 109061,
    109577, 109829, 110089, 110597, 110857, 111621, 111881, 112133, 112393, 112901,
    113415, 113673, 113925, 114695, 115721, 115976, 116229, 116489, 116744, 116997,
    117257, 117512, 117765, 118025, 118277, 118537, 118789, 119049, 119301, 119561,
    119813, 120073, 120325, 120585, 120837, 121097, 121349, 121609, 121861, 122377,
    122629, 122889, 123141, 123401, 123653, 123913, 124165, 124425, 124677, 124937,
    125189, 125449, 125701, 125961, 126213, 126473, 126725, 127241, 127496, 127749,
    128009, 128261, 128521, 129285, 129545, 129797, 130057, 130309, 130569, 130821,
    131081, 131333, 131593, 131845, 132105, 132357, 132617, 132869, 133129, 133381,
    133641, 133893, 134153, 134405, 134665, 134917, 135177, 135429, 135689, 135941,
    136201, 136453, 136713, 136965, 137225, 137477, 137737, 137989, 138249, 138501,
    138761, 139013, 139273, 139522, 139785, 140037, 140297, 140549, 140809, 141061,
    141321, 141573, 141833, 142085, 142345, 142597, 142857, 143109, 143369, 143621,
    143881, 144133, 144386, 151557, 175618, 176134, 178456, 178950, 180760, 184326,
    184856, 188422, 189720, 192006, 192258, 196620, 217090, 221196, 225282, 226328,
    226818, 227846, 228098, 228885, 229122, 230424, 230921, 231189, 231433, 232194,
    232457, 232706, 232969, 233477, 233737, 238082, 238345, 240645, 249602, 249861,
    250377, 251141, 251913, 252165, 252425, 252677, 252937, 253189, 253449, 253701,
    253961, 254213, 254473, 254725, 254985, 255237, 255497, 255749, 256009, 256261,
    256521, 256773, 257033, 257285, 257545, 257797, 259081, 259333, 259609, 259842,
    262153, 274437, 286729, 286981, 287241, 287493, 287753, 288005, 288265, 288517,
    288777, 289029, 289289, 289541, 289801, 290053, 290313, 290565, 290825, 291077,
    291337, 291589, 291849, 292101, 292361, 292613, 292873, 293125, 293385, 293637,
    293897, 294149, 294409, 294661, 294921, 295173, 295450, 295692, 296706, 296971,
    297481, 297733, 297993, 298245, 298505, 298757, 299017, 299269, 299529, 299781,
    300041, 300293, 300553, 300805, 301065, 301317, 301577, 301829, 302089, 302341,
    302601, 302853, 303113, 303365, 303625, 303877, 304137, 304389, 304649, 304901,
    305161, 305413, 305673, 305925, 306185, 306437, 306697, 306949, 307209, 307461,
    307721, 307973, 308233, 308485, 308745, 308997, 309257, 309509, 309769, 310021,
    310281, 310533, 310793, 311045, 311305, 311813, 312073, 312325, 312585, 312837,
    313097, 313349, 313609, 313861, 314121, 314373, 314633, 314885, 315138, 315401,
    315653, 315913, 316165, 316425, 316677, 316937, 317189, 317449, 317701, 317961,
    318213, 318473, 318725, 318985, 319237, 319497, 319749, 320009, 320261, 320521,
    320773, 321033, 321285, 321545, 321797, 322057, 322309, 322569, 322821, 323081,
    323333, 323593, 323845, 324105, 324357, 324617, 324869, 325122, 325641, 325893,
    326146, 327689, 327941, 328201, 328453, 328713, 328965, 329225, 329477, 329737,
    329989, 330249, 330501, 330761, 331013, 331273, 331525, 331778, 340233, 349954,
    350470, 350741, 352258, 352517, 362498, 362773, 363025, 363266, 364812, 369154,
    369420, 375298, 375564, 376341, 376588, 376853, 377100, 377621, 377868, 378114,
    380935, 387842, 389127, 389909, 390402, 396309, 396546, 400149, 400386, 401173,
    401410, 401671, 408322, 409606, 409863, 412428, 415234, 417805, 420373, 421383,
    421900, 422151, 447509, 447751, 448012, 449793, 450059, 450316, 451846, 452364,
    452890, 453132, 454146, 454669, 457223, 458010, 458498, 458773, 462338, 462593,
    462855, 463116, 463367, 470274, 471052, 477954, 491527, 501260, 504071, 504322,
    590092, 590602, 590850, 591111, 604674, 605196, 605447, 605706, 606476, 608522,
    609548, 609794, 610311, 610572, 611586, 612359, 614924, 615445, 615949, 618517,
    618754, 622860, 623114, 623618, 623879, 625922, 626439, 626946, 627463, 633090,
    633351, 635138, 635399, 635650, 636423, 637442, 637964, 638210, 638474, 639244,
    640258, 640778, 641282, 641802, 642316, 642562, 644874, 645122, 646151, 646658,
    646919, 647692, 648194, 648717, 651271, 651799, 652303, 653850, 654082, 655884,
    656130, 656647, 658178, 659207, 659714, 660231, 665858, 666119, 667906, 668167,
    668674, 668935, 669442, 669703, 670210, 670732, 670978, 671242, 672012, 672514,
    673548, 674050, 674572, 675330, 678151, 679170, 679431, 679682, 681485, 684044,
    684551, 685314, 688396, 688906, 689154, 689415, 691202, 691463, 691714, 691975,
    692738, 692999, 698626, 698887, 700674, 700935, 701442, 701703, 702978, 703500,
    703751, 704010, 704780, 706050, 706316, 706826, 707074, 707338, 707852, 708098,
    708615, 708866, 712711, 712962, 714253, 716802, 721164, 721418, 721922, 722183,
    724226, 724743, 725250, 725767, 731394, 731655, 733442, 733703, 734210, 734727,
    735746, 736268, 736519, 736778, 737036, 737290, 737548, 738306, 739082, 739586,
    740106, 740620, 740866, 742924, 743178, 743426, 744455, 744962, 745223, 745986,
    747021, 749594, 749826, 754188, 754439, 754690, 754951, 756482, 757255, 758018,
    758279, 759298, 760071, 760578, 760839, 761090, 761351, 761858, 762631, 763138,
    763911, 764674, 765447, 767490, 767751, 768514, 769546, 770060, 770314, 770818,
    771594, 772354, 772618, 773388, 773634, 775946, 776194, 780045, 782351, 783106,
    786698, 787458, 787719, 789762, 790023, 790786, 791047, 796930, 797191, 799746,
    800007, 801282, 802316, 803082, 804098, 804364, 805122, 805388, 806402, 808204,
    808706, 811015, 811522, 812557, 815106, 819722, 820226, 820487, 822530, 822791,
    823554, 823815, 829698, 829959, 832514, 832775, 834050, 835082, 835340, 835594,
    836866, 837132, 837386, 837890, 838154, 838668, 839170, 840970, 841474, 843271,
    843522, 843783, 844290, 845325, 847874, 852490, 852994, 853255, 855298, 855559,
    856322, 856583, 862466, 862727, 866818, 867850, 868620, 869378, 869898, 870658,
    870922, 871692, 871938, 874250, 874498, 876551, 877058, 878093, 880642, 885258,
    885762, 886023, 890626, 891399, 897538, 897799, 900098, 900359, 900610, 901127,
    902914, 903692, 903938, 904970, 905740, 906498, 906764, 907010, 907274, 909314,
    913930, 914453, 914690, 917767, 930060, 930311, 930828, 932610, 933655, 933895,
    935430, 935692, 937749, 937997, 940565, 941058, 950535, 951042, 951303, 951554,
    952071, 952578, 952839, 953090, 953607, 953858, 955399, 956418, 956679, 958466,
    958727, 959490, 959751, 960002, 960263, 960514, 961031, 961538, 961799, 962828,
    963079, 963596, 965122, 965388, 965895, 966146, 966663, 967938, 968198, 968450,
    968716, 970242, 970765, 973314, 973831, 974338, 983047, 983322, 984085, 987930,
    989196, 989722, 991245, 993807, 996378, 996620, 996890, 997132, 997402, 997644,
    997910, 998162, 998422, 998674, 998922, 999431, 1001474, 1001735, 1010434, 1011980,
    1015562, 1015820, 1017109, 1017356, 1017863, 1018882, 1019916, 1021954, 1022220, 1031426,
    1031706, 1033740, 1034010, 1035522, 1036058, 1036290, 1048583, 1057282, 1057543, 1058818,
    1059079, 1059586, 1059850, 1060108, 1061130, 1061388, 1061634, 1062412, 1062922, 1063180,
    1063426, 1064973, 1067541, 1069063, 1070602, 1071116, 1071618, 1089545, 1099266, 1101831,
    1112322, 1112853, 1113090, 1114119, 1137154, 1138439, 1155842, 1157127, 1178114, 1179655,
    1181442, 1181703, 1197826, 1198087, 1198338, 1198599, 1199618, 1200135, 1201922, 1202183,
    1202434, 1202695, 1203714, 1204231, 1214210, 1214471, 1214722, 1214983, 1216002, 1216519,
    1224450, 1224711, 1224962, 1225223, 1226242, 1226759, 1228546, 1228807, 1229058, 1229319,
    1230338, 1230855, 1232642, 1232903, 1234690, 1234951, 1240834, 1241095, 1249026, 1249287,
    1249538, 1249799, 1250818, 1251335, 1253122, 1253383, 1263362, 1263623, 1268482, 1270037,
    1272077, 1274383, 1277186, 1286151, 1307906, 1310983, 1469717, 1470215, 1472258, 1474589,
    1474823, 1481494, 1481746, 1481986, 1482759, 1501973, 1502734, 1503490, 1507335, 1510658,
    1510919, 1511948, 1512706, 1515527, 1520140, 1520917, 1521410, 1523719, 1528332, 1528834,
    1531911, 1535234, 1535495, 1536258, 1536524, 1537026, 1540103, 1553418, 1554188, 1555978,
    1558028, 1558282, 1558796, 1561621, 1562374, 1562645, 1563415, 1563655, 1563906, 1564685,
    1567234, 1572885, 1574417, 1574677, 1575692, 1576449, 1576706, 1576973, 1579522, 1581063,
    1590022, 1590279, 1603586, 1605639, 1616140, 1616386, 1966089, 1966341, 1966601, 1966853,
    1967113, 1967365, 1967625, 1967877, 1968137, 1968389, 1968649, 1968901, 1969161, 1969413,
    1969673, 1969925, 1970185, 1970437, 1970697, 1970949, 1971209, 1971461, 1971721, 1971973,
    1972233, 1972485, 1972745, 1972997, 1973257, 1973509, 1973769, 1974021, 1974281, 1974533,
    1974793, 1975045, 1975305, 1975557, 1975817, 1976069, 1976329, 1976581, 1976841, 1977093,
    1977353, 1977605, 1977865, 1978117, 1978377, 1978629, 1978889, 1979141, 1979401, 1979653,
    1979913, 1980165, 1980425, 1980677, 1980937, 1981189, 1981449, 1981701, 1981961, 1982213,
    1982473, 1982725, 1982985, 1983237, 1983497, 1983749, 1984009, 1984261, 1984521, 1984773,
    1985033, 1985285, 1985545, 1985797, 1986057, 1986309, 1986569, 1986821, 1987081, 1987333,
    1987593, 1987845, 1988105, 1988357, 1988617, 1988869, 1989129, 1989381, 1989641, 1989893,
    1990153, 1990405, 1990665, 1990917, 1991177, 1991429, 1991689, 1991941, 1992201, 1992453,
    1992713, 1992965, 1993225, 1993477, 1993737, 1993989, 1994249, 1994501, 1994761, 1995013,
    1995273, 1995525, 1995785, 1996037, 1996297, 1996549, 1996809, 1997061, 1997321, 1997573,
    1997833, 1998085, 1998345, 1998597, 1998857, 1999109, 1999369, 1999621, 1999881, 2000133,
    2000393, 2000645, 2000905, 2001157, 2001417, 2001669, 2001929, 2002181, 2002441, 2002693,
    2002953, 2003205, 2003465, 2003717, 2003977, 2004229, 2006018, 2007049, 2007301, 2007561,
    2007813, 2008073, 2008325, 2008585, 2008837, 2009097, 2009349, 2009609, 2009861, 2010121,
    2010373, 2010633, 2010885, 2011145, 2011397, 2011657, 2011909, 2012169, 2012421, 2012681,
    2012933, 2013193, 2013445, 2013705, 2013957, 2014217, 2014469, 2014729, 2014981, 2015241,
    2015493, 2015753, 2016005, 2016265, 2016517, 2016777, 2017029, 2017289, 2017541, 2017801,
    2018053, 2018313, 2018565, 2018825, 2019077, 2019337, 2019589, 2019849, 2020101, 2020361,
    2020613, 2020873, 2021125, 2021385, 2021637, 2021897, 2022149, 2022409, 2022661, 2022921,
    2023173, 2023433, 2023685, 2023945, 2024197, 2024457, 2024709, 2024969, 2025221, 2025481,
    2025733, 2025993, 2026245, 2026505, 2026757, 2027017, 2027269, 2027529, 2027781, 2028041,
    2028293, 2028553, 2028805, 2029065, 2029317, 2029577, 2029829, 2030082, 2031621, 2033673,
    2035717, 2037250, 2037769, 2039298, 2039813, 2041865, 2043909, 2045961, 2048005, 2049538,
    2050057, 2051586, 2052101, 2054146, 2054409, 2054658, 2054921, 2055170, 2055433, 2055682,
    2055945, 2056197, 2058249, 2060293, 2063874, 2064389, 2066440, 2068485, 2070536, 2072581,
    2074632, 2076677, 2077954, 2078213, 2078729, 2079752, 2080024, 2080261, 2080536, 2081285,
    2082050, 2082309, 2082825, 2083848, 2084120, 2084869, 2085890, 2086405, 2086921, 2087938,
    2088216, 2088965, 2091017, 2092312, 2093058, 2093573, 2094338, 2094597, 2095113, 2096136,
    2096408, 2096898, 2097181, 2100225, 2101265, 2102805, 2103316, 2103571, 2103830, 2104084,
    2104595, 2104854, 2105108, 2105365, 2107419, 2107676, 2107905, 2109213, 2109461, 2111764,
    2112019, 2112277, 2113296, 2113813, 2114585, 2114838, 2115090, 2115349, 2118169, 2118402,
    2119445, 2119682, 2121501, 2121729, 2122754, 2124289, 2125839, 2126085, 2126338, 2126863,
    2128409, 2129174, 2129426, 2129669, 2129935, 2132505, 2133270, 2133522, 2133762, 2138135,
    2142722, 2150412, 2153739, 2154764, 2155019, 2155788, 2157314, 2162714, 2163209, 2163482,
    2164489, 2164762, 2165253, 2165513, 2166277, 2166793, 2167557, 2167834, 2168073, 2168346,
    2169097, 2170394, 2171913, 2172186, 2172425, 2172698, 2172937, 2173210, 2173449, 2174490,
    2174725, 2174985, 2175514, 2175753, 2176005, 2176263, 2177285, 2177562, 2177794, 2178309,
    2178569, 2179097, 2180361, 2180613, 2181658, 2181913, 2182146, 2183951, 2187278, 2196482,
    2199577, 2200858, 2202137, 2202650, 2203673, 2203930, 2204441, 2204698, 2205209, 2205466,
    2207257, 2207514, 2215449, 2215962, 2216473, 2216730, 2216985, 2217242, 2225177, 2293786,
    2295833, 2296858, 2301977, 2302490, 2304278, 2304530, 2304794, 2325529, 2325786, 2333465,
    2339862, 2340114, 2340373, 2340634, 2346754, 2359322, 2369282, 2375706, 2378498, 2383887,
    2399258, 2419215, 2424578, 2424858, 2471705, 2471962, 2474265, 2474522, 2488345, 2490394,
    2495490, 2496026, 2496514, 2496794, 2518809, 2519066, 2522626, 2523162, 2525698, 2556186,
    2557186, 2557466, 2558466, 2559002, 2566146, 2566426, 2575362, 2575642, 2575874, 2576154,
    2577154, 2577946, 2578178, 2578458, 2580226, 2580762, 2582550, 2582802, 2583062, 2583314,
    2583574, 2583826, 2584086, 2584338, 2584598, 2584850, 2585110, 2585362, 2585622, 2585874,
    2586127, 2593818, 2594050, 2594842, 2600962, 2601242, 2604802, 2609177, 2614806, 2615058,
    2615318, 2615570, 2615830, 2616082, 2616322, 2617369, 2621466, 2687001, 2720534, 2720786,
    2721046, 2721298, 2721558, 2721810, 2722070, 2722322, 2722582, 2722834, 2723094, 2723346,
    2723606, 2723858, 2724118, 2724370, 2724630, 2724882, 2725142, 2725394, 2725654, 2725906,
    2726169, 2742294, 2742546, 2742806, 2743058, 2743321, 2751510, 2751762, 2752025, 2818050,
    3047450, 3054082, 3054362, 3077122, 3080218, 3134978, 3141658, 3144706, 3145757, 3146005,
    3146778, 3147014, 3147271, 3147534, 3147798, 3148050, 3148310, 3148562, 3148822, 3149074,
    3149334, 3149586, 3149846, 3150098, 3150362, 3150870, 3151122, 3151382, 3151634, 3151894,
    3152146, 3152406, 3152658, 3152913, 3153174, 3153426, 3153946, 3154190, 3156492, 3158033,
    3158278, 3159578, 3160078, 3160838, 3161095, 3161365, 3161626, 3162114, 3162375, 3184386,
    3184908, 3185432, 3185926, 3186439, 3186705, 3186951, 3210000, 3210246, 3211015, 3211266,
    3212551, 3222786, 3223815, 3247874, 3248154, 3248655, 3249690, 3252231, 3258370, 3272711,
    3276826, 3284226, 3285007, 3287578, 3294210, 3297551, 3301402, 3308546, 3309338, 3309583,
    3312154, 3322127, 3325978, 3329026, 3330074, 3342082, 3342362, 3372802, 3373850, 3399170,
    3399706, 3407618, 3407879, 5092866, 5111815, 10462722, 10485767, 10784002, 10784794, 10798850,
    11272199, 14132226, 14155780, 14680067, 16318471, 16395778, 16396295, 16411394, 16449541, 16451330,
    16454405, 16455682, 16456967, 16457228, 16457479, 16460057, 16460295, 16463618, 16463879, 16465154,
    16465415, 16465666, 16465927, 16466434, 16466695, 16467202, 16467463, 16495106, 16503559, 16596502,
    16596754, 16596994, 16601095, 16617474, 16617991, 16631810, 16642055, 16645143, 16645378, 16646156,
    16650242, 16654348, 16655362, 16658453, 16658705, 16659216, 16659734, 16659986, 16660246, 16660498,
    16660758, 16661010, 16661270, 16661522, 16661782, 16662034, 16662294, 16662546, 16662806, 16663058,
    16663318, 16663570, 16663829, 16664322, 16664853, 16665872, 16666645, 16667394, 16667669, 16668689,
    16668950, 16669202, 16669462, 16669714, 16669974, 16670226, 16670485, 16671257, 16671505, 16671769,
    16672514, 16672789, 16673047, 16673301, 16673794, 16674823, 16676098, 16676359, 16710914, 16711425,
    16711682, 16711957, 16712727, 16712981, 16713750, 16714002, 16714261, 16714521, 16714773, 16715025,
    16715285, 16715789, 16718357, 16718873, 16719637, 16720137, 16726806, 16727061, 16727314, 16727576,
    16727824, 16728088, 16728325, 16734998, 16735257, 16735506, 16735769, 16736022, 16736274, 16736533,
    16736790, 16737042, 16737301, 16737552, 16737799, 16740358, 16740615, 16752134, 16752647, 16760578,
    16761351, 16762882, 16763399, 16764930, 16765447, 16766978, 16767495, 16768258, 16769047, 16769561,
    16769816, 16770074, 16770327, 16770818, 16771098, 16771353, 16772378, 16772866, 16775425, 16776218,
    16776706, 16973831, 16981762, 16982031, 16983042, 16986119, 16992782, 16993026, 17039369, 17049090,
    17049605, 17059330, 30408730, 30471682, 30474266, 30484226, 30485018, 30500106, 30500620, 30501402,
    30502154, 30503681, 30505740, 30507802, 30508300, 30510106, 30517772, 30518810, 30531074, 30670857,
    30677509, 30684169, 30690821, 30692610, 30692869, 30697481, 30704133, 30710793, 30711042, 30711305,
    30711810, 30712329, 30712578, 30713097, 30713602, 30714121, 30715138, 30715401, 30717445, 30718466,
    30718725, 30718978, 30719237, 30720258, 30720517, 30721026, 30721285, 30724105, 30730757, 30737417,
    30737922, 30738185, 30739202, 30739721, 30741762, 30742025, 30743810, 30744069, 30750729, 30751234,
    30751497, 30752514, 30752777, 30754050, 30754313, 30754562, 30755337, 30757122, 30757381, 30764041,
    30770693, 30777353, 30784005, 30790665, 30797317, 30803977, 30810629, 30817289, 30823941, 30830601,
    30837253, 30843906, 30844937, 30851353, 30851589, 30858009, 30858245, 30859785, 30866201, 30866437,
    30872857, 30873093, 30874633, 30881049, 30881285, 30887705, 30887941, 30889481, 30895897, 30896133,
    30902553, 30902789, 30904329, 30910745, 30910981, 30917401, 30917637, 30919170, 30920205, 30932994,
    33554439, 44488450, 49807367, 49946114, 234881281, 234881538, 234889217, 234913794, 251658243, 268434946,
    268435459, 285212162,
];
// end generated
// @end

// @helper ucd32_bidirectional deps: ucd32_lookup
/// `unicodedata.ucd_3_2_0.bidirectional(c)`: the bidirectional class of `c` in Unicode 3.2 (""
/// where 3.2 gives none), from runs of Python's own table (`start << 8 | name index`).
pub fn ucd32_bidirectional(s: &str) -> &'static str {
    ucd32_lookup(s, "bidirectional", &UCD32_BIDIRECTIONAL_RUNS, &UCD32_BIDIRECTIONAL_NAMES)
}
// generated: portalis/runtime/ucd32.py bidirectional
const UCD32_BIDIRECTIONAL_NAMES: [&str; 20] = ["", "AL", "AN", "B", "BN", "CS", "EN", "ES", "ET", "L", "LRE", "LRO", "NSM", "ON", "PDF", "R", "RLE", "RLO", "S", "WS"];
const UCD32_BIDIRECTIONAL_RUNS: [u32; 1078] = [
    4, 2322, 2563, 2834, 3091, 3331, 3588, 7171, 7954, 8211,
    8461, 8968, 9741, 11016, 11269, 11528, 11781, 12039, 12294, 14853,
    15117, 16649, 23309, 24841, 31501, 32516, 34051, 34308, 40965, 41229,
    41480, 42509, 43529, 43789, 45064, 45574, 46093, 46345, 46605, 47366,
    47625, 47885, 49161, 55053, 55305, 63245, 63497, 139520, 139785, 144384,
    151561, 175616, 176137, 178445, 178953, 180749, 184329, 184845, 188425, 189709,
    192009, 192256, 196620, 217088, 221196, 225280, 226317, 226816, 227849, 228096,
    228877, 229120, 230413, 230921, 231181, 231433, 232192, 232457, 232704, 232969,
    238080, 238345, 249600, 249865, 259597, 259840, 262153, 295692, 296704, 296972,
    297481, 315136, 315401, 325120, 325641, 326144, 327689, 331776, 340233, 349952,
    350473, 352256, 352521, 362496, 362761, 363021, 363264, 364812, 369152, 369420,
    375296, 375564, 376335, 376588, 376847, 377100, 377615, 377868, 378112, 380943,
    387840, 389135, 390400, 396293, 396544, 400129, 400384, 401153, 401408, 401665,
    408320, 409601, 412428, 415232, 417794, 420360, 420610, 421121, 421900, 422145,
    448012, 449793, 450060, 451841, 452364, 452877, 453132, 454144, 454662, 457217,
    458496, 458753, 462336, 462596, 462849, 463116, 463361, 470272, 471052, 477952,
    491521, 501260, 504065, 504320, 590092, 590601, 590848, 591113, 604672, 605196,
    605449, 606476, 608521, 609548, 609792, 610313, 610572, 611584, 612361, 614924,
    615433, 618752, 622860, 623113, 623616, 623881, 625920, 626441, 626944, 627465,
    633088, 633353, 635136, 635401, 635648, 636425, 637440, 637964, 638208, 638473,
    639244, 640256, 640777, 641280, 641801, 642316, 642560, 644873, 645120, 646153,
    646656, 646921, 647692, 648192, 648713, 651784, 652297, 654080, 655884, 656128,
    656649, 658176, 659209, 659712, 660233, 665856, 666121, 667904, 668169, 668672,
    668937, 669440, 669705, 670208, 670732, 670976, 671241, 672012, 672512, 673548,
    674048, 674572, 675328, 678153, 679168, 679433, 679680, 681481, 684044, 684553,
    685312, 688396, 688905, 689152, 689417, 691200, 691465, 691712, 691977, 692736,
    693001, 698624, 698889, 700672, 700937, 701440, 701705, 702976, 703500, 703753,
    704780, 706048, 706316, 706825, 707072, 707337, 707852, 708096, 708617, 708864,
    712713, 712960, 714249, 716800, 721164, 721417, 721920, 722185, 724224, 724745,
    725248, 725769, 731392, 731657, 733440, 733705, 734208, 734729, 735744, 736268,
    736521, 737036, 737289, 737548, 738304, 739081, 739584, 740105, 740620, 740864,
    742924, 743177, 743424, 744457, 744960, 745225, 745984, 747017, 749824, 754188,
    754441, 754688, 754953, 756480, 757257, 758016, 758281, 759296, 760073, 760576,
    760841, 761088, 761353, 761856, 762633, 763136, 763913, 764672, 765449, 767488,
    767753, 768512, 769545, 770060, 770313, 770816, 771593, 772352, 772617, 773388,
    773632, 775945, 776192, 780041, 783104, 786697, 787456, 787721, 789760, 790025,
    790784, 791049, 796928, 797193, 799744, 800009, 801280, 802316, 803081, 804096,
    804364, 805120, 805388, 806400, 808204, 808704, 811017, 811520, 812553, 815104,
    819721, 820224, 820489, 822528, 822793, 823552, 823817, 829696, 829961, 832512,
    832777, 834048, 835081, 835340, 835593, 836864, 837132, 837385, 837888, 838153,
    838668, 839168, 840969, 841472, 843273, 843520, 843785, 844288, 845321, 847872,
    852489, 852992, 853257, 855296, 855561, 856320, 856585, 862464, 862729, 866816,
    867849, 868620, 869376, 869897, 870656, 870921, 871692, 871936, 874249, 874496,
    876553, 877056, 878089, 880640, 885257, 885760, 886025, 890624, 891401, 897536,
    897801, 900096, 900361, 900608, 901129, 902912, 903692, 903936, 904969, 905740,
    906496, 906764, 907008, 907273, 909312, 913929, 914688, 917769, 930060, 930313,
    930828, 932608, 933640, 933897, 935692, 937737, 941056, 950537, 951040, 951305,
    951552, 952073, 952576, 952841, 953088, 953609, 953856, 955401, 956416, 956681,
    958464, 958729, 959488, 959753, 960000, 960265, 960512, 961033, 961536, 961801,
    962828, 963081, 963596, 965120, 965388, 965897, 966144, 966665, 967936, 968201,
    968448, 968716, 970240, 970761, 973312, 973833, 974336, 983049, 989196, 989705,
    996620, 996873, 997132, 997385, 997644, 997901, 998921, 1001472, 1001737, 1010432,
    1011980, 1015561, 1015820, 1017097, 1017356, 1017865, 1018880, 1019916, 1021952, 1022220,
    1031424, 1031689, 1033740, 1033993, 1035520, 1036041, 1036288, 1048585, 1057280, 1057545,
    1058816, 1059081, 1059584, 1059849, 1060108, 1061129, 1061388, 1061632, 1062412, 1062921,
    1063180, 1063424, 1064969, 1071116, 1071616, 1089545, 1099264, 1101833, 1112320, 1112841,
    1113088, 1114121, 1137152, 1138441, 1155840, 1157129, 1178112, 1179657, 1181440, 1181705,
    1197824, 1198089, 1198336, 1198601, 1199616, 1200137, 1201920, 1202185, 1202432, 1202697,
    1203712, 1204233, 1214208, 1214473, 1214720, 1214985, 1216000, 1216521, 1224448, 1224713,
    1224960, 1225225, 1226240, 1226761, 1228544, 1228809, 1229056, 1229321, 1230336, 1230857,
    1232640, 1232905, 1234688, 1234953, 1240832, 1241097, 1249024, 1249289, 1249536, 1249801,
    1250816, 1251337, 1253120, 1253385, 1263360, 1263625, 1268480, 1270025, 1277184, 1286153,
    1307904, 1310985, 1472256, 1474579, 1474825, 1481485, 1481984, 1482761, 1503488, 1507337,
    1510656, 1510921, 1511948, 1512704, 1515529, 1520140, 1520905, 1521408, 1523721, 1528332,
    1528832, 1531913, 1535232, 1535497, 1536256, 1536524, 1537024, 1540105, 1554188, 1555977,
    1558028, 1558281, 1558796, 1561609, 1563400, 1563657, 1563904, 1564681, 1567232, 1572877,
    1575692, 1576452, 1576704, 1576969, 1579520, 1581065, 1603584, 1605641, 1616140, 1616384,
    1966089, 2006016, 2007049, 2030080, 2031625, 2037248, 2037769, 2039296, 2039817, 2049536,
    2050057, 2051584, 2052105, 2054144, 2054409, 2054656, 2054921, 2055168, 2055433, 2055680,
    2055945, 2063872, 2064393, 2077952, 2078217, 2080013, 2080265, 2080525, 2081289, 2082048,
    2082313, 2084109, 2084873, 2085888, 2086409, 2087936, 2088205, 2088969, 2092301, 2093056,
    2093577, 2094336, 2094601, 2096397, 2096896, 2097171, 2099972, 2100745, 2101007, 2101261,
    2107411, 2107651, 2107914, 2108176, 2108430, 2108683, 2108945, 2109203, 2109448, 2110733,
    2118400, 2119437, 2119680, 2121491, 2121732, 2122752, 2124292, 2125830, 2126089, 2126336,
    2126854, 2128392, 2128909, 2129673, 2129926, 2132488, 2133005, 2133760, 2138120, 2142720,
    2150412, 2157312, 2162701, 2163209, 2163469, 2164489, 2164749, 2165257, 2167821, 2168073,
    2168333, 2169097, 2170381, 2171913, 2172173, 2172425, 2172685, 2172937, 2173197, 2173449,
    2174472, 2174729, 2175501, 2175753, 2177549, 2177792, 2178313, 2179085, 2180361, 2181645,
    2182144, 2183949, 2187273, 2196480, 2199565, 2232840, 2233357, 2307593, 2325261, 2331913,
    2332173, 2346752, 2359309, 2369280, 2375693, 2378496, 2383878, 2399241, 2419206, 2419469,
    2424576, 2424845, 2495488, 2496013, 2496512, 2496781, 2522624, 2523149, 2525696, 2556173,
    2557184, 2557453, 2558464, 2558989, 2566144, 2566413, 2575360, 2575629, 2575872, 2576141,
    2577152, 2577933, 2578176, 2578445, 2580224, 2580749, 2594048, 2594829, 2600960, 2601229,
    2604800, 2609165, 2616320, 2617357, 2818048, 3047437, 3054080, 3054349, 3077120, 3080205,
    3134976, 3141645, 3144704, 3145747, 3145997, 3147017, 3147789, 3154185, 3156492, 3158029,
    3158281, 3159565, 3160073, 3161357, 3162112, 3162377, 3184384, 3184908, 3185421, 3185929,
    3186701, 3186953, 3209997, 3210249, 3211264, 3212553, 3222784, 3223817, 3247872, 3248137,
    3258368, 3272713, 3284224, 3285001, 3294208, 3297549, 3301385, 3308544, 3309321, 3322125,
    3325961, 3329024, 3330057, 3342080, 3342345, 3372800, 3373833, 3399168, 3399689, 3407616,
    3407881, 5092864, 5111817, 10462720, 10485769, 10784000, 10784781, 10798848, 11272201, 14132224,
    14155785, 16395776, 16396297, 16411392, 16449545, 16451328, 16454409, 16455680, 16456975, 16457228,
    16457487, 16460040, 16460303, 16463616, 16463887, 16465152, 16465423, 16465664, 16465935, 16466432,
    16466703, 16467200, 16467471, 16470017, 16495104, 16503553, 16596493, 16596992, 16601089, 16617472,
    16617985, 16631808, 16642049, 16645376, 16646156, 16650240, 16654348, 16655360, 16658445, 16664320,
    16664845, 16666629, 16666893, 16667141, 16667392, 16667661, 16667909, 16668173, 16670472, 16670733,
    16671240, 16671757, 16672512, 16672781, 16673032, 16673549, 16673792, 16674817, 16676096, 16676353,
    16710912, 16711428, 16711680, 16711949, 16712456, 16713229, 16714504, 16714757, 16715016, 16715269,
    16715527, 16715782, 16718341, 16718605, 16720137, 16726797, 16728329, 16734989, 16737801, 16760576,
    16761353, 16762880, 16763401, 16764928, 16765449, 16766976, 16767497, 16768256, 16769032, 16769549,
    16770312, 16770816, 16771085, 16772864, 16775428, 16776205, 16776704, 16973833, 16981760, 16982025,
    16983040, 16986121, 16993024, 17039369, 17049088, 17049609, 17059328, 30408713, 30471680, 30474249,
    30484224, 30485001, 30500620, 30501385, 30503684, 30505740, 30507785, 30508300, 30510089, 30517772,
    30518793, 30531072, 30670857, 30692608, 30692873, 30711040, 30711305, 30711808, 30712329, 30712576,
    30713097, 30713600, 30714121, 30715136, 30715401, 30718464, 30718729, 30718976, 30719241, 30720256,
    30720521, 30721024, 30721289, 30737920, 30738185, 30739200, 30739721, 30741760, 30742025, 30743808,
    30744073, 30751232, 30751497, 30752512, 30752777, 30754048, 30754313, 30754560, 30755337, 30757120,
    30757385, 30843904, 30844937, 30919168, 30920198, 30932992, 33554441, 44488448, 49807369, 49946112,
    234881284, 234881536, 234889220, 234913792, 251658249, 268434944, 268435465, 285212160,
];
// end generated
// @end

// @helper FastHasher crates: rustc-hash
/// The dicts' hasher: rustc's FxHash (the `rustc-hash` crate), much cheaper than SipHash on the
/// short keys dicts hold. Their iteration order is insertion order (IndexMap), so the hasher
/// never shows in the program's output. Unlike SipHash it is not keyed: keys chosen to collide
/// can slow a dict down (CPython keys its str hashes per process).
pub type FastBuildHasher = rustc_hash::FxBuildHasher;
// @end

// @helper PyDict deps: FastHasher crates: indexmap
/// A Python dict: a hash map that iterates in insertion order (an `indexmap::IndexMap`; removal
/// shifts the later entries down, so the order stays Python's), hashed with FastHasher.
#[derive(Clone, Debug, Default)]
pub struct PyDict<K: std::hash::Hash + Eq + Clone, V> {
    map: indexmap::IndexMap<K, V, FastBuildHasher>,
}

impl<K: std::hash::Hash + Eq + Clone, V> PyDict<K, V> {
    pub fn new() -> Self {
        PyDict {
            map: indexmap::IndexMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.get(key)
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.get_mut(key)
    }

    /// `d[key]`: panics with Python's KeyError when absent.
    pub fn getitem<Q>(&self, key: &Q) -> &V
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized + std::fmt::Debug,
    {
        self.get(key).unwrap_or_else(|| panic!("KeyError: {:?}", key))
    }

    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.contains_key(key)
    }

    /// `d[key] = value`: a new key goes last; an existing key keeps its place.
    pub fn insert(&mut self, key: K, value: V) {
        self.map.insert(key, value);
    }

    /// `d[key] = value` with a borrowed key (`&str` for a String key): an existing key keeps
    /// its place and its stored key, so the key is copied only when it is new.
    pub fn set_item<Q>(&mut self, key: &Q, value: V)
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized + ToOwned<Owned = K>,
    {
        use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
        // one hash and one probe; the key is copied only when it is new
        match self.map.raw_entry_mut_v1().from_key(key) {
            RawEntryMut::Occupied(mut e) => {
                e.insert(value);
            }
            RawEntryMut::Vacant(e) => {
                e.insert(key.to_owned(), value);
            }
        }
    }

    /// The value under key for `d[key] = d.get(key, default) OP x`: one lookup, `default`
    /// inserted first when key is absent (a borrowed key is copied only then).
    pub fn slot<Q>(&mut self, key: &Q, default: V) -> &mut V
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized + ToOwned<Owned = K>,
    {
        use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
        match self.map.raw_entry_mut_v1().from_key(key) {
            RawEntryMut::Occupied(e) => e.into_mut(),
            RawEntryMut::Vacant(e) => e.insert(key.to_owned(), default).1,
        }
    }

    /// `del d[key]` / `d.pop(key)`: the later keys move up, as in Python (never swap_remove).
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.map.shift_remove(key)
    }

    /// `d.popitem()`: the last inserted pair.
    pub fn popitem(&mut self) -> Option<(K, V)> {
        self.map.pop()
    }

    /// `d.clear()`.
    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn keys(&self) -> indexmap::map::Keys<'_, K, V> {
        self.map.keys()
    }

    pub fn values(&self) -> indexmap::map::Values<'_, K, V> {
        self.map.values()
    }

    pub fn items(&self) -> indexmap::map::Iter<'_, K, V> {
        self.map.iter()
    }

    /// `d[key]` of a defaultdict used in place: the value, inserted first when absent.
    pub fn get_or_insert_default(&mut self, key: K) -> &mut V
    where
        V: Default,
    {
        self.map.entry(key).or_default()
    }

    /// Iterating a dict that is consumed: its keys in insertion order.
    pub fn into_keys(self) -> indexmap::map::IntoKeys<K, V> {
        self.map.into_keys()
    }

    /// `d.setdefault(key, value)`: the value stored under key, inserting `value` first if absent.
    pub fn setdefault(&mut self, key: K, value: V) -> &mut V {
        self.map.entry(key).or_insert(value)
    }
}

impl<K: std::hash::Hash + Eq + Clone, V> Extend<(K, V)> for PyDict<K, V> {
    /// `d.update(other)`: inserts in order; existing keys keep their place.
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone, V: PartialEq> PartialEq for PyDict<K, V> {
    /// Python compares dicts as mappings: order does not matter.
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.items().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<V> PyDict<String, V> {
    /// `slot` for a str key: the same single lookup, comparing the stored keys with
    /// `short_str_eq` instead of a `memcmp` call (a dict lookup that hits ends with one compare
    /// of equal keys; memcmp's branches on the length mispredict when the lengths vary).
    /// Inlined into the caller's loop, and a hit asks indexmap for the position only (a plain
    /// `usize`, not an entry built in memory); a new key is inserted out of line.
    #[inline(always)]
    pub fn slot_str(&mut self, key: &str, default: V) -> &mut V {
        use indexmap::map::raw_entry_v1::RawEntryApiV1;
        use std::hash::BuildHasher;
        let hash = self.map.hasher().hash_one(key);
        match self
            .map
            .raw_entry_v1()
            .index_from_hash(hash, |k| short_str_eq(k.as_bytes(), key.as_bytes()))
        {
            Some(i) => &mut self.map[i],
            None => self.insert_new_str(hash, key, default),
        }
    }

    /// `slot_str`'s miss: key (absent, with its hash) copied in last with `default`.
    #[inline(never)]
    fn insert_new_str(&mut self, hash: u64, key: &str, default: V) -> &mut V {
        use indexmap::map::raw_entry_v1::{RawEntryApiV1, RawEntryMut};
        // the key is absent: the probe stops at the first free slot, never calling this
        match self.map.raw_entry_mut_v1().from_hash(hash, |_| false) {
            RawEntryMut::Vacant(e) => e.insert_hashed_nocheck(hash, key.to_string(), default).1,
            RawEntryMut::Occupied(e) => e.into_mut(),
        }
    }

    /// `get_mut` for a str key (the grouping idiom's lookup), comparing and inlined as
    /// `slot_str` is.
    #[inline(always)]
    pub fn get_mut_str(&mut self, key: &str) -> Option<&mut V> {
        use indexmap::map::raw_entry_v1::RawEntryApiV1;
        use std::hash::BuildHasher;
        let hash = self.map.hasher().hash_one(key);
        let i = self
            .map
            .raw_entry_v1()
            .index_from_hash(hash, |k| short_str_eq(k.as_bytes(), key.as_bytes()))?;
        self.map.get_index_mut(i).map(|(_, v)| v)
    }
}

/// Two byte strings equal: keys of 4 to 16 bytes as two overlapping words each (the first and
/// the last 4 or 8 bytes), no loop and no call; any other length as slices.
#[inline]
fn short_str_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        let w = |x: &[u8], i: usize| u64::from_le_bytes(x[i..i + 8].try_into().expect("8 bytes"));
        return (w(a, 0) ^ w(b, 0)) | (w(a, n - 8) ^ w(b, n - 8)) == 0;
    }
    if (4..8).contains(&n) {
        let w = |x: &[u8], i: usize| u32::from_le_bytes(x[i..i + 4].try_into().expect("4 bytes"));
        return (w(a, 0) ^ w(b, 0)) | (w(a, n - 4) ^ w(b, n - 4)) == 0;
    }
    a == b
}

impl<K: std::hash::Hash + Eq + Clone, V> FromIterator<(K, V)> for PyDict<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut d = PyDict::new();
        for (k, v) in iter {
            d.insert(k, v);
        }
        d
    }
}
// @end

// @helper range_step
/// `range(start, stop, step)` with a step known only at run time.
pub fn range_step(start: i64, stop: i64, step: i64) -> impl Iterator<Item = i64> {
    if step == 0 {
        panic!("ValueError: range() arg 3 must not be zero");
    }
    let mut i = start;
    std::iter::from_fn(move || {
        if (step > 0 && i < stop) || (step < 0 && i > stop) {
            let v = i;
            i += step;
            Some(v)
        } else {
            None
        }
    })
}
// @end

// @helper islice_bound
/// An `itertools.islice` start or stop known only at run time: a count of items (Python
/// raises ValueError for a negative one).
pub fn islice_bound(n: i64) -> usize {
    if n < 0 {
        panic!("ValueError: Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.");
    }
    n as usize
}
// @end

// @helper islice_step
/// An `itertools.islice` step known only at run time (Python raises ValueError below 1).
pub fn islice_step(n: usize) -> usize {
    if n == 0 {
        panic!("ValueError: Step for islice() must be a positive integer or None.");
    }
    n
}
// @end

// @helper round_ndigits
/// `round(x, n)` on a float: correctly rounded to n decimals, halves to even on the exact
/// binary value, as CPython does (Rust's `{:.n}` formatting rounds the same way).
pub fn round_ndigits(x: f64, n: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if n >= 0 {
        let n = n.min(330) as usize;
        format!("{:.*}", n, x).parse::<f64>().unwrap()
    } else {
        let p = 10f64.powi((-n) as i32);
        (x / p).round_ties_even() * p
    }
}
// @end

// @helper round_int
/// `round(i, n)` on an int with n < 0: rounds to a multiple of 10^-n, halves to even.
pub fn round_int(i: i64, n: i64) -> i64 {
    if n >= 0 {
        return i;
    }
    if n < -38 {
        return 0; // 10**39 > 2 * |i| for every i64
    }
    let p = 10i128.pow((-n) as u32);
    let i = i as i128;
    let q = i.div_euclid(p);
    let r = i.rem_euclid(p);
    let twice = 2 * r;
    let out = if twice > p || (twice == p && q % 2 != 0) {
        (q + 1) * p
    } else {
        q * p
    };
    i64::try_from(out).unwrap_or_else(|_| panic!("OverflowError: int too large for i64"))
}
// @end

// @helper float_to_int
/// `int(x)` of a float: truncates toward zero; Python raises on inf and nan.
pub fn float_to_int(x: f64) -> i64 {
    if x.is_nan() {
        panic!("ValueError: cannot convert float NaN to integer");
    }
    if x.is_infinite() {
        panic!("OverflowError: cannot convert float infinity to integer");
    }
    let t = x.trunc();
    // exactly representable bounds: -2**63 is an i64, 2**63 is not (no saturating `as`)
    if !(-9223372036854775808.0..9223372036854775808.0).contains(&t) {
        panic!("OverflowError: int too large for i64: {:?}", t);
    }
    t as i64
}
// @end

// @helper float_trunc
/// `float(int(x))` of a float: Python's int is exact past i64, and the float of it is the
/// float's integer part, exactly (colorsys' `i = int(h * 6.0)` used as `(h * 6.0) - i`, read
/// so by portalis/whole_floats.py); nan and inf raise as `int(x)` does.
pub fn float_trunc(x: f64) -> f64 {
    if x.is_nan() {
        panic!("ValueError: cannot convert float NaN to integer");
    }
    if x.is_infinite() {
        panic!("OverflowError: cannot convert float infinity to integer");
    }
    // -0.0 and (-1, 0) truncate to Python's int 0, whose float is 0.0
    x.trunc() + 0.0
}
// @end

// @helper decimal_sum deps: PyDecimal
/// `sum(ds)`, `sum(ds, start)` of Decimals: Python's `sum` adds left to right from its start
/// (the int 0, converted exactly), each `+` rounded in the default context as Decimal's own.
pub fn decimal_sum(items: impl IntoIterator<Item = PyDecimal>, start: PyDecimal) -> Result<PyDecimal, PyErr> {
    let mut acc = start;
    for x in items {
        acc = acc.add(&x)?;
    }
    Ok(acc)
}
// @end

// @helper float_int_mod deps: float_to_int, pymod
/// `int(x) % m` of a float: Python's int of a float past i64 (`int(6e19)`) is exact, and the
/// remainder is what the code keeps (colorsys' `int(h * 6.0) % 6`). Past i64 the float is an
/// integer `mant * 2**exp` (exp >= 11): its remainder is reduced one doubling at a time in
/// i128, so no big integer is needed; nan and inf raise as `int(x)` does.
pub fn float_int_mod(x: f64, m: i64) -> i64 {
    if x.is_finite() && x.trunc().abs() >= 9223372036854775808.0 {
        if m == 0 {
            panic!("ZeroDivisionError: integer division or modulo by zero");
        }
        let bits = x.abs().to_bits();
        let mant = ((bits & ((1u64 << 52) - 1)) | (1u64 << 52)) as i128;
        let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
        let modulus = (m as i128).abs();
        let mut r = mant % modulus;
        for _ in 0..exp {
            r = (r * 2) % modulus;
        }
        // r = |x| mod |m|; Python's remainder has the sign of m
        if x < 0.0 && r != 0 {
            r = modulus - r;
        }
        if m < 0 && r != 0 {
            r -= modulus;
        }
        // |r| < |m|: the cast is exact
        return r as i64;
    }
    pymod(float_to_int(x), m)
}
// @end

// @helper modpow
/// `pow(base, exp, m)`.
pub fn modpow(base: i64, exp: i64, m: i64) -> i64 {
    if m == 0 {
        panic!("ValueError: pow() 3rd argument cannot be 0");
    }
    let m128 = m as i128;
    let mut b = (base as i128).rem_euclid(m128.abs());
    let mut e = exp as i128;
    if exp < 0 {
        // Python 3.8+: base**-e mod m is the inverse of base**e (extended Euclid), when it exists
        let (mut r0, mut r1, mut s0, mut s1) = (m128.abs(), b, 0i128, 1i128);
        while r1 != 0 {
            let q = r0 / r1;
            (r0, r1) = (r1, r0 - q * r1);
            (s0, s1) = (s1, s0 - q * s1);
        }
        if r0 != 1 {
            panic!("ValueError: base is not invertible for the given modulus");
        }
        b = s0.rem_euclid(m128.abs());
        e = -e;
    }
    let m128 = m128.abs();
    let mut result: i128 = 1 % m128;
    while e > 0 {
        if e & 1 == 1 {
            result = result * b % m128;
        }
        b = b * b % m128;
        e >>= 1;
    }
    let r = result.rem_euclid(m128);
    // Python's result has the sign of m; |r| < |m| fits i64
    (if m < 0 && r != 0 { r - m128 } else { r }) as i64
}
// @end

// @helper py_bin
/// `bin(i)`: "0b101", "-0b101".
pub fn py_bin(i: i64) -> String {
    if i < 0 {
        format!("-0b{:b}", (i as i128).unsigned_abs())
    } else {
        format!("0b{:b}", i)
    }
}
// @end

// @helper py_hex
/// `hex(i)`: "0xff", "-0xff".
pub fn py_hex(i: i64) -> String {
    if i < 0 {
        format!("-0x{:x}", (i as i128).unsigned_abs())
    } else {
        format!("0x{:x}", i)
    }
}
// @end

// @helper py_oct
/// `oct(i)`: "0o17", "-0o17".
pub fn py_oct(i: i64) -> String {
    if i < 0 {
        format!("-0o{:o}", (i as i128).unsigned_abs())
    } else {
        format!("0o{:o}", i)
    }
}
// @end

// @helper parse_int_base deps: int_from_str
/// `int(s, base)` (int_from_str's rules).
pub fn parse_int_base(s: &str, base: i64) -> i64 {
    int_from_str(s, base).unwrap_or_else(|(kind, msg)| panic!("{}: {}", kind, msg))
}
// @end

// @helper gcd
/// `math.gcd(a, b)`: non-negative.
pub fn gcd(a: i64, b: i64) -> i64 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}
// @end

// @helper lcm deps: gcd
/// `math.lcm(a, b)`.
pub fn lcm(a: i64, b: i64) -> i64 {
    if a == 0 || b == 0 {
        return 0;
    }
    (a / gcd(a, b) * b).abs()
}
// @end

// @helper factorial
/// `math.factorial(n)`.
pub fn factorial(n: i64) -> i64 {
    if n < 0 {
        panic!("ValueError: factorial() not defined for negative values");
    }
    (1..=n).product()
}
// @end

// @helper factorial_f64 crates: num-bigint, num-traits
/// `math.factorial(n)` where Python converts it to a float at once (`x / math.factorial(n)`
/// with x a float: a Maclaurin series): the exact product, rounded once to the nearest float
/// (num-bigint rounds correctly, as Python's int -> float), OverflowError where Python's
/// conversion raises it (170! is the last below f64::MAX).
pub fn factorial_f64(n: i64) -> f64 {
    if n < 0 {
        panic!("ValueError: factorial() not defined for negative values");
    }
    if n > 170 {
        panic!("OverflowError: int too large to convert to float");
    }
    let mut p = num_bigint::BigUint::from(1u32);
    for k in 2..=(n as u64) {
        p *= k;
    }
    num_traits::ToPrimitive::to_f64(&p).expect("a BigUint always has a float")
}
// @end

// @helper isqrt
/// `math.isqrt(n)`: the floor of the square root.
pub fn isqrt(n: i64) -> i64 {
    if n < 0 {
        panic!("ValueError: isqrt() argument must be nonnegative");
    }
    // i128 squares: near i64::MAX the f64 estimate is off by one and (x + 1)^2 leaves i64
    let (n, mut x) = (n as i128, (n as f64).sqrt() as i128);
    while x * x > n {
        x -= 1;
    }
    while (x + 1) * (x + 1) <= n {
        x += 1;
    }
    x as i64
}
// @end

// @helper comb
/// `math.comb(n, k)`.
pub fn comb(n: i64, k: i64) -> i64 {
    if n < 0 || k < 0 {
        panic!("ValueError: n and k must be non-negative integers");
    }
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut r: i128 = 1;
    for i in 0..k {
        r = r
            .checked_mul((n - i) as i128)
            .unwrap_or_else(|| panic!("OverflowError: int too large for i64"))
            / (i + 1) as i128;
    }
    i64::try_from(r).unwrap_or_else(|_| panic!("OverflowError: int too large for i64"))
}
// @end

// @helper perm
/// `math.perm(n, k)`.
pub fn perm(n: i64, k: i64) -> i64 {
    if n < 0 || k < 0 {
        panic!("ValueError: n and k must be non-negative integers");
    }
    if k > n {
        return 0;
    }
    ((n - k + 1)..=n).product()
}
// @end

// @helper str_isupper
/// `s.isupper()`: some cased character, and no lowercase one.
pub fn str_isupper(s: &str) -> bool {
    s.chars().any(|c| c.is_uppercase()) && !s.chars().any(|c| c.is_lowercase())
}
// @end

// @helper str_islower
/// `s.islower()`: some cased character, and no uppercase one.
pub fn str_islower(s: &str) -> bool {
    s.chars().any(|c| c.is_lowercase()) && !s.chars().any(|c| c.is_uppercase())
}
// @end

// @helper char_title
/// Python's titlecase of a character, pushed onto `out` (what `str.title()` and `capitalize()`
/// give a word's first letter): its uppercase, except for the characters whose titlecase
/// differs (Unicode 14, as Python 3.11): `ß` is `Ss`, `ǆ` is `ǅ`, ligatures, Georgian letters
/// stay themselves.
pub fn char_title(c: char, out: &mut String) {
    let special = match c {
        '\u{df}' => "Ss",
        '\u{1c4}' => "\u{1c5}",
        '\u{1c6}' => "\u{1c5}",
        '\u{1c7}' => "\u{1c8}",
        '\u{1c9}' => "\u{1c8}",
        '\u{1ca}' => "\u{1cb}",
        '\u{1cc}' => "\u{1cb}",
        '\u{1f1}' => "\u{1f2}",
        '\u{1f3}' => "\u{1f2}",
        '\u{587}' => "\u{535}\u{582}",
        '\u{1f80}' => "\u{1f88}",
        '\u{1f81}' => "\u{1f89}",
        '\u{1f82}' => "\u{1f8a}",
        '\u{1f83}' => "\u{1f8b}",
        '\u{1f84}' => "\u{1f8c}",
        '\u{1f85}' => "\u{1f8d}",
        '\u{1f86}' => "\u{1f8e}",
        '\u{1f87}' => "\u{1f8f}",
        '\u{1f90}' => "\u{1f98}",
        '\u{1f91}' => "\u{1f99}",
        '\u{1f92}' => "\u{1f9a}",
        '\u{1f93}' => "\u{1f9b}",
        '\u{1f94}' => "\u{1f9c}",
        '\u{1f95}' => "\u{1f9d}",
        '\u{1f96}' => "\u{1f9e}",
        '\u{1f97}' => "\u{1f9f}",
        '\u{1fa0}' => "\u{1fa8}",
        '\u{1fa1}' => "\u{1fa9}",
        '\u{1fa2}' => "\u{1faa}",
        '\u{1fa3}' => "\u{1fab}",
        '\u{1fa4}' => "\u{1fac}",
        '\u{1fa5}' => "\u{1fad}",
        '\u{1fa6}' => "\u{1fae}",
        '\u{1fa7}' => "\u{1faf}",
        '\u{1fb2}' => "\u{1fba}\u{345}",
        '\u{1fb3}' => "\u{1fbc}",
        '\u{1fb4}' => "\u{386}\u{345}",
        '\u{1fb7}' => "\u{391}\u{342}\u{345}",
        '\u{1fc2}' => "\u{1fca}\u{345}",
        '\u{1fc3}' => "\u{1fcc}",
        '\u{1fc4}' => "\u{389}\u{345}",
        '\u{1fc7}' => "\u{397}\u{342}\u{345}",
        '\u{1ff2}' => "\u{1ffa}\u{345}",
        '\u{1ff3}' => "\u{1ffc}",
        '\u{1ff4}' => "\u{38f}\u{345}",
        '\u{1ff7}' => "\u{3a9}\u{342}\u{345}",
        '\u{fb00}' => "Ff",
        '\u{fb01}' => "Fi",
        '\u{fb02}' => "Fl",
        '\u{fb03}' => "Ffi",
        '\u{fb04}' => "Ffl",
        '\u{fb05}' => "St",
        '\u{fb06}' => "St",
        '\u{fb13}' => "\u{544}\u{576}",
        '\u{fb14}' => "\u{544}\u{565}",
        '\u{fb15}' => "\u{544}\u{56b}",
        '\u{fb16}' => "\u{54e}\u{576}",
        '\u{fb17}' => "\u{544}\u{56d}",
        '\u{1c5}'
        | '\u{1c8}'
        | '\u{1cb}'
        | '\u{1f2}'
        | '\u{10d0}'..='\u{10fa}'
        | '\u{10fd}'..='\u{10ff}'
        | '\u{1f88}'..='\u{1f8f}'
        | '\u{1f98}'..='\u{1f9f}'
        | '\u{1fa8}'..='\u{1faf}'
        | '\u{1fbc}'
        | '\u{1fcc}'
        | '\u{1ffc}' => {
            out.push(c);
            return;
        }
        _ => {
            out.extend(c.to_uppercase());
            return;
        }
    };
    out.push_str(special);
}
// @end

// @helper char_cased
/// Python's "cased" character (Lowercase, Uppercase or a titlecase letter): what `str.title()`
/// and `istitle()` count as part of a word (a digit or an uncased letter such as `中` is not).
pub fn char_cased(c: char) -> bool {
    c.is_lowercase()
        || c.is_uppercase()
        || matches!(c, '\u{1c5}' | '\u{1c8}' | '\u{1cb}' | '\u{1f2}' | '\u{1f88}'..='\u{1f8f}' | '\u{1f98}'..='\u{1f9f}' | '\u{1fa8}'..='\u{1faf}' | '\u{1fbc}' | '\u{1fcc}' | '\u{1ffc}')
}
// @end

// @helper str_title deps: char_title, char_cased
/// `s.title()`: the first cased character of each run of cased ones titlecased, the others
/// lowercased (a final sigma as `ς`, as the whole string's lowercase has it).
pub fn str_title(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut low = lower.chars();
    let mut out = String::with_capacity(s.len());
    let mut prev_cased = false;
    for c in s.chars() {
        let n = c.to_lowercase().count();
        if prev_cased {
            out.extend(low.by_ref().take(n));
        } else {
            low.by_ref().take(n).for_each(drop);
            char_title(c, &mut out);
        }
        prev_cased = char_cased(c);
    }
    out
}
// @end

// @helper str_istitle deps: char_cased
/// `s.istitle()`: a titlecase letter (`ǅ`) starts a word as an uppercase one does.
pub fn str_istitle(s: &str) -> bool {
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() || (char_cased(c) && !c.is_lowercase()) {
            if prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else if c.is_lowercase() {
            if !prev_cased {
                return false;
            }
            prev_cased = true;
            any = true;
        } else {
            prev_cased = false;
        }
    }
    any
}
// @end

// @helper str_capitalize deps: char_title
/// `s.capitalize()`: the first character titlecased, the rest lowercased (a final sigma as `ς`:
/// the lowercase is the whole string's, which sees the first letter).
pub fn str_capitalize(s: &str) -> String {
    let mut chars = s.chars();
    let first = match chars.next() {
        Some(first) => first,
        None => return String::new(),
    };
    let mut out = String::with_capacity(s.len());
    char_title(first, &mut out);
    let lower = s.to_lowercase();
    out.extend(lower.chars().skip(first.to_lowercase().count()));
    out
}
// @end

// @helper str_swapcase
/// `s.swapcase()`.
pub fn str_swapcase(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}
// @end

// @helper str_center
/// `s.center(width, fill)`: extra padding goes right when the total is odd... as CPython.
pub fn str_center(s: &str, width: i64, fill: &str) -> String {
    let n = s.chars().count() as i64;
    if width <= n {
        return s.to_string();
    }
    let marg = width - n;
    let left = marg / 2 + (marg & width & 1);
    let right = marg - left;
    format!("{}{}{}", fill.repeat(left as usize), s, fill.repeat(right as usize))
}
// @end

// @helper str_ljust
/// `s.ljust(width, fill)`.
pub fn str_ljust(s: &str, width: i64, fill: &str) -> String {
    let n = s.chars().count() as i64;
    if width <= n {
        return s.to_string();
    }
    format!("{}{}", s, fill.repeat((width - n) as usize))
}
// @end

// @helper str_rjust
/// `s.rjust(width, fill)`.
pub fn str_rjust(s: &str, width: i64, fill: &str) -> String {
    let n = s.chars().count() as i64;
    if width <= n {
        return s.to_string();
    }
    format!("{}{}", fill.repeat((width - n) as usize), s)
}
// @end

// @helper group_by
/// `itertools.groupby(items, key)`: each run of consecutive items with equal keys, with its key.
pub fn group_by<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, Vec<T>)> {
    let mut out: Vec<(K, Vec<T>)> = Vec::new();
    for x in items {
        let k = key(&x);
        match out.last_mut() {
            Some((last, run)) if *last == k => run.push(x),
            _ => out.push((k, vec![x])),
        }
    }
    out
}
// @end

// @helper isclose
/// `math.isclose(a, b, rel_tol, abs_tol)` as Python defines it (infinities only close to
/// themselves).
pub fn isclose(a: f64, b: f64, rel_tol: f64, abs_tol: f64) -> bool {
    if a == b {
        return true;
    }
    if a.is_infinite() || b.is_infinite() {
        return false;
    }
    let diff = (b - a).abs();
    diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol
}
// @end

// @helper str_zfill
/// `s.zfill(width)`: zeros after the sign.
pub fn str_zfill(s: &str, width: i64) -> String {
    let n = s.chars().count() as i64;
    if width <= n {
        return s.to_string();
    }
    let pad = "0".repeat((width - n) as usize);
    match s.chars().next() {
        Some(c) if c == '-' || c == '+' => format!("{}{}{}", c, pad, &s[1..]),
        _ => format!("{}{}", pad, s),
    }
}
// @end

// @helper char_pos
/// The character position of a byte offset.
pub fn char_pos(s: &str, byte: usize) -> i64 {
    s[..byte].chars().count() as i64
}
// @end

// @helper byte_pos
/// The byte offset of a character position (clamped to the end).
pub fn byte_pos(s: &str, chars: i64) -> usize {
    let n = s.chars().count() as i64;
    let c = if chars < 0 { (chars + n).max(0) } else { chars.min(n) };
    s.char_indices().nth(c as usize).map_or(s.len(), |(b, _)| b)
}
// @end

// @helper str_find deps: char_pos, byte_pos
/// `s.find(sub, start)`: the character index, or -1.
pub fn str_find(s: &str, sub: &str, start: i64) -> i64 {
    let from = byte_pos(s, start);
    s[from..].find(sub).map_or(-1, |b| char_pos(s, from + b))
}
// @end

// @helper str_rfind deps: char_pos, byte_pos
/// `s.rfind(sub, start)`: the character index of the last match, or -1.
pub fn str_rfind(s: &str, sub: &str, start: i64) -> i64 {
    let from = byte_pos(s, start);
    s[from..].rfind(sub).map_or(-1, |b| char_pos(s, from + b))
}
// @end

// @helper str_find_in deps: char_pos, byte_pos
/// `s.find(sub, start, end)` (`last`: rfind): the character index of the first (last) match
/// inside `s[start:end]`, or -1. Indices as Python adjusts them: negative ones count from the
/// end, `end` is clamped to the length, a `start` past the end finds nothing (not even "").
pub fn str_find_in(s: &str, sub: &str, start: i64, end: i64, last: bool) -> i64 {
    let n = s.chars().count() as i64;
    let a = if start < 0 { (start + n).max(0) } else { start };
    let b = if end < 0 { (end + n).max(0) } else { end.min(n) };
    if a > n || b < a {
        return -1;
    }
    let (ba, bb) = (byte_pos(s, a), byte_pos(s, b));
    let hay = &s[ba..bb];
    let found = if last { hay.rfind(sub) } else { hay.find(sub) };
    found.map_or(-1, |x| char_pos(s, ba + x))
}
// @end

// @helper str_index_in deps: str_find_in
/// `s.index(sub, start, end)` (`last`: rindex): as find, but a missing substring raises ValueError.
pub fn str_index_in(s: &str, sub: &str, start: i64, end: i64, last: bool) -> i64 {
    let i = str_find_in(s, sub, start, end, last);
    if i < 0 {
        panic!("ValueError: substring not found");
    }
    i
}
// @end

// @helper str_affix_in deps: byte_pos
/// `s.startswith(p, start, end)` (`ends`: endswith): whether `s[start:end]` starts (ends) with
/// `p`, the indices adjusted as Python does (a start past the end: false, even for "").
pub fn str_affix_in(s: &str, p: &str, start: i64, end: i64, ends: bool) -> bool {
    let n = s.chars().count() as i64;
    let a = if start < 0 { (start + n).max(0) } else { start };
    let b = if end < 0 { (end + n).max(0) } else { end.min(n) };
    if b - (p.chars().count() as i64) < a {
        return false;
    }
    let hay = &s[byte_pos(s, a)..byte_pos(s, b)];
    match ends {
        true => hay.ends_with(p),
        false => hay.starts_with(p),
    }
}
// @end

// @helper str_expandtabs
/// `s.expandtabs(tabsize)`: each tab replaced by spaces up to the next multiple of `tabsize`
/// columns (none when tabsize <= 0); a newline or carriage return starts column 0 again.
pub fn str_expandtabs(s: &str, tabsize: i64) -> String {
    let mut out = String::with_capacity(s.len());
    let mut col: i64 = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                if tabsize > 0 {
                    let pad = tabsize - col % tabsize;
                    out.extend(std::iter::repeat(' ').take(pad as usize));
                    col += pad;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    out
}
// @end

// @helper str_index_of deps: str_find
/// `s.index(sub, start)`: as find, but a missing substring raises ValueError.
pub fn str_index_of(s: &str, sub: &str, start: i64) -> i64 {
    let i = str_find(s, sub, start);
    if i < 0 {
        panic!("ValueError: substring not found");
    }
    i
}
// @end

// @helper try_str_index_of deps: PyErr, str_find
/// `s.index(sub, start)` inside try/except: a missing substring is a ValueError to catch.
pub fn try_str_index_of(s: &str, sub: &str, start: i64) -> Result<i64, PyErr> {
    let i = str_find(s, sub, start);
    if i < 0 {
        return Err(PyErr::new("ValueError", "substring not found"));
    }
    Ok(i)
}
// @end

// @helper try_str_rindex_of deps: PyErr, str_rfind
/// `s.rindex(sub, start)` inside try/except.
pub fn try_str_rindex_of(s: &str, sub: &str, start: i64) -> Result<i64, PyErr> {
    let i = str_rfind(s, sub, start);
    if i < 0 {
        return Err(PyErr::new("ValueError", "substring not found"));
    }
    Ok(i)
}
// @end

// @helper try_str_index_in deps: PyErr, str_find_in
/// `s.index(sub, start, end)` / `rindex` inside try/except.
pub fn try_str_index_in(s: &str, sub: &str, start: i64, end: i64, last: bool) -> Result<i64, PyErr> {
    let i = str_find_in(s, sub, start, end, last);
    if i < 0 {
        return Err(PyErr::new("ValueError", "substring not found"));
    }
    Ok(i)
}
// @end

// @helper str_rindex_of deps: str_rfind
/// `s.rindex(sub, start)`.
pub fn str_rindex_of(s: &str, sub: &str, start: i64) -> i64 {
    let i = str_rfind(s, sub, start);
    if i < 0 {
        panic!("ValueError: substring not found");
    }
    i
}
// @end

// @helper split_ws
/// `s.split()`: the pieces between runs of Python's whitespace (what `str.isspace` accepts:
/// Unicode White_Space and the separators \x1c-\x1f), borrowed from s. ASCII text is scanned
/// eight bytes at a time within a word.
pub fn split_ws(s: &str) -> SplitWs<'_> {
    SplitWs {
        s,
        pos: 0,
        ascii: s.is_ascii(),
    }
}

pub struct SplitWs<'a> {
    s: &'a str,
    pos: usize, // where the rest of s starts
    ascii: bool,
}

#[inline]
fn py_space_ascii(b: u8) -> bool {
    // bits 9-13 (\t..\r), 28-31 (\x1c..\x1f) and 32 (space): one compare for every letter
    const SPACES: u64 = 0b1_1111_0000_0000_0000_0011_1110_0000_0000;
    b <= b' ' && (SPACES >> b) & 1 == 1
}

/// The first index from `j` of a byte of Python's whitespace in ASCII text (b.len() if none),
/// eight bytes at a time: a word's bytes are nearly all above b' ', and one test per eight finds
/// the first byte <= b' ' (a control character that is not whitespace continues the scan).
#[inline]
fn ascii_word_end(b: &[u8], mut j: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    loop {
        while let Some(chunk) = b.get(j..j + 8) {
            let w = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
            // the high bit of each byte below 0x21; exact for the lowest such byte of ASCII
            let low = w.wrapping_sub(ONES * 0x21) & !w & (ONES * 0x80);
            if low != 0 {
                j += (low.trailing_zeros() / 8) as usize;
                break;
            }
            j += 8;
        }
        while j < b.len() && b[j] > b' ' {
            j += 1;
        }
        if j >= b.len() || py_space_ascii(b[j]) {
            return j;
        }
        j += 1;
    }
}

fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

fn py_space_boundary(s: &str, space: bool) -> Option<usize> {
    s.char_indices().find(|&(_, c)| py_space(c) == space).map(|(i, _)| i)
}

impl<'a> Iterator for SplitWs<'a> {
    type Item = &'a str;

    // Always inlined, with the non-ASCII path out of line: inlined into the caller's loop, `pos`
    // stays in a register instead of a store and a load through `self` per word, and the call's
    // register saves go (docs/speed.md, sixth pass).
    #[inline(always)]
    fn next(&mut self) -> Option<&'a str> {
        if !self.ascii {
            return self.next_unicode();
        }
        let b = self.s.as_bytes();
        let mut i = self.pos;
        while i < b.len() && py_space_ascii(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            self.pos = b.len();
            return None;
        }
        let j = ascii_word_end(b, i + 1);
        // b[j], if any, is whitespace: the next word starts after it at the earliest
        self.pos = if j < b.len() { j + 1 } else { j };
        self.s.get(i..j)
    }
}

impl<'a> SplitWs<'a> {
    /// `next` for text that is not all ASCII (Python's whitespace has non-ASCII characters too).
    #[inline(never)]
    fn next_unicode(&mut self) -> Option<&'a str> {
        let rest = &self.s[self.pos..];
        let Some(start) = py_space_boundary(rest, false) else {
            self.pos = self.s.len();
            return None;
        };
        let piece = &rest[start..];
        let end = py_space_boundary(piece, true).unwrap_or(piece.len());
        self.pos += start + end;
        Some(&piece[..end])
    }
}
// @end

// @helper split_whitespace_n
/// `s.split(None, maxsplit)`.
pub fn split_whitespace_n(s: &str, maxsplit: i64) -> Vec<String> {
    if maxsplit < 0 {
        return s.split_whitespace().map(|p| p.to_string()).collect();
    }
    let mut out = Vec::new();
    let mut rest = s.trim_start();
    while !rest.is_empty() {
        if out.len() as i64 == maxsplit {
            out.push(rest.to_string());
            break;
        }
        match rest.find(char::is_whitespace) {
            Some(i) => {
                out.push(rest[..i].to_string());
                rest = rest[i..].trim_start();
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    out
}
// @end

// @helper str_replace_empty
/// `s.replace("", new)`: new between every character and at both ends.
pub fn str_replace_empty(s: &str, new: &str) -> String {
    let mut out = String::from(new);
    for c in s.chars() {
        out.push(c);
        out.push_str(new);
    }
    out
}
// @end

// @helper list_pop_at deps: index
/// `xs.pop(i)`.
pub fn list_pop_at<T>(xs: &mut Vec<T>, i: i64) -> T {
    if xs.is_empty() {
        panic!("IndexError: pop from empty list");
    }
    let at = index(i, xs.len());
    xs.remove(at)
}
// @end

// @helper str_repr
/// `repr(s)` of a str: quotes and escapes as Python prints them (a non-printable character is
/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, printable ones stay as they are).
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        let n = c as u32;
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            _ if n < 0x20 || n == 0x7f => out.push_str(&format!("\\x{:02x}", n)),
            c if n < 0x7f || py_printable(c) => out.push(c),
            _ if n <= 0xff => out.push_str(&format!("\\x{:02x}", n)),
            _ if n <= 0xffff => out.push_str(&format!("\\u{:04x}", n)),
            _ => out.push_str(&format!("\\U{:08x}", n)),
        }
    }
    out.push(quote);
    out
}

/// Python's `c.isprintable()` for a character from U+0080 (NON_PRINTABLE's ranges).
fn py_printable(c: char) -> bool {
    let n = c as u32;
    // the number of range bounds at or below n: odd means inside a [first, last] range
    let below = NON_PRINTABLE.partition_point(|&b| b <= n);
    let inside = below % 2 == 1 || (below > 0 && below % 2 == 0 && NON_PRINTABLE[below - 1] == n);
    !inside
}

/// Python's non-printable code points from U+0080 (`str.isprintable()`, Unicode 14.0 as in
/// Python 3.11): pairs of first and last of each range, in order.
const NON_PRINTABLE: [u32; 1400] = [
    0x80, 0xA0, 0xAD, 0xAD, 0x378, 0x379, 0x380, 0x383, 0x38B, 0x38B, 0x38D, 0x38D, 0x3A2, 0x3A2,
    0x530, 0x530, 0x557, 0x558, 0x58B, 0x58C, 0x590, 0x590, 0x5C8, 0x5CF, 0x5EB, 0x5EE, 0x5F5,
    0x605, 0x61C, 0x61C, 0x6DD, 0x6DD, 0x70E, 0x70F, 0x74B, 0x74C, 0x7B2, 0x7BF, 0x7FB, 0x7FC,
    0x82E, 0x82F, 0x83F, 0x83F, 0x85C, 0x85D, 0x85F, 0x85F, 0x86B, 0x86F, 0x88F, 0x897, 0x8E2,
    0x8E2, 0x984, 0x984, 0x98D, 0x98E, 0x991, 0x992, 0x9A9, 0x9A9, 0x9B1, 0x9B1, 0x9B3, 0x9B5,
    0x9BA, 0x9BB, 0x9C5, 0x9C6, 0x9C9, 0x9CA, 0x9CF, 0x9D6, 0x9D8, 0x9DB, 0x9DE, 0x9DE, 0x9E4,
    0x9E5, 0x9FF, 0xA00, 0xA04, 0xA04, 0xA0B, 0xA0E, 0xA11, 0xA12, 0xA29, 0xA29, 0xA31, 0xA31,
    0xA34, 0xA34, 0xA37, 0xA37, 0xA3A, 0xA3B, 0xA3D, 0xA3D, 0xA43, 0xA46, 0xA49, 0xA4A, 0xA4E,
    0xA50, 0xA52, 0xA58, 0xA5D, 0xA5D, 0xA5F, 0xA65, 0xA77, 0xA80, 0xA84, 0xA84, 0xA8E, 0xA8E,
    0xA92, 0xA92, 0xAA9, 0xAA9, 0xAB1, 0xAB1, 0xAB4, 0xAB4, 0xABA, 0xABB, 0xAC6, 0xAC6, 0xACA,
    0xACA, 0xACE, 0xACF, 0xAD1, 0xADF, 0xAE4, 0xAE5, 0xAF2, 0xAF8, 0xB00, 0xB00, 0xB04, 0xB04,
    0xB0D, 0xB0E, 0xB11, 0xB12, 0xB29, 0xB29, 0xB31, 0xB31, 0xB34, 0xB34, 0xB3A, 0xB3B, 0xB45,
    0xB46, 0xB49, 0xB4A, 0xB4E, 0xB54, 0xB58, 0xB5B, 0xB5E, 0xB5E, 0xB64, 0xB65, 0xB78, 0xB81,
    0xB84, 0xB84, 0xB8B, 0xB8D, 0xB91, 0xB91, 0xB96, 0xB98, 0xB9B, 0xB9B, 0xB9D, 0xB9D, 0xBA0,
    0xBA2, 0xBA5, 0xBA7, 0xBAB, 0xBAD, 0xBBA, 0xBBD, 0xBC3, 0xBC5, 0xBC9, 0xBC9, 0xBCE, 0xBCF,
    0xBD1, 0xBD6, 0xBD8, 0xBE5, 0xBFB, 0xBFF, 0xC0D, 0xC0D, 0xC11, 0xC11, 0xC29, 0xC29, 0xC3A,
    0xC3B, 0xC45, 0xC45, 0xC49, 0xC49, 0xC4E, 0xC54, 0xC57, 0xC57, 0xC5B, 0xC5C, 0xC5E, 0xC5F,
    0xC64, 0xC65, 0xC70, 0xC76, 0xC8D, 0xC8D, 0xC91, 0xC91, 0xCA9, 0xCA9, 0xCB4, 0xCB4, 0xCBA,
    0xCBB, 0xCC5, 0xCC5, 0xCC9, 0xCC9, 0xCCE, 0xCD4, 0xCD7, 0xCDC, 0xCDF, 0xCDF, 0xCE4, 0xCE5,
    0xCF0, 0xCF0, 0xCF3, 0xCFF, 0xD0D, 0xD0D, 0xD11, 0xD11, 0xD45, 0xD45, 0xD49, 0xD49, 0xD50,
    0xD53, 0xD64, 0xD65, 0xD80, 0xD80, 0xD84, 0xD84, 0xD97, 0xD99, 0xDB2, 0xDB2, 0xDBC, 0xDBC,
    0xDBE, 0xDBF, 0xDC7, 0xDC9, 0xDCB, 0xDCE, 0xDD5, 0xDD5, 0xDD7, 0xDD7, 0xDE0, 0xDE5, 0xDF0,
    0xDF1, 0xDF5, 0xE00, 0xE3B, 0xE3E, 0xE5C, 0xE80, 0xE83, 0xE83, 0xE85, 0xE85, 0xE8B, 0xE8B,
    0xEA4, 0xEA4, 0xEA6, 0xEA6, 0xEBE, 0xEBF, 0xEC5, 0xEC5, 0xEC7, 0xEC7, 0xECE, 0xECF, 0xEDA,
    0xEDB, 0xEE0, 0xEFF, 0xF48, 0xF48, 0xF6D, 0xF70, 0xF98, 0xF98, 0xFBD, 0xFBD, 0xFCD, 0xFCD,
    0xFDB, 0xFFF, 0x10C6, 0x10C6, 0x10C8, 0x10CC, 0x10CE, 0x10CF, 0x1249, 0x1249, 0x124E, 0x124F,
    0x1257, 0x1257, 0x1259, 0x1259, 0x125E, 0x125F, 0x1289, 0x1289, 0x128E, 0x128F, 0x12B1, 0x12B1,
    0x12B6, 0x12B7, 0x12BF, 0x12BF, 0x12C1, 0x12C1, 0x12C6, 0x12C7, 0x12D7, 0x12D7, 0x1311, 0x1311,
    0x1316, 0x1317, 0x135B, 0x135C, 0x137D, 0x137F, 0x139A, 0x139F, 0x13F6, 0x13F7, 0x13FE, 0x13FF,
    0x1680, 0x1680, 0x169D, 0x169F, 0x16F9, 0x16FF, 0x1716, 0x171E, 0x1737, 0x173F, 0x1754, 0x175F,
    0x176D, 0x176D, 0x1771, 0x1771, 0x1774, 0x177F, 0x17DE, 0x17DF, 0x17EA, 0x17EF, 0x17FA, 0x17FF,
    0x180E, 0x180E, 0x181A, 0x181F, 0x1879, 0x187F, 0x18AB, 0x18AF, 0x18F6, 0x18FF, 0x191F, 0x191F,
    0x192C, 0x192F, 0x193C, 0x193F, 0x1941, 0x1943, 0x196E, 0x196F, 0x1975, 0x197F, 0x19AC, 0x19AF,
    0x19CA, 0x19CF, 0x19DB, 0x19DD, 0x1A1C, 0x1A1D, 0x1A5F, 0x1A5F, 0x1A7D, 0x1A7E, 0x1A8A, 0x1A8F,
    0x1A9A, 0x1A9F, 0x1AAE, 0x1AAF, 0x1ACF, 0x1AFF, 0x1B4D, 0x1B4F, 0x1B7F, 0x1B7F, 0x1BF4, 0x1BFB,
    0x1C38, 0x1C3A, 0x1C4A, 0x1C4C, 0x1C89, 0x1C8F, 0x1CBB, 0x1CBC, 0x1CC8, 0x1CCF, 0x1CFB, 0x1CFF,
    0x1F16, 0x1F17, 0x1F1E, 0x1F1F, 0x1F46, 0x1F47, 0x1F4E, 0x1F4F, 0x1F58, 0x1F58, 0x1F5A, 0x1F5A,
    0x1F5C, 0x1F5C, 0x1F5E, 0x1F5E, 0x1F7E, 0x1F7F, 0x1FB5, 0x1FB5, 0x1FC5, 0x1FC5, 0x1FD4, 0x1FD5,
    0x1FDC, 0x1FDC, 0x1FF0, 0x1FF1, 0x1FF5, 0x1FF5, 0x1FFF, 0x200F, 0x2028, 0x202F, 0x205F, 0x206F,
    0x2072, 0x2073, 0x208F, 0x208F, 0x209D, 0x209F, 0x20C1, 0x20CF, 0x20F1, 0x20FF, 0x218C, 0x218F,
    0x2427, 0x243F, 0x244B, 0x245F, 0x2B74, 0x2B75, 0x2B96, 0x2B96, 0x2CF4, 0x2CF8, 0x2D26, 0x2D26,
    0x2D28, 0x2D2C, 0x2D2E, 0x2D2F, 0x2D68, 0x2D6E, 0x2D71, 0x2D7E, 0x2D97, 0x2D9F, 0x2DA7, 0x2DA7,
    0x2DAF, 0x2DAF, 0x2DB7, 0x2DB7, 0x2DBF, 0x2DBF, 0x2DC7, 0x2DC7, 0x2DCF, 0x2DCF, 0x2DD7, 0x2DD7,
    0x2DDF, 0x2DDF, 0x2E5E, 0x2E7F, 0x2E9A, 0x2E9A, 0x2EF4, 0x2EFF, 0x2FD6, 0x2FEF, 0x2FFC, 0x3000,
    0x3040, 0x3040, 0x3097, 0x3098, 0x3100, 0x3104, 0x3130, 0x3130, 0x318F, 0x318F, 0x31E4, 0x31EF,
    0x321F, 0x321F, 0xA48D, 0xA48F, 0xA4C7, 0xA4CF, 0xA62C, 0xA63F, 0xA6F8, 0xA6FF, 0xA7CB, 0xA7CF,
    0xA7D2, 0xA7D2, 0xA7D4, 0xA7D4, 0xA7DA, 0xA7F1, 0xA82D, 0xA82F, 0xA83A, 0xA83F, 0xA878, 0xA87F,
    0xA8C6, 0xA8CD, 0xA8DA, 0xA8DF, 0xA954, 0xA95E, 0xA97D, 0xA97F, 0xA9CE, 0xA9CE, 0xA9DA, 0xA9DD,
    0xA9FF, 0xA9FF, 0xAA37, 0xAA3F, 0xAA4E, 0xAA4F, 0xAA5A, 0xAA5B, 0xAAC3, 0xAADA, 0xAAF7, 0xAB00,
    0xAB07, 0xAB08, 0xAB0F, 0xAB10, 0xAB17, 0xAB1F, 0xAB27, 0xAB27, 0xAB2F, 0xAB2F, 0xAB6C, 0xAB6F,
    0xABEE, 0xABEF, 0xABFA, 0xABFF, 0xD7A4, 0xD7AF, 0xD7C7, 0xD7CA, 0xD7FC, 0xF8FF, 0xFA6E, 0xFA6F,
    0xFADA, 0xFAFF, 0xFB07, 0xFB12, 0xFB18, 0xFB1C, 0xFB37, 0xFB37, 0xFB3D, 0xFB3D, 0xFB3F, 0xFB3F,
    0xFB42, 0xFB42, 0xFB45, 0xFB45, 0xFBC3, 0xFBD2, 0xFD90, 0xFD91, 0xFDC8, 0xFDCE, 0xFDD0, 0xFDEF,
    0xFE1A, 0xFE1F, 0xFE53, 0xFE53, 0xFE67, 0xFE67, 0xFE6C, 0xFE6F, 0xFE75, 0xFE75, 0xFEFD, 0xFF00,
    0xFFBF, 0xFFC1, 0xFFC8, 0xFFC9, 0xFFD0, 0xFFD1, 0xFFD8, 0xFFD9, 0xFFDD, 0xFFDF, 0xFFE7, 0xFFE7,
    0xFFEF, 0xFFFB, 0xFFFE, 0xFFFF, 0x1000C, 0x1000C, 0x10027, 0x10027, 0x1003B, 0x1003B, 0x1003E,
    0x1003E, 0x1004E, 0x1004F, 0x1005E, 0x1007F, 0x100FB, 0x100FF, 0x10103, 0x10106, 0x10134,
    0x10136, 0x1018F, 0x1018F, 0x1019D, 0x1019F, 0x101A1, 0x101CF, 0x101FE, 0x1027F, 0x1029D,
    0x1029F, 0x102D1, 0x102DF, 0x102FC, 0x102FF, 0x10324, 0x1032C, 0x1034B, 0x1034F, 0x1037B,
    0x1037F, 0x1039E, 0x1039E, 0x103C4, 0x103C7, 0x103D6, 0x103FF, 0x1049E, 0x1049F, 0x104AA,
    0x104AF, 0x104D4, 0x104D7, 0x104FC, 0x104FF, 0x10528, 0x1052F, 0x10564, 0x1056E, 0x1057B,
    0x1057B, 0x1058B, 0x1058B, 0x10593, 0x10593, 0x10596, 0x10596, 0x105A2, 0x105A2, 0x105B2,
    0x105B2, 0x105BA, 0x105BA, 0x105BD, 0x105FF, 0x10737, 0x1073F, 0x10756, 0x1075F, 0x10768,
    0x1077F, 0x10786, 0x10786, 0x107B1, 0x107B1, 0x107BB, 0x107FF, 0x10806, 0x10807, 0x10809,
    0x10809, 0x10836, 0x10836, 0x10839, 0x1083B, 0x1083D, 0x1083E, 0x10856, 0x10856, 0x1089F,
    0x108A6, 0x108B0, 0x108DF, 0x108F3, 0x108F3, 0x108F6, 0x108FA, 0x1091C, 0x1091E, 0x1093A,
    0x1093E, 0x10940, 0x1097F, 0x109B8, 0x109BB, 0x109D0, 0x109D1, 0x10A04, 0x10A04, 0x10A07,
    0x10A0B, 0x10A14, 0x10A14, 0x10A18, 0x10A18, 0x10A36, 0x10A37, 0x10A3B, 0x10A3E, 0x10A49,
    0x10A4F, 0x10A59, 0x10A5F, 0x10AA0, 0x10ABF, 0x10AE7, 0x10AEA, 0x10AF7, 0x10AFF, 0x10B36,
    0x10B38, 0x10B56, 0x10B57, 0x10B73, 0x10B77, 0x10B92, 0x10B98, 0x10B9D, 0x10BA8, 0x10BB0,
    0x10BFF, 0x10C49, 0x10C7F, 0x10CB3, 0x10CBF, 0x10CF3, 0x10CF9, 0x10D28, 0x10D2F, 0x10D3A,
    0x10E5F, 0x10E7F, 0x10E7F, 0x10EAA, 0x10EAA, 0x10EAE, 0x10EAF, 0x10EB2, 0x10EFF, 0x10F28,
    0x10F2F, 0x10F5A, 0x10F6F, 0x10F8A, 0x10FAF, 0x10FCC, 0x10FDF, 0x10FF7, 0x10FFF, 0x1104E,
    0x11051, 0x11076, 0x1107E, 0x110BD, 0x110BD, 0x110C3, 0x110CF, 0x110E9, 0x110EF, 0x110FA,
    0x110FF, 0x11135, 0x11135, 0x11148, 0x1114F, 0x11177, 0x1117F, 0x111E0, 0x111E0, 0x111F5,
    0x111FF, 0x11212, 0x11212, 0x1123F, 0x1127F, 0x11287, 0x11287, 0x11289, 0x11289, 0x1128E,
    0x1128E, 0x1129E, 0x1129E, 0x112AA, 0x112AF, 0x112EB, 0x112EF, 0x112FA, 0x112FF, 0x11304,
    0x11304, 0x1130D, 0x1130E, 0x11311, 0x11312, 0x11329, 0x11329, 0x11331, 0x11331, 0x11334,
    0x11334, 0x1133A, 0x1133A, 0x11345, 0x11346, 0x11349, 0x1134A, 0x1134E, 0x1134F, 0x11351,
    0x11356, 0x11358, 0x1135C, 0x11364, 0x11365, 0x1136D, 0x1136F, 0x11375, 0x113FF, 0x1145C,
    0x1145C, 0x11462, 0x1147F, 0x114C8, 0x114CF, 0x114DA, 0x1157F, 0x115B6, 0x115B7, 0x115DE,
    0x115FF, 0x11645, 0x1164F, 0x1165A, 0x1165F, 0x1166D, 0x1167F, 0x116BA, 0x116BF, 0x116CA,
    0x116FF, 0x1171B, 0x1171C, 0x1172C, 0x1172F, 0x11747, 0x117FF, 0x1183C, 0x1189F, 0x118F3,
    0x118FE, 0x11907, 0x11908, 0x1190A, 0x1190B, 0x11914, 0x11914, 0x11917, 0x11917, 0x11936,
    0x11936, 0x11939, 0x1193A, 0x11947, 0x1194F, 0x1195A, 0x1199F, 0x119A8, 0x119A9, 0x119D8,
    0x119D9, 0x119E5, 0x119FF, 0x11A48, 0x11A4F, 0x11AA3, 0x11AAF, 0x11AF9, 0x11BFF, 0x11C09,
    0x11C09, 0x11C37, 0x11C37, 0x11C46, 0x11C4F, 0x11C6D, 0x11C6F, 0x11C90, 0x11C91, 0x11CA8,
    0x11CA8, 0x11CB7, 0x11CFF, 0x11D07, 0x11D07, 0x11D0A, 0x11D0A, 0x11D37, 0x11D39, 0x11D3B,
    0x11D3B, 0x11D3E, 0x11D3E, 0x11D48, 0x11D4F, 0x11D5A, 0x11D5F, 0x11D66, 0x11D66, 0x11D69,
    0x11D69, 0x11D8F, 0x11D8F, 0x11D92, 0x11D92, 0x11D99, 0x11D9F, 0x11DAA, 0x11EDF, 0x11EF9,
    0x11FAF, 0x11FB1, 0x11FBF, 0x11FF2, 0x11FFE, 0x1239A, 0x123FF, 0x1246F, 0x1246F, 0x12475,
    0x1247F, 0x12544, 0x12F8F, 0x12FF3, 0x12FFF, 0x1342F, 0x143FF, 0x14647, 0x167FF, 0x16A39,
    0x16A3F, 0x16A5F, 0x16A5F, 0x16A6A, 0x16A6D, 0x16ABF, 0x16ABF, 0x16ACA, 0x16ACF, 0x16AEE,
    0x16AEF, 0x16AF6, 0x16AFF, 0x16B46, 0x16B4F, 0x16B5A, 0x16B5A, 0x16B62, 0x16B62, 0x16B78,
    0x16B7C, 0x16B90, 0x16E3F, 0x16E9B, 0x16EFF, 0x16F4B, 0x16F4E, 0x16F88, 0x16F8E, 0x16FA0,
    0x16FDF, 0x16FE5, 0x16FEF, 0x16FF2, 0x16FFF, 0x187F8, 0x187FF, 0x18CD6, 0x18CFF, 0x18D09,
    0x1AFEF, 0x1AFF4, 0x1AFF4, 0x1AFFC, 0x1AFFC, 0x1AFFF, 0x1AFFF, 0x1B123, 0x1B14F, 0x1B153,
    0x1B163, 0x1B168, 0x1B16F, 0x1B2FC, 0x1BBFF, 0x1BC6B, 0x1BC6F, 0x1BC7D, 0x1BC7F, 0x1BC89,
    0x1BC8F, 0x1BC9A, 0x1BC9B, 0x1BCA0, 0x1CEFF, 0x1CF2E, 0x1CF2F, 0x1CF47, 0x1CF4F, 0x1CFC4,
    0x1CFFF, 0x1D0F6, 0x1D0FF, 0x1D127, 0x1D128, 0x1D173, 0x1D17A, 0x1D1EB, 0x1D1FF, 0x1D246,
    0x1D2DF, 0x1D2F4, 0x1D2FF, 0x1D357, 0x1D35F, 0x1D379, 0x1D3FF, 0x1D455, 0x1D455, 0x1D49D,
    0x1D49D, 0x1D4A0, 0x1D4A1, 0x1D4A3, 0x1D4A4, 0x1D4A7, 0x1D4A8, 0x1D4AD, 0x1D4AD, 0x1D4BA,
    0x1D4BA, 0x1D4BC, 0x1D4BC, 0x1D4C4, 0x1D4C4, 0x1D506, 0x1D506, 0x1D50B, 0x1D50C, 0x1D515,
    0x1D515, 0x1D51D, 0x1D51D, 0x1D53A, 0x1D53A, 0x1D53F, 0x1D53F, 0x1D545, 0x1D545, 0x1D547,
    0x1D549, 0x1D551, 0x1D551, 0x1D6A6, 0x1D6A7, 0x1D7CC, 0x1D7CD, 0x1DA8C, 0x1DA9A, 0x1DAA0,
    0x1DAA0, 0x1DAB0, 0x1DEFF, 0x1DF1F, 0x1DFFF, 0x1E007, 0x1E007, 0x1E019, 0x1E01A, 0x1E022,
    0x1E022, 0x1E025, 0x1E025, 0x1E02B, 0x1E0FF, 0x1E12D, 0x1E12F, 0x1E13E, 0x1E13F, 0x1E14A,
    0x1E14D, 0x1E150, 0x1E28F, 0x1E2AF, 0x1E2BF, 0x1E2FA, 0x1E2FE, 0x1E300, 0x1E7DF, 0x1E7E7,
    0x1E7E7, 0x1E7EC, 0x1E7EC, 0x1E7EF, 0x1E7EF, 0x1E7FF, 0x1E7FF, 0x1E8C5, 0x1E8C6, 0x1E8D7,
    0x1E8FF, 0x1E94C, 0x1E94F, 0x1E95A, 0x1E95D, 0x1E960, 0x1EC70, 0x1ECB5, 0x1ED00, 0x1ED3E,
    0x1EDFF, 0x1EE04, 0x1EE04, 0x1EE20, 0x1EE20, 0x1EE23, 0x1EE23, 0x1EE25, 0x1EE26, 0x1EE28,
    0x1EE28, 0x1EE33, 0x1EE33, 0x1EE38, 0x1EE38, 0x1EE3A, 0x1EE3A, 0x1EE3C, 0x1EE41, 0x1EE43,
    0x1EE46, 0x1EE48, 0x1EE48, 0x1EE4A, 0x1EE4A, 0x1EE4C, 0x1EE4C, 0x1EE50, 0x1EE50, 0x1EE53,
    0x1EE53, 0x1EE55, 0x1EE56, 0x1EE58, 0x1EE58, 0x1EE5A, 0x1EE5A, 0x1EE5C, 0x1EE5C, 0x1EE5E,
    0x1EE5E, 0x1EE60, 0x1EE60, 0x1EE63, 0x1EE63, 0x1EE65, 0x1EE66, 0x1EE6B, 0x1EE6B, 0x1EE73,
    0x1EE73, 0x1EE78, 0x1EE78, 0x1EE7D, 0x1EE7D, 0x1EE7F, 0x1EE7F, 0x1EE8A, 0x1EE8A, 0x1EE9C,
    0x1EEA0, 0x1EEA4, 0x1EEA4, 0x1EEAA, 0x1EEAA, 0x1EEBC, 0x1EEEF, 0x1EEF2, 0x1EFFF, 0x1F02C,
    0x1F02F, 0x1F094, 0x1F09F, 0x1F0AF, 0x1F0B0, 0x1F0C0, 0x1F0C0, 0x1F0D0, 0x1F0D0, 0x1F0F6,
    0x1F0FF, 0x1F1AE, 0x1F1E5, 0x1F203, 0x1F20F, 0x1F23C, 0x1F23F, 0x1F249, 0x1F24F, 0x1F252,
    0x1F25F, 0x1F266, 0x1F2FF, 0x1F6D8, 0x1F6DC, 0x1F6ED, 0x1F6EF, 0x1F6FD, 0x1F6FF, 0x1F774,
    0x1F77F, 0x1F7D9, 0x1F7DF, 0x1F7EC, 0x1F7EF, 0x1F7F1, 0x1F7FF, 0x1F80C, 0x1F80F, 0x1F848,
    0x1F84F, 0x1F85A, 0x1F85F, 0x1F888, 0x1F88F, 0x1F8AE, 0x1F8AF, 0x1F8B2, 0x1F8FF, 0x1FA54,
    0x1FA5F, 0x1FA6E, 0x1FA6F, 0x1FA75, 0x1FA77, 0x1FA7D, 0x1FA7F, 0x1FA87, 0x1FA8F, 0x1FAAD,
    0x1FAAF, 0x1FABB, 0x1FABF, 0x1FAC6, 0x1FACF, 0x1FADA, 0x1FADF, 0x1FAE8, 0x1FAEF, 0x1FAF7,
    0x1FAFF, 0x1FB93, 0x1FB93, 0x1FBCB, 0x1FBEF, 0x1FBFA, 0x1FFFF, 0x2A6E0, 0x2A6FF, 0x2B739,
    0x2B73F, 0x2B81E, 0x2B81F, 0x2CEA2, 0x2CEAF, 0x2EBE1, 0x2F7FF, 0x2FA1E, 0x2FFFF, 0x3134B,
    0xE00FF, 0xE01F0, 0x10FFFF,
];
// @end

// @helper PyRepr deps: str_repr, float_repr, PyDict, bytes_repr
/// `repr()`/`str()` of containers, as Python prints them.
pub trait PyRepr {
    fn py_repr(&self) -> String;
    /// How a Vec or slice of these prints: a list, except bytes (`Vec<u8>`): `b'...'`.
    fn py_repr_seq(items: &[Self]) -> String
    where
        Self: Sized,
    {
        format!("[{}]", items.iter().map(|x| x.py_repr()).collect::<Vec<_>>().join(", "))
    }
}

impl PyRepr for u8 {
    fn py_repr(&self) -> String {
        self.to_string()
    }
    fn py_repr_seq(items: &[Self]) -> String {
        bytes_repr(items)
    }
}

impl PyRepr for i64 {
    fn py_repr(&self) -> String {
        self.to_string()
    }
}

impl PyRepr for f64 {
    fn py_repr(&self) -> String {
        float_repr(*self)
    }
}

impl PyRepr for bool {
    fn py_repr(&self) -> String {
        if *self { "True" } else { "False" }.to_string()
    }
}

impl PyRepr for () {
    fn py_repr(&self) -> String {
        "None".to_string()
    }
}

impl PyRepr for String {
    fn py_repr(&self) -> String {
        str_repr(self)
    }
}

impl PyRepr for str {
    fn py_repr(&self) -> String {
        str_repr(self)
    }
}

impl<T: PyRepr + ?Sized> PyRepr for &T {
    fn py_repr(&self) -> String {
        (**self).py_repr()
    }
}

impl<T: PyRepr> PyRepr for Vec<T> {
    fn py_repr(&self) -> String {
        T::py_repr_seq(self)
    }
}

impl<T: PyRepr> PyRepr for [T] {
    fn py_repr(&self) -> String {
        T::py_repr_seq(self)
    }
}

impl<T: PyRepr> PyRepr for Option<T> {
    fn py_repr(&self) -> String {
        match self {
            Some(x) => x.py_repr(),
            None => "None".to_string(),
        }
    }
}

impl<T: PyRepr> PyRepr for std::collections::HashSet<T> {
    fn py_repr(&self) -> String {
        if self.is_empty() {
            return "set()".to_string();
        }
        format!("{{{}}}", self.iter().map(|x| x.py_repr()).collect::<Vec<_>>().join(", "))
    }
}

impl<K: PyRepr + std::hash::Hash + Eq + Clone, V: PyRepr> PyRepr for PyDict<K, V> {
    fn py_repr(&self) -> String {
        let items: Vec<String> = self.items().map(|(k, v)| format!("{}: {}", k.py_repr(), v.py_repr())).collect();
        format!("{{{}}}", items.join(", "))
    }
}

macro_rules! py_repr_tuple {
    ($($name:ident)+) => {
        impl<$($name: PyRepr),+> PyRepr for ($($name,)+) {
            #[allow(non_snake_case)]
            fn py_repr(&self) -> String {
                let ($($name,)+) = self;
                let parts: Vec<String> = vec![$($name.py_repr()),+];
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
        }
    };
}
py_repr_tuple!(A);
py_repr_tuple!(A B);
py_repr_tuple!(A B C);
py_repr_tuple!(A B C D);
py_repr_tuple!(A B C D E);
py_repr_tuple!(A B C D E F);
// @end

// @helper list_repeat
/// `xs * n` for a list whose items are not Copy: n clones of the items, in order.
pub fn list_repeat<T: Clone>(xs: &[T], n: usize) -> Vec<T> {
    let mut out = Vec::with_capacity(xs.len() * n);
    for _ in 0..n {
        out.extend_from_slice(xs);
    }
    out
}
// @end

// @helper list_set_slice deps: slice_indices
/// `xs[start:stop:step] = values`: a plain slice is replaced (the list may change length);
/// an extended slice needs exactly as many values as it selects.
pub fn list_set_slice<T>(xs: &mut Vec<T>, start: Option<i64>, stop: Option<i64>, step: i64, values: Vec<T>) {
    if step == 1 {
        let n = xs.len() as i64;
        let clamp = |v: i64| -> usize { (if v < 0 { v + n } else { v }).clamp(0, n) as usize };
        let a = start.map_or(0, clamp);
        let b = stop.map_or(xs.len(), clamp).max(a);
        xs.splice(a..b, values);
        return;
    }
    let positions = slice_indices(xs.len(), start, stop, step);
    if positions.len() != values.len() {
        panic!(
            "ValueError: attempt to assign sequence of size {} to extended slice of size {}",
            values.len(),
            positions.len()
        );
    }
    for (i, v) in positions.into_iter().zip(values) {
        xs[i] = v;
    }
}
// @end

// @helper counter deps: PyDict
/// `collections.Counter(items)`: how often each item occurs, in first-seen order.
pub fn counter<T: std::hash::Hash + Eq + Clone>(items: impl IntoIterator<Item = T>) -> PyDict<T, i64> {
    let mut d = PyDict::new();
    for x in items {
        let n = d.get(&x).copied().unwrap_or(0);
        d.insert(x, n + 1);
    }
    d
}
// @end

// @helper counter_most_common deps: PyDict
/// `Counter.most_common(n)`: (item, count), highest count first, equal counts in the order the
/// items were first seen; all of them when n is None.
pub fn counter_most_common<T: std::hash::Hash + Eq + Clone>(c: &PyDict<T, i64>, n: Option<i64>) -> Vec<(T, i64)> {
    let mut items: Vec<(T, i64)> = c.items().map(|(k, v)| (k.clone(), *v)).collect();
    items.sort_by(|a, b| b.1.cmp(&a.1));
    if let Some(n) = n {
        items.truncate(n.max(0) as usize);
    }
    items
}
// @end

// @helper counter_update deps: PyDict
impl<T: std::hash::Hash + Eq + Clone> PyDict<T, i64> {
    /// `Counter.update(items)`: each (item, count) adds to the item's count.
    pub fn counter_update(&mut self, items: impl IntoIterator<Item = (T, i64)>) {
        for (k, n) in items {
            let old = self.get(&k).copied().unwrap_or(0);
            self.insert(k, old + n);
        }
    }
}
// @end

// @helper PyErr
/// A Python exception travelling as a Rust error: its class name and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyErr {
    pub kind: &'static str,
    pub msg: String,
}

impl PyErr {
    pub fn new(kind: &'static str, msg: impl Into<String>) -> Self {
        PyErr { kind, msg: msg.into() }
    }

    /// `str(e)`: the message.
    pub fn message(&self) -> String {
        self.msg.clone()
    }
}

impl std::fmt::Display for PyErr {
    /// `ValueError: message`, as Python prints an uncaught exception's last line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.msg.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.kind, self.msg)
        }
    }
}

impl std::error::Error for PyErr {}
// @end

// @helper try_index deps: PyErr
/// `index` that reports IndexError as an error (inside try/except).
pub fn try_index(i: i64, len: usize) -> Result<usize, PyErr> {
    let n = len as i64;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(PyErr::new("IndexError", "index out of range"));
    }
    Ok(j as usize)
}
// @end

// @helper try_item deps: try_index
/// `item` that reports IndexError as an error (inside try/except).
pub fn try_item<T: Clone>(xs: &[T], i: i64) -> Result<T, PyErr> {
    Ok(xs[try_index(i, xs.len())?].clone())
}
// @end

// @helper try_parse_int deps: PyErr, int_from_str
/// `int(s)` that reports ValueError (and OverflowError beyond i64) as an error.
pub fn try_parse_int(s: &str) -> Result<i64, PyErr> {
    int_from_str(s, 10).map_err(|(kind, msg)| PyErr::new(kind, msg))
}
// @end

// @helper try_parse_float deps: PyErr, parse_float
/// `float(s)` that reports ValueError as an error.
pub fn try_parse_float(s: &str) -> Result<f64, PyErr> {
    let t = s.trim().to_lowercase().replace('_', "");
    match t.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" | "-inf" | "-infinity" | "nan" | "+nan" | "-nan" => Ok(parse_float(s)),
        _ => t
            .parse::<f64>()
            .map_err(|_| PyErr::new("ValueError", format!("could not convert string to float: {:?}", s))),
    }
}
// @end

// @helper try_floordiv deps: PyErr, floordiv
/// `a // b` that reports ZeroDivisionError as an error.
pub fn try_floordiv(a: i64, b: i64) -> Result<i64, PyErr> {
    if b == 0 {
        return Err(PyErr::new("ZeroDivisionError", "integer division or modulo by zero"));
    }
    Ok(floordiv(a, b))
}
// @end

// @helper try_pymod deps: PyErr, pymod
/// `a % b` that reports ZeroDivisionError as an error.
pub fn try_pymod(a: i64, b: i64) -> Result<i64, PyErr> {
    if b == 0 {
        return Err(PyErr::new("ZeroDivisionError", "integer division or modulo by zero"));
    }
    Ok(pymod(a, b))
}
// @end

// @helper try_fdiv deps: PyErr
/// `a / b` that reports ZeroDivisionError as an error.
pub fn try_fdiv(a: f64, b: f64) -> Result<f64, PyErr> {
    if b == 0.0 {
        return Err(PyErr::new("ZeroDivisionError", "division by zero"));
    }
    Ok(a / b)
}
// @end

// @helper try_fmod deps: PyErr, fmod
/// `a % b` on floats that reports ZeroDivisionError as an error.
pub fn try_fmod(a: f64, b: f64) -> Result<f64, PyErr> {
    if b == 0.0 {
        return Err(PyErr::new("ZeroDivisionError", "float modulo"));
    }
    Ok(fmod(a, b))
}
// @end

// @helper try_ffloordiv deps: PyErr, ffloordiv
/// `a // b` on floats that reports ZeroDivisionError as an error.
pub fn try_ffloordiv(a: f64, b: f64) -> Result<f64, PyErr> {
    if b == 0.0 {
        return Err(PyErr::new("ZeroDivisionError", "float floor division by zero"));
    }
    Ok(ffloordiv(a, b))
}
// @end

// @helper try_str_index deps: PyErr, try_index
/// `s[i]` that reports IndexError as an error.
pub fn try_str_index(s: &str, i: i64) -> Result<String, PyErr> {
    let n = s.chars().count();
    let j = try_index(i, n)?;
    Ok(s.chars().nth(j).unwrap().to_string())
}
// @end

// @helper str_partition
/// `s.partition(sep)`.
pub fn str_partition(s: &str, sep: &str) -> (String, String, String) {
    if sep.is_empty() {
        panic!("ValueError: empty separator");
    }
    match s.find(sep) {
        Some(i) => (s[..i].to_string(), sep.to_string(), s[i + sep.len()..].to_string()),
        None => (s.to_string(), String::new(), String::new()),
    }
}
// @end

// @helper str_rpartition
/// `s.rpartition(sep)`.
pub fn str_rpartition(s: &str, sep: &str) -> (String, String, String) {
    if sep.is_empty() {
        panic!("ValueError: empty separator");
    }
    match s.rfind(sep) {
        Some(i) => (s[..i].to_string(), sep.to_string(), s[i + sep.len()..].to_string()),
        None => (String::new(), String::new(), s.to_string()),
    }
}
// @end

// @helper zip_rows
/// `zip(*rows)`: the columns of a list of rows, as long as the shortest row.
pub fn zip_rows<T: Clone>(rows: &[Vec<T>]) -> Vec<Vec<T>> {
    let n = rows.iter().map(|r| r.len()).min().unwrap_or(0);
    (0..n).map(|j| rows.iter().map(|r| r[j].clone()).collect()).collect()
}
// @end

// @helper heapq
/// `heapq`: a min-heap in a Vec, with CPython's exact sift order (so the list looks the same).
pub fn heap_lt<T: PartialOrd>(a: &T, b: &T) -> bool {
    a < b
}

fn heap_siftdown<T: PartialOrd>(heap: &mut [T], startpos: usize, mut pos: usize) {
    while pos > startpos {
        let parentpos = (pos - 1) >> 1;
        if heap_lt(&heap[pos], &heap[parentpos]) {
            heap.swap(pos, parentpos);
            pos = parentpos;
            continue;
        }
        break;
    }
}

fn heap_siftup<T: PartialOrd>(heap: &mut [T], mut pos: usize) {
    let endpos = heap.len();
    let startpos = pos;
    let mut childpos = 2 * pos + 1;
    while childpos < endpos {
        let rightpos = childpos + 1;
        if rightpos < endpos && !heap_lt(&heap[childpos], &heap[rightpos]) {
            childpos = rightpos;
        }
        heap.swap(pos, childpos);
        pos = childpos;
        childpos = 2 * pos + 1;
    }
    heap_siftdown(heap, startpos, pos);
}

/// `heapq.heapify(x)`.
pub fn heapify<T: PartialOrd>(x: &mut [T]) {
    let n = x.len();
    for i in (0..n / 2).rev() {
        heap_siftup(x, i);
    }
}

/// `heapq.heappush(heap, item)`.
pub fn heappush<T: PartialOrd>(heap: &mut Vec<T>, item: T) {
    heap.push(item);
    let last = heap.len() - 1;
    heap_siftdown(heap, 0, last);
}

/// `heapq.heappop(heap)`.
pub fn heappop<T: PartialOrd>(heap: &mut Vec<T>) -> T {
    let last = heap.pop().unwrap_or_else(|| panic!("IndexError: index out of range"));
    if heap.is_empty() {
        return last;
    }
    let first = std::mem::replace(&mut heap[0], last);
    heap_siftup(heap, 0);
    first
}

/// `heapq.heappushpop(heap, item)`.
pub fn heappushpop<T: PartialOrd>(heap: &mut [T], item: T) -> T {
    if !heap.is_empty() && heap_lt(&heap[0], &item) {
        let first = std::mem::replace(&mut heap[0], item);
        heap_siftup(heap, 0);
        return first;
    }
    item
}

/// `heapq.heapreplace(heap, item)`.
pub fn heapreplace<T: PartialOrd>(heap: &mut [T], item: T) -> T {
    if heap.is_empty() {
        panic!("IndexError: index out of range");
    }
    let first = std::mem::replace(&mut heap[0], item);
    heap_siftup(heap, 0);
    first
}
// @end

// @helper combinations
/// `itertools.combinations(items, r)`, in Python's order.
pub fn combinations<T: Clone>(items: &[T], r: Option<i64>) -> Vec<Vec<T>> {
    let n = items.len();
    let r = r.unwrap_or(n as i64);
    if r < 0 {
        panic!("ValueError: r must be non-negative");
    }
    let r = r as usize;
    let mut out = Vec::new();
    if r > n {
        return out;
    }
    let mut idx: Vec<usize> = (0..r).collect();
    loop {
        out.push(idx.iter().map(|&i| items[i].clone()).collect());
        let mut i = r;
        while i > 0 && idx[i - 1] == i - 1 + n - r {
            i -= 1;
        }
        if i == 0 {
            return out;
        }
        idx[i - 1] += 1;
        for j in i..r {
            idx[j] = idx[j - 1] + 1;
        }
    }
}
// @end

// @helper permutations
/// `itertools.permutations(items, r)`, in Python's order.
pub fn permutations<T: Clone>(items: &[T], r: Option<i64>) -> Vec<Vec<T>> {
    let n = items.len();
    let r = r.unwrap_or(n as i64);
    if r < 0 {
        panic!("ValueError: r must be non-negative");
    }
    let r = r as usize;
    let mut out = Vec::new();
    if r > n {
        return out;
    }
    let mut indices: Vec<usize> = (0..n).collect();
    let mut cycles: Vec<usize> = (0..r).map(|i| n - i).collect();
    out.push(indices[..r].iter().map(|&i| items[i].clone()).collect());
    if n == 0 {
        return out;
    }
    loop {
        let mut i = r;
        let mut advanced = false;
        while i > 0 {
            i -= 1;
            cycles[i] -= 1;
            if cycles[i] == 0 {
                let moved = indices.remove(i);
                indices.push(moved);
                cycles[i] = n - i;
            } else {
                let j = cycles[i];
                indices.swap(i, n - j);
                out.push(indices[..r].iter().map(|&k| items[k].clone()).collect());
                advanced = true;
                break;
            }
        }
        if !advanced {
            return out;
        }
    }
}
// @end

// @helper product2
/// `itertools.product(a, b)`: every pair, the last iterable varying fastest.
pub fn product2<A: Clone, B: Clone>(a: &[A], b: &[B]) -> Vec<(A, B)> {
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            out.push((x.clone(), y.clone()));
        }
    }
    out
}
// @end

// @helper PyNum deps: float_repr, floordiv, pymod, fmod, ffloordiv
/// A number that is an int on some paths and a float on others (a function returning `0` or
/// an average): Python keeps which one it is, and so does this.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub enum PyNum {
    Int(i64),
    Float(f64),
}

impl PyNum {
    pub fn to_f64(self) -> f64 {
        match self {
            PyNum::Int(i) => i as f64,
            PyNum::Float(x) => x,
        }
    }
}

impl Default for PyNum {
    fn default() -> Self {
        PyNum::Int(0)
    }
}

/// `+`, `-`, `*` keep an int an int (i64 arithmetic, as everywhere in the translation) and
/// turn the result into a float as soon as one operand is a float, as Python does.
macro_rules! pynum_op {
    ($tr:ident, $m:ident, $op:tt) => {
        impl std::ops::$tr for PyNum {
            type Output = PyNum;
            fn $m(self, rhs: PyNum) -> PyNum {
                match (self, rhs) {
                    (PyNum::Int(a), PyNum::Int(b)) => PyNum::Int(a $op b),
                    (a, b) => PyNum::Float(a.to_f64() $op b.to_f64()),
                }
            }
        }
    };
}
pynum_op!(Add, add, +);
pynum_op!(Sub, sub, -);
pynum_op!(Mul, mul, *);

impl PyNum {
    /// `a // b`: an int for two ints, else a float (Python's floor division either way).
    pub fn floordiv(self, rhs: PyNum) -> PyNum {
        match (self, rhs) {
            (PyNum::Int(a), PyNum::Int(b)) => PyNum::Int(floordiv(a, b)),
            (a, b) => PyNum::Float(ffloordiv(a.to_f64(), b.to_f64())),
        }
    }

    /// `a % b`, with the sign of b (Python's modulo), an int for two ints.
    pub fn modulo(self, rhs: PyNum) -> PyNum {
        match (self, rhs) {
            (PyNum::Int(a), PyNum::Int(b)) => PyNum::Int(pymod(a, b)),
            (a, b) => PyNum::Float(fmod(a.to_f64(), b.to_f64())),
        }
    }
}

impl std::ops::Neg for PyNum {
    type Output = PyNum;
    fn neg(self) -> PyNum {
        match self {
            PyNum::Int(a) => PyNum::Int(-a),
            PyNum::Float(x) => PyNum::Float(-x),
        }
    }
}

impl std::fmt::Display for PyNum {
    /// `str(x)`: `3` or `3.0`, as Python prints the number it holds.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PyNum::Int(i) => write!(f, "{}", i),
            PyNum::Float(x) => write!(f, "{}", float_repr(*x)),
        }
    }
}
// @end

// @helper Opaque
/// The placeholder for a Python type that has no Rust item in the crate (a standard-library
/// class, a class the rules did not translate): functions whose signature names one are
/// `todo!()` stubs over it, so every path the crate names exists. It holds nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Opaque;
// @end

// @helper ReMatch crates: regex
/// A `re.Match`: the subject, each group's byte span (None where the group took no part) and
/// the pattern's named groups (for a match whose pattern the translation does not know: a
/// `re.Match` parameter). Python's positions count code points; `start`/`end`/`span` convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReMatch {
    pub text: String,
    pub spans: Vec<Option<(usize, usize)>>,
    pub names: Vec<(String, i64)>,
}

impl ReMatch {
    pub fn from_captures(re: &regex::Regex, text: &str, caps: &regex::Captures) -> ReMatch {
        ReMatch {
            text: text.to_string(),
            spans: caps.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect(),
            names: re
                .capture_names()
                .enumerate()
                .filter_map(|(i, n)| n.map(|n| (n.to_string(), i as i64)))
                .collect(),
        }
    }

    /// A match made by Python (a case's argument): spans in code points, -1 where a group took
    /// no part, as Python's `m.span(n)`.
    pub fn from_parts(text: &str, spans: &[(i64, i64)], names: &[(&str, i64)]) -> ReMatch {
        let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len())).collect();
        ReMatch {
            text: text.to_string(),
            spans: spans
                .iter()
                .map(|&(a, b)| if a < 0 { None } else { Some((bytes[a as usize], bytes[b as usize])) })
                .collect(),
            names: names.iter().map(|&(n, i)| (n.to_string(), i)).collect(),
        }
    }

    /// The number of the group `name` (`m.group("key")` where the pattern is not known when
    /// translating): IndexError "no such group" as Python.
    pub fn index_of(&self, name: &str) -> i64 {
        match self.names.iter().find(|(n, _)| n == name) {
            Some(&(_, i)) => i,
            None => panic!("IndexError: no such group"),
        }
    }

    /// `m.groupdict()`: the named groups in the pattern's order.
    pub fn groupdict_pairs(&self) -> Vec<(String, String)> {
        self.names.iter().map(|(n, i)| (n.clone(), self.group(*i))).collect()
    }

    /// The number of groups of the pattern (`len(m.groups())`).
    pub fn group_count(&self) -> i64 {
        self.spans.len() as i64 - 1
    }

    fn span_of(&self, n: i64) -> Option<(usize, usize)> {
        if n < 0 || n as usize >= self.spans.len() {
            panic!("IndexError: no such group");
        }
        self.spans[n as usize]
    }

    fn chars(&self, byte: usize) -> i64 {
        self.text[..byte].chars().count() as i64
    }

    /// `m.group(n)` of a group that always takes part (the pattern says so), or of a match whose
    /// pattern is not known when translating: a group that took no part (None in Python) raises
    /// rather than give a wrong str (`group_opt` is the Optional one).
    pub fn group(&self, n: i64) -> String {
        match self.span_of(n) {
            Some((a, b)) => self.text[a..b].to_string(),
            None => panic!("TypeError: group {} did not take part in the match (Python returns None)", n),
        }
    }

    /// `m.group(n)` of a group that may take no part: None where it did not, as Python.
    pub fn group_opt(&self, n: i64) -> Option<String> {
        self.span_of(n).map(|(a, b)| self.text[a..b].to_string())
    }

    /// `m.start(n)`, -1 for a group that took no part (as Python).
    pub fn start(&self, n: i64) -> i64 {
        self.span_of(n).map_or(-1, |(a, _)| self.chars(a))
    }

    /// `m.end(n)`, -1 for a group that took no part (as Python).
    pub fn end(&self, n: i64) -> i64 {
        self.span_of(n).map_or(-1, |(_, b)| self.chars(b))
    }
}
// @end

// @helper re_find deps: ReMatch crates: regex
/// `re.search/match/fullmatch` (the anchoring is in the pattern). `dollar_retry`: the Python
/// pattern ends with `$`, which also matches before a final newline; Rust's `\z` does not, so a
/// subject ending in "\n" is tried again without it (same positions: it is a prefix).
pub fn re_find(re: &regex::Regex, s: &str, dollar_retry: bool) -> Option<ReMatch> {
    if let Some(c) = re.captures(s) {
        return Some(ReMatch::from_captures(re, s, &c));
    }
    if dollar_retry && s.ends_with('\n') {
        let head = &s[..s.len() - 1];
        return re.captures(head).map(|c| {
            let mut m = ReMatch::from_captures(re, head, &c);
            m.text = s.to_string();
            m
        });
    }
    None
}
// @end

// @helper re_find_at deps: ReMatch crates: regex
/// `p.search(s, pos)`, `p.match(s, pos)`, `p.fullmatch(s, pos)` on the unanchored pattern (a
/// fullmatch's ends with `\z`): the search starts at code point `pos` (clamped to 0..=len, as
/// Python), `^` and `\A` still mean the start of the string (as Python's); `anchored` keeps only
/// a match starting at `pos` (the leftmost match starts there when one does, and among those the
/// regex crate's leftmost-first choice is Python's). `dollar_retry` as `re_find`.
pub fn re_find_at(re: &regex::Regex, s: &str, pos: i64, anchored: bool, dollar_retry: bool) -> Option<ReMatch> {
    let p = pos.max(0) as usize;
    let start = s.char_indices().nth(p).map_or(s.len(), |(b, _)| b);
    fn find<'h>(re: &regex::Regex, hay: &'h str, start: usize, anchored: bool) -> Option<regex::Captures<'h>> {
        if start > hay.len() {
            return None;
        }
        re.captures_at(hay, start).filter(|c| !anchored || c.get(0).map_or(false, |m| m.start() == start))
    }
    if let Some(c) = find(re, s, start, anchored) {
        return Some(ReMatch::from_captures(re, s, &c));
    }
    if dollar_retry && s.ends_with('\n') {
        let head = &s[..s.len() - 1];
        return find(re, head, start, anchored).map(|c| {
            let mut m = ReMatch::from_captures(re, head, &c);
            m.text = s.to_string();
            m
        });
    }
    None
}
// @end

// @helper re_findall crates: regex
/// `re.findall` of a pattern with no group (the whole match) or one group (that group, "" where
/// it took no part), as Python.
pub fn re_findall(re: &regex::Regex, s: &str) -> Vec<String> {
    if re.captures_len() == 1 {
        return re.find_iter(s).map(|m| m.as_str().to_string()).collect();
    }
    re.captures_iter(s)
        .map(|c| c.get(1).map_or(String::new(), |m| m.as_str().to_string()))
        .collect()
}
// @end

// @helper re_findall_groups crates: regex
/// `re.findall` of a pattern with several groups: one Vec of the groups per match ("" where a
/// group took no part); the caller makes the tuple.
pub fn re_findall_groups(re: &regex::Regex, s: &str) -> Vec<Vec<String>> {
    re.captures_iter(s)
        .map(|c| {
            (1..c.len())
                .map(|i| c.get(i).map_or(String::new(), |m| m.as_str().to_string()))
                .collect()
        })
        .collect()
}
// @end

// @helper re_sub crates: regex
/// `re.sub(p, repl, s, count)`: `repl` is already in the regex crate's syntax (`${1}`, `$$`);
/// count 0 replaces all, as Python (a negative count replaces none).
pub fn re_sub(re: &regex::Regex, repl: &str, s: &str, count: i64) -> String {
    if count < 0 {
        return s.to_string();
    }
    re.replacen(s, count as usize, repl).into_owned()
}
// @end

// @helper re_split crates: regex
/// `re.split(p, s, maxsplit)`: the pieces between matches and, as Python, the text of every group
/// of each match in between (groups are typed str: one that took no part raises).
pub fn re_split(re: &regex::Regex, s: &str, maxsplit: i64) -> Vec<String> {
    if maxsplit < 0 {
        return vec![s.to_string()];
    }
    let mut out = Vec::new();
    let mut last = 0;
    for (n, c) in re.captures_iter(s).enumerate() {
        if maxsplit > 0 && n as i64 >= maxsplit {
            break;
        }
        let m = c.get(0).unwrap();
        out.push(s[last..m.start()].to_string());
        for i in 1..c.len() {
            match c.get(i) {
                Some(g) => out.push(g.as_str().to_string()),
                None => panic!("TypeError: group {} did not take part in the split (Python gives None)", i),
            }
        }
        last = m.end();
    }
    out.push(s[last..].to_string());
    out
}
// @end

// @helper fancy_ok crates: fancy-regex
/// A fancy-regex result: its error at match time (the backtracking limit, on a pattern that
/// backtracks too much for its input) raises a Python RuntimeError with fancy-regex's reason,
/// rather than an unwrap's message (CPython would keep backtracking).
pub fn fancy_ok<T>(r: Result<T, fancy_regex::Error>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("RuntimeError: regular expression: {}", e),
    }
}
// @end

// @helper re_match_fancy deps: ReMatch crates: fancy-regex
/// A `ReMatch` from fancy-regex's captures (a pattern with look-around or back-references).
pub fn re_match_fancy(re: &fancy_regex::Regex, text: &str, caps: &fancy_regex::Captures<'_, str>) -> ReMatch {
    ReMatch {
        text: text.to_string(),
        spans: caps.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect(),
        names: re
            .capture_names()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (n.to_string(), i as i64)))
            .collect(),
    }
}
// @end

// @helper re_find_fancy deps: re_match_fancy, fancy_ok crates: fancy-regex
/// `re_find` on a fancy_regex::Regex (look-around, back-references).
pub fn re_find_fancy(re: &fancy_regex::Regex, s: &str, dollar_retry: bool) -> Option<ReMatch> {
    if let Some(c) = fancy_ok(re.captures(s)) {
        return Some(re_match_fancy(re, s, &c));
    }
    if dollar_retry && s.ends_with('\n') {
        let head = &s[..s.len() - 1];
        return fancy_ok(re.captures(head)).map(|c| {
            let mut m = re_match_fancy(re, head, &c);
            m.text = s.to_string();
            m
        });
    }
    None
}
// @end

// @helper re_find_at_fancy deps: re_match_fancy, fancy_ok crates: fancy-regex
/// `re_find_at` on a fancy_regex::Regex: `captures_from_pos` sees the text before `pos`, so a
/// look-behind reads it as Python's does.
pub fn re_find_at_fancy(re: &fancy_regex::Regex, s: &str, pos: i64, anchored: bool, dollar_retry: bool) -> Option<ReMatch> {
    let p = pos.max(0) as usize;
    let start = s.char_indices().nth(p).map_or(s.len(), |(b, _)| b);
    fn find<'h>(re: &fancy_regex::Regex, hay: &'h str, start: usize, anchored: bool) -> Option<fancy_regex::Captures<'h, str>> {
        if start > hay.len() {
            return None;
        }
        fancy_ok(re.captures_from_pos(hay, start)).filter(|c| !anchored || c.get(0).map_or(false, |m| m.start() == start))
    }
    if let Some(c) = find(re, s, start, anchored) {
        return Some(re_match_fancy(re, s, &c));
    }
    if dollar_retry && s.ends_with('\n') {
        let head = &s[..s.len() - 1];
        return find(re, head, start, anchored).map(|c| {
            let mut m = re_match_fancy(re, head, &c);
            m.text = s.to_string();
            m
        });
    }
    None
}
// @end

// @helper re_findall_fancy deps: fancy_ok crates: fancy-regex
/// `re_findall` on a fancy_regex::Regex.
pub fn re_findall_fancy(re: &fancy_regex::Regex, s: &str) -> Vec<String> {
    re.captures_iter(s)
        .map(|c| {
            let c = fancy_ok(c);
            let k = if c.len() == 1 { 0 } else { 1 };
            c.get(k).map_or(String::new(), |m| m.as_str().to_string())
        })
        .collect()
}
// @end

// @helper re_findall_groups_fancy deps: fancy_ok crates: fancy-regex
/// `re_findall_groups` on a fancy_regex::Regex.
pub fn re_findall_groups_fancy(re: &fancy_regex::Regex, s: &str) -> Vec<Vec<String>> {
    re.captures_iter(s)
        .map(|c| {
            let c = fancy_ok(c);
            (1..c.len())
                .map(|i| c.get(i).map_or(String::new(), |m| m.as_str().to_string()))
                .collect()
        })
        .collect()
}
// @end

// @helper re_finditer_fancy deps: re_match_fancy, fancy_ok crates: fancy-regex
/// `re_finditer` on a fancy_regex::Regex.
pub fn re_finditer_fancy(re: &fancy_regex::Regex, s: &str) -> Vec<ReMatch> {
    re.captures_iter(s).map(|c| re_match_fancy(re, s, &fancy_ok(c))).collect()
}
// @end

// @helper re_sub_fancy deps: fancy_ok crates: fancy-regex
/// `re_sub` on a fancy_regex::Regex (its templates are the regex crate's: `${1}`, `$$`).
pub fn re_sub_fancy(re: &fancy_regex::Regex, repl: &str, s: &str, count: i64) -> String {
    if count < 0 {
        return s.to_string();
    }
    fancy_ok(re.try_replacen(s, count as usize, repl)).into_owned()
}
// @end

// @helper re_subn_fancy deps: fancy_ok crates: fancy-regex
/// `re_subn` on a fancy_regex::Regex.
pub fn re_subn_fancy(re: &fancy_regex::Regex, repl: &str, s: &str, count: i64) -> (String, i64) {
    if count < 0 {
        return (s.to_string(), 0);
    }
    let found = re.find_iter(s).map(fancy_ok).count();
    let n = if count == 0 { found } else { found.min(count as usize) };
    (fancy_ok(re.try_replacen(s, count as usize, repl)).into_owned(), n as i64)
}
// @end

// @helper re_split_fancy deps: fancy_ok crates: fancy-regex
/// `re_split` on a fancy_regex::Regex.
pub fn re_split_fancy(re: &fancy_regex::Regex, s: &str, maxsplit: i64) -> Vec<String> {
    if maxsplit < 0 {
        return vec![s.to_string()];
    }
    let mut out = Vec::new();
    let mut last = 0;
    for (n, c) in re.captures_iter(s).enumerate() {
        if maxsplit > 0 && n as i64 >= maxsplit {
            break;
        }
        let c = fancy_ok(c);
        let m = c.get(0).expect("group 0 is the match");
        out.push(s[last..m.start()].to_string());
        for i in 1..c.len() {
            match c.get(i) {
                Some(g) => out.push(g.as_str().to_string()),
                None => panic!("TypeError: group {} did not take part in the split (Python gives None)", i),
            }
        }
        last = m.end();
    }
    out.push(s[last..].to_string());
    out
}
// @end

// @helper math_1
/// A one-argument `math` function with CPython's errors (math_1 in mathmodule.c): a NaN from a
/// non-NaN argument is ValueError ("math domain error"); an infinity from a finite argument is
/// OverflowError where the function can overflow (exp, sinh, cosh) and ValueError otherwise (log(0)).
pub fn math_1(x: f64, f: fn(f64) -> f64, can_overflow: bool) -> f64 {
    let r = f(x);
    if r.is_nan() && !x.is_nan() {
        panic!("ValueError: math domain error");
    }
    if r.is_infinite() && x.is_finite() {
        if can_overflow {
            panic!("OverflowError: math range error");
        }
        panic!("ValueError: math domain error");
    }
    r
}
// @end

// @helper math_log deps: math_1
/// `math.log(x, base)`: log(x) / log(base), each with Python's domain errors; a base of 1 divides
/// by zero (ZeroDivisionError, as Python).
pub fn math_log(x: f64, base: f64) -> f64 {
    let (num, den) = (math_1(x, f64::ln, false), math_1(base, f64::ln, false));
    if den == 0.0 {
        panic!("ZeroDivisionError: float division by zero");
    }
    num / den
}
// @end

// @helper math_pow
/// `math.pow(x, y)` with CPython's errors: a NaN from finite arguments is ValueError, an infinity
/// from finite arguments is ValueError for 0 ** negative and OverflowError otherwise.
pub fn math_pow(x: f64, y: f64) -> f64 {
    let r = x.powf(y);
    if x.is_finite() && y.is_finite() {
        if r.is_nan() {
            panic!("ValueError: math domain error");
        }
        if r.is_infinite() {
            if x == 0.0 {
                panic!("ValueError: math domain error");
            }
            panic!("OverflowError: math range error");
        }
    }
    r
}
// @end

// @helper py_format deps: float_repr
/// Python's format-spec mini-language, `[[fill]align][sign][z][#][0][width][grouping][.prec][type]`,
/// for `format(x, spec)`, f-strings and `str.format` (the lowering checks literal specs when it
/// translates; a spec computed at run time that Python rejects is Python's ValueError here).
pub struct FormatSpec {
    pub fill: Option<char>,
    pub align: Option<char>,
    pub sign: char,
    pub sign_given: bool,
    pub z: bool,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub group: Option<char>,
    pub prec: Option<usize>,
    pub kind: Option<char>,
}

/// Parse a format spec (ValueError for what Python's parser rejects).
pub fn parse_format_spec(spec: &str) -> FormatSpec {
    let cs: Vec<char> = spec.chars().collect();
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    let mut i = 0;
    let (mut fill, mut align) = (None, None);
    if cs.len() >= 2 && is_align(cs[1]) {
        fill = Some(cs[0]);
        align = Some(cs[1]);
        i = 2;
    } else if !cs.is_empty() && is_align(cs[0]) {
        align = Some(cs[0]);
        i = 1;
    }
    let mut sign = '-';
    let sign_given = i < cs.len() && matches!(cs[i], '+' | '-' | ' ');
    if sign_given {
        sign = cs[i];
        i += 1;
    }
    let z = i < cs.len() && cs[i] == 'z';
    i += z as usize;
    let alt = i < cs.len() && cs[i] == '#';
    i += alt as usize;
    let zero = fill.is_none() && i < cs.len() && cs[i] == '0';
    i += zero as usize;
    let mut width = 0usize;
    while i < cs.len() && cs[i].is_ascii_digit() {
        width = width.saturating_mul(10).saturating_add(cs[i] as usize - '0' as usize);
        i += 1;
    }
    let mut group = None;
    if i < cs.len() && (cs[i] == ',' || cs[i] == '_') {
        group = Some(cs[i]);
        i += 1;
    }
    let mut prec = None;
    if i < cs.len() && cs[i] == '.' {
        i += 1;
        let start = i;
        let mut p = 0usize;
        while i < cs.len() && cs[i].is_ascii_digit() {
            p = p.saturating_mul(10).saturating_add(cs[i] as usize - '0' as usize);
            i += 1;
        }
        if i == start {
            panic!("ValueError: Format specifier missing precision");
        }
        prec = Some(p);
    }
    let mut kind = None;
    if i < cs.len() {
        kind = Some(cs[i]);
        i += 1;
    }
    if i != cs.len() {
        panic!("ValueError: Invalid format specifier '{}'", spec);
    }
    FormatSpec { fill, align, sign, sign_given, z, alt, zero, width, group, prec, kind }
}

/// Pad `lead` (sign and prefix) + `body` to the spec's width; `=` puts the fill between them.
fn format_pad(sp: &FormatSpec, lead: &str, body: &str, default_align: char) -> String {
    let fill = sp.fill.unwrap_or(if sp.zero { '0' } else { ' ' });
    let align = sp.align.unwrap_or(if sp.zero && default_align == '>' { '=' } else { default_align });
    let len = lead.chars().count() + body.chars().count();
    let pad = sp.width.saturating_sub(len);
    let fills = |n: usize| fill.to_string().repeat(n);
    match align {
        '=' => format!("{}{}{}", lead, fills(pad), body),
        '<' => format!("{}{}{}", lead, body, fills(pad)),
        '^' => format!("{}{}{}{}", fills(pad / 2), lead, body, fills(pad - pad / 2)),
        _ => format!("{}{}{}", fills(pad), lead, body),
    }
}

/// Digits with a separator every `every` digits; with zero padding (`0` flag or `0=`), leading
/// zeros (grouped too) up to `min_width`, never starting with a separator, as CPython.
fn format_group(digits: &str, sep: char, every: usize, min_width: usize) -> String {
    let mut n = digits.chars().count();
    while n + (n.max(1) - 1) / every < min_width {
        n += 1;
    }
    let padded: Vec<char> = "0".repeat(n - digits.chars().count()).chars().chain(digits.chars()).collect();
    // the first group holds what is left over; then a separator before each full group
    let first = match n % every {
        0 => every.min(n),
        r => r,
    };
    let mut out: String = padded[..first].iter().collect();
    for group in padded[first..].chunks(every) {
        out.push(sep);
        out.extend(group);
    }
    out
}

/// Sign, digits of the integer part, the rest (fraction, exponent, `%`): grouped and padded.
fn format_number(sp: &FormatSpec, lead: &str, int_part: &str, rest: &str, every: usize, digits: bool) -> String {
    let zero_fill = sp.fill.unwrap_or(if sp.zero { '0' } else { ' ' }) == '0' && sp.align.unwrap_or(if sp.zero { '=' } else { '>' }) == '=';
    let body = match sp.group {
        Some(sep) if digits => {
            let min = if zero_fill { sp.width.saturating_sub(lead.chars().count() + rest.chars().count()) } else { 0 };
            format_group(int_part, sep, every, min)
        }
        _ => int_part.to_string(),
    };
    format_pad(sp, lead, &format!("{}{}", body, rest), '>')
}

fn format_sign(negative: bool, sign: char) -> &'static str {
    match (negative, sign) {
        (true, _) => "-",
        (false, '+') => "+",
        (false, ' ') => " ",
        _ => "",
    }
}

/// `format(n, spec)` of an int.
pub fn format_int(v: i64, spec: &str) -> String {
    let sp = parse_format_spec(spec);
    let kind = sp.kind.unwrap_or('d');
    match kind {
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%' => return format_float(v as f64, spec),
        'd' | 'n' | 'b' | 'o' | 'x' | 'X' | 'c' => {}
        _ => panic!("ValueError: Unknown format code '{}' for object of type 'int'", kind),
    }
    if sp.prec.is_some() {
        panic!("ValueError: Precision not allowed in integer format specifier");
    }
    if sp.z {
        panic!("ValueError: Negative zero coercion (z) not allowed in integer format specifier");
    }
    if let Some(g) = sp.group {
        if kind == 'n' || kind == 'c' || (g == ',' && kind != 'd') {
            panic!("ValueError: Cannot specify '{}' with '{}'.", g, kind);
        }
    }
    if kind == 'c' {
        if sp.sign_given {
            panic!("ValueError: Sign not allowed with integer format specifier 'c'");
        }
        if sp.alt {
            panic!("ValueError: Alternate form (#) not allowed with integer format specifier 'c'");
        }
        let c = u32::try_from(v).ok().and_then(char::from_u32);
        let c = c.unwrap_or_else(|| panic!("OverflowError: %c arg not in range(0x110000)"));
        return format_pad(&sp, "", &c.to_string(), '>');
    }
    let m = (v as i128).unsigned_abs();
    let digits = match kind {
        'b' => format!("{:b}", m),
        'o' => format!("{:o}", m),
        'x' => format!("{:x}", m),
        'X' => format!("{:X}", m),
        _ => m.to_string(),
    };
    let prefix = match (sp.alt, kind) {
        (true, 'b') => "0b",
        (true, 'o') => "0o",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let lead = format!("{}{}", format_sign(v < 0, sp.sign), prefix);
    let every = if matches!(kind, 'b' | 'o' | 'x' | 'X') { 4 } else { 3 };
    format_number(&sp, &lead, &digits, "", every, true)
}

/// `{:e}` digits of a non-negative finite float: `1.5e+03` (two exponent digits at least).
fn format_exp(a: f64, prec: usize, alt: bool, upper: bool) -> String {
    let text = format!("{:.*e}", prec, a);
    let (mant, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let dot = if alt && prec == 0 { "." } else { "" };
    let e = if upper { 'E' } else { 'e' };
    format!("{}{}{}{}{:02}", mant, dot, e, if exp < 0 { '-' } else { '+' }, exp.abs())
}

/// `{:g}` (and the type-less spec with a precision, `dot0`) of a non-negative finite float.
fn format_general(a: f64, prec: usize, alt: bool, upper: bool, dot0: bool) -> String {
    let p = prec.max(1);
    let sci = format!("{:.*e}", p - 1, a);
    let exp: i64 = sci.split_once('e').map(|(_, e)| e.parse().unwrap_or(0)).unwrap_or(0);
    let decpt = exp + 1;
    let limit = if dot0 { p as i64 - 1 } else { p as i64 };
    let strip = |s: String| -> String {
        if alt || !s.contains('.') {
            return s;
        }
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if decpt <= -4 || decpt > limit {
        let (mant, _) = sci.split_once('e').unwrap_or((sci.as_str(), ""));
        let mut mant = strip(mant.to_string());
        if alt && !mant.contains('.') {
            mant.push('.');
        }
        let e = if upper { 'E' } else { 'e' };
        format!("{}{}{}{:02}", mant, e, if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let mut text = strip(format!("{:.*}", (p as i64 - decpt).max(0) as usize, a));
        if alt && !text.contains('.') {
            text.push('.');
        }
        if dot0 && !text.contains('.') {
            text.push_str(".0");
        }
        text
    }
}

/// `format(x, spec)` of a float.
pub fn format_float(v: f64, spec: &str) -> String {
    let sp = parse_format_spec(spec);
    match sp.kind {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => {}
        Some(k) => panic!("ValueError: Unknown format code '{}' for object of type 'float'", k),
    }
    if sp.kind == Some('n') && sp.group.is_some() {
        panic!("ValueError: Cannot specify '{}' with 'n'.", sp.group.unwrap_or(','));
    }
    let upper = matches!(sp.kind, Some('E' | 'F' | 'G'));
    let mut negative = v.is_sign_negative() && !v.is_nan();
    let a = v.abs();
    let percent = if sp.kind == Some('%') { "%" } else { "" };
    if !a.is_finite() {
        let word = match (a.is_nan(), upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        };
        let lead = format_sign(negative, sp.sign);
        return format_number(&sp, lead, word, percent, 3, false);
    }
    let text = match sp.kind {
        Some('f' | 'F' | '%') => {
            let p = sp.prec.unwrap_or(6);
            let x = if percent.is_empty() { a } else { a * 100.0 };
            let dot = if sp.alt && p == 0 { "." } else { "" };
            format!("{:.*}{}{}", p, x, dot, percent)
        }
        Some('e' | 'E') => format_exp(a, sp.prec.unwrap_or(6), sp.alt, upper),
        Some(_) => format_general(a, sp.prec.unwrap_or(6), sp.alt, upper, false),
        None => match sp.prec {
            Some(p) => format_general(a, p, sp.alt, false, true),
            None => {
                let r = float_repr(a);
                match r.split_once('e') {
                    // `#` keeps a decimal point in the exponent form (`1.e+22`)
                    Some((m, e)) if sp.alt && !m.contains('.') => format!("{}.e{}", m, e),
                    _ => r,
                }
            }
        },
    };
    if sp.z && negative {
        let mantissa = text.split(['e', 'E']).next().unwrap_or("");
        if !mantissa.chars().any(|c| ('1'..='9').contains(&c)) {
            negative = false;
        }
    }
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let lead = format_sign(negative, sp.sign);
    format_number(&sp, lead, &text[..split], &text[split..], 3, true)
}

/// `format(s, spec)` of a str.
pub fn format_str(s: &str, spec: &str) -> String {
    let sp = parse_format_spec(spec);
    match sp.kind {
        None | Some('s') => {}
        Some(k) => panic!("ValueError: Unknown format code '{}' for object of type 'str'", k),
    }
    if sp.sign_given {
        panic!("ValueError: Sign not allowed in string format specifier");
    }
    if sp.alt {
        panic!("ValueError: Alternate form (#) not allowed in string format specifier");
    }
    if sp.z {
        panic!("ValueError: Negative zero coercion (z) not allowed in format specifier");
    }
    if let Some(g) = sp.group {
        panic!("ValueError: Cannot specify '{}' with 's'.", g);
    }
    if sp.align == Some('=') {
        panic!("ValueError: '=' alignment not allowed in string format specifier");
    }
    let body: String = match sp.prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    format_pad(&sp, "", &body, '<')
}
// @end

// @helper try_str_encode_ascii deps: char_escape, PyErr
/// `s.encode("ascii")`: the bytes, or Python's UnicodeEncodeError.
pub fn try_str_encode_ascii(s: &str) -> Result<&[u8], PyErr> {
    if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
        return Err(PyErr::new(
            "UnicodeEncodeError",
            format!(
                "'ascii' codec can't encode character '{}' in position {}: ordinal not in range(128)",
                char_escape(c),
                i
            ),
        ));
    }
    Ok(s.as_bytes())
}
// @end

// @helper str_encode_ascii deps: try_str_encode_ascii
/// `s.encode("ascii")`, its UnicodeEncodeError as a panic.
pub fn str_encode_ascii(s: &str) -> &[u8] {
    try_str_encode_ascii(s).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper hex_bytes
/// Lower-case hex of bytes (`hashlib`'s `hexdigest()`).
pub fn hex_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{:02x}", b)).collect()
}
// @end

// @helper md5_hex deps: hex_bytes crates: md-5
/// `hashlib.md5(data).hexdigest()`.
pub fn md5_hex(data: &[u8]) -> String {
    use md5::Digest;
    hex_bytes(&md5::Md5::digest(data))
}
// @end

// @helper sha1_hex deps: hex_bytes crates: sha1
/// `hashlib.sha1(data).hexdigest()`.
pub fn sha1_hex(data: &[u8]) -> String {
    use sha1::Digest;
    hex_bytes(&sha1::Sha1::digest(data))
}
// @end

// @helper sha256_hex deps: hex_bytes crates: sha2
/// `hashlib.sha256(data).hexdigest()`.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex_bytes(&sha2::Sha256::digest(data))
}
// @end

// @helper re_finditer deps: ReMatch crates: regex
/// `re.finditer(p, s)`: every match, as `ReMatch` values (read in order, as Python's iterator).
pub fn re_finditer(re: &regex::Regex, s: &str) -> Vec<ReMatch> {
    re.captures_iter(s).map(|c| ReMatch::from_captures(re, s, &c)).collect()
}
// @end

// @helper re_subn crates: regex
/// `re.subn(p, repl, s, count)`: the text and how many replacements were made.
pub fn re_subn(re: &regex::Regex, repl: &str, s: &str, count: i64) -> (String, i64) {
    if count < 0 {
        return (s.to_string(), 0);
    }
    let found = re.find_iter(s).count();
    let n = if count == 0 { found } else { found.min(count as usize) };
    (re.replacen(s, count as usize, repl).into_owned(), n as i64)
}
// @end

// @helper PyFraction deps: PyErr crates: num-rational, num-bigint, num-traits, num-integer
/// `fractions.Fraction` on `num_rational::BigRational` (a BigInt numerator and denominator,
/// always in lowest terms with a positive denominator, as Python's): construction, arithmetic
/// with Python's ZeroDivisionError, str(), float() correctly rounded.
pub type PyFraction = num_rational::BigRational;

/// `Fraction(n, d)` of ints: ZeroDivisionError `Fraction(n, 0)`.
pub fn fraction_new(n: i64, d: i64) -> Result<PyFraction, PyErr> {
    if d == 0 {
        return Err(PyErr::new("ZeroDivisionError", format!("Fraction({}, 0)", n)));
    }
    Ok(PyFraction::new(num_bigint::BigInt::from(n), num_bigint::BigInt::from(d)))
}

/// `Fraction(x)` of a float: its exact value (ValueError for nan, OverflowError for inf).
pub fn fraction_from_float(x: f64) -> Result<PyFraction, PyErr> {
    if x.is_nan() {
        return Err(PyErr::new("ValueError", "cannot convert NaN to integer ratio"));
    }
    PyFraction::from_float(x).ok_or_else(|| PyErr::new("OverflowError", "cannot convert Infinity to integer ratio"))
}

/// An int where a Fraction is needed (`f + 1`).
pub fn fraction_int(n: i64) -> PyFraction {
    PyFraction::from_integer(num_bigint::BigInt::from(n))
}

/// `a / b`: ZeroDivisionError as Python 3.11's `_div` words it (the numerator reduced by
/// gcd(a.numerator, 0): its sign).
pub fn fraction_div(a: &PyFraction, b: &PyFraction) -> Result<PyFraction, PyErr> {
    if num_traits::Zero::is_zero(b.numer()) {
        return Err(PyErr::new("ZeroDivisionError", format!("Fraction({}, 0)", num_traits::Signed::signum(a.numer()))));
    }
    Ok(a / b)
}

/// `a // b`: an int (floor), ZeroDivisionError as Python's.
pub fn fraction_floordiv(a: &PyFraction, b: &PyFraction) -> Result<i64, PyErr> {
    if num_traits::Zero::is_zero(b.numer()) {
        return Err(PyErr::new("ZeroDivisionError", "division by zero"));
    }
    let q = num_integer::Integer::div_floor(&(a.numer() * b.denom()), &(a.denom() * b.numer()));
    num_traits::ToPrimitive::to_i64(&q).ok_or_else(|| PyErr::new("OverflowError", "int too large for i64"))
}

/// `str(f)`: `3/4`, or `3` when the denominator is 1.
pub fn fraction_str(a: &PyFraction) -> String {
    if num_traits::One::is_one(a.denom()) {
        a.numer().to_string()
    } else {
        format!("{}/{}", a.numer(), a.denom())
    }
}

/// `repr(f)`: `Fraction(3, 4)`.
pub fn fraction_repr(a: &PyFraction) -> String {
    format!("Fraction({}, {})", a.numer(), a.denom())
}

/// `float(f)`: the nearest float (num-rational's conversion is correctly rounded).
pub fn fraction_float(a: &PyFraction) -> f64 {
    num_traits::ToPrimitive::to_f64(a).unwrap_or(f64::NAN)
}

/// `f.numerator`, `f.denominator` as ints (OverflowError past i64).
pub fn fraction_part(n: &num_bigint::BigInt) -> i64 {
    num_traits::ToPrimitive::to_i64(n).unwrap_or_else(|| panic!("OverflowError: int too large for i64"))
}
// @end

// @helper PyDecimal deps: PyErr crates: num-bigint, num-traits, num-integer
/// `decimal.Decimal` under Python's default context (prec=28, ROUND_HALF_EVEN, Emin=-999999,
/// Emax=999999, clamp=0, traps InvalidOperation, DivisionByZero and Overflow): a sign, a
/// num-bigint coefficient and an exponent, so `Decimal("1.10")` keeps its exponent -2 and
/// `Decimal("-0")` its sign. Each operation is `_pydecimal.py`'s (the General Decimal
/// Arithmetic spec) step for step, on the coefficient's digits; a trapped signal is Python's
/// exception (`InvalidOperation`, `DivisionByZero`, `Overflow`) with C `_decimal`'s message.
/// No crate has these semantics: rust_decimal is 96 bits, bigdecimal has no context.
#[derive(Clone, Debug)]
pub struct PyDecimal {
    pub neg: bool,
    /// the coefficient; a NaN's diagnostic payload
    pub coef: num_bigint::BigUint,
    pub exp: i64,
    pub kind: DecKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecKind {
    Finite,
    Inf,
    NaN,
    SNaN,
}

/// The eight rounding modes (Python's `decimal.ROUND_*` are these names as strs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecRound {
    Down,
    HalfUp,
    HalfEven,
    Ceiling,
    Floor,
    Up,
    HalfDown,
    Up05,
}

/// `getcontext().prec` of the default context.
pub const DEC_PREC: i64 = 28;
const DEC_EMAX: i64 = 999_999;
const DEC_EMIN: i64 = -999_999;
const DEC_ETINY: i64 = DEC_EMIN - DEC_PREC + 1;
const DEC_ETOP: i64 = DEC_EMAX - DEC_PREC + 1;

/// A trapped signal as C `_decimal` raises it: the exception class and `[<class 'decimal.X'>]`.
fn dec_signal(kind: &'static str, condition: &str) -> PyErr {
    PyErr::new(kind, format!("[<class 'decimal.{}'>]", condition))
}

fn dec_pow10(n: i64) -> num_bigint::BigUint {
    num_traits::pow(num_bigint::BigUint::from(10u32), n as usize)
}

/// `rounding=` given as a str (`decimal.ROUND_HALF_UP` is `'ROUND_HALF_UP'`).
pub fn dec_rounding(name: &str) -> Result<DecRound, PyErr> {
    Ok(match name {
        "ROUND_DOWN" => DecRound::Down,
        "ROUND_HALF_UP" => DecRound::HalfUp,
        "ROUND_HALF_EVEN" => DecRound::HalfEven,
        "ROUND_CEILING" => DecRound::Ceiling,
        "ROUND_FLOOR" => DecRound::Floor,
        "ROUND_UP" => DecRound::Up,
        "ROUND_HALF_DOWN" => DecRound::HalfDown,
        "ROUND_05UP" => DecRound::Up05,
        _ => {
            return Err(PyErr::new(
                "TypeError",
                "valid values for rounding are:\n  [ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_DOWN,\n   ROUND_HALF_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN,\n   ROUND_05UP]",
            ))
        }
    })
}

/// Which way dropping the digits of `d` after the first `keep` goes: 1 away from zero, 0 exact,
/// -1 truncated (`_pydecimal`'s `_round_*` functions; `keep < d.len()`).
fn dec_round_dir(mode: DecRound, neg: bool, d: &[u8], keep: usize) -> i32 {
    let all_zeros = d[keep..].iter().all(|&c| c == b'0');
    let exact_half = d[keep] == b'5' && d[keep + 1..].iter().all(|&c| c == b'0');
    let down = if all_zeros { 0 } else { -1 };
    let half_up = if d[keep] >= b'5' { 1 } else { down };
    match mode {
        DecRound::Down => down,
        DecRound::Up => -down,
        DecRound::HalfUp => half_up,
        DecRound::HalfDown => if exact_half { -1 } else { half_up },
        DecRound::HalfEven => {
            if exact_half && (keep == 0 || d[keep - 1] & 1 == 0) {
                -1
            } else {
                half_up
            }
        }
        DecRound::Ceiling => if neg { down } else { -down },
        DecRound::Floor => if !neg { down } else { -down },
        DecRound::Up05 => {
            if keep > 0 && d[keep - 1] != b'0' && d[keep - 1] != b'5' {
                down
            } else {
                -down
            }
        }
    }
}

impl PyDecimal {
    fn finite(neg: bool, coef: num_bigint::BigUint, exp: i64) -> PyDecimal {
        PyDecimal { neg, coef, exp, kind: DecKind::Finite }
    }

    fn from_digits(neg: bool, digits: &[u8], exp: i64) -> PyDecimal {
        let coef = num_bigint::BigUint::parse_bytes(if digits.is_empty() { b"0" } else { digits }, 10).unwrap_or_default();
        PyDecimal::finite(neg, coef, exp)
    }

    fn infinity(neg: bool) -> PyDecimal {
        PyDecimal { neg, coef: num_bigint::BigUint::default(), exp: 0, kind: DecKind::Inf }
    }

    fn digits(&self) -> Vec<u8> {
        self.coef.to_str_radix(10).into_bytes()
    }

    fn is_zero(&self) -> bool {
        self.kind == DecKind::Finite && num_traits::Zero::is_zero(&self.coef)
    }

    fn is_nan(&self) -> bool {
        matches!(self.kind, DecKind::NaN | DecKind::SNaN)
    }

    /// The exponent of the most significant digit.
    fn adjusted(&self) -> i64 {
        self.exp + self.digits().len() as i64 - 1
    }

    /// `Decimal(s)`: exact, no context applied. Python strips Unicode whitespace, ignores
    /// underscores anywhere, reads Unicode decimal digits; then `[sign] digits [. digits]
    /// [e [sign] digits]`, `Inf`, `Infinity`, `NaN[payload]`, `sNaN[payload]` in any case.
    pub fn parse(s: &str) -> Result<PyDecimal, PyErr> {
        const ND_ZEROS: [u32; 66] = [0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0];
        let syntax = || dec_signal("decimal.InvalidOperation", "ConversionSyntax");
        let space = |c: char| c.is_whitespace() || ('\x1c'..='\x1f').contains(&c);
        let mut ascii: Vec<u8> = Vec::with_capacity(s.len());
        for c in s.trim_matches(space).chars() {
            let u = c as u32;
            if c == '_' {
                continue;
            } else if (1..=127).contains(&u) {
                ascii.push(u as u8);
            } else if space(c) {
                ascii.push(b' ');
            } else {
                let i = ND_ZEROS.partition_point(|&z| z <= u);
                if i > 0 && u - ND_ZEROS[i - 1] < 10 {
                    ascii.push(b'0' + (u - ND_ZEROS[i - 1]) as u8);
                } else {
                    return Err(syntax());
                }
            }
        }
        let mut t: &[u8] = &ascii;
        let neg = t.first() == Some(&b'-');
        if matches!(t.first(), Some(b'-') | Some(b'+')) {
            t = &t[1..];
        }
        let lower: Vec<u8> = t.to_ascii_lowercase();
        if lower == b"inf" || lower == b"infinity" {
            return Ok(PyDecimal::infinity(neg));
        }
        for (prefix, kind) in [(&b"snan"[..], DecKind::SNaN), (&b"nan"[..], DecKind::NaN)] {
            if let Some(payload) = lower.strip_prefix(prefix) {
                if !payload.iter().all(u8::is_ascii_digit) {
                    return Err(syntax());
                }
                let digits: Vec<u8> = payload.iter().copied().skip_while(|&c| c == b'0').collect();
                let mut d = PyDecimal::from_digits(neg, &digits, 0);
                d.kind = kind;
                return Ok(d);
            }
        }
        let (mantissa, exponent) = match lower.iter().position(|&c| c == b'e') {
            Some(i) => (&lower[..i], Some(&lower[i + 1..])),
            None => (&lower[..], None),
        };
        let (int_part, frac) = match mantissa.iter().position(|&c| c == b'.') {
            Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
            None => (mantissa, &b""[..]),
        };
        if int_part.len() + frac.len() == 0 || !int_part.iter().chain(frac).all(u8::is_ascii_digit) {
            return Err(syntax());
        }
        let mut exp: i128 = 0;
        if let Some(e) = exponent {
            let (eneg, edigits) = match e.first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            if edigits.is_empty() || !edigits.iter().all(u8::is_ascii_digit) {
                return Err(syntax());
            }
            let text = std::str::from_utf8(edigits).unwrap_or("0").trim_start_matches('0');
            if text.len() > 30 {
                return Err(syntax());
            }
            exp = if text.is_empty() { 0 } else { text.parse::<i128>().map_err(|_| syntax())? };
            if eneg {
                exp = -exp;
            }
        }
        let digits: Vec<u8> = int_part.iter().chain(frac).copied().skip_while(|&c| c == b'0').collect();
        let exp = exp - frac.len() as i128;
        // libmpdec's limits on a value (MAX_EMAX, MIN_ETINY of 64-bit builds)
        if exp + (digits.len().max(1) as i128) - 1 > 999_999_999_999_999_999 || exp < -1_999_999_999_999_999_997 {
            return Err(syntax());
        }
        Ok(PyDecimal::from_digits(neg, &digits, exp as i64))
    }

    /// `Decimal(n)` of an int: exact.
    pub fn from_i64(n: i64) -> PyDecimal {
        PyDecimal::finite(n < 0, num_bigint::BigUint::from(n.unsigned_abs()), 0)
    }

    /// `Decimal(x)` of a float: its exact binary value (`Decimal(0.1)` has 55 digits); `-0.0` is
    /// `Decimal('-0')`, nan and inf are `NaN` and `Infinity` with the float's sign.
    pub fn from_f64(x: f64) -> PyDecimal {
        let neg = x.is_sign_negative();
        if x.is_nan() {
            let mut d = PyDecimal::from_i64(0);
            d.neg = neg;
            d.kind = DecKind::NaN;
            return d;
        }
        if x.is_infinite() {
            return PyDecimal::infinity(neg);
        }
        let bits = x.abs().to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mut m, mut e) = if biased == 0 { (frac, -1074) } else { (frac | (1u64 << 52), biased - 1075) };
        if m == 0 {
            e = 0;
        }
        while m != 0 && m % 2 == 0 && e < 0 {
            m /= 2;
            e += 1;
        }
        if e >= 0 {
            PyDecimal::finite(neg, num_bigint::BigUint::from(m) << (e as usize), 0)
        } else {
            // m / 2**k == m * 5**k / 10**k
            let k = -e;
            PyDecimal::finite(neg, num_bigint::BigUint::from(m) * num_traits::pow(num_bigint::BigUint::from(5u32), k as usize), -k)
        }
    }

    /// A NaN's payload cut to the context's `prec - clamp` digits (`_fix_nan`).
    fn fix_nan(&self) -> PyDecimal {
        let d = self.digits();
        if d.len() as i64 > DEC_PREC {
            let tail: Vec<u8> = d[d.len() - DEC_PREC as usize..].iter().copied().skip_while(|&c| c == b'0').collect();
            let mut out = PyDecimal::from_digits(self.neg, &tail, self.exp);
            out.kind = self.kind;
            return out;
        }
        self.clone()
    }

    /// `_check_nans`: an sNaN operand raises, a quiet NaN is the result.
    fn check_nans(&self, other: Option<&PyDecimal>) -> Option<Result<PyDecimal, PyErr>> {
        let other_kind = other.map(|o| o.kind);
        if self.kind == DecKind::SNaN || other_kind == Some(DecKind::SNaN) {
            return Some(Err(dec_signal("decimal.InvalidOperation", "InvalidOperation")));
        }
        if self.kind == DecKind::NaN {
            return Some(Ok(self.fix_nan()));
        }
        if let Some(o) = other {
            if o.kind == DecKind::NaN {
                return Some(Ok(o.fix_nan()));
            }
        }
        None
    }

    /// `_fix`: rounded to the context's precision (half even), the exponent kept within
    /// Etiny..Emax; Overflow past Emax.
    fn fix(self) -> Result<PyDecimal, PyErr> {
        match self.kind {
            DecKind::NaN | DecKind::SNaN => return Ok(self.fix_nan()),
            DecKind::Inf => return Ok(self),
            DecKind::Finite => {}
        }
        if self.is_zero() {
            let exp = self.exp.clamp(DEC_ETINY, DEC_EMAX);
            return Ok(PyDecimal::finite(self.neg, self.coef, exp));
        }
        let d = self.digits();
        let mut exp_min = d.len() as i64 + self.exp - DEC_PREC;
        if exp_min > DEC_ETOP {
            return Err(dec_signal("decimal.Overflow", "Overflow"));
        }
        if exp_min < DEC_ETINY {
            exp_min = DEC_ETINY;
        }
        if self.exp < exp_min {
            let kept = d.len() as i64 + self.exp - exp_min;
            let (d, kept) = if kept < 0 { (b"1".to_vec(), 0usize) } else { (d, kept as usize) };
            let changed = dec_round_dir(DecRound::HalfEven, self.neg, &d, kept);
            let mut coef = num_bigint::BigUint::parse_bytes(&d[..kept], 10).unwrap_or_default();
            if changed > 0 {
                coef += 1u32;
                if coef.to_str_radix(10).len() as i64 > DEC_PREC {
                    coef /= 10u32;
                    exp_min += 1;
                }
            }
            if exp_min > DEC_ETOP {
                return Err(dec_signal("decimal.Overflow", "Overflow"));
            }
            return Ok(PyDecimal::finite(self.neg, coef, exp_min));
        }
        Ok(self)
    }

    /// `_rescale`: to exponent `exp` with `mode`, no context (specials unchanged).
    fn rescale(&self, exp: i64, mode: DecRound) -> PyDecimal {
        if self.kind != DecKind::Finite {
            return self.clone();
        }
        if self.is_zero() {
            return PyDecimal::finite(self.neg, num_bigint::BigUint::default(), exp);
        }
        if self.exp >= exp {
            return PyDecimal::finite(self.neg, &self.coef * dec_pow10(self.exp - exp), exp);
        }
        let d = self.digits();
        let kept = d.len() as i64 + self.exp - exp;
        let (d, kept) = if kept < 0 { (b"1".to_vec(), 0usize) } else { (d, kept as usize) };
        let changed = dec_round_dir(mode, self.neg, &d, kept);
        let mut coef = num_bigint::BigUint::parse_bytes(&d[..kept], 10).unwrap_or_default();
        if changed == 1 {
            coef += 1u32;
        }
        PyDecimal::finite(self.neg, coef, exp)
    }

    fn negated(&self) -> PyDecimal {
        let mut out = self.clone();
        out.neg = !out.neg;
        out
    }

    /// `self + other`.
    pub fn add(&self, other: &PyDecimal) -> Result<PyDecimal, PyErr> {
        if self.kind != DecKind::Finite || other.kind != DecKind::Finite {
            if let Some(ans) = self.check_nans(Some(other)) {
                return ans;
            }
            if self.kind == DecKind::Inf {
                if self.neg != other.neg && other.kind == DecKind::Inf {
                    return Err(dec_signal("decimal.InvalidOperation", "InvalidOperation"));
                }
                return Ok(self.clone());
            }
            return Ok(other.clone());
        }
        let exp = self.exp.min(other.exp);
        if self.is_zero() && other.is_zero() {
            return PyDecimal::finite(self.neg && other.neg, num_bigint::BigUint::default(), exp).fix();
        }
        if self.is_zero() {
            return other.rescale(exp.max(other.exp - DEC_PREC - 1), DecRound::HalfEven).fix();
        }
        if other.is_zero() {
            return self.rescale(exp.max(self.exp - DEC_PREC - 1), DecRound::HalfEven).fix();
        }
        // `_normalize`: an operand far below the other's last kept digit only matters as a
        // sticky digit, so its exponent does not blow the sum up to millions of digits
        let (mut a, mut b) = (self.clone(), other.clone());
        {
            let (tmp, small) = if a.exp < b.exp { (&mut b, &mut a) } else { (&mut a, &mut b) };
            let tmp_len = tmp.digits().len() as i64;
            let small_len = small.digits().len() as i64;
            let e = tmp.exp + (-1i64).min(tmp_len - DEC_PREC - 2);
            if small_len + small.exp - 1 < e {
                small.coef = num_bigint::BigUint::from(1u32);
                small.exp = e;
            }
            tmp.coef = &tmp.coef * dec_pow10(tmp.exp - small.exp);
            tmp.exp = small.exp;
        }
        let (coef, neg) = if a.neg == b.neg {
            (&a.coef + &b.coef, a.neg)
        } else if a.coef == b.coef {
            return PyDecimal::finite(false, num_bigint::BigUint::default(), exp).fix();
        } else if a.coef > b.coef {
            (&a.coef - &b.coef, a.neg)
        } else {
            (&b.coef - &a.coef, b.neg)
        };
        PyDecimal::finite(neg, coef, a.exp).fix()
    }

    /// `self - other`.
    pub fn sub(&self, other: &PyDecimal) -> Result<PyDecimal, PyErr> {
        if let Some(ans) = self.check_nans(Some(other)) {
            return ans;
        }
        self.add(&other.negated())
    }

    /// `self * other`.
    pub fn mul(&self, other: &PyDecimal) -> Result<PyDecimal, PyErr> {
        let neg = self.neg != other.neg;
        if self.kind != DecKind::Finite || other.kind != DecKind::Finite {
            if let Some(ans) = self.check_nans(Some(other)) {
                return ans;
            }
            if self.is_zero() || other.is_zero() {
                return Err(dec_signal("decimal.InvalidOperation", "InvalidOperation")); // (+-)INF * 0
            }
            return Ok(PyDecimal::infinity(neg));
        }
        PyDecimal::finite(neg, &self.coef * &other.coef, self.exp + other.exp).fix()
    }

    /// `self / other`: to 28 significant digits, exact results at the ideal exponent.
    pub fn div(&self, other: &PyDecimal) -> Result<PyDecimal, PyErr> {
        let neg = self.neg != other.neg;
        if self.kind != DecKind::Finite || other.kind != DecKind::Finite {
            if let Some(ans) = self.check_nans(Some(other)) {
                return ans;
            }
            if self.kind == DecKind::Inf && other.kind == DecKind::Inf {
                return Err(dec_signal("decimal.InvalidOperation", "InvalidOperation"));
            }
            if self.kind == DecKind::Inf {
                return Ok(PyDecimal::infinity(neg));
            }
            return Ok(PyDecimal::finite(neg, num_bigint::BigUint::default(), DEC_ETINY));
        }
        if other.is_zero() {
            if self.is_zero() {
                return Err(dec_signal("decimal.InvalidOperation", "DivisionUndefined"));
            }
            return Err(dec_signal("decimal.DivisionByZero", "DivisionByZero"));
        }
        let (coef, exp) = if self.is_zero() {
            (num_bigint::BigUint::default(), self.exp - other.exp)
        } else {
            let shift = other.digits().len() as i64 - self.digits().len() as i64 + DEC_PREC + 1;
            let mut exp = self.exp - other.exp - shift;
            let (q, r) = if shift >= 0 {
                num_integer::Integer::div_rem(&(&self.coef * dec_pow10(shift)), &other.coef)
            } else {
                num_integer::Integer::div_rem(&self.coef, &(&other.coef * dec_pow10(-shift)))
            };
            let mut coef = q;
            if !num_traits::Zero::is_zero(&r) {
                if num_traits::Zero::is_zero(&(&coef % 5u32)) {
                    coef += 1u32;
                }
            } else {
                let ideal = self.exp - other.exp;
                while exp < ideal && num_traits::Zero::is_zero(&(&coef % 10u32)) {
                    coef /= 10u32;
                    exp += 1;
                }
            }
            (coef, exp)
        };
        PyDecimal::finite(neg, coef, exp).fix()
    }

    /// `_divide`: the truncated quotient and the remainder (finite operands, other nonzero).
    fn divide(&self, other: &PyDecimal) -> Result<(PyDecimal, PyDecimal), PyErr> {
        let neg = self.neg != other.neg;
        let ideal = if other.kind == DecKind::Inf { self.exp } else { self.exp.min(other.exp) };
        let zero = |neg| PyDecimal::finite(neg, num_bigint::BigUint::default(), 0);
        if self.is_zero() || other.kind == DecKind::Inf || self.adjusted() - other.adjusted() <= -2 {
            return Ok((zero(neg), self.rescale(ideal, DecRound::HalfEven)));
        }
        if self.adjusted() - other.adjusted() <= DEC_PREC {
            let (a, b) = if self.exp >= other.exp {
                (&self.coef * dec_pow10(self.exp - other.exp), other.coef.clone())
            } else {
                (self.coef.clone(), &other.coef * dec_pow10(other.exp - self.exp))
            };
            let (q, r) = num_integer::Integer::div_rem(&a, &b);
            if q < dec_pow10(DEC_PREC) {
                return Ok((PyDecimal::finite(neg, q, 0), PyDecimal::finite(self.neg, r, ideal)));
            }
        }
        Err(dec_signal("decimal.InvalidOperation", "DivisionImpossible"))
    }

    /// `self // other`: the quotient truncated toward zero (not floored, unlike ints).
    pub fn floordiv(&self, other: &PyDecimal) -> Result<PyDecimal, PyErr> {
        if let Some(ans) = self.check_nans(Some(other)) {
            return ans;
        }
        if self.kind == DecKind::Inf {
            if other.kind == DecKind::Inf {
                return Err(dec_signal("decimal.InvalidOperation", "InvalidOperation"));
            }
            return Ok(PyDecimal::infinity(self.neg != other.neg));
        }
        if other.is_zero() {
            if self.is_zero() {
                return Err(dec_signal("decimal.InvalidOperation", "DivisionUndefined"));
            }
            return Err(dec_signal("decimal.DivisionByZero", "DivisionByZero"));
        }
        Ok(self.divide(other)?.0)
    }

    /// `self % other`: the remainder has the dividend's sign.
    pub fn rem(&self, other: &PyDecimal) -> Result<PyDecimal, PyErr> {
        if let Some(ans) = self.check_nans(Some(other)) {
            return ans;
        }
        if self.kind == DecKind::Inf {
            return Err(dec_signal("decimal.InvalidOperation", "InvalidOperation"));
        }
        if other.is_zero() {
            return Err(dec_signal("decimal.InvalidOperation", if self.is_zero() { "DivisionUndefined" } else { "InvalidOperation" }));
        }
        self.divide(other)?.1.fix()
    }

    /// `-self` (rounded to the context; `-Decimal('0')` is `Decimal('0')`).
    pub fn neg(&self) -> Result<PyDecimal, PyErr> {
        if let Some(ans) = self.check_nans(None) {
            return ans;
        }
        let mut out = self.clone();
        out.neg = !self.is_zero() && !self.neg;
        out.fix()
    }

    /// `+self`: rounded to the context; `+Decimal('-0')` is `Decimal('0')`.
    pub fn pos(&self) -> Result<PyDecimal, PyErr> {
        if let Some(ans) = self.check_nans(None) {
            return ans;
        }
        let mut out = self.clone();
        if out.is_zero() {
            out.neg = false;
        }
        out.fix()
    }

    /// `abs(self)`.
    pub fn abs(&self) -> Result<PyDecimal, PyErr> {
        if let Some(ans) = self.check_nans(None) {
            return ans;
        }
        if self.neg {
            self.neg()
        } else {
            self.pos()
        }
    }

    /// `self.quantize(exp, rounding)`: InvalidOperation when the result needs more than 28
    /// digits or the exponent is outside the context.
    pub fn quantize(&self, exp: &PyDecimal, rounding: &str) -> Result<PyDecimal, PyErr> {
        let mode = dec_rounding(rounding)?;
        let invalid = || dec_signal("decimal.InvalidOperation", "InvalidOperation");
        if self.kind != DecKind::Finite || exp.kind != DecKind::Finite {
            if let Some(ans) = self.check_nans(Some(exp)) {
                return ans;
            }
            if exp.kind == DecKind::Inf && self.kind == DecKind::Inf {
                return Ok(self.clone());
            }
            return Err(invalid());
        }
        if !(DEC_ETINY..=DEC_EMAX).contains(&exp.exp) {
            return Err(invalid());
        }
        if self.is_zero() {
            return PyDecimal::finite(self.neg, num_bigint::BigUint::default(), exp.exp).fix();
        }
        let adjusted = self.adjusted();
        if adjusted > DEC_EMAX || adjusted - exp.exp + 1 > DEC_PREC {
            return Err(invalid());
        }
        let ans = self.rescale(exp.exp, mode);
        if ans.adjusted() > DEC_EMAX || ans.digits().len() as i64 > DEC_PREC {
            return Err(invalid());
        }
        ans.fix()
    }

    /// `round(self, n)`: `quantize(Decimal('1E-n'))` with the context's rounding.
    pub fn round_to(&self, n: i64) -> Result<PyDecimal, PyErr> {
        self.quantize(&PyDecimal::finite(false, num_bigint::BigUint::from(1u32), -n), "ROUND_HALF_EVEN")
    }

    /// `round(self)`: the nearest int, halves to even.
    pub fn round_int(&self) -> Result<i64, PyErr> {
        match self.kind {
            DecKind::NaN | DecKind::SNaN => Err(PyErr::new("ValueError", "cannot round a NaN")),
            DecKind::Inf => Err(PyErr::new("OverflowError", "cannot round an infinity")),
            DecKind::Finite => self.rescale(0, DecRound::HalfEven).to_i64(),
        }
    }

    /// `int(self)`: truncated toward zero; OverflowError past i64 (Python's int would grow).
    pub fn to_i64(&self) -> Result<i64, PyErr> {
        match self.kind {
            DecKind::NaN | DecKind::SNaN => return Err(PyErr::new("ValueError", "cannot convert NaN to integer")),
            DecKind::Inf => return Err(PyErr::new("OverflowError", "cannot convert Infinity to integer")),
            DecKind::Finite => {}
        }
        let too_big = || PyErr::new("OverflowError", "Python int too large to convert to C long");
        let magnitude = if self.exp >= 0 {
            if self.is_zero() {
                num_bigint::BigUint::default()
            } else if self.adjusted() > 19 {
                return Err(too_big());
            } else {
                &self.coef * dec_pow10(self.exp)
            }
        } else if -self.exp > self.digits().len() as i64 {
            num_bigint::BigUint::default()
        } else {
            &self.coef / dec_pow10(-self.exp)
        };
        let big = num_bigint::BigInt::from_biguint(if self.neg { num_bigint::Sign::Minus } else { num_bigint::Sign::Plus }, magnitude);
        num_traits::ToPrimitive::to_i64(&big).ok_or_else(too_big)
    }

    /// `float(self)`: the nearest float to its value (`float(str(self))`).
    pub fn to_f64(&self) -> Result<f64, PyErr> {
        match self.kind {
            DecKind::SNaN => Err(PyErr::new("ValueError", "cannot convert signaling NaN to float")),
            DecKind::NaN => Ok(if self.neg { -f64::NAN } else { f64::NAN }),
            DecKind::Inf => Ok(if self.neg { f64::NEG_INFINITY } else { f64::INFINITY }),
            DecKind::Finite => self.to_string().parse::<f64>().map_err(|e| PyErr::new("ValueError", e.to_string())),
        }
    }

    /// `bool(self)`: NaNs and infinities are true.
    pub fn is_true(&self) -> bool {
        !self.is_zero()
    }

    /// `<`, `>`, `<=`, `>=`: InvalidOperation when either is a NaN.
    pub fn cmp_py(&self, other: &PyDecimal) -> Result<std::cmp::Ordering, PyErr> {
        if self.is_nan() || other.is_nan() {
            return Err(dec_signal("decimal.InvalidOperation", "InvalidOperation"));
        }
        Ok(self.cmp_numbers(other))
    }

    /// `_cmp` of two non-NaN values.
    fn cmp_numbers(&self, other: &PyDecimal) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        let signed = |neg: bool, o: Ordering| if neg { o.reverse() } else { o };
        if self.kind == DecKind::Inf || other.kind == DecKind::Inf {
            let rank = |d: &PyDecimal| if d.kind != DecKind::Inf { 0 } else if d.neg { -1 } else { 1 };
            return rank(self).cmp(&rank(other));
        }
        match (self.is_zero(), other.is_zero()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return signed(other.neg, Ordering::Less),
            (false, true) => return signed(self.neg, Ordering::Greater),
            _ => {}
        }
        if self.neg != other.neg {
            return if self.neg { Ordering::Less } else { Ordering::Greater };
        }
        let (sa, oa) = (self.adjusted(), other.adjusted());
        if sa != oa {
            return signed(self.neg, sa.cmp(&oa));
        }
        let e = self.exp.min(other.exp);
        let a = &self.coef * dec_pow10(self.exp - e);
        let b = &other.coef * dec_pow10(other.exp - e);
        signed(self.neg, a.cmp(&b))
    }

    /// `self == other` (PartialEq's, callable on a value or a reference alike).
    pub fn eq_py(&self, other: &PyDecimal) -> bool {
        self == other
    }

    /// `repr(self)`: `Decimal('1.10')`.
    pub fn repr(&self) -> String {
        format!("Decimal('{}')", self)
    }
}

/// `==`: by value (`Decimal('1.0') == Decimal('1')`); a NaN equals nothing; an sNaN raises
/// InvalidOperation as Python's `==` does.
impl PartialEq for PyDecimal {
    fn eq(&self, other: &PyDecimal) -> bool {
        if self.kind == DecKind::SNaN || other.kind == DecKind::SNaN {
            panic!("decimal.InvalidOperation: [<class 'decimal.InvalidOperation'>]");
        }
        !self.is_nan() && !other.is_nan() && self.cmp_numbers(other) == std::cmp::Ordering::Equal
    }
}

/// `Eq` for sets and dict keys: `==` above; a NaN equals nothing, so each NaN is its own key,
/// as each NaN object is in Python's sets and dicts.
impl Eq for PyDecimal {}

/// Consistent with `==`: numerically equal values (`1.0`, `1`, `1E+0`) hash alike (the
/// coefficient without its trailing zeros, the exponent moved to match; every zero alike).
impl std::hash::Hash for PyDecimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self.kind {
            DecKind::Finite if self.is_zero() => 0u8.hash(state),
            DecKind::Finite => {
                let (mut coef, mut exp) = (self.coef.clone(), self.exp);
                while num_traits::Zero::is_zero(&(&coef % 10u32)) {
                    coef /= 10u32;
                    exp += 1;
                }
                (1u8, self.neg, coef, exp).hash(state)
            }
            DecKind::Inf => (2u8, self.neg).hash(state),
            DecKind::NaN | DecKind::SNaN => 3u8.hash(state),
        }
    }
}

/// `<` as `sorted()`, `min()`, `max()` use it: by value; a NaN raises InvalidOperation, as
/// Python's ordering of one does.
impl PartialOrd for PyDecimal {
    fn partial_cmp(&self, other: &PyDecimal) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PyDecimal {
    fn cmp(&self, other: &PyDecimal) -> std::cmp::Ordering {
        self.cmp_py(other).unwrap_or_else(|e| panic!("{}", e))
    }
}

/// `str(d)`: the spec's to-sci-string (`1E+2`, `0.000001`, `1E-7`, `-0`, `Infinity`, `NaN123`).
impl std::fmt::Display for PyDecimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let sign = if self.neg { "-" } else { "" };
        match self.kind {
            DecKind::Inf => return write!(f, "{}Infinity", sign),
            DecKind::NaN | DecKind::SNaN => {
                let payload = if num_traits::Zero::is_zero(&self.coef) { String::new() } else { self.coef.to_string() };
                return write!(f, "{}{}NaN{}", sign, if self.kind == DecKind::SNaN { "s" } else { "" }, payload);
            }
            DecKind::Finite => {}
        }
        let d = self.coef.to_str_radix(10);
        let n = d.len() as i64;
        let left = self.exp + n;
        let dot = if self.exp <= 0 && left > -6 { left } else { 1 };
        let (int_part, frac_part) = if dot <= 0 {
            ("0".to_string(), format!(".{}{}", "0".repeat((-dot) as usize), d))
        } else if dot >= n {
            (format!("{}{}", d, "0".repeat((dot - n) as usize)), String::new())
        } else {
            (d[..dot as usize].to_string(), format!(".{}", &d[dot as usize..]))
        };
        let exp = if left == dot { String::new() } else { format!("E{:+}", left - dot) };
        write!(f, "{}{}{}{}", sign, int_part, frac_part, exp)
    }
}

/// `Decimal(s)` of a str.
pub fn decimal_from_str(s: &str) -> Result<PyDecimal, PyErr> {
    PyDecimal::parse(s)
}

/// A Decimal written as a literal by the translation (a case's argument, always valid).
pub fn decimal_lit(s: &str) -> PyDecimal {
    PyDecimal::parse(s).unwrap_or_else(|e| panic!("{}", e))
}

/// `str(d)`.
pub fn decimal_str(d: &PyDecimal) -> String {
    d.to_string()
}

/// `repr(d)`.
pub fn decimal_repr(d: &PyDecimal) -> String {
    d.repr()
}
// @end

// @helper fsum deps: PyErr
/// `math.fsum(xs)`: CPython's `math_fsum` step for step (Shewchuk's partials, the half-even
/// fix across partials, OverflowError "intermediate overflow in fsum", ValueError for -inf + inf).
pub fn fsum(xs: &[f64]) -> Result<f64, PyErr> {
    let mut p: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    let mut lo = 0.0f64;
    for &item in xs {
        let mut x = item;
        let xsave = x;
        let mut i = 0;
        for j in 0..p.len() {
            let mut y = p[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                p[i] = lo;
                i += 1;
            }
            x = hi;
        }
        p.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                if xsave.is_finite() {
                    return Err(PyErr::new("OverflowError", "intermediate overflow in fsum"));
                }
                if xsave.is_infinite() {
                    inf_sum += xsave;
                }
                special_sum += xsave;
                p.clear();
            } else {
                p.push(x);
            }
        }
    }
    if special_sum != 0.0 || special_sum.is_nan() {
        if inf_sum.is_nan() {
            return Err(PyErr::new("ValueError", "-inf + inf in fsum"));
        }
        return Ok(special_sum);
    }
    let mut hi = 0.0f64;
    let mut n = p.len();
    if n > 0 {
        n -= 1;
        hi = p[n];
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = p[n];
            hi = x + y;
            let yr = hi - x;
            lo = y - yr;
            if lo != 0.0 {
                break;
            }
        }
        if n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            let yr = x - hi;
            if y == yr {
                hi = x;
            }
        }
    }
    Ok(hi)
}
// @end

// @helper statistics deps: PyErr, fsum crates: num-rational, num-bigint, num-traits, num-integer
/// `statistics` on floats (ints convert exactly): Python 3.11's exact algorithms, the sums as
/// `num_rational::BigRational` (`_sum`, `_ss`), the result correctly rounded; a non-finite
/// value makes the result the float sum of the non-finite values, as `_sum` does.
fn stat_error(msg: &str) -> PyErr {
    PyErr::new("statistics.StatisticsError", msg)
}

fn stat_exact(x: f64) -> num_rational::BigRational {
    num_rational::BigRational::from_float(x).unwrap_or_default()
}

/// A fraction as Python's `float(Fraction)` (int true division): correctly rounded,
/// OverflowError past the float range.
fn stat_float(q: &num_rational::BigRational) -> Result<f64, PyErr> {
    let x = num_traits::ToPrimitive::to_f64(q).unwrap_or(f64::INFINITY);
    if x.is_infinite() {
        return Err(PyErr::new("OverflowError", "integer division result too large for a float"));
    }
    Ok(x)
}

/// The sum of the non-finite values in order (`_sum`'s `partials[None]`), None when all are finite.
fn stat_special(xs: &[f64]) -> Option<f64> {
    let mut special: Option<f64> = None;
    for &x in xs {
        if !x.is_finite() {
            special = Some(special.unwrap_or(0.0) + x);
        }
    }
    special
}

/// `statistics.mean(xs)` of floats.
pub fn stat_mean(xs: &[f64]) -> Result<f64, PyErr> {
    if xs.is_empty() {
        return Err(stat_error("mean requires at least one data point"));
    }
    if let Some(s) = stat_special(xs) {
        return Ok(s / xs.len() as f64);
    }
    let total: num_rational::BigRational = xs.iter().map(|&x| stat_exact(x)).sum();
    stat_float(&(total / num_rational::BigRational::from_integer(num_bigint::BigInt::from(xs.len()))))
}

/// `statistics.fmean(xs)`: `fsum(xs) / n`.
pub fn stat_fmean(xs: &[f64]) -> Result<f64, PyErr> {
    let total = fsum(xs)?;
    if xs.is_empty() {
        return Err(stat_error("fmean requires at least one data point"));
    }
    Ok(total / xs.len() as f64)
}

fn stat_sorted(xs: &[f64]) -> Result<Vec<f64>, PyErr> {
    if xs.iter().any(|x| x.is_nan()) {
        // Python's sort compares with `<` only, and where a NaN lands depends on the input's
        // order: not reproduced, so not guessed either
        return Err(PyErr::new("NotImplementedError", "the median of data holding a NaN is not translated"));
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    Ok(v)
}

/// `statistics.median(xs)` of floats.
pub fn stat_median(xs: &[f64]) -> Result<f64, PyErr> {
    let v = stat_sorted(xs)?;
    let n = v.len();
    if n == 0 {
        return Err(stat_error("no median for empty data"));
    }
    if n % 2 == 1 {
        Ok(v[n / 2])
    } else {
        Ok((v[n / 2 - 1] + v[n / 2]) / 2.0)
    }
}

/// `statistics.median_low(xs)` / `median_high(xs)` of floats (ints: `stat_median_side_int`).
pub fn stat_median_side(xs: &[f64], high: bool) -> Result<f64, PyErr> {
    let v = stat_sorted(xs)?;
    let n = v.len();
    if n == 0 {
        return Err(stat_error("no median for empty data"));
    }
    Ok(if n % 2 == 1 || high { v[n / 2] } else { v[n / 2 - 1] })
}

/// `median_low`/`median_high` of ints.
pub fn stat_median_side_int(xs: &[i64], high: bool) -> Result<i64, PyErr> {
    let mut v = xs.to_vec();
    v.sort_unstable();
    let n = v.len();
    if n == 0 {
        return Err(stat_error("no median for empty data"));
    }
    Ok(if n % 2 == 1 || high { v[n / 2] } else { v[n / 2 - 1] })
}

/// `_ss`: the exact sum of square deviations, or the float sum of the non-finite values.
fn stat_ss(xs: &[f64]) -> Result<num_rational::BigRational, f64> {
    if let Some(s) = stat_special(xs) {
        return Err(s);
    }
    let n = num_rational::BigRational::from_integer(num_bigint::BigInt::from(xs.len()));
    if xs.is_empty() {
        return Ok(num_rational::BigRational::default());
    }
    let mut sx = num_rational::BigRational::default();
    let mut sxx = num_rational::BigRational::default();
    for &x in xs {
        let q = stat_exact(x);
        sxx += &q * &q;
        sx += q;
    }
    Ok((&n * sxx - &sx * &sx) / n)
}

/// `variance` (sample) and `pvariance` (population) of floats.
pub fn stat_variance(xs: &[f64], population: bool) -> Result<f64, PyErr> {
    let n = xs.len();
    let (min, name) = if population { (1, "pvariance requires at least one data point") } else { (2, "variance requires at least two data points") };
    let ss = stat_ss(xs);
    if n < min {
        return Err(stat_error(name));
    }
    let d = if population { n } else { n - 1 };
    match ss {
        Err(special) => Ok(special / d as f64),
        Ok(ss) => stat_float(&(ss / num_rational::BigRational::from_integer(num_bigint::BigInt::from(d)))),
    }
}

/// `_float_sqrt_of_frac(n, m)`: the square root of n/m correctly rounded (round-to-odd on 109 bits).
fn stat_sqrt_of_frac(n: &num_bigint::BigInt, m: &num_bigint::BigInt) -> Result<f64, PyErr> {
    let rto = |n: &num_bigint::BigInt, m: &num_bigint::BigInt| -> num_bigint::BigInt {
        let a: num_bigint::BigInt = num_integer::Integer::div_floor(n, m).sqrt();
        let exact = &a * &a * m == *n;
        if exact { a } else { a | num_bigint::BigInt::from(1) }
    };
    let q = num_integer::Integer::div_floor(&(n.bits() as i64 - m.bits() as i64 - 109), &2);
    let (num, den) = if q >= 0 {
        (rto(n, &(m << (2 * q) as usize)) << q as usize, num_bigint::BigInt::from(1))
    } else {
        (rto(&(n << (-2 * q) as usize), m), num_bigint::BigInt::from(1) << (-q) as usize)
    };
    stat_float(&num_rational::BigRational::new(num, den))
}

/// `stdev` (sample) and `pstdev` (population) of floats: Python raises AttributeError when a
/// value is not finite (its `_float_sqrt_of_frac` gets a float).
pub fn stat_stdev(xs: &[f64], population: bool) -> Result<f64, PyErr> {
    let n = xs.len();
    let (min, name) = if population { (1, "pstdev requires at least one data point") } else { (2, "stdev requires at least two data points") };
    let ss = stat_ss(xs);
    if n < min {
        return Err(stat_error(name));
    }
    let d = if population { n } else { n - 1 };
    match ss {
        Err(_) => Err(PyErr::new("AttributeError", "'float' object has no attribute 'numerator'")),
        Ok(ss) => {
            let mss = ss / num_rational::BigRational::from_integer(num_bigint::BigInt::from(d));
            stat_sqrt_of_frac(mss.numer(), mss.denom())
        }
    }
}
// @end

// @helper PyRandom deps: PyErr
/// `random` as CPython's `_random.Random` and `random.py` (3.11): MT19937 seeded by
/// `init_by_array` of the seed's 32-bit words (`random.seed(n)` uses abs(n)), `random()` of
/// 53 bits, `_randbelow` by `getrandbits` with rejection, and the module functions over it, so a
/// seeded program draws Python's numbers. The module's shared generator is `PY_RANDOM`; unseeded,
/// it starts from the clock (Python's from os.urandom: random either way).
#[derive(Clone, Debug)]
pub struct PyRandom {
    mt: Vec<u32>,
    index: usize,
}

impl PyRandom {
    fn init_genrand(s: u32) -> PyRandom {
        let mut mt = vec![0u32; 624];
        mt[0] = s;
        for i in 1..624 {
            mt[i] = 1_812_433_253u32.wrapping_mul(mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_add(i as u32);
        }
        PyRandom { mt, index: 624 }
    }

    fn init_by_array(key: &[u32]) -> PyRandom {
        let mut r = PyRandom::init_genrand(19_650_218);
        let mt = &mut r.mt;
        let (mut i, mut j) = (1usize, 0usize);
        let n = 624usize;
        let mut k = n.max(key.len());
        while k > 0 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_664_525)).wrapping_add(key[j]).wrapping_add(j as u32);
            i += 1;
            j += 1;
            if i >= n {
                mt[0] = mt[n - 1];
                i = 1;
            }
            if j >= key.len() {
                j = 0;
            }
            k -= 1;
        }
        k = n - 1;
        while k > 0 {
            mt[i] = (mt[i] ^ (mt[i - 1] ^ (mt[i - 1] >> 30)).wrapping_mul(1_566_083_941)).wrapping_sub(i as u32);
            i += 1;
            if i >= n {
                mt[0] = mt[n - 1];
                i = 1;
            }
            k -= 1;
        }
        mt[0] = 0x8000_0000;
        r
    }

    /// `random.seed(n)` / `random.Random(n)` of an int.
    pub fn seeded(n: i64) -> PyRandom {
        let mut m = n.unsigned_abs();
        let mut key = Vec::new();
        while m > 0 {
            key.push(m as u32);
            m >>= 32;
        }
        if key.is_empty() {
            key.push(0);
        }
        PyRandom::init_by_array(&key)
    }

    fn from_clock() -> PyRandom {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        PyRandom::init_by_array(&[t as u32, (t >> 32) as u32, (t >> 64) as u32, std::process::id()])
    }

    fn genrand_u32(&mut self) -> u32 {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        if self.index >= 624 {
            for kk in 0..624 {
                let y = (self.mt[kk] & UPPER) | (self.mt[(kk + 1) % 624] & LOWER);
                let mag = if y & 1 == 1 { 0x9908_b0df } else { 0 };
                self.mt[kk] = self.mt[(kk + 397) % 624] ^ (y >> 1) ^ mag;
            }
            self.index = 0;
        }
        let mut y = self.mt[self.index];
        self.index += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `random()`: 53 random bits in [0, 1).
    pub fn random(&mut self) -> f64 {
        let a = (self.genrand_u32() >> 5) as f64;
        let b = (self.genrand_u32() >> 6) as f64;
        (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for k <= 64, as CPython builds it from 32-bit words (low word first).
    fn getrandbits(&mut self, k: u32) -> u64 {
        if k == 0 {
            return 0;
        }
        if k <= 32 {
            return (self.genrand_u32() >> (32 - k)) as u64;
        }
        let low = self.genrand_u32() as u64;
        let high = (self.genrand_u32() >> (64 - k)) as u64;
        low | (high << 32)
    }

    /// `_randbelow(n)`, n > 0: rejection sampling on n.bit_length() bits.
    fn randbelow(&mut self, n: u64) -> u64 {
        let k = 64 - n.leading_zeros();
        let mut r = self.getrandbits(k);
        while r >= n {
            r = self.getrandbits(k);
        }
        r
    }

    /// `randrange(start, stop, step)` (`stop` None: `randrange(start)`).
    pub fn randrange(&mut self, start: i64, stop: Option<i64>, step: i64) -> Result<i64, PyErr> {
        let Some(stop) = stop else {
            if start > 0 {
                return Ok(self.randbelow(start as u64) as i64);
            }
            return Err(PyErr::new("ValueError", "empty range for randrange()"));
        };
        let width = stop as i128 - start as i128;
        let n: i128 = if step == 1 {
            if width <= 0 {
                return Err(PyErr::new("ValueError", format!("empty range for randrange() ({}, {}, {})", start, stop, width)));
            }
            width
        } else if step > 0 {
            floor_div(width + step as i128 - 1, step as i128)
        } else if step < 0 {
            floor_div(width + step as i128 + 1, step as i128)
        } else {
            return Err(PyErr::new("ValueError", "zero step for randrange()"));
        };
        if n <= 0 {
            return Err(PyErr::new("ValueError", "empty range for randrange()"));
        }
        let r = self.randbelow(n as u64) as i128;
        i64::try_from(start as i128 + step as i128 * r).map_err(|_| PyErr::new("OverflowError", "int too large for i64"))
    }

    /// `randint(a, b)`: `randrange(a, b + 1)`.
    pub fn randint(&mut self, a: i64, b: i64) -> Result<i64, PyErr> {
        let stop = b.checked_add(1).ok_or_else(|| PyErr::new("OverflowError", "int too large for i64"))?;
        self.randrange(a, Some(stop), 1)
    }

    /// `uniform(a, b)`.
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// The index `choice(seq)` takes: IndexError for an empty sequence.
    pub fn choice_index(&mut self, len: usize) -> Result<usize, PyErr> {
        if len == 0 {
            return Err(PyErr::new("IndexError", "Cannot choose from an empty sequence"));
        }
        Ok(self.randbelow(len as u64) as usize)
    }

    /// `shuffle(x)` in place, as random.py's loop.
    pub fn shuffle<T>(&mut self, x: &mut [T]) {
        for i in (1..x.len()).rev() {
            let j = self.randbelow(i as u64 + 1) as usize;
            x.swap(i, j);
        }
    }

    /// The indices `sample(population, k)` takes, in order (random.py 3.11: a pool for a small
    /// population, a set of taken indices past `setsize`).
    pub fn sample_indices(&mut self, n: usize, k: i64) -> Result<Vec<usize>, PyErr> {
        if k < 0 || k as u64 > n as u64 {
            return Err(PyErr::new("ValueError", "Sample larger than population or is negative"));
        }
        let k = k as usize;
        let mut setsize: u64 = 21;
        if k > 5 {
            // 4 ** ceil(log(k * 3, 4)), math.log(x, base) being log(x) / log(base)
            let e = ((k as f64) * 3.0).ln() / 4f64.ln();
            setsize = setsize.saturating_add(4u64.checked_pow(e.ceil() as u32).unwrap_or(u64::MAX));
        }
        let mut out = Vec::with_capacity(k);
        if n as u64 <= setsize {
            let mut pool: Vec<usize> = (0..n).collect();
            for i in 0..k {
                let j = self.randbelow((n - i) as u64) as usize;
                out.push(pool[j]);
                pool[j] = pool[n - i - 1];
            }
        } else {
            let mut selected = std::collections::HashSet::new();
            for _ in 0..k {
                let mut j = self.randbelow(n as u64) as usize;
                while selected.contains(&j) {
                    j = self.randbelow(n as u64) as usize;
                }
                selected.insert(j);
                out.push(j);
            }
        }
        Ok(out)
    }

    /// The indices `choices(population, k=k)` takes: `floor(random() * n)` each; IndexError
    /// for an empty population (Python indexes it); none for k <= 0.
    pub fn choices_indices(&mut self, n: usize, k: i64) -> Result<Vec<usize>, PyErr> {
        let mut out = Vec::new();
        for _ in 0..k.max(0) {
            let i = (self.random() * n as f64).floor() as usize;
            if i >= n {
                return Err(PyErr::new("IndexError", "list index out of range"));
            }
            out.push(i);
        }
        Ok(out)
    }

    /// The indices `choices(population, weights, k=k)` takes: the weights accumulated left to
    /// right, then `bisect_right(cum, random() * total, 0, n - 1)`, with random.py's errors.
    pub fn choices_weighted_indices(&mut self, n: usize, weights: &[f64], k: i64) -> Result<Vec<usize>, PyErr> {
        let mut cum = Vec::with_capacity(weights.len());
        let mut acc = 0.0f64;
        for (i, w) in weights.iter().enumerate() {
            acc = if i == 0 { *w } else { acc + w };
            cum.push(acc);
        }
        if cum.len() != n {
            return Err(PyErr::new("ValueError", "The number of weights does not match the population"));
        }
        let Some(&last) = cum.last() else {
            return Err(PyErr::new("IndexError", "list index out of range"));
        };
        let total = last + 0.0;
        if total <= 0.0 {
            return Err(PyErr::new("ValueError", "Total of weights must be greater than zero"));
        }
        if !total.is_finite() {
            return Err(PyErr::new("ValueError", "Total of weights must be finite"));
        }
        let mut out = Vec::new();
        for _ in 0..k.max(0) {
            let x = self.random() * total;
            let (mut lo, mut hi) = (0usize, n - 1);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if x < cum[mid] {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            out.push(lo);
        }
        Ok(out)
    }
}

/// Python's `//` on i128.
fn floor_div(a: i128, b: i128) -> i128 {
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

/// The module's shared generator (`random.seed`, `random.random()`...).
pub static PY_RANDOM: std::sync::LazyLock<std::sync::Mutex<PyRandom>> =
    std::sync::LazyLock::new(|| std::sync::Mutex::new(PyRandom::from_clock()));

/// The shared generator, locked (a panic elsewhere while it was held does not poison it for
/// Python's purposes: the state is still a valid generator).
pub fn py_random() -> std::sync::MutexGuard<'static, PyRandom> {
    PY_RANDOM.lock().unwrap_or_else(|e| e.into_inner())
}

// Each module function locks the shared generator inside the call, so two in one expression
// (`[random.random(), random.random()]`) never hold the lock together.

/// `random.seed(n)`.
pub fn random_seed(n: i64) {
    *py_random() = PyRandom::seeded(n);
}

/// `random.random()`.
pub fn random_random() -> f64 {
    py_random().random()
}

/// `random.randint(a, b)`.
pub fn random_randint(a: i64, b: i64) -> Result<i64, PyErr> {
    py_random().randint(a, b)
}

/// `random.randrange(start[, stop[, step]])`.
pub fn random_randrange(start: i64, stop: Option<i64>, step: i64) -> Result<i64, PyErr> {
    py_random().randrange(start, stop, step)
}

/// `random.uniform(a, b)`.
pub fn random_uniform(a: f64, b: f64) -> f64 {
    py_random().uniform(a, b)
}

/// The index `random.choice(seq)` takes.
pub fn random_choice_index(len: usize) -> Result<usize, PyErr> {
    py_random().choice_index(len)
}

/// `random.shuffle(x)`.
pub fn random_shuffle<T>(x: &mut [T]) {
    py_random().shuffle(x)
}

/// `random.sample(population, k)` of a list: the items taken, cloned.
pub fn random_sample<T: Clone>(xs: &[T], k: i64) -> Result<Vec<T>, PyErr> {
    let taken = py_random().sample_indices(xs.len(), k)?;
    Ok(taken.into_iter().map(|i| xs[i].clone()).collect())
}

/// `random.sample(range(start, stop, step), k)`: the range's items at the indices taken (the
/// range itself is never built, as Python indexes it).
pub fn random_sample_range(start: i64, stop: i64, step: i64, k: i64) -> Result<Vec<i64>, PyErr> {
    if step == 0 {
        panic!("ValueError: range() arg 3 must not be zero");
    }
    let (a, b, st) = (start as i128, stop as i128, step as i128);
    // len(range(...)) as Python computes it
    let n = if st > 0 && b > a {
        (b - a + st - 1) / st
    } else if st < 0 && a > b {
        (a - b - st - 1) / -st
    } else {
        0
    };
    let taken = py_random().sample_indices(n as usize, k)?;
    // every index is below the range's length: the item lies between start and stop
    Ok(taken.into_iter().map(|i| (a + i as i128 * st) as i64).collect())
}

/// `random.choices(population, k=k)` of a list.
pub fn random_choices<T: Clone>(xs: &[T], k: i64) -> Result<Vec<T>, PyErr> {
    let taken = py_random().choices_indices(xs.len(), k)?;
    Ok(taken.into_iter().map(|i| xs[i].clone()).collect())
}

/// `random.choices(population, weights, k=k)` with int weights (as floats: exact below 2**53).
pub fn random_choices_weighted_int<T: Clone>(xs: &[T], weights: &[i64], k: i64) -> Result<Vec<T>, PyErr> {
    let floats: Vec<f64> = weights.iter().map(|&w| w as f64).collect();
    random_choices_weighted(xs, &floats, k)
}

/// `random.choices(population, weights, k=k)` of a list, the weights as floats (int weights
/// are exact below 2**53, where Python's accumulated ints and their floats agree).
pub fn random_choices_weighted<T: Clone>(xs: &[T], weights: &[f64], k: i64) -> Result<Vec<T>, PyErr> {
    let taken = py_random().choices_weighted_indices(xs.len(), weights, k)?;
    Ok(taken.into_iter().map(|i| xs[i].clone()).collect())
}
// @end

// @helper try_json_loads deps: PyErr crates: serde_json
/// `json.loads(s)` on serde_json (features preserve_order: objects keep their keys' order, a
/// repeated key keeps its first place and its last value, as Python's dict; arbitrary_precision:
/// numbers keep their text, so an int past i64 is seen and a float is parsed once, correctly
/// rounded). A syntax error is Python's `json.JSONDecodeError` (a ValueError) with its line,
/// column and char position; the wording is serde_json's.
pub fn try_json_loads(s: &str) -> Result<serde_json::Value, PyErr> {
    serde_json::from_str(s).map_err(|e| {
        let text = e.to_string();
        let what = text.split(" at line ").next().unwrap_or(&text);
        let (line, column) = (e.line(), e.column());
        let pos: usize = s.split('\n').take(line.saturating_sub(1)).map(|l| l.chars().count() + 1).sum::<usize>()
            + column.saturating_sub(1);
        let mut what: Vec<char> = what.chars().collect();
        if let Some(c) = what.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        PyErr::new(
            "json.JSONDecodeError",
            format!("{}: line {} column {} (char {})", what.into_iter().collect::<String>(), line, column, pos),
        )
    })
}
// @end

// @helper json_loads deps: try_json_loads
/// `json.loads(s)`: its JSONDecodeError as a panic.
pub fn json_loads(s: &str) -> serde_json::Value {
    try_json_loads(s).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper FromJson deps: PyDict crates: serde_json
/// A `json.loads` value where the code declares its type (`x: dict[str, int] = json.loads(s)`):
/// the value as that Rust type. Python would carry on with whatever the text held; a value of
/// another type than declared is a TypeError here (the annotation is wrong for this input), an
/// int past i64 an OverflowError.
pub trait FromJson: Sized {
    fn from_json(v: serde_json::Value) -> Self;
}

/// Python's name of a JSON value's type.
pub fn json_type_name(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "NoneType",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(n) if json_is_int(n) => "int",
        serde_json::Value::Number(_) => "float",
        serde_json::Value::String(_) => "str",
        serde_json::Value::Array(_) => "list",
        serde_json::Value::Object(_) => "dict",
    }
}

fn json_is_int(n: &serde_json::Number) -> bool {
    !n.to_string().contains(['.', 'e', 'E'])
}

fn json_mismatch(v: &serde_json::Value, want: &str) -> ! {
    panic!("TypeError: json.loads gave a {} where the code declares {}", json_type_name(v), want)
}

impl FromJson for i64 {
    fn from_json(v: serde_json::Value) -> Self {
        match &v {
            serde_json::Value::Number(n) if json_is_int(n) => n
                .as_i64()
                .unwrap_or_else(|| panic!("OverflowError: json.loads gave the int {}, past i64", n)),
            _ => json_mismatch(&v, "int"),
        }
    }
}

impl FromJson for f64 {
    fn from_json(v: serde_json::Value) -> Self {
        match &v {
            serde_json::Value::Number(n) => n.to_string().parse::<f64>().unwrap_or(f64::NAN),
            _ => json_mismatch(&v, "float"),
        }
    }
}

impl FromJson for bool {
    fn from_json(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Bool(b) => b,
            _ => json_mismatch(&v, "bool"),
        }
    }
}

impl FromJson for String {
    fn from_json(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::String(s) => s,
            _ => json_mismatch(&v, "str"),
        }
    }
}

impl FromJson for () {
    fn from_json(v: serde_json::Value) -> Self {
        if !v.is_null() {
            json_mismatch(&v, "None")
        }
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(v: serde_json::Value) -> Self {
        if v.is_null() {
            None
        } else {
            Some(T::from_json(v))
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Array(items) => items.into_iter().map(T::from_json).collect(),
            _ => json_mismatch(&v, "list"),
        }
    }
}

impl<V: FromJson> FromJson for PyDict<String, V> {
    fn from_json(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Object(map) => map.into_iter().map(|(k, x)| (k, V::from_json(x))).collect(),
            _ => json_mismatch(&v, "dict"),
        }
    }
}
// @end

// @helper json_dumps deps: float_repr, PyDict
/// `json.dumps(obj, ...)` with Python's exact text: separators, `indent`, `sort_keys`,
/// `ensure_ascii`, `allow_nan` (NaN and Infinity written as Python writes them).
pub struct JsonOpts {
    pub indent: Option<String>,
    pub item_sep: String,
    pub key_sep: String,
    pub sort_keys: bool,
    pub ensure_ascii: bool,
    pub allow_nan: bool,
}

/// A value `json.dumps` can write (the types a translated value can have).
pub trait PyJson {
    fn py_json(&self, o: &JsonOpts, level: usize, out: &mut String);
    /// The text of the value as a dict key (`{1: 2}` is `{"1": 2}`).
    fn py_json_key(&self) -> String {
        panic!("TypeError: keys must be str, int, float, bool or None");
    }
}

/// `json.dumps(value, ...)`.
pub fn json_dumps<T: PyJson + ?Sized>(value: &T, o: &JsonOpts) -> String {
    let mut out = String::new();
    value.py_json(o, 0, &mut out);
    out
}

fn json_str(s: &str, ascii: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (ascii && (c as u32) > 0x7e) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_float(x: f64, o: &JsonOpts) -> String {
    if x.is_finite() {
        return float_repr(x);
    }
    if !o.allow_nan {
        panic!("ValueError: Out of range float values are not JSON compliant");
    }
    if x.is_nan() {
        "NaN".to_string()
    } else if x > 0.0 {
        "Infinity".to_string()
    } else {
        "-Infinity".to_string()
    }
}

fn json_newline(o: &JsonOpts, level: usize, out: &mut String) {
    if let Some(ind) = &o.indent {
        out.push('\n');
        out.push_str(&ind.repeat(level));
    }
}

/// `[a, b]` (or one item per line with `indent`), from the items' writers.
fn json_seq<'a, T: PyJson + 'a>(items: impl Iterator<Item = &'a T>, o: &JsonOpts, level: usize, out: &mut String) {
    let mut empty = true;
    out.push('[');
    for (i, x) in items.enumerate() {
        if i > 0 {
            out.push_str(&o.item_sep);
        }
        json_newline(o, level + 1, out);
        x.py_json(o, level + 1, out);
        empty = false;
    }
    if !empty {
        json_newline(o, level, out);
    }
    out.push(']');
}

impl PyJson for i64 {
    fn py_json(&self, _: &JsonOpts, _: usize, out: &mut String) {
        out.push_str(&self.to_string());
    }
    fn py_json_key(&self) -> String {
        self.to_string()
    }
}

impl PyJson for f64 {
    fn py_json(&self, o: &JsonOpts, _: usize, out: &mut String) {
        out.push_str(&json_float(*self, o));
    }
    fn py_json_key(&self) -> String {
        // as a key Python writes the float's repr, NaN and Infinity included
        let o = JsonOpts { indent: None, item_sep: String::new(), key_sep: String::new(), sort_keys: false, ensure_ascii: true, allow_nan: true };
        json_float(*self, &o)
    }
}

impl PyJson for bool {
    fn py_json(&self, _: &JsonOpts, _: usize, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
    fn py_json_key(&self) -> String {
        if *self { "true" } else { "false" }.to_string()
    }
}

impl PyJson for () {
    fn py_json(&self, _: &JsonOpts, _: usize, out: &mut String) {
        out.push_str("null");
    }
    fn py_json_key(&self) -> String {
        "null".to_string()
    }
}

impl PyJson for String {
    fn py_json(&self, o: &JsonOpts, _: usize, out: &mut String) {
        json_str(self, o.ensure_ascii, out);
    }
    fn py_json_key(&self) -> String {
        self.clone()
    }
}

impl PyJson for str {
    fn py_json(&self, o: &JsonOpts, _: usize, out: &mut String) {
        json_str(self, o.ensure_ascii, out);
    }
    fn py_json_key(&self) -> String {
        self.to_string()
    }
}

impl<T: PyJson + ?Sized> PyJson for &T {
    fn py_json(&self, o: &JsonOpts, level: usize, out: &mut String) {
        (**self).py_json(o, level, out);
    }
    fn py_json_key(&self) -> String {
        (**self).py_json_key()
    }
}

impl<T: PyJson> PyJson for Option<T> {
    fn py_json(&self, o: &JsonOpts, level: usize, out: &mut String) {
        match self {
            Some(x) => x.py_json(o, level, out),
            None => out.push_str("null"),
        }
    }
    fn py_json_key(&self) -> String {
        match self {
            Some(x) => x.py_json_key(),
            None => "null".to_string(),
        }
    }
}

impl<T: PyJson> PyJson for Vec<T> {
    fn py_json(&self, o: &JsonOpts, level: usize, out: &mut String) {
        json_seq(self.iter(), o, level, out);
    }
}

impl<K: PyJson + std::hash::Hash + Eq + Clone + Ord, V: PyJson> PyJson for PyDict<K, V> {
    fn py_json(&self, o: &JsonOpts, level: usize, out: &mut String) {
        let mut items: Vec<(&K, &V)> = self.items().collect();
        if o.sort_keys {
            // Python sorts the keys themselves (ints as numbers), before writing them
            items.sort_by(|a, b| a.0.cmp(b.0));
        }
        out.push('{');
        for (i, (k, v)) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(&o.item_sep);
            }
            json_newline(o, level + 1, out);
            json_str(&k.py_json_key(), o.ensure_ascii, out);
            out.push_str(&o.key_sep);
            v.py_json(o, level + 1, out);
        }
        if !items.is_empty() {
            json_newline(o, level, out);
        }
        out.push('}');
    }
}

macro_rules! py_json_tuple {
    ($($name:ident)+) => {
        impl<$($name: PyJson),+> PyJson for ($($name,)+) {
            #[allow(non_snake_case)]
            fn py_json(&self, o: &JsonOpts, level: usize, out: &mut String) {
                let ($($name,)+) = self;
                let items: Vec<&dyn PyJson> = vec![$($name as &dyn PyJson),+];
                json_seq(items.iter(), o, level, out);
            }
        }
    };
}
py_json_tuple!(A);
py_json_tuple!(A B);
py_json_tuple!(A B C);
py_json_tuple!(A B C D);
py_json_tuple!(A B C D E);
py_json_tuple!(A B C D E F);
// @end

// @helper ascii_escape
/// `ascii(x)`: the repr with every non-ASCII character escaped (`\xNN`, `\uNNNN`, `\UNNNNNNNN`).
pub fn ascii_escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n <= 0xff {
            out.push_str(&format!("\\x{:02x}", n));
        } else if n <= 0xffff {
            out.push_str(&format!("\\u{:04x}", n));
        } else {
            out.push_str(&format!("\\U{:08x}", n));
        }
    }
    out
}
// @end

// @helper str_split_opt deps: split_ws
/// `s.split(sep)` where `sep` may be None (string's `capwords(s, sep=None)` passes its own on):
/// None splits on runs of whitespace, a str on itself (an empty one raises ValueError).
pub fn str_split_opt(s: &str, sep: Option<&str>) -> Vec<String> {
    match sep {
        None => split_ws(s).map(|p| p.to_string()).collect(),
        Some("") => panic!("ValueError: empty separator"),
        Some(sep) => s.split(sep).map(|p| p.to_string()).collect(),
    }
}
// @end

// @helper string_capwords deps: str_capitalize
/// `string.capwords(s, sep)`: each word capitalized; with no `sep`, words are split on Python's
/// whitespace (`str.isspace`: Rust's White_Space plus U+001C-U+001F) and joined with one space.
pub fn string_capwords(s: &str, sep: Option<&str>) -> String {
    match sep {
        None => s
            .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
            .filter(|w| !w.is_empty())
            .map(str_capitalize)
            .collect::<Vec<_>>()
            .join(" "),
        Some("") => panic!("ValueError: empty separator"),
        Some(sep) => s.split(sep).map(str_capitalize).collect::<Vec<_>>().join(sep),
    }
}
// @end

// @helper big_to_i64 crates: num-bigint
/// A num_bigint::BigInt where the code needs an i64 (a range bound, a caller on i64): past i64
/// it raises OverflowError, as the translation's i64 arithmetic does.
pub fn big_to_i64(x: &num_bigint::BigInt) -> i64 {
    i64::try_from(x).unwrap_or_else(|_| panic!("OverflowError: Python int too large to convert to i64"))
}
// @end

// @helper push_int
/// `s += str(n)` for an int n: its decimal digits pushed onto s (no formatting machinery).
pub fn push_int(s: &mut String, n: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    if n < 0 {
        s.push('-');
    }
    s.extend(buf[i..].iter().map(|&b| b as char));
}
// @end

// @helper sorted_chars
/// `sorted(s)` of a str as chars (code point order: Python's order of one-character strs).
pub fn sorted_chars(s: &str) -> Vec<char> {
    let mut chars: Vec<char> = s.chars().collect();
    chars.sort_unstable();
    chars
}
// @end

// @helper sorted_str
/// `"".join(sorted(s))`: one String; ASCII text is sorted as bytes (the same order, and bytes
/// below 128 in any order are still UTF-8).
pub fn sorted_str(s: &str) -> String {
    if s.is_ascii() {
        if s.len() <= 32 {
            // a short word is sorted in a stack buffer and copied once, as chars: ASCII bytes
            // are chars already (no UTF-8 check of the copy)
            let mut buf = [0u8; 32];
            let bytes = &mut buf[..s.len()];
            bytes.copy_from_slice(s.as_bytes());
            bytes.sort_unstable();
            let mut out = String::with_capacity(s.len());
            out.extend(bytes.iter().map(|&b| b as char));
            return out;
        }
        let bytes = {
            // longer text: a count per byte value
            let mut counts = [0usize; 128];
            for &b in s.as_bytes() {
                counts[b as usize] += 1;
            }
            let mut out = Vec::with_capacity(s.len());
            for (b, &n) in counts.iter().enumerate() {
                out.extend(std::iter::repeat_n(b as u8, n));
            }
            out
        };
        return String::from_utf8(bytes).expect("ASCII bytes in any order are UTF-8");
    }
    let mut chars: Vec<char> = s.chars().collect();
    chars.sort_unstable();
    chars.into_iter().collect()
}
// @end

// @helper SortedKey deps: sorted_str
/// `k = "".join(sorted(s))` read only as a dict key just after (the grouping idiom): a short
/// ASCII s is sorted into a buffer on the stack and looked up from there; `into_string` makes
/// the String only for a key that is new. Longer or non-ASCII text is sorted_str's String.
pub struct SortedKey {
    buf: [u8; 32],
    len: usize,
    long: Option<String>,
}

impl SortedKey {
    pub fn new(s: &str) -> SortedKey {
        let mut buf = [0u8; 32];
        if s.is_ascii() && s.len() <= buf.len() {
            buf[..s.len()].copy_from_slice(s.as_bytes());
            buf[..s.len()].sort_unstable();
            return SortedKey {
                buf,
                len: s.len(),
                long: None,
            };
        }
        SortedKey {
            buf,
            len: 0,
            long: Some(sorted_str(s)),
        }
    }

    pub fn as_str(&self) -> &str {
        match &self.long {
            Some(s) => s,
            None => std::str::from_utf8(&self.buf[..self.len])
                .expect("ASCII bytes in any order are UTF-8"),
        }
    }

    pub fn into_string(self) -> String {
        match self.long {
            Some(s) => s,
            None => self.as_str().to_string(),
        }
    }
}
// @end

// @helper str_chars
/// `for c in s`: each character of s as a one-character `&str` slice of it (Python's
/// one-character strs, without a String per character).
pub fn str_chars(s: &str) -> impl Iterator<Item = &str> + '_ {
    s.char_indices().map(move |(i, c)| &s[i..i + c.len_utf8()])
}
// @end

// @helper big_small crates: num-bigint
/// A BigInt argument as an i64 for the fast path of a function on BigInt (None past i64).
pub fn big_small(x: &num_bigint::BigInt) -> Option<i64> {
    i64::try_from(x).ok()
}
// @end

// @helper small_floordiv
/// `a // b` on the i64 fast path of a function on BigInt: Python's rounding; None where the
/// i64 path cannot answer (a zero divisor, i64::MIN // -1), and the BigInt path answers instead
/// (with its own error for a zero divisor).
pub fn small_floordiv(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let q = a.checked_div(b)?;
    if a % b != 0 && (a < 0) != (b < 0) {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}
// @end

// @helper small_mod
/// `a % b` on the i64 fast path: the sign of the divisor, as Python; None for a zero divisor.
pub fn small_mod(a: i64, b: i64) -> Option<i64> {
    if b == 0 {
        return None;
    }
    let r = a.checked_rem(b)?;
    if r != 0 && (r < 0) != (b < 0) {
        r.checked_add(b)
    } else {
        Some(r)
    }
}
// @end

// @helper small_pow
/// `a ** b` on the i64 fast path; None for a negative exponent or a result past i64 (the
/// BigInt path answers those).
pub fn small_pow(a: i64, b: i64) -> Option<i64> {
    if b < 0 {
        return None;
    }
    a.checked_pow(u32::try_from(b).ok()?)
}
// @end

// @helper wide_floordiv
/// `a // b` in a function computed in i128 (its values proven inside i128 for i64 arguments):
/// Python's rounding and ZeroDivisionError.
pub fn wide_floordiv(a: i128, b: i128) -> i128 {
    if b == 0 {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    // i128 division is a library call: operands inside i64 (most calls) divide as i64
    // (i64::MIN / -1 is left to the i128 path)
    if let (Ok(x), Ok(y)) = (i64::try_from(a), i64::try_from(b)) {
        if let Some(q) = x.checked_div(y) {
            return i128::from(if x % y != 0 && (x < 0) != (y < 0) { q - 1 } else { q });
        }
    }
    let q = a / b;
    if a % b != 0 && (a < 0) != (b < 0) {
        q - 1
    } else {
        q
    }
}
// @end

// @helper wide_mod
/// `a % b` in i128: the sign of the divisor, as Python; ZeroDivisionError for zero.
pub fn wide_mod(a: i128, b: i128) -> i128 {
    if b == 0 {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    if let (Ok(x), Ok(y)) = (i64::try_from(a), i64::try_from(b)) {
        let r = x.checked_rem(y).unwrap_or(0); // i64::MIN % -1 is 0
        return i128::from(if r != 0 && (r < 0) != (y < 0) { r + y } else { r });
    }
    let r = a % b;
    if r != 0 && (r < 0) != (b < 0) {
        r + b
    } else {
        r
    }
}
// @end

// @helper wide_pow
/// `a ** b` in i128 (b a literal the analysis bounded; a negative one cannot reach here).
pub fn wide_pow(a: i128, b: i128) -> i128 {
    let e = u32::try_from(b).unwrap_or_else(|_| panic!("OverflowError: exponent out of range"));
    a.checked_pow(e)
        .unwrap_or_else(|| panic!("OverflowError: Python int too large to convert to i128"))
}
// @end

// @helper wide_to_i64
/// The int result of a function computed in i128, back to i64: OverflowError past i64, where
/// Python's int leaves it too.
pub fn wide_to_i64(x: i128) -> i64 {
    i64::try_from(x).unwrap_or_else(|_| panic!("OverflowError: Python int too large to convert to i64"))
}
// @end

// @helper big_floordiv crates: num-bigint
/// Python's `a // b` on big ints: rounded towards minus infinity.
pub fn big_floordiv(a: &num_bigint::BigInt, b: &num_bigint::BigInt) -> num_bigint::BigInt {
    let zero = num_bigint::BigInt::default();
    if *b == zero {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    let q = a / b; // truncated
    let r = a - &q * b;
    if r != zero && (r < zero) != (*b < zero) {
        q - 1
    } else {
        q
    }
}
// @end

// @helper big_mod crates: num-bigint
/// Python's `a % b` on big ints: the sign of b.
pub fn big_mod(a: &num_bigint::BigInt, b: &num_bigint::BigInt) -> num_bigint::BigInt {
    let zero = num_bigint::BigInt::default();
    if *b == zero {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    let r = a % b; // the sign of a
    if r != zero && (r < zero) != (*b < zero) {
        r + b
    } else {
        r
    }
}
// @end

// @helper big_pow crates: num-bigint
/// Python's `a ** b` on big ints with b >= 0. A negative exponent gives a float in Python, which
/// a function on ints cannot return: ValueError, never a wrong int.
pub fn big_pow(a: &num_bigint::BigInt, b: &num_bigint::BigInt) -> num_bigint::BigInt {
    let zero = num_bigint::BigInt::default();
    if *b < zero {
        panic!("ValueError: negative exponent in integer power");
    }
    let one = num_bigint::BigInt::from(1i64);
    if *a == zero || *a == one {
        return if *b == zero { one } else { a.clone() };
    }
    if *a == -&one {
        return if (b % 2i64) == zero { one } else { a.clone() };
    }
    match u32::try_from(b) {
        Ok(e) => a.pow(e),
        Err(_) => panic!("MemoryError: integer power too large"),
    }
}
// @end

// @helper bytes_repr
/// `repr(b)` of a bytes value, as Python prints it: `b'...'` (double quotes when the value
/// holds a `'` and no `"`), `\t \n \r \\` and the quote escaped, other bytes outside
/// 0x20..0x7f as `\xNN`.
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') { b'"' } else { b'\'' };
    let mut out = String::from("b");
    out.push(quote as char);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{:02x}", c)),
        }
    }
    out.push(quote as char);
    out
}
// @end

// @helper bytearray_repr deps: bytes_repr
/// `repr(b)` of a bytearray: `bytearray(b'...')`.
pub fn bytearray_repr(b: &[u8]) -> String {
    format!("bytearray({})", bytes_repr(b))
}
// @end

// @helper bytes_item deps: index
/// `b[i]` on bytes: the byte as an int.
pub fn bytes_item(b: &[u8], i: i64) -> i64 {
    i64::from(b[index(i, b.len())])
}
// @end

// @helper try_byte_value deps: PyErr
/// An int stored into bytes (`bytes([x])`, `ba.append(x)`, `x in b`): Python's ValueError
/// outside 0..=255, never a truncated byte.
pub fn try_byte_value(x: i64) -> Result<u8, PyErr> {
    u8::try_from(x).map_err(|_| PyErr::new("ValueError", "byte must be in range(0, 256)"))
}
// @end

// @helper byte_value deps: try_byte_value
/// `try_byte_value`, its ValueError as a panic.
pub fn byte_value(x: i64) -> u8 {
    try_byte_value(x).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper try_bytes_from_ints deps: PyErr
/// `bytes(xs)` of a list of ints (Python says "bytes must be ..." here, "byte must be ..."
/// for a bytearray's append).
pub fn try_bytes_from_ints(xs: &[i64]) -> Result<Vec<u8>, PyErr> {
    xs.iter()
        .map(|&x| u8::try_from(x).map_err(|_| PyErr::new("ValueError", "bytes must be in range(0, 256)")))
        .collect()
}
// @end

// @helper bytes_from_ints deps: try_bytes_from_ints
/// `bytes(xs)`, its ValueError as a panic.
pub fn bytes_from_ints(xs: &[i64]) -> Vec<u8> {
    try_bytes_from_ints(xs).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper try_bytes_zeros deps: PyErr
/// `bytes(n)`: n zero bytes.
pub fn try_bytes_zeros(n: i64) -> Result<Vec<u8>, PyErr> {
    let n = usize::try_from(n).map_err(|_| PyErr::new("ValueError", "negative count"))?;
    Ok(vec![0; n])
}
// @end

// @helper bytes_zeros deps: try_bytes_zeros
/// `bytes(n)`, its ValueError as a panic.
pub fn bytes_zeros(n: i64) -> Vec<u8> {
    try_bytes_zeros(n).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper bytes_find
/// `b.find(sub)`: the position of the first occurrence of sub, or -1.
pub fn bytes_find(b: &[u8], sub: &[u8]) -> i64 {
    if sub.is_empty() {
        return 0;
    }
    b.windows(sub.len()).position(|w| w == sub).map_or(-1, |i| i as i64)
}
// @end

// @helper bytes_rfind
/// `b.rfind(sub)`: the position of the last occurrence of sub, or -1.
pub fn bytes_rfind(b: &[u8], sub: &[u8]) -> i64 {
    if sub.is_empty() {
        return b.len() as i64;
    }
    if sub.len() > b.len() {
        return -1;
    }
    b.windows(sub.len()).rposition(|w| w == sub).map_or(-1, |i| i as i64)
}
// @end

// @helper try_bytes_index_of deps: bytes_find, PyErr
/// `b.index(sub)`: as find, but a missing subsequence raises ValueError.
pub fn try_bytes_index_of(b: &[u8], sub: &[u8]) -> Result<i64, PyErr> {
    let i = bytes_find(b, sub);
    if i < 0 {
        return Err(PyErr::new("ValueError", "subsection not found"));
    }
    Ok(i)
}
// @end

// @helper bytes_index_of deps: try_bytes_index_of
/// `b.index(sub)`, its ValueError as a panic.
pub fn bytes_index_of(b: &[u8], sub: &[u8]) -> i64 {
    try_bytes_index_of(b, sub).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper bytes_contains deps: bytes_find
/// `sub in b` for a bytes sub.
pub fn bytes_contains(b: &[u8], sub: &[u8]) -> bool {
    bytes_find(b, sub) >= 0
}
// @end

// @helper try_bytes_contains_int deps: try_byte_value
/// `x in b` for an int x (ValueError outside 0..=255, as Python).
pub fn try_bytes_contains_int(b: &[u8], x: i64) -> Result<bool, PyErr> {
    Ok(b.contains(&try_byte_value(x)?))
}
// @end

// @helper bytes_contains_int deps: try_bytes_contains_int
/// `x in b`, its ValueError as a panic.
pub fn bytes_contains_int(b: &[u8], x: i64) -> bool {
    try_bytes_contains_int(b, x).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper bytes_count
/// `b.count(sub)`: non-overlapping occurrences (an empty sub: len + 1).
pub fn bytes_count(b: &[u8], sub: &[u8]) -> i64 {
    if sub.is_empty() {
        return b.len() as i64 + 1;
    }
    let (mut i, mut n) = (0, 0);
    while i + sub.len() <= b.len() {
        if &b[i..i + sub.len()] == sub {
            n += 1;
            i += sub.len();
        } else {
            i += 1;
        }
    }
    n
}
// @end

// @helper bytes_replace
/// `b.replace(old, new)`: every non-overlapping occurrence, left to right.
pub fn bytes_replace(b: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    if old.is_empty() {
        out.extend_from_slice(new);
        for &c in b {
            out.push(c);
            out.extend_from_slice(new);
        }
        return out;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(old) {
            out.extend_from_slice(new);
            i += old.len();
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}
// @end

// @helper bytes_split
/// `b.split(sep)` (Some: every occurrence; an empty sep is ValueError) and `b.split()` (None:
/// runs of ASCII whitespace, no empty parts).
pub fn bytes_split(b: &[u8], sep: Option<&[u8]>) -> Vec<Vec<u8>> {
    match sep {
        None => b
            .split(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c))
            .filter(|p| !p.is_empty())
            .map(|p| p.to_vec())
            .collect(),
        Some(sep) => {
            if sep.is_empty() {
                panic!("ValueError: empty separator");
            }
            let mut out = Vec::new();
            let (mut start, mut i) = (0, 0);
            while i + sep.len() <= b.len() {
                if &b[i..i + sep.len()] == sep {
                    out.push(b[start..i].to_vec());
                    i += sep.len();
                    start = i;
                } else {
                    i += 1;
                }
            }
            out.push(b[start..].to_vec());
            out
        }
    }
}
// @end

// @helper bytes_strip
/// `b.strip(chars)`, `lstrip`, `rstrip`: None strips ASCII whitespace.
pub fn bytes_strip(b: &[u8], chars: Option<&[u8]>, left: bool, right: bool) -> Vec<u8> {
    let strip = |c: &u8| match chars {
        None => matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
        Some(set) => set.contains(c),
    };
    let mut lo = 0;
    let mut hi = b.len();
    if left {
        while lo < hi && strip(&b[lo]) {
            lo += 1;
        }
    }
    if right {
        while hi > lo && strip(&b[hi - 1]) {
            hi -= 1;
        }
    }
    b[lo..hi].to_vec()
}
// @end

// @helper bytes_join
/// `sep.join(parts)`.
pub fn bytes_join<T: AsRef<[u8]>>(sep: &[u8], parts: &[T]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(p.as_ref());
    }
    out
}
// @end

// @helper bytes_is
/// `b.isdigit()`, `isalpha`, ...: true when b is not empty and every byte passes.
pub fn bytes_is(b: &[u8], test: fn(&u8) -> bool) -> bool {
    !b.is_empty() && b.iter().all(test)
}
// @end

// @helper bytes_hex
/// `b.hex()`: two lowercase hex digits per byte.
pub fn bytes_hex(b: &[u8]) -> String {
    b.iter().map(|c| format!("{:02x}", c)).collect()
}
// @end

// @helper try_bytes_fromhex deps: PyErr
/// `bytes.fromhex(s)`: pairs of hex digits, ASCII whitespace allowed between pairs.
pub fn try_bytes_fromhex(s: &str) -> Result<Vec<u8>, PyErr> {
    let digits: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < digits.len() {
        let c = digits[i];
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
            i += 1;
            continue;
        }
        let hi = c.to_digit(16).filter(|_| c.is_ascii());
        let lo = digits.get(i + 1).and_then(|d| d.to_digit(16).filter(|_| d.is_ascii()));
        match (hi, lo) {
            (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
            (hi, _) => {
                let at = if hi.is_none() { i } else { i + 1 };
                return Err(PyErr::new(
                    "ValueError",
                    format!("non-hexadecimal number found in fromhex() arg at position {}", at),
                ));
            }
        }
        i += 2;
    }
    Ok(out)
}
// @end

// @helper bytes_fromhex deps: try_bytes_fromhex
/// `bytes.fromhex(s)`: Python's ValueError as a panic.
pub fn bytes_fromhex(s: &str) -> Vec<u8> {
    try_bytes_fromhex(s).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper try_bytes_decode deps: PyErr
/// `b.decode(encoding)` with errors="strict": utf-8, ascii and latin-1 (their Python
/// spellings); Python's UnicodeDecodeError as an error (inside try/except).
pub fn try_bytes_decode(b: &[u8], encoding: &str) -> Result<String, PyErr> {
    match encoding.to_ascii_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" | "u8" => match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_string()),
            Err(e) => Err(PyErr::new(
                "UnicodeDecodeError",
                format!(
                    "'utf-8' codec can't decode byte 0x{:02x} in position {}",
                    b[e.valid_up_to()],
                    e.valid_up_to()
                ),
            )),
        },
        "ascii" | "us-ascii" => match b.iter().position(|c| !c.is_ascii()) {
            None => Ok(b.iter().map(|&c| c as char).collect()),
            Some(i) => Err(PyErr::new(
                "UnicodeDecodeError",
                format!(
                    "'ascii' codec can't decode byte 0x{:02x} in position {}: ordinal not in range(128)",
                    b[i], i
                ),
            )),
        },
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => Ok(b.iter().map(|&c| c as char).collect()),
        _ => Err(PyErr::new("LookupError", format!("unknown encoding: {}", encoding))),
    }
}
// @end

// @helper bytes_decode deps: try_bytes_decode
/// `b.decode(encoding)`: Python's UnicodeDecodeError as a panic.
pub fn bytes_decode(b: &[u8], encoding: &str) -> String {
    try_bytes_decode(b, encoding).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper char_escape
/// A character as Python's codec errors show it: `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
pub fn char_escape(c: char) -> String {
    let n = c as u32;
    if n < 0x100 {
        format!("\\x{:02x}", n)
    } else if n < 0x10000 {
        format!("\\u{:04x}", n)
    } else {
        format!("\\U{:08x}", n)
    }
}
// @end

// @helper try_str_encode deps: PyErr, char_escape
/// `s.encode(encoding)` with errors="strict": utf-8, ascii, latin-1; UnicodeEncodeError as an
/// error (inside try/except).
pub fn try_str_encode(s: &str, encoding: &str) -> Result<Vec<u8>, PyErr> {
    let limit = match encoding.to_ascii_lowercase().replace('_', "-").as_str() {
        "utf-8" | "utf8" | "u8" => return Ok(s.as_bytes().to_vec()),
        "ascii" | "us-ascii" => 128u32,
        "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" => 256u32,
        _ => return Err(PyErr::new("LookupError", format!("unknown encoding: {}", encoding))),
    };
    let mut out = Vec::with_capacity(s.len());
    for (i, c) in s.chars().enumerate() {
        if (c as u32) >= limit {
            let name = if limit == 128 { "ascii" } else { "latin-1" };
            return Err(PyErr::new(
                "UnicodeEncodeError",
                format!(
                    "'{}' codec can't encode character '{}' in position {}: ordinal not in range({})",
                    name,
                    char_escape(c),
                    i,
                    limit
                ),
            ));
        }
        out.push(c as u32 as u8);
    }
    Ok(out)
}
// @end

// @helper str_encode deps: try_str_encode
/// `s.encode(encoding)`: Python's UnicodeEncodeError as a panic.
pub fn str_encode(s: &str, encoding: &str) -> Vec<u8> {
    try_str_encode(s, encoding).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper b64encode
/// `base64.b64encode(b, altchars)`: standard Base64 with padding; `altchars` replaces `+` `/`.
pub fn b64encode(b: &[u8], altchars: &[u8]) -> Vec<u8> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    if altchars.len() != 2 {
        panic!("AssertionError: altchars must be of length 2");
    }
    let symbol = |i: u32| -> u8 {
        match ALPHABET[(i & 63) as usize] {
            b'+' => altchars[0],
            b'/' => altchars[1],
            c => c,
        }
    };
    let mut out = Vec::with_capacity(b.len().div_ceil(3) * 4);
    for chunk in b.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, &c)| acc | u32::from(c) << (16 - 8 * i));
        out.push(symbol(n >> 18));
        out.push(symbol(n >> 12));
        out.push(if chunk.len() > 1 { symbol(n >> 6) } else { b'=' });
        out.push(if chunk.len() > 2 { symbol(n) } else { b'=' });
    }
    out
}
// @end

// @helper try_b64decode deps: PyErr
/// `base64.b64decode(b, altchars, validate)` as binascii.a2b_base64 does it (CPython's loop,
/// step for step): `altchars` are read as `+` `/`; without `validate`, bytes outside the
/// alphabet are skipped and a completed padding ends the input; Python's `binascii.Error`
/// messages.
pub fn try_b64decode(b: &[u8], altchars: &[u8], validate: bool) -> Result<Vec<u8>, PyErr> {
    let error = |m: &str| Err(PyErr::new("binascii.Error", m));
    if altchars.len() != 2 {
        return Err(PyErr::new("AssertionError", "altchars must be of length 2"));
    }
    let value = |c: u8| -> Option<u8> {
        let c = if c == altchars[0] {
            b'+'
        } else if c == altchars[1] {
            b'/'
        } else {
            c
        };
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::new();
    let (mut quad_pos, mut pads, mut left, mut padding_started) = (0u8, 0usize, 0u8, false);
    for (i, &c) in b.iter().enumerate() {
        if c == b'=' && c != altchars[0] && c != altchars[1] {
            padding_started = true;
            if validate && quad_pos == 0 {
                if i == 0 {
                    return error("Leading padding not allowed");
                }
                return error("Excess padding not allowed");
            }
            pads += 1;
            if quad_pos >= 2 && usize::from(quad_pos) + pads >= 4 {
                if validate && i + 1 < b.len() {
                    return error("Excess data after padding");
                }
                return Ok(out);
            }
            continue;
        }
        let Some(v) = value(c) else {
            if validate {
                return error("Only base64 data is allowed");
            }
            continue;
        };
        if validate && padding_started {
            return error("Discontinuous padding not allowed");
        }
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                left = v;
            }
            1 => {
                quad_pos = 2;
                out.push((left << 2) | (v >> 4));
                left = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push((left << 4) | (v >> 2));
                left = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push((left << 6) | v);
                left = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(PyErr::new(
            "binascii.Error",
            format!(
                "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
                out.len() / 3 * 4 + 1
            ),
        )),
        _ => error("Incorrect padding"),
    }
}
// @end

// @helper b64decode deps: try_b64decode
/// `base64.b64decode`: Python's `binascii.Error` as a panic.
pub fn b64decode(b: &[u8], altchars: &[u8], validate: bool) -> Vec<u8> {
    try_b64decode(b, altchars, validate).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper try_b16decode deps: PyErr
/// `base64.b16decode(s, casefold)`: upper-case hex digits only unless casefold.
pub fn try_b16decode(s: &[u8], casefold: bool) -> Result<Vec<u8>, PyErr> {
    if s.len() % 2 != 0 {
        return Err(PyErr::new("binascii.Error", "Odd-length string"));
    }
    let digit = |c: u8| -> Result<u8, PyErr> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            b'a'..=b'f' if casefold => Ok(c - b'a' + 10),
            _ => Err(PyErr::new("binascii.Error", "Non-base16 digit found")),
        }
    };
    s.chunks(2).map(|p| Ok(digit(p[0])? * 16 + digit(p[1])?)).collect()
}
// @end

// @helper b16decode deps: try_b16decode
/// `base64.b16decode`: Python's `binascii.Error` as a panic.
pub fn b16decode(s: &[u8], casefold: bool) -> Vec<u8> {
    try_b16decode(s, casefold).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper try_unhexlify deps: PyErr
/// `binascii.unhexlify(s)` / `a2b_hex`: hex digits of either case.
pub fn try_unhexlify(s: &[u8]) -> Result<Vec<u8>, PyErr> {
    if s.len() % 2 != 0 {
        return Err(PyErr::new("binascii.Error", "Odd-length string"));
    }
    let digit = |c: u8| -> Result<u8, PyErr> {
        match (c as char).to_digit(16) {
            Some(d) => Ok(d as u8),
            None => Err(PyErr::new("binascii.Error", "Non-hexadecimal digit found")),
        }
    };
    s.chunks(2).map(|p| Ok(digit(p[0])? * 16 + digit(p[1])?)).collect()
}
// @end

// @helper unhexlify deps: try_unhexlify
/// `binascii.unhexlify`: Python's `binascii.Error` as a panic.
pub fn unhexlify(s: &[u8]) -> Vec<u8> {
    try_unhexlify(s).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper b32encode
/// `base64.b32encode(b)` (RFC 4648 alphabet, `=` padding); `b32hexencode` with the hex alphabet.
pub fn b32encode(b: &[u8], hex: bool) -> Vec<u8> {
    let alphabet: &[u8; 32] = if hex { b"0123456789ABCDEFGHIJKLMNOPQRSTUV" } else { b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" };
    let mut out = Vec::new();
    for chunk in b.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let n = block.iter().fold(0u64, |acc, &c| (acc << 8) | u64::from(c));
        let symbols = [0, 2, 4, 5, 7, 8][chunk.len()];
        for i in 0..8 {
            if i < symbols {
                out.push(alphabet[((n >> (35 - 5 * i)) & 31) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}
// @end

// @helper try_b32decode deps: PyErr
/// `base64.b32decode(s, casefold)` (and `b32hexdecode` with hex): Python's errors for a
/// wrong length, wrong padding or a byte outside the alphabet.
pub fn try_b32decode(s: &[u8], casefold: bool, hex: bool) -> Result<Vec<u8>, PyErr> {
    let error = |m: &str| Err(PyErr::new("binascii.Error", m));
    let alphabet: &[u8; 32] = if hex { b"0123456789ABCDEFGHIJKLMNOPQRSTUV" } else { b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" };
    if s.len() % 8 != 0 {
        return error("Incorrect padding");
    }
    let s: Vec<u8> = if casefold { s.to_ascii_uppercase() } else { s.to_vec() };
    let body_len = s.iter().rposition(|&c| c != b'=').map_or(0, |i| i + 1);
    let padchars = s.len() - body_len;
    let mut out = Vec::new();
    for quanta in s[..body_len].chunks(8) {
        let mut acc = 0u64;
        for &c in quanta {
            let Some(v) = alphabet.iter().position(|&a| a == c) else {
                return error("Non-base32 digit found");
            };
            acc = (acc << 5) | v as u64;
        }
        acc <<= 5 * (8 - quanta.len());
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[3..8]);
    }
    if s.is_empty() {
        return Ok(out);
    }
    let keep = match padchars {
        0 => 5,
        1 => 4,
        3 => 3,
        4 => 2,
        6 => 1,
        _ => return error("Incorrect padding"),
    };
    let cut = out.len() - 5 + keep;
    out.truncate(cut);
    Ok(out)
}
// @end

// @helper b32decode deps: try_b32decode
/// `base64.b32decode`: Python's `binascii.Error` as a panic.
pub fn b32decode(s: &[u8], casefold: bool, hex: bool) -> Vec<u8> {
    try_b32decode(s, casefold, hex).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper try_bytes_maketrans deps: PyErr
/// `bytes.maketrans(from, to)`: the 256-byte table mapping each byte of `from` to the byte of
/// `to` at the same position (ValueError when their lengths differ).
pub fn try_bytes_maketrans(from: &[u8], to: &[u8]) -> Result<Vec<u8>, PyErr> {
    if from.len() != to.len() {
        return Err(PyErr::new("ValueError", "maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255u8).collect();
    for (&f, &t) in from.iter().zip(to) {
        table[usize::from(f)] = t;
    }
    Ok(table)
}
// @end

// @helper bytes_maketrans deps: try_bytes_maketrans
/// `bytes.maketrans`, its ValueError as a panic.
pub fn bytes_maketrans(from: &[u8], to: &[u8]) -> Vec<u8> {
    try_bytes_maketrans(from, to).unwrap_or_else(|e| panic!("{}", e))
}
// @end

// @helper bytes_translate
/// `b.translate(table)`: each byte replaced by table[byte] (ValueError unless the table has
/// 256 bytes).
pub fn bytes_translate(b: &[u8], table: &[u8]) -> Vec<u8> {
    if table.len() != 256 {
        panic!("ValueError: translation table must be 256 characters long");
    }
    b.iter().map(|&c| table[usize::from(c)]).collect()
}
// @end

// @helper bytes_ord
/// `ord(b)` of a bytes value: its one byte (TypeError for any other length).
pub fn bytes_ord(b: &[u8]) -> i64 {
    if b.len() != 1 {
        panic!(
            "TypeError: ord() expected a character, but string of length {} found",
            b.len()
        );
    }
    i64::from(b[0])
}
// @end

// @helper Memo
/// `@functools.cache`: the function's results by argument tuple, process-wide as Python's.
/// The lock is held only for a lookup or an insert (the function's own recursive calls take it
/// again); a poisoned lock (a panic elsewhere) still holds correct entries.
pub struct Memo<K, V>(
    std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<K, V>>>,
);

impl<K: std::hash::Hash + Eq, V: Clone> Memo<K, V> {
    pub const fn new() -> Self {
        Memo(std::sync::LazyLock::new(Default::default))
    }

    /// The result cached for these arguments, if any.
    pub fn get(&self, key: &K) -> Option<V> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()
    }

    /// Remember a returned value (exceptions are not cached, as in Python).
    pub fn put(&self, key: K, value: V) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(key, value);
    }
}
// @end

// @helper re_escape
/// `re.escape(s)`: Python 3.7+ puts a backslash before the characters special in a pattern
/// (`()[]{}?*+-|^$\.&~#`, space and `\t\n\r\v\f`) and nothing else.
pub fn re_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "()[]{}?*+-|^$\\.&~# \t\n\r\u{b}\u{c}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
// @end

// @helper PyDate deps: PyErr, str_repr
/// `datetime.date`: a proleptic Gregorian date in years 1..=9999, as Python's. Fields compare
/// in order (year, month, day), which is Python's date order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyDate {
    pub year: i64,
    pub month: i64,
    pub day: i64,
}

impl PyDate {
    /// `date(year, month, day)` with Python's ValueErrors.
    pub fn new(year: i64, month: i64, day: i64) -> Result<PyDate, PyErr> {
        if !(1..=9999).contains(&year) {
            return Err(PyErr::new("ValueError", format!("year {} is out of range", year)));
        }
        if !(1..=12).contains(&month) {
            return Err(PyErr::new("ValueError", "month must be in 1..12"));
        }
        if !(1..=Self::days_in_month(year, month)).contains(&day) {
            return Err(PyErr::new("ValueError", "day is out of range for month"));
        }
        Ok(PyDate { year, month, day })
    }

    fn is_leap(year: i64) -> bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    fn days_in_month(year: i64, month: i64) -> i64 {
        match month {
            2 if Self::is_leap(year) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }

    /// `d.toordinal()`: 1 for 0001-01-01.
    pub fn toordinal(&self) -> i64 {
        let y = self.year - 1;
        let before_month: i64 = (1..self.month).map(|m| Self::days_in_month(self.year, m)).sum();
        y * 365 + y / 4 - y / 100 + y / 400 + before_month + self.day
    }

    /// `d.weekday()`: Monday is 0.
    pub fn weekday(&self) -> i64 {
        (self.toordinal() + 6) % 7
    }

    /// `d.isoweekday()`: Monday is 1.
    pub fn isoweekday(&self) -> i64 {
        self.weekday() + 1
    }

    /// `d.isocalendar()`: (ISO year, week, weekday), Python's `IsoCalendarDate` as a tuple
    /// (its algorithm: the Monday of week 1 is the one of the week holding January 4th).
    pub fn isocalendar(&self) -> (i64, i64, i64) {
        fn week1monday(year: i64) -> i64 {
            let y = year - 1; // year 0 (before 0001-01-01) too: floored divisions
            let first = y * 365 + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400) + 1;
            let first_weekday = (first + 6).rem_euclid(7);
            first - first_weekday + if first_weekday > 3 { 7 } else { 0 }
        }
        let today = self.toordinal();
        let mut year = self.year;
        let mut days = today - week1monday(year);
        if days < 0 {
            year -= 1;
            days = today - week1monday(year);
        } else if days >= 52 * 7 && today >= week1monday(year + 1) {
            year += 1;
            days = today - week1monday(year);
        }
        (year, days.div_euclid(7) + 1, days.rem_euclid(7) + 1)
    }

    /// `date.fromordinal(n)` for n >= 1 (CPython's ord_to_ymd), with Python's year check.
    fn fromordinal(n: i64) -> Result<PyDate, PyErr> {
        let n = n - 1;
        let (n400, n) = (n / 146097, n % 146097);
        let (n100, n) = (n / 36524, n % 36524);
        let (n4, n) = (n / 1461, n % 1461);
        let (n1, mut n) = (n / 365, n % 365);
        let year = n400 * 400 + 1 + n100 * 100 + n4 * 4 + n1;
        if n1 == 4 || n100 == 4 {
            return PyDate::new(year - 1, 12, 31);
        }
        let mut month = 1;
        while n >= Self::days_in_month(year, month) {
            n -= Self::days_in_month(year, month);
            month += 1;
        }
        PyDate::new(year, month, n + 1)
    }

    /// `date.fromisoformat(s)`: CPython 3.11's parser, byte for byte (YYYY-MM-DD, YYYYMMDD,
    /// YYYY-Www-D, YYYYWwwD, YYYY-Www, YYYYWww; ASCII digits only; its errors and messages).
    pub fn fromisoformat(s: &str) -> Result<PyDate, PyErr> {
        let invalid = || PyErr::new("ValueError", format!("Invalid isoformat string: {}", str_repr(s)));
        let len = s.len();
        if !(len == 7 || len == 8 || len == 10) {
            return Err(invalid());
        }
        match Self::fromisoformat_parts(s.as_bytes()) {
            None => Err(invalid()),
            Some(Err(e)) => Err(e),
            Some(Ok((year, month, day))) => PyDate::new(year, month, day),
        }
    }

    /// The date part of an ISO string (`date.fromisoformat`, `datetime.fromisoformat`): None
    /// when the text is malformed, else the fields, not yet checked (CPython checks them when
    /// it builds the value), or the error a week date raises.
    pub fn fromisoformat_parts(b: &[u8]) -> Option<Result<(i64, i64, i64), PyErr>> {
        let len = b.len();
        // C reads up to the string's NUL: past the end is "not a digit", "not a separator".
        let digits = |at: usize, n: usize| -> Option<i64> {
            let mut v = 0i64;
            for i in at..at + n {
                let c = *b.get(i)?;
                if !c.is_ascii_digit() {
                    return None;
                }
                v = v * 10 + i64::from(c - b'0');
            }
            Some(v)
        };
        let year = digits(0, 4)?;
        let mut p = 4;
        let sep = b.get(p) == Some(&b'-');
        if sep {
            p += 1;
        }
        if b.get(p) == Some(&b'W') {
            let week = digits(p + 1, 2)?;
            p += 3;
            let mut day = 1;
            if p < len {
                if sep {
                    if b.get(p) != Some(&b'-') {
                        return None;
                    }
                    p += 1;
                }
                day = digits(p, 1)?;
            }
            if !(1..=52).contains(&week) {
                // 53 weeks: ISO years starting on a Thursday, or leap years starting on a Wednesday
                let long = year > 0 && {
                    let first = (PyDate { year, month: 1, day: 1 }.toordinal() + 6) % 7;
                    first == 3 || (first == 2 && Self::is_leap(year))
                };
                if week != 53 || !long {
                    return None;
                }
            }
            if !(1..=7).contains(&day) {
                return None;
            }
            if year == 0 {
                // CPython computes a month out of range for year 0
                return Some(Err(PyErr::new("ValueError", "month must be in 1..12")));
            }
            let first_day = PyDate { year, month: 1, day: 1 }.toordinal();
            let first_weekday = (first_day + 6) % 7;
            let monday = first_day - first_weekday + if first_weekday > 3 { 7 } else { 0 };
            return Some(Self::fromordinal(monday + (week - 1) * 7 + day - 1).map(|d| (d.year, d.month, d.day)));
        }
        let month = digits(p, 2)?;
        p += 2;
        if sep {
            if b.get(p) != Some(&b'-') {
                return None;
            }
            p += 1;
        }
        let day = digits(p, 2)?;
        Some(Ok((year, month, day)))
    }

    /// `d.isoformat()` and `str(d)`: YYYY-MM-DD.
    pub fn isoformat(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl PyDate {
    /// `repr(d)`: `datetime.date(2024, 1, 2)`.
    pub fn repr(&self) -> String {
        format!("datetime.date({}, {}, {})", self.year, self.month, self.day)
    }
}

impl std::fmt::Display for PyDate {
    /// `str(d)`: its isoformat.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.isoformat())
    }
}
// @end

// @helper PyTimedelta deps: PyErr, PyDate
/// `datetime.timedelta`: days, seconds (0..86400) and microseconds (0..1_000_000), normalised
/// as Python's, |days| <= 999999999 (OverflowError past it). The fields are in Python's order,
/// so derive(Ord) is Python's order. Arithmetic goes through the total of microseconds (i128:
/// no intermediate overflows where Python has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PyTimedelta {
    pub days: i64,
    pub seconds: i64,
    pub microseconds: i64,
}

const US_PER_DAY: i128 = 86_400_000_000;

impl PyTimedelta {
    /// The timedelta of `us` microseconds, OverflowError past Python's range.
    pub fn from_micros(us: i128) -> Result<PyTimedelta, PyErr> {
        let days = us.div_euclid(US_PER_DAY);
        let rest = us.rem_euclid(US_PER_DAY);
        if days.abs() > i128::from(i32::MAX) {
            // CPython converts the days to a C int first
            return Err(PyErr::new("OverflowError", "Python int too large to convert to C int"));
        }
        if days.abs() > 999_999_999 {
            return Err(PyErr::new(
                "OverflowError",
                format!("days={}; must have magnitude <= 999999999", days),
            ));
        }
        Ok(PyTimedelta { days: days as i64, seconds: (rest / 1_000_000) as i64, microseconds: (rest % 1_000_000) as i64 })
    }

    /// `timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks)` of ints.
    pub fn new(
        days: i64,
        seconds: i64,
        microseconds: i64,
        milliseconds: i64,
        minutes: i64,
        hours: i64,
        weeks: i64,
    ) -> Result<PyTimedelta, PyErr> {
        let secs = (i128::from(weeks) * 7 + i128::from(days)) * 86_400
            + i128::from(hours) * 3_600
            + i128::from(minutes) * 60
            + i128::from(seconds);
        Self::from_micros(secs * 1_000_000 + i128::from(milliseconds) * 1_000 + i128::from(microseconds))
    }

    /// `timedelta(...)` where some parts are floats (`hours=1.5`): CPython's `delta_new`
    /// step for step. `parts` are in the keyword order (days, seconds, microseconds,
    /// milliseconds, minutes, hours, weeks), each an int or `Some(float)`; they are added
    /// in CPython's order (microseconds first), each float's whole part exactly, its fraction
    /// times the factor in floats with the sub-microsecond leftovers summed, and the leftover
    /// rounded half to even at the end. NaN: ValueError; inf and magnitudes no timedelta
    /// holds: OverflowError.
    pub fn new_float(parts: [(i64, Option<f64>); 7]) -> Result<PyTimedelta, PyErr> {
        const FACTORS: [i128; 7] = [86_400_000_000, 1_000_000, 1, 1_000, 60_000_000, 3_600_000_000, 604_800_000_000];
        const ORDER: [usize; 7] = [2, 3, 1, 4, 5, 0, 6];
        let mut x: i128 = 0;
        let mut leftover = 0.0f64;
        for &i in ORDER.iter() {
            let (n, f) = parts[i];
            let factor = FACTORS[i];
            match f {
                None => x += i128::from(n) * factor,
                Some(d) => {
                    if d.is_nan() {
                        return Err(PyErr::new("ValueError", "cannot convert float NaN to integer"));
                    }
                    if d.is_infinite() {
                        return Err(PyErr::new("OverflowError", "cannot convert float infinity to integer"));
                    }
                    let whole = d.trunc();
                    if whole.abs() >= 1e25 {
                        // more than 10**25 of any unit is past every timedelta
                        return Err(PyErr::new("OverflowError", "Python int too large to convert to C int"));
                    }
                    x += (whole as i128) * factor;
                    let frac = d - whole;
                    if frac != 0.0 {
                        let scaled = factor as f64 * frac;
                        let us = scaled.trunc();
                        x += us as i128;
                        leftover += scaled - us;
                    }
                }
            }
        }
        if leftover != 0.0 {
            let mut whole = leftover.round();
            if (whole - leftover).abs() == 0.5 {
                // exactly halfway: round half to even, on the parity of the sum so far
                let odd = (x & 1) as f64;
                whole = 2.0 * ((leftover + odd) * 0.5).round() - odd;
            }
            x += whole as i128;
        }
        Self::from_micros(x)
    }

    /// The whole duration in microseconds.
    pub fn micros(&self) -> i128 {
        i128::from(self.days) * US_PER_DAY + i128::from(self.seconds) * 1_000_000 + i128::from(self.microseconds)
    }

    /// `td.total_seconds()`: the microseconds over 10**6, correctly rounded as Python's.
    pub fn total_seconds(&self) -> f64 {
        td_true_div(self.micros(), 1_000_000)
    }

    /// `a + b`.
    pub fn plus(self, other: PyTimedelta) -> Result<PyTimedelta, PyErr> {
        Self::from_micros(self.micros() + other.micros())
    }

    /// `a - b`.
    pub fn minus(self, other: PyTimedelta) -> Result<PyTimedelta, PyErr> {
        Self::from_micros(self.micros() - other.micros())
    }

    /// `-a` (OverflowError for -timedelta.min, as Python).
    pub fn negated(self) -> Result<PyTimedelta, PyErr> {
        Self::from_micros(-self.micros())
    }

    /// `abs(a)`.
    pub fn abs(self) -> Result<PyTimedelta, PyErr> {
        Self::from_micros(self.micros().abs())
    }

    /// `a * n` (and `n * a`) for an int n.
    pub fn times(self, n: i64) -> Result<PyTimedelta, PyErr> {
        self.micros()
            .checked_mul(i128::from(n))
            .map_or_else(|| Self::from_micros(i128::MAX), Self::from_micros)
    }

    /// `a // n` for an int n: floored microseconds.
    pub fn floordiv_int(self, n: i64) -> Result<PyTimedelta, PyErr> {
        if n == 0 {
            return Err(PyErr::new("ZeroDivisionError", "integer division or modulo by zero"));
        }
        Self::from_micros(self.micros().div_euclid(i128::from(n)) - i128::from(self.micros().rem_euclid(i128::from(n)) != 0 && n < 0))
    }

    /// `a / n` for an int n: microseconds rounded half to even, as Python.
    pub fn div_int(self, n: i64) -> Result<PyTimedelta, PyErr> {
        if n == 0 {
            return Err(PyErr::new("ZeroDivisionError", "integer division or modulo by zero"));
        }
        let (mut a, mut b) = (self.micros(), i128::from(n));
        if b < 0 {
            (a, b) = (-a, -b);
        }
        let (q, r) = (a.div_euclid(b), a.rem_euclid(b));
        let up = 2 * r > b || 2 * r == b && q % 2 != 0;
        Self::from_micros(q + i128::from(up))
    }

    /// `a / b`: a float, Python's int true division of the microseconds (correctly rounded,
    /// also past 2**53 microseconds where `as f64` would round twice).
    pub fn ratio(self, other: PyTimedelta) -> Result<f64, PyErr> {
        if other.micros() == 0 {
            return Err(PyErr::new("ZeroDivisionError", "division by zero"));
        }
        Ok(td_true_div(self.micros(), other.micros()))
    }

    /// `a * f` (and `f * a`) for a float f: CPython's `multiply_truedivide_timedelta_float`,
    /// the microseconds times `f.as_integer_ratio()` exactly, rounded half to even.
    pub fn times_float(self, f: f64) -> Result<PyTimedelta, PyErr> {
        let (neg, m, e) = td_float_ratio(f)?;
        let u = self.micros().unsigned_abs();
        let mag = if m == 0 || u == 0 {
            Some(0)
        } else if e >= 0 {
            u.checked_mul(u128::from(m)).and_then(|p| td_shl(p, e as u32))
        } else {
            td_mul_shr_round(u, m, (-e) as u32)
        };
        td_signed(mag, (self.micros() < 0) != neg)
    }

    /// `a / f` for a float f: the microseconds times the inverse of `f.as_integer_ratio()`
    /// exactly, rounded half to even (ZeroDivisionError for 0.0, as CPython's integer division).
    pub fn div_float(self, f: f64) -> Result<PyTimedelta, PyErr> {
        let (neg, m, e) = td_float_ratio(f)?;
        if m == 0 {
            return Err(PyErr::new("ZeroDivisionError", "integer division or modulo by zero"));
        }
        let u = self.micros().unsigned_abs();
        let mag = if u == 0 {
            Some(0)
        } else if e >= 0 {
            // u / (m * 2**e): a quotient under one half is 0 (u < 2**77)
            match td_shl(u128::from(m), e as u32) {
                Some(d) if d >> 126 == 0 => Some(td_div_round(u, d)),
                _ => Some(0),
            }
        } else {
            td_shl_div_round(u, (-e) as u32, m)
        };
        td_signed(mag, (self.micros() < 0) != neg)
    }

    /// `divmod(a, b)`: `(a // b, a % b)`.
    pub fn divmod(self, other: PyTimedelta) -> Result<(i64, PyTimedelta), PyErr> {
        let q = self.floordiv(other)?;
        Ok((q, self.modulo(other)?))
    }

    /// `a // b`: an int.
    pub fn floordiv(self, other: PyTimedelta) -> Result<i64, PyErr> {
        if other.micros() == 0 {
            return Err(PyErr::new("ZeroDivisionError", "integer division or modulo by zero"));
        }
        // past i64 Python's int keeps growing: the translation's int raises rather than wrap
        i64::try_from(self.floor_micros(other))
            .map_err(|_| PyErr::new("OverflowError", "timedelta // timedelta does not fit in a 64-bit int"))
    }

    /// floor(a / b) of the microseconds (b != 0).
    fn floor_micros(self, other: PyTimedelta) -> i128 {
        let (a, b) = (self.micros(), other.micros());
        a.div_euclid(b) - i128::from(a.rem_euclid(b) != 0 && b < 0)
    }

    /// `a % b`: a timedelta with b's sign.
    pub fn modulo(self, other: PyTimedelta) -> Result<PyTimedelta, PyErr> {
        if other.micros() == 0 {
            return Err(PyErr::new("ZeroDivisionError", "integer modulo by zero"));
        }
        Self::from_micros(self.micros() - self.floor_micros(other) * other.micros())
    }

    /// `repr(td)`: `datetime.timedelta(days=1, seconds=5)`, `datetime.timedelta(0)`.
    pub fn repr(&self) -> String {
        let mut parts = Vec::new();
        for (name, v) in [("days", self.days), ("seconds", self.seconds), ("microseconds", self.microseconds)] {
            if v != 0 {
                parts.push(format!("{}={}", name, v));
            }
        }
        if parts.is_empty() {
            parts.push("0".to_string());
        }
        format!("datetime.timedelta({})", parts.join(", "))
    }
}

impl std::fmt::Display for PyTimedelta {
    /// `str(td)`: `1 day, 2:03:04.000005`, `-1 day, 23:59:59`, `0:00:00`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.days != 0 {
            let plural = if self.days.abs() != 1 { "s" } else { "" };
            write!(f, "{} day{}, ", self.days, plural)?;
        }
        let (mm, ss) = (self.seconds / 60, self.seconds % 60);
        write!(f, "{}:{:02}:{:02}", mm / 60, mm % 60, ss)?;
        if self.microseconds != 0 {
            write!(f, ".{:06}", self.microseconds)?;
        }
        Ok(())
    }
}

/// `f.as_integer_ratio()` of a float as (negative, m, e): |f| = m * 2**e, m odd (or 0);
/// Python's ValueError for NaN and OverflowError for an infinity.
fn td_float_ratio(f: f64) -> Result<(bool, u64, i32), PyErr> {
    if f.is_nan() {
        return Err(PyErr::new("ValueError", "cannot convert NaN to integer ratio"));
    }
    if f.is_infinite() {
        return Err(PyErr::new("OverflowError", "cannot convert Infinity to integer ratio"));
    }
    let bits = f.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mut m, mut e) = if exp == 0 { (frac, -1074) } else { (frac | (1u64 << 52), exp - 1075) };
    if m == 0 {
        return Ok((f.is_sign_negative(), 0, 0));
    }
    let z = m.trailing_zeros();
    m >>= z;
    e += z as i32;
    Ok((f.is_sign_negative(), m, e))
}

/// `v << k`, None when bits would be lost.
fn td_shl(v: u128, k: u32) -> Option<u128> {
    if v == 0 {
        return Some(0);
    }
    if k >= 128 || v.leading_zeros() < k {
        return None;
    }
    Some(v << k)
}

/// `q` rounded half to even up by one when the dropped part is over a half (`cmp` > 0) or
/// exactly a half (`cmp` == 0) with q odd.
fn td_round(q: u128, cmp: std::cmp::Ordering) -> u128 {
    match cmp {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q & 1 == 1 => q + 1,
        _ => q,
    }
}

/// `u / d` rounded half to even (d > 0, d < 2**127).
fn td_div_round(u: u128, d: u128) -> u128 {
    let (q, r) = (u / d, u % d);
    td_round(q, (2 * r).cmp(&d))
}

/// `u * m / 2**k` rounded half to even, exactly (the product may pass u128: it is kept as
/// a high and a low half); None when the result passes 2**126.
fn td_mul_shr_round(u: u128, m: u64, k: u32) -> Option<u128> {
    const LO: u128 = (1u128 << 64) - 1;
    // u * m = hi * 2**64 + lo (checked: a timedelta's u < 2**77 and m < 2**53 keep hi < 2**67)
    let p0 = (u & LO) * u128::from(m);
    let p1 = (u >> 64).checked_mul(u128::from(m))?;
    let hi = p1.checked_add(p0 >> 64)?;
    let lo = p0 & LO;
    let bit = |i: u32| -> bool {
        if i < 64 {
            (lo >> i) & 1 == 1
        } else {
            (hi >> (i - 64)) & 1 == 1
        }
    };
    let below = |i: u32| -> bool {
        // any bit under position i
        if i <= 64 {
            i > 0 && lo & ((1u128 << i) - 1) != 0
        } else {
            lo != 0 || hi & ((1u128 << (i - 64)) - 1) != 0
        }
    };
    if k > 192 {
        return Some(0); // the product is under 2**192: under half of 2**k
    }
    let q = if k == 192 {
        0
    } else if k >= 64 {
        hi >> (k - 64)
    } else {
        if hi >> (64 + k) != 0 {
            return None;
        }
        (hi << (64 - k)) | (lo >> k)
    };
    if k == 0 {
        return if q >> 126 == 0 { Some(q) } else { None };
    }
    let cmp = if !bit(k - 1) {
        std::cmp::Ordering::Less
    } else if below(k - 1) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    };
    let r = td_round(q, cmp);
    if r >> 126 == 0 { Some(r) } else { None }
}

/// `u * 2**k / m` rounded half to even, exactly (long division, 64 bits at a time); None when
/// the result passes 2**126.
fn td_shl_div_round(u: u128, k: u32, m: u64) -> Option<u128> {
    let m = u128::from(m);
    let (mut q, mut r) = (u / m, u % m);
    let mut left = k;
    while left > 0 {
        let s = left.min(64);
        q = td_shl(q, s)?;
        let t = r << s; // r < m < 2**64: no bits lost
        q += t / m;
        r = t % m;
        left -= s;
        if q >> 126 != 0 {
            return None;
        }
    }
    let out = td_round(q, (2 * r).cmp(&m));
    if out >> 126 == 0 { Some(out) } else { None }
}

/// A magnitude of microseconds and its sign as a timedelta (OverflowError as CPython's C int).
fn td_signed(mag: Option<u128>, negative: bool) -> Result<PyTimedelta, PyErr> {
    match mag {
        Some(v) => PyTimedelta::from_micros(if negative { -(v as i128) } else { v as i128 }),
        None => Err(PyErr::new("OverflowError", "Python int too large to convert to C int")),
    }
}

/// `a / b` of two ints as Python's true division: the nearest float (ties to even), with no
/// double rounding (b != 0).
pub fn td_true_div(a: i128, b: i128) -> f64 {
    let negative = (a < 0) != (b < 0);
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    if a == 0 {
        return if negative { -0.0 } else { 0.0 };
    }
    if a >> 53 == 0 && b >> 53 == 0 {
        let v = a as f64 / b as f64; // both exact: one IEEE rounding
        return if negative { -v } else { v };
    }
    // q = floor(a * 2**s / b) with 55..=56 significant bits, then the rest as a sticky bit
    let (mut q, mut r) = (a / b, a % b);
    let mut exp: i32 = 0;
    let mut sticky = false;
    while q >> 55 == 0 {
        let top = r >> 127 != 0;
        r <<= 1;
        q = (q << 1) | u128::from(top || r >= b);
        if top || r >= b {
            r = r.wrapping_sub(b);
        }
        exp -= 1;
    }
    sticky |= r != 0;
    while q >> 56 != 0 {
        sticky |= q & 1 == 1;
        q >>= 1;
        exp += 1;
    }
    // q has 56 bits: keep 53, round half to even on the 3 dropped bits and the sticky bit
    let dropped = q & 0b111;
    let mut m = q >> 3;
    exp += 3;
    if dropped > 0b100 || dropped == 0b100 && (sticky || m & 1 == 1) {
        m += 1;
    }
    let v = (m as f64) * 2f64.powi(exp);
    if negative { -v } else { v }
}

/// `d + td` (and `td + d`): the date td.days later; OverflowError outside years 1..=9999.
pub fn date_add(d: PyDate, td: PyTimedelta) -> Result<PyDate, PyErr> {
    let n = d.toordinal() + td.days;
    if !(1..=3_652_059).contains(&n) {
        return Err(PyErr::new("OverflowError", "date value out of range"));
    }
    PyDate::fromordinal(n)
}

/// `d - td`: Python's `d + timedelta(-td.days)`.
pub fn date_sub(d: PyDate, td: PyTimedelta) -> Result<PyDate, PyErr> {
    date_add(d, PyTimedelta::new(-td.days, 0, 0, 0, 0, 0, 0)?)
}

/// `a - b` of two dates: the timedelta between them.
pub fn date_diff(a: PyDate, b: PyDate) -> PyTimedelta {
    PyTimedelta { days: a.toordinal() - b.toordinal(), seconds: 0, microseconds: 0 }
}
// @end

// @helper PyTimezone deps: PyErr, PyTimedelta, str_repr
/// `datetime.timezone`: a fixed offset from UTC in microseconds (strictly inside +-24 hours, as
/// Python checks) and an optional name. It is Copy, as the datetimes holding it: a name is
/// interned once per distinct text (a program makes few). Equal and hashed by the offset alone,
/// as Python's (`timezone(timedelta(0), "X") == timezone.utc`).
#[derive(Debug, Clone, Copy)]
pub struct PyTimezone {
    pub offset: i64,
    pub name: Option<&'static str>,
}

static TZ_NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());

/// The one `&'static str` of a time zone name (leaked once per distinct text).
fn intern_tz_name(name: &str) -> &'static str {
    let mut names = TZ_NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = names.iter().find(|n| **n == name) {
        return found;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.push(leaked);
    leaked
}

impl PartialEq for PyTimezone {
    fn eq(&self, other: &PyTimezone) -> bool {
        self.offset == other.offset
    }
}

impl Eq for PyTimezone {}

impl std::hash::Hash for PyTimezone {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.offset.hash(state)
    }
}

impl PyTimezone {
    /// `timezone.utc`.
    pub const UTC: PyTimezone = PyTimezone { offset: 0, name: None };

    /// `timezone(offset[, name])` with Python's ValueError for an offset of 24 hours or more.
    pub fn new(offset: PyTimedelta, name: Option<&str>) -> Result<PyTimezone, PyErr> {
        let us = offset.micros();
        if us <= -86_400_000_000 || us >= 86_400_000_000 {
            return Err(PyErr::new(
                "ValueError",
                format!(
                    "offset must be a timedelta strictly between -timedelta(hours=24) and timedelta(hours=24), not {}.",
                    offset.repr()
                ),
            ));
        }
        Ok(PyTimezone { offset: us as i64, name: name.map(intern_tz_name) })
    }

    /// `tz.utcoffset(dt)`.
    pub fn utcoffset(&self) -> PyTimedelta {
        let us = i128::from(self.offset);
        PyTimedelta {
            days: us.div_euclid(86_400_000_000) as i64,
            seconds: (us.rem_euclid(86_400_000_000) / 1_000_000) as i64,
            microseconds: us.rem_euclid(1_000_000) as i64,
        }
    }

    /// `+HH:MM`, then `:SS` and `.ffffff` when not zero, with `sep` between the parts (":" in
    /// isoformat and the default name, "" in `%z`), as Python's format_utcoffset.
    pub fn offset_text(&self, sep: &str) -> String {
        let sign = if self.offset < 0 { '-' } else { '+' };
        let a = self.offset.unsigned_abs();
        let (hours, minutes, seconds, micros) = (a / 3_600_000_000, a / 60_000_000 % 60, a / 1_000_000 % 60, a % 1_000_000);
        let mut out = format!("{}{:02}{}{:02}", sign, hours, sep, minutes);
        if seconds != 0 || micros != 0 {
            out.push_str(&format!("{}{:02}", sep, seconds));
            if micros != 0 {
                out.push_str(&format!(".{:06}", micros));
            }
        }
        out
    }

    /// `tz.tzname(dt)`, `str(tz)`: its name, else `UTC` for a zero offset, else `UTC+HH:MM`.
    pub fn tzname(&self) -> String {
        match self.name {
            Some(n) => n.to_string(),
            None if self.offset == 0 => "UTC".to_string(),
            None => format!("UTC{}", self.offset_text(":")),
        }
    }

    /// `repr(tz)`: `datetime.timezone.utc` (a zero offset without a name is the singleton),
    /// `datetime.timezone(datetime.timedelta(seconds=3600), 'CET')`.
    pub fn repr(&self) -> String {
        match self.name {
            None if self.offset == 0 => "datetime.timezone.utc".to_string(),
            None => format!("datetime.timezone({})", self.utcoffset().repr()),
            Some(n) => format!("datetime.timezone({}, {})", self.utcoffset().repr(), str_repr(n)),
        }
    }
}

impl std::fmt::Display for PyTimezone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.tzname())
    }
}
// @end

// @helper PyDateTime deps: PyErr, PyDate, PyTimedelta, PyTimezone, str_repr
/// A `datetime.datetime`: the date's fields, then hour, minute, second, microsecond, and its
/// time zone (None: naive). Naive datetimes compare by their fields, aware ones by their UTC
/// instant; a naive and an aware one are never equal, and ordering them is Python's TypeError
/// (`cmp_py`; the `Ord` impl, for sorting, puts naive ones first).
#[derive(Debug, Clone, Copy)]
pub struct PyDateTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub microsecond: i64,
    pub tz: Option<PyTimezone>,
}

impl PartialEq for PyDateTime {
    fn eq(&self, other: &PyDateTime) -> bool {
        match (self.tz, other.tz) {
            (None, None) => self.micros() == other.micros(),
            (Some(_), Some(_)) => self.utc_micros() == other.utc_micros(),
            _ => false,
        }
    }
}

impl Eq for PyDateTime {}

impl std::hash::Hash for PyDateTime {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // equal values hash alike: aware ones by their instant
        (self.tz.is_some(), self.utc_micros()).hash(state)
    }
}

impl PartialOrd for PyDateTime {
    fn partial_cmp(&self, other: &PyDateTime) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PyDateTime {
    fn cmp(&self, other: &PyDateTime) -> std::cmp::Ordering {
        (self.tz.is_some(), self.utc_micros()).cmp(&(other.tz.is_some(), other.utc_micros()))
    }
}

impl PyDateTime {
    /// `datetime(year, month, day, hour, minute, second, microsecond)` with Python's ValueErrors.
    pub fn new(
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        minute: i64,
        second: i64,
        microsecond: i64,
    ) -> Result<PyDateTime, PyErr> {
        PyDate::new(year, month, day)?;
        for (v, hi, name) in [(hour, 23, "hour"), (minute, 59, "minute"), (second, 59, "second"), (microsecond, 999_999, "microsecond")] {
            if !(0..=hi).contains(&v) {
                return Err(PyErr::new("ValueError", format!("{} must be in 0..{}", name, hi)));
            }
        }
        Ok(PyDateTime { year, month, day, hour, minute, second, microsecond, tz: None })
    }

    /// The same wall time with time zone `tz` (`datetime(..., tzinfo=tz)`, `dt.replace(tzinfo=tz)`).
    pub fn with_tz(self, tz: Option<PyTimezone>) -> PyDateTime {
        PyDateTime { tz, ..self }
    }

    /// `dt.tzinfo`.
    pub fn tzinfo(&self) -> Option<PyTimezone> {
        self.tz
    }

    /// `dt.utcoffset()`: None for a naive datetime.
    pub fn utcoffset(&self) -> Option<PyTimedelta> {
        self.tz.map(|tz| tz.utcoffset())
    }

    /// `dt.tzname()`: None for a naive datetime.
    pub fn tzname(&self) -> Option<String> {
        self.tz.map(|tz| tz.tzname())
    }

    /// `dt.date()`.
    pub fn date(&self) -> PyDate {
        PyDate { year: self.year, month: self.month, day: self.day }
    }

    pub fn toordinal(&self) -> i64 {
        self.date().toordinal()
    }

    pub fn weekday(&self) -> i64 {
        self.date().weekday()
    }

    pub fn isoweekday(&self) -> i64 {
        self.date().isoweekday()
    }

    /// The wall time in microseconds since 0001-01-01 (day 1).
    fn micros(&self) -> i128 {
        let secs = i128::from(self.toordinal()) * 86_400 + i128::from(self.hour * 3_600 + self.minute * 60 + self.second);
        secs * 1_000_000 + i128::from(self.microsecond)
    }

    /// The UTC instant of an aware datetime (the wall time of a naive one).
    fn utc_micros(&self) -> i128 {
        self.micros() - i128::from(self.tz.map_or(0, |tz| tz.offset))
    }

    fn from_micros(us: i128, tz: Option<PyTimezone>) -> Result<PyDateTime, PyErr> {
        let days = us.div_euclid(86_400_000_000);
        let rest = us.rem_euclid(86_400_000_000) as i64;
        if !(1..=3_652_059).contains(&days) {
            return Err(PyErr::new("OverflowError", "date value out of range"));
        }
        let d = PyDate::fromordinal(days as i64)?;
        let secs = rest / 1_000_000;
        Ok(PyDateTime {
            year: d.year,
            month: d.month,
            day: d.day,
            hour: secs / 3_600,
            minute: secs / 60 % 60,
            second: secs % 60,
            microsecond: rest % 1_000_000,
            tz,
        })
    }

    /// `dt + td` (and `td + dt`): wall-time arithmetic, the time zone kept (Python's).
    pub fn plus(self, td: PyTimedelta) -> Result<PyDateTime, PyErr> {
        Self::from_micros(self.micros() + td.micros(), self.tz)
    }

    /// `dt - td`.
    pub fn minus(self, td: PyTimedelta) -> Result<PyDateTime, PyErr> {
        Self::from_micros(self.micros() - td.micros(), self.tz)
    }

    /// `a - b` of two datetimes: of their wall times when both are naive, of their instants
    /// when both are aware, Python's TypeError otherwise.
    pub fn diff(self, other: PyDateTime) -> Result<PyTimedelta, PyErr> {
        if self.tz.is_some() != other.tz.is_some() {
            return Err(PyErr::new("TypeError", "can't subtract offset-naive and offset-aware datetimes"));
        }
        PyTimedelta::from_micros(self.utc_micros() - other.utc_micros())
    }

    /// `a < b` and the other orderings: Python's TypeError between a naive and an aware one.
    pub fn cmp_py(self, other: PyDateTime) -> Result<std::cmp::Ordering, PyErr> {
        if self.tz.is_some() != other.tz.is_some() {
            return Err(PyErr::new("TypeError", "can't compare offset-naive and offset-aware datetimes"));
        }
        Ok(self.utc_micros().cmp(&other.utc_micros()))
    }

    /// `dt.astimezone(tz)` of an aware datetime: the same instant in `tz`. A naive one stands
    /// for the machine's local time, which the translation does not read: an error.
    pub fn astimezone(self, tz: PyTimezone) -> Result<PyDateTime, PyErr> {
        if self.tz.is_none() {
            return Err(PyErr::new(
                "NotImplementedError",
                "astimezone() of a naive datetime reads the local time zone (not translated)",
            ));
        }
        Self::from_micros(self.utc_micros() + i128::from(tz.offset), Some(tz))
    }

    /// `dt.timestamp()` of an aware datetime: seconds since 1970-01-01 UTC, correctly rounded
    /// as Python's `(dt - EPOCH) / timedelta(seconds=1)`. A naive one is local time: an error.
    pub fn timestamp(self) -> Result<f64, PyErr> {
        if self.tz.is_none() {
            return Err(PyErr::new(
                "NotImplementedError",
                "timestamp() of a naive datetime reads the local time zone (not translated)",
            ));
        }
        const EPOCH: i128 = 719_163 * 86_400_000_000; // 1970-01-01 as micros since day 1 (ordinal 719163)
        Ok(td_true_div(self.utc_micros() - EPOCH, 1_000_000))
    }

    /// `datetime.now(tz)`: the system clock (microseconds since the epoch) in `tz`.
    pub fn now(tz: PyTimezone) -> Result<PyDateTime, PyErr> {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| PyErr::new("OSError", "the system clock is before 1970"))?;
        const EPOCH: i128 = 719_163 * 86_400_000_000;
        Self::from_micros(EPOCH + since.as_micros() as i128 + i128::from(tz.offset), Some(tz))
    }

    /// `datetime.utcnow()`: the naive UTC wall time.
    pub fn utcnow() -> Result<PyDateTime, PyErr> {
        Ok(Self::now(PyTimezone::UTC)?.with_tz(None))
    }

    /// `datetime.fromisoformat(s)`: CPython 3.11's parser (`_find_isoformat_datetime_separator`,
    /// the date as `date.fromisoformat`, any one character as the separator, then
    /// `HH[:MM[:SS[.f...]]]` and `Z`/`+HH[:MM[:SS[.ffffff]]]`); its checks in its order:
    /// the text, then the offset's range, then the fields' ValueErrors.
    pub fn fromisoformat(s: &str) -> Result<PyDateTime, PyErr> {
        let invalid = || PyErr::new("ValueError", format!("Invalid isoformat string: {}", str_repr(s)));
        if s.chars().count() < 7 {
            return Err(invalid());
        }
        let b = s.as_bytes();
        let len = b.len();
        let at = |i: usize| -> u8 { b.get(i).copied().unwrap_or(0) };
        let sep: usize = if len == 7 {
            7
        } else if at(4) == b'-' {
            if at(5) == b'W' {
                if len > 8 && at(8) == b'-' {
                    if len == 9 {
                        return Err(invalid());
                    }
                    if len > 10 && at(10).is_ascii_digit() {
                        8
                    } else {
                        10
                    }
                } else {
                    8
                }
            } else {
                10
            }
        } else if at(4) == b'W' {
            let mut idx = 7;
            while idx < len && at(idx).is_ascii_digit() {
                idx += 1;
            }
            if idx < 9 {
                idx
            } else if idx % 2 == 0 {
                7
            } else {
                8
            }
        } else {
            8
        };
        if sep > len || !s.is_char_boundary(sep) {
            return Err(invalid());
        }
        // the date: its text errors are this string's; a field out of range is raised after
        // the time is read, as CPython builds the datetime last
        let date = PyDate::fromisoformat_parts(&b[..sep]).ok_or_else(invalid)?;
        let (mut hour, mut minute, mut second, mut micro) = (0, 0, 0, 0);
        let mut tz = None;
        if len > sep {
            let width = s[sep..].chars().next().map_or(1, |c| c.len_utf8());
            let t = &b[sep + width..];
            // the offset starts at the first 'Z', '+' or '-' (C's do-while looks at one byte
            // even of an empty time)
            let tzpos = t.iter().position(|&c| c == b'Z' || c == b'+' || c == b'-').unwrap_or(t.len().max(1));
            let rv = Self::hh_mm_ss_ff(t, 0, tzpos).ok_or_else(invalid)?;
            (hour, minute, second, micro) = (rv.0, rv.1, rv.2, rv.3);
            if tzpos >= t.len() {
                if rv.4 {
                    return Err(invalid());
                }
            } else if t[tzpos] == b'Z' {
                if tzpos + 1 != t.len() {
                    return Err(invalid());
                }
                tz = Some(PyTimezone::UTC);
            } else {
                let sign: i64 = if t[tzpos] == b'-' { -1 } else { 1 };
                let z = Self::hh_mm_ss_ff(t, tzpos + 1, t.len()).ok_or_else(invalid)?;
                if z.4 {
                    return Err(invalid());
                }
                let offset = sign * (z.0 * 3600 + z.1 * 60 + z.2);
                if offset == 0 {
                    tz = Some(PyTimezone::UTC); // CPython: a zero offset in seconds is timezone.utc
                } else {
                    let td = PyTimedelta::from_micros(i128::from(offset) * 1_000_000 + i128::from(sign * z.3))?;
                    tz = Some(PyTimezone::new(td, None)?);
                }
            }
        }
        let (y, m, d) = date?;
        let made = Self::new(y, m, d, hour, minute, second, micro)?;
        Ok(made.with_tz(tz))
    }

    /// CPython's parse_hh_mm_ss_ff over `buf[start..end]` (`buf` runs to the string's end,
    /// where C reads its NUL: 0 here): (hour, minute, second, microsecond, whether text
    /// follows), None for a malformed time.
    fn hh_mm_ss_ff(buf: &[u8], start: usize, end: usize) -> Option<(i64, i64, i64, i64, bool)> {
        let at = |i: usize| -> u8 { buf.get(i).copied().unwrap_or(0) };
        let mut vals = [0i64; 3];
        let mut p = start;
        let mut has_sep = true;
        for i in 0..3 {
            for _ in 0..2 {
                let c = at(p);
                if !c.is_ascii_digit() {
                    return None;
                }
                vals[i] = vals[i] * 10 + i64::from(c - b'0');
                p += 1;
            }
            let c = at(p);
            p += 1;
            if i == 0 {
                has_sep = c == b':';
            }
            if p >= end {
                return Some((vals[0], vals[1], vals[2], 0, c != 0));
            } else if has_sep && c == b':' {
                continue;
            } else if c == b'.' || c == b',' {
                break;
            } else if !has_sep {
                p -= 1;
            } else {
                return None;
            }
        }
        let to_parse = end.saturating_sub(p).min(6);
        let mut micro = 0i64;
        for _ in 0..to_parse {
            let c = at(p);
            if !c.is_ascii_digit() {
                return None;
            }
            micro = micro * 10 + i64::from(c - b'0');
            p += 1;
        }
        if to_parse < 6 {
            micro *= [1_000_000, 100_000, 10_000, 1_000, 100, 10][to_parse];
        }
        while at(p).is_ascii_digit() {
            p += 1; // digits past the sixth are dropped (C reads on past `end` too)
        }
        Some((vals[0], vals[1], vals[2], micro, at(p) != 0))
    }

    /// `dt.isoformat(sep)`: `YYYY-MM-DDTHH:MM:SS`, `.ffffff` when there are microseconds, then
    /// the offset of an aware one (`+01:00`).
    pub fn isoformat(&self, sep: &str) -> String {
        let mut out = format!(
            "{}{}{:02}:{:02}:{:02}",
            self.date().isoformat(),
            sep,
            self.hour,
            self.minute,
            self.second
        );
        if self.microsecond != 0 {
            out.push_str(&format!(".{:06}", self.microsecond));
        }
        if let Some(tz) = self.tz {
            out.push_str(&tz.offset_text(":"));
        }
        out
    }
    /// `dt.strftime(fmt)` as CPython on glibc in the C locale: `%a %A %w %d %e %b %B %m %y %Y
    /// %H %I %p %M %S %f %j %U %W %c %x %X %z %Z %%` (`%Y` unpadded below year 1000, as glibc;
    /// `%z` `+0100`, `%Z` the zone's name, both empty for a naive datetime); any other directive is written as is, as glibc.
    pub fn strftime(&self, fmt: &str) -> String {
        const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
        const MONTHS: [&str; 12] = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ];
        let wd = self.weekday() as usize;
        let month = MONTHS[(self.month - 1) as usize];
        let yday = self.toordinal() - PyDate { year: self.year, month: 1, day: 1 }.toordinal(); // 0-based
        let sunday_wd = (wd as i64 + 1) % 7;
        let hour12 = if self.hour % 12 == 0 { 12 } else { self.hour % 12 };
        let mut out = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            let Some(d) = chars.next() else {
                out.push('%');
                break;
            };
            let piece = match d {
                'a' => DAYS[wd][..3].to_string(),
                'A' => DAYS[wd].to_string(),
                'w' => sunday_wd.to_string(),
                'd' => format!("{:02}", self.day),
                'e' => format!("{:2}", self.day),
                'b' | 'h' => month[..3].to_string(),
                'B' => month.to_string(),
                'm' => format!("{:02}", self.month),
                'y' => format!("{:02}", self.year % 100),
                'Y' => self.year.to_string(),
                'H' => format!("{:02}", self.hour),
                'I' => format!("{:02}", hour12),
                'p' => (if self.hour < 12 { "AM" } else { "PM" }).to_string(),
                'M' => format!("{:02}", self.minute),
                'S' => format!("{:02}", self.second),
                'f' => format!("{:06}", self.microsecond),
                'j' => format!("{:03}", yday + 1),
                'U' => format!("{:02}", (yday + 7 - sunday_wd) / 7),
                'W' => format!("{:02}", (yday + 7 - wd as i64) / 7),
                'c' => format!(
                    "{} {} {:2} {:02}:{:02}:{:02} {}",
                    &DAYS[wd][..3],
                    &month[..3],
                    self.day,
                    self.hour,
                    self.minute,
                    self.second,
                    self.year
                ),
                'x' => format!("{:02}/{:02}/{:02}", self.month, self.day, self.year % 100),
                'X' => format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second),
                'z' => self.tz.map_or(String::new(), |tz| tz.offset_text("")),
                'Z' => self.tz.map_or(String::new(), |tz| tz.tzname()),
                '%' => "%".to_string(),
                other => format!("%{}", other),
            };
            out.push_str(&piece);
        }
        out
    }
}

impl PyDateTime {
    /// `repr(dt)`: `datetime.datetime(2024, 1, 2, 3, 4, 5, 6)`, a zero microsecond left out,
    /// then a zero second (as Python's `__repr__`).
    pub fn repr(&self) -> String {
        let mut parts = vec![self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond];
        for _ in 0..2 {
            if parts.last() == Some(&0) {
                parts.pop();
            }
        }
        let mut text: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        if let Some(tz) = self.tz {
            text.push(format!("tzinfo={}", tz.repr()));
        }
        format!("datetime.datetime({})", text.join(", "))
    }
}

impl std::fmt::Display for PyDateTime {
    /// `str(dt)`: `isoformat(" ")`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.isoformat(" "))
    }
}
// @end

// @helper hash_int
/// Python's `hash()` of an int: its value modulo 2**61 - 1 with its sign, -1 made -2 (the
/// C API's error value), as CPython's long_hash.
pub fn hash_int(n: i64) -> i64 {
    const MODULUS: u64 = (1u64 << 61) - 1;
    let h = (n.unsigned_abs() % MODULUS) as i64;
    let h = if n < 0 { -h } else { h };
    if h == -1 {
        -2
    } else {
        h
    }
}
// @end

// @helper hash_str
/// Python's `hash()` of a str as a process started with PYTHONHASHSEED=0 computes it (the
/// differential harness's Python; randomized hashes differ per process, so no translation can
/// give them): SipHash-1-3 with a zero key over the string's PEP 393 buffer (1, 2 or 4 bytes a
/// character, little-endian, by its widest character), 0 for "", -1 made -2.
pub fn hash_str(s: &str) -> i64 {
    if s.is_empty() {
        return 0;
    }
    let widest = s.chars().map(|c| c as u32).max().unwrap_or(0);
    let kind = if widest < 0x100 {
        1
    } else if widest < 0x10000 {
        2
    } else {
        4
    };
    let mut data: Vec<u8> = Vec::with_capacity(s.len() * kind);
    for c in s.chars() {
        let bytes = (c as u32).to_le_bytes();
        data.extend_from_slice(&bytes[..kind]);
    }
    let h = siphash13_zero_key(&data) as i64;
    if h == -1 {
        -2
    } else {
        h
    }
}

fn siphash13_zero_key(data: &[u8]) -> u64 {
    let mut v0: u64 = 0x736f6d6570736575;
    let mut v1: u64 = 0x646f72616e646f6d;
    let mut v2: u64 = 0x6c7967656e657261;
    let mut v3: u64 = 0x7465646279746573;
    fn round(v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64) {
        *v0 = v0.wrapping_add(*v1);
        *v2 = v2.wrapping_add(*v3);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v1);
        *v0 = v0.wrapping_add(*v3);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.rotate_left(32);
    }
    let mut chunks = data.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let m = u64::from_le_bytes(word);
        v3 ^= m;
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        v0 ^= m;
    }
    let mut last = [0u8; 8];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    let b = ((data.len() as u64) << 56) | u64::from_le_bytes(last);
    v3 ^= b;
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    v0 ^= b;
    v2 ^= 0xff;
    for _ in 0..3 {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    (v0 ^ v1) ^ (v2 ^ v3)
}
// @end

// @helper hash_tuple
/// Python's `hash()` of a tuple from its items' hashes (CPython 3.8+'s xxHash-based tuplehash).
pub fn hash_tuple(items: &[i64]) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc: u64 = P5;
    for &lane in items {
        acc = acc.wrapping_add((lane as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
    if acc == u64::MAX {
        return 1546275796;
    }
    acc as i64
}
// @end

// @helper repr_date deps: PyRepr, PyDate
/// A date inside a list, tuple or dict prints its repr, as Python's containers do.
impl PyRepr for PyDate {
    fn py_repr(&self) -> String {
        self.repr()
    }
}
// @end

// @helper repr_timedelta deps: PyRepr, PyTimedelta
impl PyRepr for PyTimedelta {
    fn py_repr(&self) -> String {
        self.repr()
    }
}
// @end

// @helper repr_datetime deps: PyRepr, PyDateTime
impl PyRepr for PyDateTime {
    fn py_repr(&self) -> String {
        self.repr()
    }
}
// @end

// @helper repr_timezone deps: PyRepr, PyTimezone
impl PyRepr for PyTimezone {
    fn py_repr(&self) -> String {
        self.repr()
    }
}
// @end

// @helper repr_fraction deps: PyRepr, PyFraction
impl PyRepr for PyFraction {
    fn py_repr(&self) -> String {
        fraction_repr(self)
    }
}
// @end

// @helper repr_decimal deps: PyRepr, PyDecimal
impl PyRepr for PyDecimal {
    fn py_repr(&self) -> String {
        self.repr()
    }
}
// @end

// @helper PyTime deps: PyErr
/// A naive `datetime.time` (no tzinfo): hour, minute, second, microsecond in Python's order
/// (derive(Ord) is Python's order of naive times).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct PyTime {
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    pub microsecond: i64,
}

impl PyTime {
    /// `time(hour, minute, second, microsecond)` with Python's ValueErrors.
    pub fn new(hour: i64, minute: i64, second: i64, microsecond: i64) -> Result<PyTime, PyErr> {
        for (v, hi, name) in [(hour, 23, "hour"), (minute, 59, "minute"), (second, 59, "second"), (microsecond, 999_999, "microsecond")] {
            if !(0..=hi).contains(&v) {
                return Err(PyErr::new("ValueError", format!("{} must be in 0..{}", name, hi)));
            }
        }
        Ok(PyTime { hour, minute, second, microsecond })
    }

    /// `t.isoformat()`: `HH:MM:SS`, `.ffffff` when there are microseconds.
    pub fn isoformat(&self) -> String {
        let mut out = format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second);
        if self.microsecond != 0 {
            out.push_str(&format!(".{:06}", self.microsecond));
        }
        out
    }

    /// `repr(t)`: `datetime.time(3, 4, 5, 6)`, a zero microsecond left out, then a zero second.
    pub fn repr(&self) -> String {
        let mut parts = vec![self.hour, self.minute, self.second, self.microsecond];
        for _ in 0..2 {
            if parts.last() == Some(&0) {
                parts.pop();
            }
        }
        let text: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        format!("datetime.time({})", text.join(", "))
    }
}

impl std::fmt::Display for PyTime {
    /// `str(t)`: `isoformat()`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.isoformat())
    }
}
// @end

// @helper datetime_time deps: PyDateTime, PyTime
/// `dt.time()`.
pub fn datetime_time(dt: PyDateTime) -> PyTime {
    PyTime { hour: dt.hour, minute: dt.minute, second: dt.second, microsecond: dt.microsecond }
}

/// `datetime.combine(d, t)`.
pub fn datetime_combine(d: PyDate, t: PyTime) -> PyDateTime {
    PyDateTime {
        year: d.year,
        month: d.month,
        day: d.day,
        hour: t.hour,
        minute: t.minute,
        second: t.second,
        microsecond: t.microsecond,
        tz: None,
    }
}
// @end

// @helper repr_time deps: PyRepr, PyTime
impl PyRepr for PyTime {
    fn py_repr(&self) -> String {
        self.repr()
    }
}
// @end

// @helper PyObj deps: PyRepr, PyDict, PyErr, str_repr, float_repr, int_from_str
/// A value whose type the Python code leaves open: the values of a `**options` dict of mixed
/// keyword arguments (bools, strs, ints, lists, None), read through `isinstance` tests. One
/// variant per builtin type it may hold; `==` is Python's (`1 == 1.0 == True`), `str()` and
/// `repr()` are the held value's.
#[derive(Clone, Debug, Default)]
pub enum PyObj {
    #[default]
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<PyObj>),
    Tuple(Vec<PyObj>),
    Dict(PyDict<String, PyObj>),
}

impl PyObj {
    /// Python's type name of the held value (what an error message says).
    pub fn type_name(&self) -> &'static str {
        match self {
            PyObj::None => "NoneType",
            PyObj::Bool(_) => "bool",
            PyObj::Int(_) => "int",
            PyObj::Float(_) => "float",
            PyObj::Str(_) => "str",
            PyObj::List(_) => "list",
            PyObj::Tuple(_) => "tuple",
            PyObj::Dict(_) => "dict",
        }
    }

    /// `bool(x)`: Python's truth value.
    pub fn truthy(&self) -> bool {
        match self {
            PyObj::None => false,
            PyObj::Bool(b) => *b,
            PyObj::Int(i) => *i != 0,
            PyObj::Float(x) => *x != 0.0,
            PyObj::Str(s) => !s.is_empty(),
            PyObj::List(v) | PyObj::Tuple(v) => !v.is_empty(),
            PyObj::Dict(d) => !d.is_empty(),
        }
    }

    /// `int(x)`: a bool or int as it is, a float truncated, a str parsed (ValueError when it
    /// is no int); TypeError for the other types, as Python raises.
    pub fn to_int(&self) -> Result<i64, PyErr> {
        match self {
            PyObj::Bool(b) => Ok(*b as i64),
            PyObj::Int(i) => Ok(*i),
            PyObj::Float(x) => {
                if x.is_nan() {
                    Err(PyErr::new("ValueError", "cannot convert float NaN to integer"))
                } else if x.is_infinite() {
                    Err(PyErr::new("OverflowError", "cannot convert float infinity to integer"))
                } else if x.trunc().abs() >= 9.223372036854776e18 {
                    Err(PyErr::new("OverflowError", "int too large to convert to i64"))
                } else {
                    Ok(x.trunc() as i64)
                }
            }
            PyObj::Str(s) => int_from_str(s, 10).map_err(|(kind, msg)| PyErr::new(kind, msg)),
            other => Err(PyErr::new(
                "TypeError",
                format!(
                    "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                    other.type_name()
                ),
            )),
        }
    }

    /// `list(x)` of a list or tuple: its items (TypeError for a value that is not iterable
    /// here; a str or dict gives its chars or keys, as Python's list() does).
    pub fn to_list(&self) -> Result<Vec<PyObj>, PyErr> {
        match self {
            PyObj::List(v) | PyObj::Tuple(v) => Ok(v.clone()),
            PyObj::Str(s) => Ok(s.chars().map(|c| PyObj::Str(c.to_string())).collect()),
            PyObj::Dict(d) => Ok(d.keys().map(|k| PyObj::Str(k.clone())).collect()),
            other => Err(PyErr::new(
                "TypeError",
                format!("'{}' object is not iterable", other.type_name()),
            )),
        }
    }
}

impl PartialEq for PyObj {
    /// Python's `==`: numbers compare by value across bool, int and float; a list never equals
    /// a tuple; other types only equal their own.
    fn eq(&self, other: &Self) -> bool {
        fn num(x: &PyObj) -> Option<f64> {
            match x {
                PyObj::Bool(b) => Some(*b as i64 as f64),
                PyObj::Int(i) => Some(*i as f64),
                PyObj::Float(f) => Some(*f),
                _ => None,
            }
        }
        match (self, other) {
            (PyObj::None, PyObj::None) => true,
            (PyObj::Int(a), PyObj::Int(b)) => a == b,
            (PyObj::Bool(a), PyObj::Bool(b)) => a == b,
            (PyObj::Int(a), PyObj::Bool(b)) | (PyObj::Bool(b), PyObj::Int(a)) => *a == *b as i64,
            (PyObj::Str(a), PyObj::Str(b)) => a == b,
            (PyObj::List(a), PyObj::List(b)) | (PyObj::Tuple(a), PyObj::Tuple(b)) => a == b,
            (PyObj::Dict(a), PyObj::Dict(b)) => a == b,
            (a, b) => match (num(a), num(b)) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }
}

impl PartialEq<String> for PyObj {
    fn eq(&self, other: &String) -> bool {
        matches!(self, PyObj::Str(s) if s == other)
    }
}

impl PartialEq<PyObj> for String {
    fn eq(&self, other: &PyObj) -> bool {
        other == self
    }
}

impl PartialEq<str> for PyObj {
    fn eq(&self, other: &str) -> bool {
        matches!(self, PyObj::Str(s) if s == other)
    }
}

impl PartialEq<&str> for PyObj {
    fn eq(&self, other: &&str) -> bool {
        matches!(self, PyObj::Str(s) if s == other)
    }
}

impl PartialEq<i64> for PyObj {
    fn eq(&self, other: &i64) -> bool {
        *self == PyObj::Int(*other)
    }
}

impl PartialEq<bool> for PyObj {
    fn eq(&self, other: &bool) -> bool {
        *self == PyObj::Bool(*other)
    }
}

impl PyRepr for PyObj {
    fn py_repr(&self) -> String {
        match self {
            PyObj::None => "None".to_string(),
            PyObj::Bool(b) => b.py_repr(),
            PyObj::Int(i) => i.py_repr(),
            PyObj::Float(x) => x.py_repr(),
            PyObj::Str(s) => s.py_repr(),
            PyObj::List(v) => v.py_repr(),
            PyObj::Tuple(v) => {
                let items: Vec<String> = v.iter().map(|x| x.py_repr()).collect();
                if items.len() == 1 {
                    format!("({},)", items[0])
                } else {
                    format!("({})", items.join(", "))
                }
            }
            PyObj::Dict(d) => d.py_repr(),
        }
    }
}

impl std::fmt::Display for PyObj {
    /// `str(x)`: a str as it is, any other value as its repr.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PyObj::Str(s) => write!(f, "{}", s),
            other => write!(f, "{}", other.py_repr()),
        }
    }
}

impl From<()> for PyObj {
    fn from(_: ()) -> Self {
        PyObj::None
    }
}

impl From<bool> for PyObj {
    fn from(b: bool) -> Self {
        PyObj::Bool(b)
    }
}

impl From<i64> for PyObj {
    fn from(i: i64) -> Self {
        PyObj::Int(i)
    }
}

/// An integer literal whose type nothing else fixes (`PyObj::from(vec![1])`) is an i32 to rustc.
impl From<i32> for PyObj {
    fn from(i: i32) -> Self {
        PyObj::Int(i as i64)
    }
}

impl From<f64> for PyObj {
    fn from(x: f64) -> Self {
        PyObj::Float(x)
    }
}

impl From<String> for PyObj {
    fn from(s: String) -> Self {
        PyObj::Str(s)
    }
}

impl From<&str> for PyObj {
    fn from(s: &str) -> Self {
        PyObj::Str(s.to_string())
    }
}

impl<T: Into<PyObj>> From<Vec<T>> for PyObj {
    fn from(v: Vec<T>) -> Self {
        PyObj::List(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<PyObj>> From<Option<T>> for PyObj {
    fn from(v: Option<T>) -> Self {
        match v {
            Some(x) => x.into(),
            None => PyObj::None,
        }
    }
}

impl<V: Clone + Into<PyObj>> From<PyDict<String, V>> for PyObj {
    fn from(d: PyDict<String, V>) -> Self {
        PyObj::Dict(PyObj::dict_from(&d))
    }
}

impl PyObj {
    /// A dict of typed values as a dict of PyObj values (a `**options` dict of one value type
    /// passed where the callee takes mixed ones).
    pub fn dict_from<V: Clone + Into<PyObj>>(d: &PyDict<String, V>) -> PyDict<String, PyObj> {
        d.items().map(|(k, v)| (k.clone(), v.clone().into())).collect()
    }
}
// @end

// @helper PyRegex deps: ReMatch, re_find, re_find_fancy crates: regex, fancy-regex
/// A pattern compiled at run time (`re.compile(pattern)` where `pattern` is not a literal:
/// pygments' `shebang_matches(text, regex)`): Python's syntax translated to the regex crate's by
/// the rules of portalis/regex_syntax.py (`translate`, kept in step with it), compiled three
/// ways: for search, anchored at the start (`match`), anchored at both ends (`fullmatch`).
/// `dollar`: a non-multiline `$` became `\z` (Python's also matches before a final newline).
/// `fancy`: the same three compiled by fancy-regex, for a pattern with look-around or
/// back-references (the regex fields then hold the empty pattern, unused).
#[derive(Debug, Clone)]
pub struct PyRegex {
    pub search: regex::Regex,
    pub anchored: regex::Regex,
    pub full: regex::Regex,
    pub dollar: bool,
    pub fancy: Option<Box<[fancy_regex::Regex; 3]>>,
}

/// Python's patterns are equal when their pattern and flags are (both are in the search
/// pattern's text), so a struct holding one derives PartialEq.
impl PartialEq for PyRegex {
    fn eq(&self, other: &PyRegex) -> bool {
        let text = |r: &PyRegex| r.fancy.as_ref().map_or(r.search.as_str().to_string(), |f| f[0].as_str().to_string());
        text(self) == text(other)
    }
}

/// The empty pattern: a struct holding one starts from Default before its `__init__` runs.
impl Default for PyRegex {
    fn default() -> PyRegex {
        let empty = regex::Regex::new("").expect("the empty pattern compiles");
        PyRegex { search: empty.clone(), anchored: empty.clone(), full: empty, dollar: false, fancy: None }
    }
}

impl PyRegex {
    /// `p.search(s)`, `p.match(s)`, `p.fullmatch(s)` (`kind` 0, 1, 2).
    pub fn find(&self, kind: i64, s: &str) -> Option<ReMatch> {
        if let Some(f) = &self.fancy {
            return match kind {
                0 => re_find_fancy(&f[0], s, self.dollar),
                1 => re_find_fancy(&f[1], s, self.dollar),
                _ => re_find_fancy(&f[2], s, false),
            };
        }
        match kind {
            0 => re_find(&self.search, s, self.dollar),
            1 => re_find(&self.anchored, s, self.dollar),
            _ => re_find(&self.full, s, false),
        }
    }
}

/// Python's pattern syntax -> the regex crate's (the port of regex_syntax.translate): the
/// pattern, whether a `$` became `\z` and whether it needs fancy-regex (look-around,
/// back-references), or why it has no translation (a construct neither crate expresses: Python
/// accepts it, so the caller raises, never matches differently).
pub fn re_translate(pattern: &str, flags: i64) -> Result<(String, bool, bool), String> {
    fn bad(what: &str) -> String {
        format!("regular expression: {} cannot be expressed with Rust's regex crate", what)
    }
    if flags & 4 != 0 {
        return Err("re.LOCALE has no translation".to_string());
    }
    let ascii_only = flags & 256 != 0;
    if ascii_only && flags & 2 != 0 {
        return Err("re.ASCII with re.IGNORECASE has no translation yet".to_string());
    }
    let p: Vec<char> = pattern.chars().collect();
    let n = p.len();
    let mut multiline = flags & 8 != 0;
    let mut out = String::new();
    let mut dollar = false;
    let mut fancy = false;
    let mut ascii_boundary = false;
    let mut in_class = false;
    let mut class_start = 0usize;
    let mut i = 0usize;
    let digits_at = |from: usize| -> usize { (from..n).take_while(|&k| p[k].is_ascii_digit()).count() };
    while i < n {
        let c = p[i];
        if c == '\\' {
            let e = if i + 1 < n { Some(p[i + 1]) } else { None };
            i += 2;
            let e = match e {
                Some(e) => e,
                None => return Err("bad escape (end of pattern)".to_string()),
            };
            if e.is_ascii_digit() && e != '0' && !in_class {
                let octal = p[i - 1..].iter().take(3).take_while(|d| ('0'..='7').contains(d)).count() == 3;
                if octal {
                    // `\123`: an octal escape in Python
                    let text: String = p[i - 1..i + 2].iter().collect();
                    out.push_str(&format!("\\x{{{:x}}}", u32::from_str_radix(&text, 8).unwrap_or(0)));
                    i += 2;
                } else {
                    // a back-reference (one or two digits, as Python reads them): fancy-regex's
                    let len = 1 + usize::from(i < n && p[i].is_ascii_digit());
                    let digits: String = p[i - 1..i - 1 + len].iter().collect();
                    out.push_str(&format!("(?:\\{})", digits));
                    i += len - 1;
                    fancy = true;
                }
                continue;
            }
            if e == '0' || (in_class && e.is_ascii_digit()) {
                let octal: String = p[i - 1..].iter().take(3).take_while(|d| ('0'..='7').contains(d)).collect();
                let octal = if octal.is_empty() { "0".to_string() } else { octal };
                i += octal.len() - 1;
                out.push_str(&format!("\\x{{{:x}}}", u32::from_str_radix(&octal, 8).unwrap_or(0)));
            } else if ascii_only && "wWdDsSbB".contains(e) && !(in_class && "bB".contains(e)) {
                let (inner, negated) = match e {
                    'w' => ("0-9A-Za-z_", false),
                    'W' => ("0-9A-Za-z_", true),
                    'd' => ("0-9", false),
                    'D' => ("0-9", true),
                    's' => (" \\t\\n\\r\\x0b\\x0c", false),
                    'S' => (" \\t\\n\\r\\x0b\\x0c", true),
                    _ => ("", false),
                };
                if in_class && negated {
                    return Err(format!("re.ASCII: \\{} inside a class has no translation yet", e));
                }
                if e == 'b' || e == 'B' {
                    ascii_boundary = true;
                    out.push_str(&format!("(?-u:\\{})", e));
                } else if in_class {
                    out.push_str(inner);
                } else {
                    out.push_str(&format!("[{}{}]", if negated { "^" } else { "" }, inner));
                }
            } else if e == 'Z' {
                out.push_str("\\z");
            } else if e == 'b' && in_class {
                out.push_str("\\x08");
            } else if e == 's' {
                out.push_str(if in_class { "\\s\\x1c-\\x1f" } else { "[\\s\\x1c-\\x1f]" });
            } else if e == 'S' && !in_class {
                out.push_str("[^\\s\\x1c-\\x1f]");
            } else if e == 'N' {
                return Err(bad("a named character (\\N{...})"));
            } else if e == '<' || e == '>' {
                out.push(e);
            } else if e.is_alphanumeric() || e == '_' || e.is_ascii() {
                out.push('\\');
                out.push(e);
            } else {
                out.push(e);
            }
            continue;
        }
        if in_class {
            if c == ']' && i > class_start {
                in_class = false;
                out.push(c);
            } else if c == '[' || c == '&' || c == '~' {
                out.push('\\');
                out.push(c);
            } else if c == '-' && i + 1 < n && p[i + 1] == '-' {
                out.push_str("\\-");
            } else {
                out.push(c);
            }
            i += 1;
            continue;
        }
        let rest: String = p[i + 1..].iter().collect();
        match c {
            '[' => {
                in_class = true;
                out.push(c);
                i += 1;
                if i < n && p[i] == '^' {
                    out.push('^');
                    i += 1;
                }
                class_start = i;
                if i < n && p[i] == ']' {
                    out.push_str("\\]");
                    i += 1;
                    class_start = i;
                }
            }
            '(' if rest.starts_with('?') => {
                if let Some(look) = ["?=", "?!", "?<=", "?<!"].iter().find(|a| rest.starts_with(**a)) {
                    out.push('(');
                    out.push_str(look);
                    i += 1 + look.len();
                    fancy = true;
                    continue;
                }
                if rest.starts_with("?P=") {
                    match p[i..].iter().position(|&x| x == ')') {
                        Some(k) => {
                            let name: String = p[i + 4..i + k].iter().collect();
                            out.push_str(&format!("\\k<{}>", name));
                            i += k + 1;
                        }
                        None => return Err("missing ), unterminated name".to_string()),
                    }
                    fancy = true;
                    continue;
                }
                if rest.starts_with("?>") {
                    // an atomic group (Python 3.11): fancy-regex's own syntax
                    out.push_str("(?>");
                    i += 3;
                    fancy = true;
                    continue;
                }
                if rest.starts_with("?(") {
                    return Err(bad("a conditional group"));
                }
                if rest.starts_with("?#") {
                    match p[i..].iter().position(|&x| x == ')') {
                        Some(k) => i += k + 1,
                        None => return Err("missing ), unterminated comment".to_string()),
                    }
                    continue;
                }
                if rest.starts_with("?P<") || rest.starts_with("?<") || rest.starts_with("?P") {
                    out.push(c);
                    i += 1;
                    continue;
                }
                // inline flags: `(?imsx-imsx:` or `(?imsx)`
                let r: Vec<char> = rest.chars().collect();
                let on_len = r[1..].iter().take_while(|x| x.is_ascii_alphabetic()).count();
                let on: String = r[1..1 + on_len].iter().collect();
                let mut k = 1 + on_len;
                let mut off = String::new();
                if k < r.len() && r[k] == '-' {
                    let off_len = r[k + 1..].iter().take_while(|x| x.is_ascii_alphabetic()).count();
                    off = r[k + 1..k + 1 + off_len].iter().collect();
                    k += 1 + off_len;
                }
                if k < r.len() && (r[k] == ':' || r[k] == ')') {
                    if (on.clone() + &off).chars().any(|x| x == 'a' || x == 'L') {
                        return Err("an inline ASCII/LOCALE flag has no translation yet".to_string());
                    }
                    if on.contains('m') {
                        multiline = true;
                    }
                    let on = on.replace('u', "");
                    let spec = if off.is_empty() { on } else { format!("{}-{}", on, off) };
                    if !spec.is_empty() {
                        out.push_str(&format!("(?{}{}", spec, r[k]));
                    } else if r[k] == ':' {
                        out.push_str("(?:");
                    }
                    i += 1 + k + 1;
                    continue;
                }
                out.push(c);
                i += 1;
            }
            '$' if !multiline => {
                let next = p.get(i + 1);
                if !matches!(next, None | Some(')') | Some('|')) {
                    return Err("`$` followed by more pattern has no translation (Python's `$` also matches before a final newline)".to_string());
                }
                out.push_str("\\z");
                dollar = true;
                i += 1;
            }
            '{' => {
                // a repeat `{m}`, `{m,}`, `{,n}`, `{m,n}`; anything else is a literal in Python
                let lo = digits_at(i + 1);
                let mut k = i + 1 + lo;
                let comma = k < n && p[k] == ',';
                if comma {
                    k += 1;
                }
                let hi = digits_at(k);
                let closed = k + hi < n && p[k + hi] == '}';
                if closed && (lo > 0 || hi > 0) {
                    let lo_text: String = if lo > 0 { p[i + 1..i + 1 + lo].iter().collect() } else { "0".to_string() };
                    let hi_text: String = p[k..k + hi].iter().collect();
                    out.push_str(&format!("{{{}{}{}}}", lo_text, if comma { "," } else { "" }, hi_text));
                    i = k + hi + 1;
                    if i < n && p[i] == '+' {
                        // possessive (Python 3.11): fancy-regex's `x{m,n}+`
                        out.push('+');
                        i += 1;
                        fancy = true;
                    }
                } else {
                    out.push_str("\\{");
                    i += 1;
                }
            }
            '}' => {
                out.push_str("\\}");
                i += 1;
            }
            '*' | '+' | '?' if i + 1 < n && p[i + 1] == '+' => {
                // possessive (Python 3.11): fancy-regex's `x*+`, `x++`, `x?+`
                out.push(c);
                out.push('+');
                i += 2;
                fancy = true;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let inline: String = [(2, 'i'), (8, 'm'), (16, 's'), (64, 'x')]
        .iter()
        .filter(|(k, _)| flags & k != 0)
        .map(|(_, v)| *v)
        .collect();
    if fancy && ascii_boundary {
        return Err("re.ASCII's \\b with look-around or a back-reference has no translation yet".to_string());
    }
    let prefix = if inline.is_empty() { String::new() } else { format!("(?{})", inline) };
    Ok((prefix + &out, dollar, fancy))
}
// @end

// @helper re_compile_dyn deps: PyRegex crates: regex, fancy-regex
thread_local! {
    static PYREGEX_CACHE: std::cell::RefCell<std::collections::HashMap<(String, i64), PyRegex>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// `re.compile(pattern, flags)` at run time, cached by pattern and flags as Python's `re` caches
/// them. A pattern the regex crate rejects raises `re.error` (Python's name for it: `error`); one
/// with look-around or back-references is compiled by fancy-regex; one Python accepts but
/// neither crate can express raises NotImplementedError (never a match that differs).
pub fn re_compile_dyn(pattern: &str, flags: i64) -> PyRegex {
    let key = (pattern.to_string(), flags);
    if let Some(r) = PYREGEX_CACHE.with(|c| c.borrow().get(&key).cloned()) {
        return r;
    }
    let (rust, dollar, fancy) = match re_translate(pattern, flags) {
        Ok(t) => t,
        Err(why) => panic!("NotImplementedError: {}", why),
    };
    let build = |text: String| match regex::Regex::new(&text) {
        Ok(r) => r,
        Err(e) => panic!("error: {}", e),
    };
    let compiled = if fancy {
        let build_fancy = |text: String| match fancy_regex::Regex::new(&text) {
            Ok(r) => r,
            Err(e) => panic!("error: {}", e),
        };
        let empty = build(String::new());
        let three = [build_fancy(rust.clone()), build_fancy(format!("\\A(?:{})", rust)), build_fancy(format!("\\A(?:{})\\z", rust))];
        PyRegex { search: empty.clone(), anchored: empty.clone(), full: empty, dollar, fancy: Some(Box::new(three)) }
    } else {
        PyRegex {
            search: build(rust.clone()),
            anchored: build(format!("\\A(?:{})", rust)),
            full: build(format!("\\A(?:{})\\z", rust)),
            dollar,
            fancy: None,
        }
    };
    PYREGEX_CACHE.with(|c| c.borrow_mut().insert(key, compiled.clone()));
    compiled
}
// @end

// @helper PyPath deps: index
/// A value of a path type (portalis/path_types.py: pygments' `_TokenType`, a tuple subclass
/// whose capitalised attributes are its children): the names from the root down, and the name
/// the root prints as. Equality, hashing and order are a tuple's, of the names only (Python
/// compares the values as tuples); `contains` is the class's `__contains__`, a prefix test.
#[derive(Clone, Debug)]
pub struct PyPath {
    pub root: &'static str,
    pub parts: std::sync::Arc<[String]>,
}

impl PyPath {
    /// The path of these names below the root `root` (the module constants, computed when
    /// translating).
    pub fn new(root: &'static str, parts: &[&str]) -> PyPath {
        PyPath {
            root,
            parts: parts.iter().map(|p| p.to_string()).collect(),
        }
    }
    /// `self.Name`: the child of that name, or where the module's alias table sends it
    /// (`Token.String` is `Token.Literal.String`): (owner's names, name, target's names), the
    /// names joined by dots ("" the root).
    pub fn child_in(&self, name: &str, aliases: &[(&str, &str, &str)]) -> PyPath {
        fn names(dotted: &str) -> Vec<&str> {
            if dotted.is_empty() {
                Vec::new()
            } else {
                dotted.split('.').collect()
            }
        }
        for (owner, alias, target) in aliases {
            if *alias == name && names(owner).iter().eq(self.parts.iter()) {
                return PyPath::new(self.root, &names(target));
            }
        }
        let mut parts: Vec<String> = self.parts.to_vec();
        parts.push(name.to_string());
        PyPath {
            root: self.root,
            parts: parts.into(),
        }
    }
    /// `self.parent`: the path less its last name; None at the root.
    pub fn parent(&self) -> Option<PyPath> {
        if self.parts.is_empty() {
            return None;
        }
        Some(PyPath {
            root: self.root,
            parts: self.parts[..self.parts.len() - 1].to_vec().into(),
        })
    }
    /// `val in self`: whether `val` is `self` or below it.
    pub fn contains(&self, val: &PyPath) -> bool {
        self.root == val.root
            && val.parts.len() >= self.parts.len()
            && val.parts[..self.parts.len()] == self.parts[..]
    }
    /// `len(self)`: how many names below the root.
    pub fn len(&self) -> usize {
        self.parts.len()
    }
    /// `not self`: only the root is empty.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
    /// `self[i]` (a negative index counts from the end; IndexError past either end).
    pub fn get(&self, i: i64) -> String {
        self.parts[index(i, self.parts.len())].clone()
    }
    /// `self.split()`: the paths from the root down to `self`, both included.
    pub fn split(&self) -> Vec<PyPath> {
        (0..=self.parts.len())
            .map(|n| PyPath {
                root: self.root,
                parts: self.parts[..n].to_vec().into(),
            })
            .collect()
    }
}

impl Default for PyPath {
    /// The value a struct's field holds before its `__init__` assigns it (structs derive
    /// Default): a root of no name.
    fn default() -> PyPath {
        PyPath {
            root: "",
            parts: Vec::new().into(),
        }
    }
}

impl PartialEq for PyPath {
    fn eq(&self, other: &PyPath) -> bool {
        self.parts == other.parts
    }
}

impl Eq for PyPath {}

impl std::hash::Hash for PyPath {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.parts.hash(state)
    }
}

impl PartialOrd for PyPath {
    fn partial_cmp(&self, other: &PyPath) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PyPath {
    fn cmp(&self, other: &PyPath) -> std::cmp::Ordering {
        self.parts.cmp(&other.parts)
    }
}

impl std::fmt::Display for PyPath {
    /// `str()` and `repr()`: `Token`, `Token.Name.Builtin`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.root)?;
        for p in self.parts.iter() {
            f.write_str(".")?;
            f.write_str(p)?;
        }
        Ok(())
    }
}
// @end
