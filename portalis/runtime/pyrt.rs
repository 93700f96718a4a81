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

// @helper PyDict crates: indexmap
/// A Python dict: a hash map that iterates in insertion order (an `indexmap::IndexMap`; removal
/// shifts the later entries down, so the order stays Python's).
#[derive(Clone, Debug, Default)]
pub struct PyDict<K: std::hash::Hash + Eq + Clone, V> {
    map: indexmap::IndexMap<K, V>,
}

impl<K: std::hash::Hash + Eq + Clone, V> PyDict<K, V> {
    pub fn new() -> Self {
        PyDict {
            map: indexmap::IndexMap::new(),
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

// @helper str_title
/// `s.title()`: each run of letters starts uppercase, the rest lowercase.
pub fn str_title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for c in s.chars() {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}
// @end

// @helper str_istitle
/// `s.istitle()`.
pub fn str_istitle(s: &str) -> bool {
    let mut prev_cased = false;
    let mut any = false;
    for c in s.chars() {
        if c.is_uppercase() {
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

// @helper str_capitalize
/// `s.capitalize()`: the first character uppercase, the rest lowercase.
pub fn str_capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars.flat_map(|c| c.to_lowercase())).collect(),
        None => String::new(),
    }
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

// @helper group_thousands
/// `{:,}`: commas between groups of three digits of the integer part (sign and fraction kept).
pub fn group_thousands(s: &str) -> String {
    let (sign, rest) = match s.chars().next() {
        Some(c @ ('-' | '+')) => (c.to_string(), &s[1..]),
        _ => (String::new(), s),
    };
    let (int_part, frac) = match rest.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut out = String::new();
    for (i, c) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{}{}{}", sign, out, frac)
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

// @helper float_percent
/// `{:.1%}`: the number times 100 with that many decimals, then `%`.
pub fn float_percent(x: f64, digits: i64, plus: bool) -> String {
    if plus {
        format!("{:+.*}%", digits.max(0) as usize, x * 100.0)
    } else {
        format!("{:.*}%", digits.max(0) as usize, x * 100.0)
    }
}
// @end

// @helper float_exp
/// `{:.6e}`: Python's exponent form, `1.234500e+03` (sign and at least two exponent digits).
pub fn float_exp(x: f64, digits: i64, upper: bool, plus: bool) -> String {
    if !x.is_finite() {
        let s = if x.is_nan() { "nan".to_string() } else if x > 0.0 { format!("{}inf", if plus { "+" } else { "" }) } else { "-inf".to_string() };
        return if upper { s.to_uppercase() } else { s };
    }
    let text = format!("{:.*e}", digits.max(0) as usize, x);
    let (mantissa, exp) = text.split_once('e').unwrap_or((text.as_str(), "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let sign = if plus && !mantissa.starts_with('-') { "+" } else { "" };
    let e = if upper { 'E' } else { 'e' };
    format!("{}{}{}{}{:02}", sign, mantissa, e, if exp < 0 { '-' } else { '+' }, exp.abs())
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
/// `repr(s)` of a str: quotes and escapes as Python prints them.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (0x80..0xa0).contains(&(c as u32)) => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}
// @end

// @helper PyRepr deps: str_repr, float_repr, PyDict
/// `repr()`/`str()` of containers, as Python prints them.
pub trait PyRepr {
    fn py_repr(&self) -> String;
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
        format!("[{}]", self.iter().map(|x| x.py_repr()).collect::<Vec<_>>().join(", "))
    }
}

impl<T: PyRepr> PyRepr for [T] {
    fn py_repr(&self) -> String {
        format!("[{}]", self.iter().map(|x| x.py_repr()).collect::<Vec<_>>().join(", "))
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

// @helper int_radix
/// The digits of `n` in base 2, 8 or 16 as Python's format() writes them: a sign, then the
/// magnitude (`-101`, not the two's complement).
pub fn int_radix(n: i64, base: u32, upper: bool) -> String {
    let m = (n as i128).unsigned_abs();
    let digits = match (base, upper) {
        (2, _) => format!("{:b}", m),
        (8, _) => format!("{:o}", m),
        (_, true) => format!("{:X}", m),
        _ => format!("{:x}", m),
    };
    if n < 0 {
        format!("-{}", digits)
    } else {
        digits
    }
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
/// A `re.Match`: the subject and each group's byte span (None where the group took no part).
/// Python's positions count code points; `start`/`end`/`span` convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReMatch {
    pub text: String,
    pub spans: Vec<Option<(usize, usize)>>,
}

impl ReMatch {
    pub fn from_captures(text: &str, caps: &regex::Captures) -> ReMatch {
        ReMatch {
            text: text.to_string(),
            spans: caps.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect(),
        }
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

    /// `m.group(n)`. Python returns None for a group that took no part in the match; the
    /// translation types groups as str, so that case raises instead of returning a wrong str.
    pub fn group(&self, n: i64) -> String {
        match self.span_of(n) {
            Some((a, b)) => self.text[a..b].to_string(),
            None => panic!("TypeError: group {} did not take part in the match (Python returns None)", n),
        }
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
        return Some(ReMatch::from_captures(s, &c));
    }
    if dollar_retry && s.ends_with('\n') {
        let head = &s[..s.len() - 1];
        return re.captures(head).map(|c| {
            let mut m = ReMatch::from_captures(head, &c);
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

// @helper big_to_i64 crates: num-bigint
/// A num_bigint::BigInt where the code needs an i64 (a range bound, a caller on i64): past i64
/// it raises OverflowError, as the translation's i64 arithmetic does.
pub fn big_to_i64(x: &num_bigint::BigInt) -> i64 {
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
