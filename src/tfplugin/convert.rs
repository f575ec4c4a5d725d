//! Conversions between the framework's types and the tfplugin6 messages: diagnostics and
//! attribute paths, schemas (resource, data source, list and identity), values in a
//! `DynamicValue`, resource identity data, and the server capabilities this provider
//! announces. The handlers in `server` only call these; nothing here runs a provider hook.

use super::diag::{AttrPath, Diagnostic, Diagnostics, PathStep, Severity};
use super::proto::tfplugin6 as pb;
use super::schema::{Attribute, Block, IdentitySchema, Nesting, Schema};
use super::value::{self, Type, Value};

// ---- diagnostics ---------------------------------------------------------------------

pub(super) fn diag_to_pb(d: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: match d.severity {
            Severity::Error => pb::diagnostic::Severity::Error as i32,
            Severity::Warning => pb::diagnostic::Severity::Warning as i32,
        },
        summary: d.summary.clone(),
        detail: d.detail.clone(),
        attribute: d.attribute.as_ref().map(path_to_pb),
    }
}

pub(super) fn diags_to_pb(d: &Diagnostics) -> Vec<pb::Diagnostic> {
    d.iter().map(diag_to_pb).collect()
}

pub(super) fn path_to_pb(p: &AttrPath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: p
            .0
            .iter()
            .map(|s| pb::attribute_path::Step {
                selector: Some(match s {
                    PathStep::Attribute(a) => Selector::AttributeName(a.clone()),
                    PathStep::Key(k) => Selector::ElementKeyString(k.clone()),
                    PathStep::Index(i) => Selector::ElementKeyInt(*i),
                }),
            })
            .collect(),
    }
}

// ---- schemas -------------------------------------------------------------------------

pub(super) fn schema_to_pb(s: &Schema) -> pb::Schema {
    pb::Schema {
        version: s.version,
        block: Some(block_to_pb(&s.block, s.version)),
    }
}

fn block_to_pb(b: &Block, version: i64) -> pb::schema::Block {
    pb::schema::Block {
        version,
        attributes: b.attributes.iter().map(attribute_to_pb).collect(),
        block_types: b
            .blocks
            .iter()
            .map(|nb| pb::schema::NestedBlock {
                type_name: nb.type_name.clone(),
                block: Some(block_to_pb(&nb.block, 0)),
                nesting: match nb.nesting {
                    Nesting::Single => pb::schema::nested_block::NestingMode::Single,
                    Nesting::List => pb::schema::nested_block::NestingMode::List,
                    Nesting::Set => pb::schema::nested_block::NestingMode::Set,
                } as i32,
                min_items: nb.min_items,
                max_items: nb.max_items,
            })
            .collect(),
        description: b.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: b.deprecated,
    }
}

fn attribute_to_pb(a: &Attribute) -> pb::schema::Attribute {
    pb::schema::Attribute {
        name: a.name.clone(),
        r#type: type_to_pb(&a.ty),
        nested_type: None,
        description: a.description.clone(),
        required: a.required,
        optional: a.optional,
        computed: a.computed,
        sensitive: a.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: a.deprecated,
        write_only: false,
    }
}

pub(super) fn identity_schema_to_pb(s: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: s.version,
        identity_attributes: s
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: type_to_pb(&a.ty),
                required_for_import: a.required_for_import,
                optional_for_import: !a.required_for_import,
                description: a.description.clone(),
            })
            .collect(),
    }
}

/// A type as schemas carry it: cty's JSON notation, as bytes.
fn type_to_pb(ty: &Type) -> Vec<u8> {
    ty.to_json().to_string().into_bytes()
}

// ---- values --------------------------------------------------------------------------

/// Reads a `DynamicValue` Terraform sent as a value of `ty` (absent means null). `what`
/// names it in the diagnostic when it can't be read.
pub(super) fn decode(
    ty: &Type,
    dv: Option<&pb::DynamicValue>,
    what: &str,
) -> Result<Value, Vec<pb::Diagnostic>> {
    let Some(dv) = dv else {
        return Ok(Value::Null);
    };
    value::decode(ty, &dv.msgpack, &dv.json).map_err(|e| {
        vec![diag_to_pb(&Diagnostic::error(
            format!("Could not decode the {what}"),
            format!(
                "The provider could not read the {what} Terraform sent ({e}). This is a bug in \
                 the provider or a version mismatch; please report it."
            ),
        ))]
    })
}

/// A value of `ty` as a `DynamicValue`, always in msgpack.
pub(super) fn encode(ty: &Type, v: &Value) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: value::encode_msgpack(ty, v),
        json: Vec::new(),
    })
}

/// The identity of `state` on the wire, when the type has an identity schema (with its
/// value type) and the identity is known.
pub(super) fn identity_to_pb(
    identity: Option<&(IdentitySchema, Type)>,
    state: &Value,
) -> Option<pb::ResourceIdentityData> {
    let (schema, ty) = identity?;
    let identity = schema.identity_of(state)?;
    Some(pb::ResourceIdentityData {
        identity_data: encode(ty, &identity),
    })
}

// ---- capabilities --------------------------------------------------------------------

/// What this provider tells Terraform it can do, in GetMetadata and GetProviderSchema.
pub(super) fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        // Destroy plans come to us too, so resources can explain at plan time what
        // destroying them means.
        plan_destroy: true,
        // Our schemas are fixed at build time and need no set-up: Terraform may reuse the
        // schema it already holds instead of asking each new provider process again
        // (it starts three per plan).
        get_provider_schema_optional: true,
        move_resource_state: false,
        // Terraform 1.14+ asks for the configuration it writes with -generate-config-out;
        // older versions don't read this field and never call it.
        generate_resource_config: true,
    }
}
