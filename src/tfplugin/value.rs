//! Terraform values as the provider sees them: the `Type` and `Value` model (with null and
//! unknown), and the `DynamicValue` codec (msgpack out; msgpack or JSON in).
//!
//! Terraform encodes values with cty's msgpack form: null is msgpack nil, an unknown value is
//! a msgpack extension (type 0, or type 12 for a "refined" unknown that carries hints we
//! ignore), objects are maps keyed by attribute name, lists, sets and tuples are arrays and
//! numbers may arrive as integers, floats or decimal strings. Decoding is guided by the
//! schema's type, because a msgpack array alone does not say whether it is a list or a set.
//! Decoding never panics: malformed input becomes a [`DecodeError`] naming where it broke.

use std::collections::BTreeMap;
use std::fmt;

/// A cty type, as far as our schemas need (all of cty's types are representable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, Type>),
    Tuple(Vec<Type>),
    /// Any type; on the wire it travels with its own type description.
    Dynamic,
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    pub fn object<I, S>(attributes: I) -> Type
    where
        I: IntoIterator<Item = (S, Type)>,
        S: Into<String>,
    {
        Type::Object(attributes.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The type in cty's JSON notation, as schemas carry it (`"string"`, `["set","string"]`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Type::String => json!("string"),
            Type::Number => json!("number"),
            Type::Bool => json!("bool"),
            Type::Dynamic => json!("dynamic"),
            Type::List(e) => json!(["list", e.to_json()]),
            Type::Set(e) => json!(["set", e.to_json()]),
            Type::Map(e) => json!(["map", e.to_json()]),
            Type::Object(attrs) => {
                let m: serde_json::Map<String, serde_json::Value> = attrs
                    .iter()
                    .map(|(k, t)| (k.clone(), t.to_json()))
                    .collect();
                json!(["object", m])
            }
            Type::Tuple(elems) => {
                json!(["tuple", elems.iter().map(Type::to_json).collect::<Vec<_>>()])
            }
        }
    }

    /// Parses cty's JSON notation for a type.
    pub fn from_json(v: &serde_json::Value) -> Result<Type, DecodeError> {
        use serde_json::Value as J;
        let bad = || DecodeError::new(&[], format!("unsupported type description {v}"));
        match v {
            J::String(s) => match s.as_str() {
                "string" => Ok(Type::String),
                "number" => Ok(Type::Number),
                "bool" => Ok(Type::Bool),
                "dynamic" => Ok(Type::Dynamic),
                _ => Err(bad()),
            },
            J::Array(parts) if parts.len() == 2 => {
                let kind = parts[0].as_str().ok_or_else(bad)?;
                match kind {
                    "list" => Ok(Type::list(Type::from_json(&parts[1])?)),
                    "set" => Ok(Type::set(Type::from_json(&parts[1])?)),
                    "map" => Ok(Type::map(Type::from_json(&parts[1])?)),
                    "object" => {
                        let attrs = parts[1].as_object().ok_or_else(bad)?;
                        let mut out = BTreeMap::new();
                        for (k, t) in attrs {
                            out.insert(k.clone(), Type::from_json(t)?);
                        }
                        Ok(Type::Object(out))
                    }
                    "tuple" => {
                        let elems = parts[1].as_array().ok_or_else(bad)?;
                        Ok(Type::Tuple(
                            elems
                                .iter()
                                .map(Type::from_json)
                                .collect::<Result<_, _>>()?,
                        ))
                    }
                    _ => Err(bad()),
                }
            }
            // Object types with optional attributes carry a third element; we never need it.
            J::Array(parts) if parts.len() == 3 && parts[0] == "object" => {
                Type::from_json(&J::Array(parts[..2].to_vec()))
            }
            _ => Err(bad()),
        }
    }
}

