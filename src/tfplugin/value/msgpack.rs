//! The msgpack form of values, cty's: what Terraform sends in a `DynamicValue` and what we
//! always answer in.
//!
//! Null is msgpack nil, an unknown value is a msgpack extension (type 0, or type 12 for a
//! "refined" unknown that carries hints we ignore), objects are maps keyed by attribute
//! name, lists, sets and tuples are arrays and numbers may arrive as integers, floats or
//! decimal strings. Decoding is guided by the schema's type, because a msgpack array alone
//! does not say whether it is a list or a set. A dynamic value travels as a two-element
//! array: its type in JSON notation, then the value.

use std::collections::BTreeMap;

use super::{decode_at, DecodeError, Number, Type, Value};

/// Deepest nesting we accept; cty values from our schemas are a few levels deep.
const MAX_DEPTH: usize = 64;

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
                let out = items.iter().enumerate().map(|(i, item)| {
                    decode_at(path, format!("[{i}]"), |path| from_msgpack(e, item, path))
                });
                Ok(Value::list_or_set(ty, out.collect::<Result<_, _>>()?))
            }
            _ => Err(mismatch(path, "an array")),
        },
        Type::Tuple(elems) => match raw {
            R::Array(items) if items.len() == elems.len() => {
                let out = items.iter().zip(elems).enumerate().map(|(i, (item, t))| {
                    decode_at(path, format!("[{i}]"), |path| from_msgpack(t, item, path))
                });
                Ok(Value::Tuple(out.collect::<Result<_, _>>()?))
            }
            _ => Err(mismatch(path, &format!("an array of {}", elems.len()))),
        },
        Type::Map(e) => match raw {
            R::Map(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let key = key_str(k, path)?;
                    let val =
                        decode_at(path, format!("[{key:?}]"), |path| from_msgpack(e, v, path))?;
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
                    let val = decode_at(path, format!(".{key}"), |path| from_msgpack(t, v, path))?;
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
    use crate::tfplugin::value::decode;
    use crate::tfplugin::value::tests::{sample_type, sample_value};
    use proptest::prelude::*;

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
        fn strings_round_trip(s in ".*", n in any::<i64>()) {
            let ty = Type::object([("s", Type::String), ("n", Type::Number)]);
            let v = Value::object([("s", Value::from(s)), ("n", Value::from(n))]);
            prop_assert_eq!(decode_msgpack(&ty, &encode_msgpack(&ty, &v)).unwrap(), v);
        }
    }
}
