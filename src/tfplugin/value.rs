//! Terraform values as the provider sees them: the `Type` and `Value` model (with null and
//! unknown), and the entry to their `DynamicValue` codec. The codecs live beside it:
//! `msgpack` (what Terraform sends and what we always answer in) and `json` (the fallback
//! Terraform may send, and the form stored state and identities take). Decoding is guided
//! by the schema's type and never panics: malformed input becomes a [`DecodeError`] naming
//! where it broke.

use std::collections::BTreeMap;
use std::fmt;

mod json;
mod msgpack;

pub use json::{decode_json, decode_stored_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack};

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

    /// A list or a set of `items`, as `ty` (a list or set type) says.
    fn list_or_set(ty: &Type, items: Vec<Value>) -> Value {
        if matches!(ty, Type::List(_)) {
            Value::List(items)
        } else {
            Value::Set(items)
        }
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

/// Decodes one part of a collection under its own `step` of `path` (`[0]`, `.name`,
/// `["key"]`), so that an error names where it broke.
fn decode_at<T>(
    path: &mut Vec<String>,
    step: String,
    decode: impl FnOnce(&mut Vec<String>) -> Result<T, DecodeError>,
) -> Result<T, DecodeError> {
    path.push(step);
    let out = decode(path);
    path.pop();
    out
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    pub(super) fn sample_type() -> Type {
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

    pub(super) fn sample_value() -> Value {
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
    fn sets_compare_without_order() {
        assert_eq!(Value::string_set(["a", "b"]), Value::string_set(["b", "a"]));
        assert_ne!(Value::string_set(["a", "b"]), Value::string_set(["a"]));
    }

    #[test]
    fn type_json_round_trip() {
        let ty = sample_type();
        assert_eq!(Type::from_json(&ty.to_json()).unwrap(), ty);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = decode_msgpack(&sample_type(), &bytes);
            let _ = decode_msgpack(&Type::Dynamic, &bytes);
            let _ = decode_json(&sample_type(), &bytes);
        }
    }
}