/// A number. Terraform numbers are arbitrary precision; ours are ids, counts and limits, so
/// integers are kept exact and everything else is a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Int(i) => Some(i),
            Number::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            Number::Float(_) => None,
        }
    }

    pub fn as_f64(&self) -> f64 {
        match *self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }

    fn parse(s: &str) -> Option<Number> {
        if let Ok(i) = s.parse::<i64>() {
            return Some(Number::Int(i));
        }
        s.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Number::Float)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A value of some [`Type`]. Sets keep their elements in the order received; equality of
/// sets ignores order.
#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Object(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) | (Unknown, Unknown) => true,
            (Bool(a), Bool(b)) => a == b,
            // Integers compare exactly: through f64, 2^53 + 1 would equal 2^53.
            (Number(self::Number::Int(a)), Number(self::Number::Int(b))) => a == b,
            (Number(a), Number(b)) => a.as_f64() == b.as_f64(),
            (String(a), String(b)) => a == b,
            (List(a), List(b)) | (Tuple(a), Tuple(b)) => a == b,
            (Set(a), Set(b)) => {
                a.len() == b.len()
                    && a.iter().all(|x| b.contains(x))
                    && b.iter().all(|x| a.contains(x))
            }
            (Map(a), Map(b)) | (Object(a), Object(b)) => a == b,
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Value {
        s.map_or(Value::Null, Value::String)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Number(Number::Int(i))
    }
}

impl Value {
    /// An object from `(name, value)` pairs.
    pub fn object<I, S, V>(attributes: I) -> Value
    where
        I: IntoIterator<Item = (S, V)>,
        S: Into<String>,
        V: Into<Value>,
    {
        Value::Object(
            attributes
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// A set of strings.
    pub fn string_set<I, S>(items: I) -> Value
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Value::Set(items.into_iter().map(|s| Value::String(s.into())).collect())
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// True when neither this value nor anything inside it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
                v.iter().all(Value::is_wholly_known)
            }
            Value::Map(m) | Value::Object(m) => m.values().all(Value::is_wholly_known),
            _ => true,
        }
    }

    /// An attribute of an object; null for anything else or a missing attribute.
    pub fn attr(&self, name: &str) -> &Value {
        static NULL: Value = Value::Null;
        match self {
            Value::Object(m) => m.get(name).unwrap_or(&NULL),
            _ => &NULL,
        }
    }

    /// Sets an attribute of an object (no-op on anything else).
    pub fn set_attr(&mut self, name: &str, value: impl Into<Value>) {
        if let Value::Object(m) = self {
            m.insert(name.to_string(), value.into());
        }
    }

    /// The string inside a known, non-null string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<Number> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(v) | Value::Set(v) | Value::Tuple(v) => Some(v),
            _ => None,
        }
    }

    /// Strings of a known list or set of strings (None if any element is not a known string).
    pub fn as_strings(&self) -> Option<Vec<String>> {
        self.elements()?
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect()
    }
}

/// Where a value failed to decode, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub path: String,
    pub message: String,
}

