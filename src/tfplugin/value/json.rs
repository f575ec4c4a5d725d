//! The JSON form of values, cty's: the fallback Terraform may send in a `DynamicValue`
//! (it has no unknowns), and the form of stored state and identities, which are read
//! leniently because an earlier schema wrote them.

use std::collections::BTreeMap;

use super::{decode_at, DecodeError, Number, Type, Value};

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
                let out = items.iter().enumerate().map(|(i, item)| {
                    decode_at(path, format!("[{i}]"), |path| {
                        from_json_value(e, item, path, lenient)
                    })
                });
                Ok(Value::list_or_set(ty, out.collect::<Result<_, _>>()?))
            }
            _ => Err(mismatch(path, "an array")),
        },
        Type::Tuple(elems) => match raw {
            J::Array(items) if items.len() == elems.len() => {
                let out = items.iter().zip(elems).enumerate().map(|(i, (item, t))| {
                    decode_at(path, format!("[{i}]"), |path| {
                        from_json_value(t, item, path, lenient)
                    })
                });
                Ok(Value::Tuple(out.collect::<Result<_, _>>()?))
            }
            _ => Err(mismatch(path, "an array")),
        },
        Type::Map(e) => match raw {
            J::Object(entries) => {
                let mut out = BTreeMap::new();
                for (k, v) in entries {
                    let v = decode_at(path, format!("[{k:?}]"), |path| {
                        from_json_value(e, v, path, lenient)
                    })?;
                    out.insert(k.clone(), v);
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
                    let v = decode_at(path, format!(".{k}"), |path| {
                        from_json_value(t, v, path, lenient)
                    })?;
                    out.insert(k.clone(), v);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::value::tests::sample_type;

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
}
