// @helper floordiv
/// Python's `//` on ints: rounds toward negative infinity.
pub fn floordiv(a: i64, b: i64) -> i64 {
    if b == 0 {
        panic!("ZeroDivisionError: integer division or modulo by zero");
    }
    let q = a / b;
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
    let r = a % b;
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
/// Python's `**` on ints with a non-negative exponent.
pub fn ipow(base: i64, exp: i64) -> i64 {
    if exp < 0 {
        panic!("ValueError: negative exponent in integer power");
    }
    base.pow(exp as u32)
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

// @helper parse_int
/// `int(s)` of a Python str.
pub fn parse_int(s: &str) -> i64 {
    s.trim()
        .replace('_', "")
        .parse::<i64>()
        .unwrap_or_else(|_| panic!("ValueError: invalid literal for int() with base 10: {:?}", s))
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
    char::from_u32(i as u32)
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

// @helper PyDict
/// A Python dict: a hash map that iterates in insertion order.
#[derive(Clone, Debug, Default)]
pub struct PyDict<K: std::hash::Hash + Eq + Clone, V> {
    keys: Vec<K>,
    values: Vec<V>,
    index: std::collections::HashMap<K, usize>,
}

impl<K: std::hash::Hash + Eq + Clone, V> PyDict<K, V> {
    pub fn new() -> Self {
        PyDict {
            keys: Vec::new(),
            values: Vec::new(),
            index: std::collections::HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        self.index.get(key).map(|&i| &self.values[i])
    }

    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        match self.index.get(key) {
            Some(&i) => Some(&mut self.values[i]),
            None => None,
        }
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
        self.index.contains_key(key)
    }

    /// `d[key] = value`: a new key goes last; an existing key keeps its place.
    pub fn insert(&mut self, key: K, value: V) {
        if let Some(&i) = self.index.get(&key) {
            self.values[i] = value;
        } else {
            self.index.insert(key.clone(), self.keys.len());
            self.keys.push(key);
            self.values.push(value);
        }
    }

    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
        Q: std::hash::Hash + Eq + ?Sized,
    {
        let i = self.index.remove(key)?;
        self.keys.remove(i);
        let value = self.values.remove(i);
        for (j, k) in self.keys.iter().enumerate().skip(i) {
            self.index.insert(k.clone(), j);
        }
        Some(value)
    }

    pub fn keys(&self) -> std::slice::Iter<'_, K> {
        self.keys.iter()
    }

    pub fn values(&self) -> std::slice::Iter<'_, V> {
        self.values.iter()
    }

    pub fn items(&self) -> std::iter::Zip<std::slice::Iter<'_, K>, std::slice::Iter<'_, V>> {
        self.keys.iter().zip(self.values.iter())
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