impl DecodeError {
    fn new(path: &[String], message: impl Into<String>) -> DecodeError {
        DecodeError {
            path: if path.is_empty() {
                "(root)".to_string()
            } else {
                path.join("")
            },
            message: message.into(),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Deepest nesting we accept; cty values from our schemas are a few levels deep.
const MAX_DEPTH: usize = 64;

/// Decodes a DynamicValue's msgpack bytes (preferred) or JSON bytes against `ty`.
/// Both empty means null.
pub fn decode(ty: &Type, msgpack: &[u8], json: &[u8]) -> Result<Value, DecodeError> {
    if !msgpack.is_empty() {
        decode_msgpack(ty, msgpack)
    } else if !json.is_empty() {
        decode_json(ty, json)
    } else {
        Ok(Value::Null)
    }
}

/// Decodes msgpack bytes against `ty`.
pub fn decode_msgpack(ty: &Type, bytes: &[u8]) -> Result<Value, DecodeError> {
    let mut rd = bytes;
    let raw = rmpv::decode::read_value_ref_with_max_depth(&mut rd, MAX_DEPTH)
        .map_err(|e| DecodeError::new(&[], format!("invalid msgpack: {e}")))?;
    if !rd.is_empty() {
        return Err(DecodeError::new(
            &[],
            format!("{} unexpected bytes after the value", rd.len()),
        ));
    }
    let mut path = Vec::new();
    from_msgpack(ty, &raw, &mut path)
}

fn from_msgpack(
    ty: &Type,
    raw: &rmpv::ValueRef<'_>,
    path: &mut Vec<String>,
) -> Result<Value, DecodeError> {
    use rmpv::ValueRef as R;
    match raw {
        R::Nil => return Ok(Value::Null),
        R::Ext(_, _) => return Ok(Value::Unknown),
        _ => {}
    }
    let mismatch = |path: &[String], what: &str| {
        DecodeError::new(path, format!("expected {what}, found {}", kind_of(raw)))
    };
    match ty {
        Type::String => match raw {
            R::String(s) => s
                .as_str()
                .map(|s| Value::String(s.to_string()))
                .ok_or_else(|| DecodeError::new(path, "string is not valid UTF-8")),
            R::Binary(b) => std::str::from_utf8(b)
                .map(|s| Value::String(s.to_string()))
                .map_err(|_| DecodeError::new(path, "string is not valid UTF-8")),
            _ => Err(mismatch(path, "a string")),
        },
        Type::Bool => match raw {
            R::Boolean(b) => Ok(Value::Bool(*b)),
            _ => Err(mismatch(path, "a bool")),
        },
        Type::Number => match raw {
            R::Integer(i) => {
                if let Some(v) = i.as_i64() {
                    Ok(Value::Number(Number::Int(v)))
                } else {
                    Ok(Value::Number(Number::Float(i.as_f64().unwrap_or(f64::MAX))))
                }
            }
            R::F32(f) => Ok(Value::Number(Number::Float(f64::from(*f)))),
            R::F64(f) => Ok(Value::Number(Number::Float(*f))),
            R::String(s) => s
                .as_str()
                .and_then(Number::parse)
                .map(Value::Number)
                .ok_or_else(|| DecodeError::new(path, "number string is not a number")),
            _ => Err(mismatch(path, "a number")),
        },
        Type::List(e) | Type::Set(e) => match raw {
            R::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    out.push(from_msgpack(e, item, path)?);
                    path.pop();
                }
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(out)
                } else {
                    Value::Set(out)
                })
            }
            _ => Err(mismatch(path, "an array")),
        },
        Type::Tuple(elems) => match raw {
            R::Array(items) if items.len() == elems.len() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                    path.push(format!("[{i}]"));
                    out.push(from_msgpack(t, item, path)?);
                    path.pop();
                }
                Ok(Value::Tuple(out))
            }
            _ => Err(mismatch(path, &format!("an array of {}", elems.len()))),
        },
        Type::Map(e) => match raw {
            R::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let key = key_str(k, path)?;
                    path.push(format!("[{key:?}]"));
                    let val = from_msgpack(e, v, path)?;
                    path.pop();
                    out.insert(key, val);
                }
                Ok(Value::Map(out))
            }
            _ => Err(mismatch(path, "a map")),
        },
        Type::Object(attrs) => match raw {
            R::Map(entries) => {
                let mut out: BTreeMap<String, Value> =
                    attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
                for (k, v) in entries {
                    let key = key_str(k, path)?;
                    let Some(t) = attrs.get(&key) else {
                        return Err(DecodeError::new(
                            path,
                            format!("unexpected attribute {key:?}"),
                        ));
                    };
                    path.push(format!(".{key}"));
                    let val = from_msgpack(t, v, path)?;
                    path.pop();
                    out.insert(key, val);
                }
                Ok(Value::Object(out))
            }
            _ => Err(mismatch(path, "an object")),
        },
        Type::Dynamic => match raw {
            R::Array(parts) if parts.len() == 2 => {
                let type_bytes: &[u8] = match &parts[0] {
                    R::Binary(b) => b,
                    R::String(s) => s.as_bytes(),
                    _ => return Err(mismatch(path, "a dynamic value's type")),
                };
                let tj: serde_json::Value = serde_json::from_slice(type_bytes).map_err(|e| {
                    DecodeError::new(path, format!("dynamic value's type is not JSON: {e}"))
                })?;
                let t = Type::from_json(&tj).map_err(|e| DecodeError::new(path, e.message))?;
                from_msgpack(&t, &parts[1], path)
            }
            _ => Err(mismatch(path, "a dynamic value [type, value]")),
        },
    }
}

fn key_str(k: &rmpv::ValueRef<'_>, path: &[String]) -> Result<String, DecodeError> {
    match k {
        rmpv::ValueRef::String(s) => s
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| DecodeError::new(path, "key is not valid UTF-8")),
        _ => Err(DecodeError::new(path, "map key is not a string")),
    }
}

fn kind_of(raw: &rmpv::ValueRef<'_>) -> &'static str {
    use rmpv::ValueRef as R;
    match raw {
        R::Nil => "null",
        R::Boolean(_) => "a bool",
        R::Integer(_) | R::F32(_) | R::F64(_) => "a number",
        R::String(_) => "a string",
        R::Binary(_) => "binary data",
        R::Array(_) => "an array",
        R::Map(_) => "a map",
        R::Ext(_, _) => "an extension",
    }
}

/// Decodes JSON bytes (cty's JSON form, which has no unknowns) against `ty`.
pub fn decode_json(ty: &Type, bytes: &[u8]) -> Result<Value, DecodeError> {
    decode_json_with(ty, bytes, false)
}

/// Decodes stored JSON (state or identity written by an earlier schema) against `ty`:
/// attributes the type doesn't know any more are dropped, new ones start null.
pub fn decode_stored_json(ty: &Type, bytes: &[u8]) -> Result<Value, DecodeError> {
    decode_json_with(ty, bytes, true)
}

fn decode_json_with(ty: &Type, bytes: &[u8], lenient: bool) -> Result<Value, DecodeError> {
    let raw: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| DecodeError::new(&[], format!("invalid JSON: {e}")))?;
    from_json_value(ty, &raw, &mut Vec::new(), lenient)
}

/// Converts parsed JSON into a value of `ty`. With `lenient`, object attributes the type
/// doesn't know are dropped (used for stored state written by an older schema).
fn from_json_value(
    ty: &Type,
    raw: &serde_json::Value,
    path: &mut Vec<String>,
    lenient: bool,
) -> Result<Value, DecodeError> {
    use serde_json::Value as J;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    let mismatch = |path: &[String], what: &str| {
        DecodeError::new(path, format!("expected {what}, found {raw}"))
    };
    match ty {
        Type::String => match raw {
            J::String(s) => Ok(Value::String(s.clone())),
            // cty converts primitives to strings; stored state may hold them that way.
            J::Number(n) => Ok(Value::String(n.to_string())),
            J::Bool(b) => Ok(Value::String(b.to_string())),
            _ => Err(mismatch(path, "a string")),
        },
        Type::Bool => match raw {
            J::Bool(b) => Ok(Value::Bool(*b)),
            J::String(s) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
            _ => Err(mismatch(path, "a bool")),
        },
        Type::Number => match raw {
            J::Number(n) => Number::parse(&n.to_string())
                .map(Value::Number)
                .ok_or_else(|| mismatch(path, "a number")),
            J::String(s) => Number::parse(s)
                .map(Value::Number)
                .ok_or_else(|| mismatch(path, "a number")),
            _ => Err(mismatch(path, "a number")),
        },
        Type::List(e) | Type::Set(e) => match raw {
            J::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    path.push(format!("[{i}]"));
                    out.push(from_json_value(e, item, path, lenient)?);
                    path.pop();
                }
                Ok(if matches!(ty, Type::List(_)) {
                    Value::List(out)
                } else {
                    Value::Set(out)
                })
            }
            _ => Err(mismatch(path, "an array")),
        },
        Type::Tuple(elems) => match raw {
            J::Array(items) if items.len() == elems.len() => {
                let mut out = Vec::with_capacity(items.len());
                for (i, (item, t)) in items.iter().zip(elems).enumerate() {
                    path.push(format!("[{i}]"));
                    out.push(from_json_value(t, item, path, lenient)?);
                    path.pop();
                }
                Ok(Value::Tuple(out))
            }
            _ => Err(mismatch(path, "an array")),
        },
        Type::Map(e) => match raw {
            J::Object(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    path.push(format!("[{k:?}]"));
                    out.insert(k.clone(), from_json_value(e, v, path, lenient)?);
                    path.pop();
                }
                Ok(Value::Map(out))
            }
            _ => Err(mismatch(path, "an object")),
        },
        Type::Object(attrs) => match raw {
            J::Object(entries) => {
                let mut out: BTreeMap<String, Value> =
                    attrs.keys().map(|k| (k.clone(), Value::Null)).collect();
                for (k, v) in entries {
                    let Some(t) = attrs.get(k) else {
                        if lenient {
                            continue;
                        }
                        return Err(DecodeError::new(
                            path,
                            format!("unexpected attribute {k:?}"),
                        ));
                    };
                    path.push(format!(".{k}"));
                    out.insert(k.clone(), from_json_value(t, v, path, lenient)?);
                    path.pop();
                }
                Ok(Value::Object(out))
            }
            _ => Err(mismatch(path, "an object")),
        },
        Type::Dynamic => match raw {
            J::Object(o) if o.contains_key("type") && o.contains_key("value") => {
                let t = Type::from_json(&o["type"])?;
                from_json_value(&t, &o["value"], path, lenient)
            }
            _ => Err(mismatch(path, "a dynamic value {type, value}")),
        },
    }
}

/// Encodes a value of `ty` as msgpack, the form Terraform prefers.
pub fn encode_msgpack(ty: &Type, value: &Value) -> Vec<u8> {
    let raw = to_msgpack(ty, value);
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = rmpv::encode::write_value(&mut out, &raw);
    out
}

fn to_msgpack(ty: &Type, value: &Value) -> rmpv::Value {
    use rmpv::Value as R;
    match (ty, value) {
        (_, Value::Null) => R::Nil,
        (_, Value::Unknown) => R::Ext(0, vec![0]),
        (Type::Dynamic, v) => {
            let t = infer_type(v);
            let type_json = t.to_json().to_string().into_bytes();
            R::Array(vec![R::Binary(type_json), to_msgpack(&t, v)])
        }
        (_, Value::Bool(b)) => R::Boolean(*b),
        (_, Value::Number(Number::Int(i))) => R::from(*i),
        (_, Value::Number(Number::Float(f))) => R::F64(*f),
        (_, Value::String(s)) => R::from(s.as_str()),
        (Type::List(e) | Type::Set(e), Value::List(items) | Value::Set(items)) => {
            R::Array(items.iter().map(|v| to_msgpack(e, v)).collect())
        }
        (Type::Tuple(ts), Value::Tuple(items) | Value::List(items)) => R::Array(
            items
                .iter()
                .zip(ts)
                .map(|(v, t)| to_msgpack(t, v))
                .collect(),
        ),
        (Type::Map(e), Value::Map(m) | Value::Object(m)) => R::Map(
            m.iter()
                .map(|(k, v)| (R::from(k.as_str()), to_msgpack(e, v)))
                .collect(),
        ),
        (Type::Object(attrs), Value::Object(m) | Value::Map(m)) => R::Map(
            attrs
                .iter()
                .map(|(k, t)| {
                    let v = m.get(k).unwrap_or(&Value::Null);
                    (R::from(k.as_str()), to_msgpack(t, v))
                })
                .collect(),
        ),
        // A value that doesn't fit its type: encode what it is, and let Terraform say so.
        (_, v) => to_msgpack(&infer_type(v), v),
    }
}

/// Encodes a value as cty JSON (unknowns become null); the inverse of `decode_json`.
pub fn encode_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(Number::Int(i)) => J::from(*i),
        Value::Number(Number::Float(f)) => J::from(*f),
        Value::String(s) => J::String(s.clone()),
        Value::List(v) | Value::Set(v) | Value::Tuple(v) => {
            J::Array(v.iter().map(encode_json).collect())
        }
        Value::Map(m) | Value::Object(m) => {
            J::Object(m.iter().map(|(k, v)| (k.clone(), encode_json(v))).collect())
        }
    }
}

fn infer_type(v: &Value) -> Type {
    match v {
        Value::Null | Value::Unknown => Type::Dynamic,
        Value::Bool(_) => Type::Bool,
        Value::Number(_) => Type::Number,
        Value::String(_) => Type::String,
        Value::List(items) => Type::list(items.first().map_or(Type::Dynamic, infer_type)),
        Value::Set(items) => Type::set(items.first().map_or(Type::Dynamic, infer_type)),
        Value::Tuple(items) => Type::Tuple(items.iter().map(infer_type).collect()),
        Value::Map(m) => Type::map(m.values().next().map_or(Type::Dynamic, infer_type)),
        Value::Object(m) => {
            Type::Object(m.iter().map(|(k, v)| (k.clone(), infer_type(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample_type() -> Type {
        Type::object([
            ("id", Type::String),
            ("count", Type::Number),
            ("enabled", Type::Bool),
            ("tags", Type::set(Type::String)),
            ("order", Type::list(Type::Number)),
            ("labels", Type::map(Type::String)),
            (
                "nested",
                Type::list(Type::object([("a", Type::String), ("b", Type::Bool)])),
            ),
        ])
    }

    fn sample_value() -> Value {
        Value::object([
            ("id", Value::from("abc")),
            ("count", Value::from(42)),
            ("enabled", Value::Bool(true)),
            ("tags", Value::string_set(["x", "y"])),
            (
                "order",
                Value::List(vec![Value::from(1), Value::Number(Number::Float(2.5))]),
            ),
            (
                "labels",
                Value::Map([("k".to_string(), Value::from("v"))].into_iter().collect()),
            ),
            (
                "nested",
                Value::List(vec![Value::object([
                    ("a", Value::Unknown),
                    ("b", Value::Null),
                ])]),
            ),
        ])
    }

    #[test]
    fn large_integers_compare_exactly() {
        let big = 1i64 << 53;
        assert_ne!(
            Value::Number(Number::Int(big)),
            Value::Number(Number::Int(big + 1))
        );
        assert_eq!(
            Value::Number(Number::Int(2)),
            Value::Number(Number::Float(2.0))
        );
    }

    #[test]
    fn msgpack_round_trip_keeps_every_kind() {
        let ty = sample_type();
        let v = sample_value();
        let bytes = encode_msgpack(&ty, &v);
        assert_eq!(decode_msgpack(&ty, &bytes).unwrap(), v);
    }

    #[test]
    fn null_and_unknown_at_the_root() {
        let ty = sample_type();
        assert_eq!(encode_msgpack(&ty, &Value::Null), vec![0xc0]);
        assert_eq!(encode_msgpack(&ty, &Value::Unknown), vec![0xd4, 0, 0]);
        assert!(decode_msgpack(&ty, &[0xc0]).unwrap().is_null());
        assert!(decode_msgpack(&ty, &[0xd4, 0, 0]).unwrap().is_unknown());
        assert!(decode(&ty, &[], &[]).unwrap().is_null());
    }

    #[test]
    fn refined_unknown_extension_12_is_unknown() {
        // fixext? no: ext8 with type 12 and a small map payload {1: false} (not null).
        let bytes = [0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2];
        assert!(decode_msgpack(&Type::String, &bytes).unwrap().is_unknown());
    }

    #[test]
    fn numbers_arrive_as_int_float_or_string() {
        let int = encode_msgpack(&Type::Number, &Value::from(7));
        let float = {
            let mut b = Vec::new();
            rmpv::encode::write_value(&mut b, &rmpv::Value::F64(7.0)).unwrap();
            b
        };
        let string = {
            let mut b = Vec::new();
            rmpv::encode::write_value(&mut b, &rmpv::Value::from("7")).unwrap();
            b
        };
        for bytes in [int, float, string] {
            let v = decode_msgpack(&Type::Number, &bytes).unwrap();
            assert_eq!(v.as_number().and_then(|n| n.as_i64()), Some(7));
        }
    }

    #[test]
    fn json_fallback_decodes_objects() {
        let ty = sample_type();
        let v = decode_json(
            &ty,
            br#"{"id":"abc","count":3,"enabled":false,"tags":["a"],"order":[],"labels":{},"nested":null}"#,
        )
        .unwrap();
        assert_eq!(v.attr("id").as_str(), Some("abc"));
        assert_eq!(v.attr("tags").as_strings(), Some(vec!["a".to_string()]));
        assert!(v.attr("nested").is_null());
        let back = encode_json(&v);
        assert_eq!(back["count"], serde_json::json!(3));
    }

    #[test]
    fn json_strict_rejects_unknown_attributes_lenient_drops_them() {
        let ty = Type::object([("id", Type::String)]);
        assert!(decode_json(&ty, br#"{"id":"a","old":1}"#).is_err());
        let raw: serde_json::Value = serde_json::from_str(r#"{"id":"a","old":1}"#).unwrap();
        let v = from_json_value(&ty, &raw, &mut Vec::new(), true).unwrap();
        assert_eq!(v, Value::object([("id", "a")]));
    }

    #[test]
    fn errors_name_the_path() {
        let ty = sample_type();
        let mut bytes = Vec::new();
        let raw = rmpv::Value::Map(vec![(
            rmpv::Value::from("nested"),
            rmpv::Value::Array(vec![rmpv::Value::Map(vec![(
                rmpv::Value::from("a"),
                rmpv::Value::from(1),
            )])]),
        )]);
        rmpv::encode::write_value(&mut bytes, &raw).unwrap();
        let err = decode_msgpack(&ty, &bytes).unwrap_err();
        assert_eq!(err.path, ".nested[0].a");
        assert!(err.message.contains("expected a string"), "{err}");
    }

    #[test]
    fn sets_compare_without_order() {
        assert_eq!(Value::string_set(["a", "b"]), Value::string_set(["b", "a"]));
        assert_ne!(Value::string_set(["a", "b"]), Value::string_set(["a"]));
    }

    #[test]
    fn type_json_round_trip() {
        let ty = sample_type();
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
    }

    #[test]
    fn dynamic_values_carry_their_type() {
        let v = Value::object([("x", "y")]);
        let bytes = encode_msgpack(&Type::Dynamic, &v);
        assert_eq!(decode_msgpack(&Type::Dynamic, &bytes).unwrap(), v);
    }

    #[test]
    fn trailing_bytes_and_deep_nesting_are_errors() {
        assert!(decode_msgpack(&Type::String, &[0xa1, b'a', 0x00]).is_err());
        let deep = vec![0x91; 10_000];
        assert!(decode_msgpack(&Type::Dynamic, &deep).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode_msgpack(&sample_type(), &bytes);
            let _ = decode_msgpack(&Type::Dynamic, &bytes);
            let _ = decode_json(&sample_type(), &bytes);
        }

        #[test]
        fn strings_round_trip(s in ".*", n in any::<i64>()) {
            let ty = Type::object([("s", Type::String), ("n", Type::Number)]);
            let v = Value::object([("s", Value::from(s)), ("n", Value::from(n))]);
            prop_assert_eq!(decode_msgpack(&ty, &encode_msgpack(&ty, &v)).unwrap(), v);
        }
    }
}
