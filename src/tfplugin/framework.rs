//! The traits a provider implements, free of protobuf: a [`Provider`] with its schema and
//! configuration, [`Resource`]s with schema, validate, plan, create, read, update, delete
//! and import, and [`DataSource`]s. The gRPC service in `server.rs` decodes Terraform's
//! requests into [`Value`]s, applies the generic planning rules (computed attributes,
//! requires-replace), calls these hooks and encodes the answers.

use std::sync::Arc;

use async_trait::async_trait;

use super::diag::{AttrPath, Diagnostics};
use super::schema::{IdentitySchema, Schema};
use super::value::Value;

/// A provider: its configuration block and the resources and data sources it serves.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider's type name, the prefix of every resource type (`zoom`).
    fn type_name(&self) -> &'static str;

    /// The `provider` block's schema.
    fn schema(&self) -> Schema;

    /// Checks the provider block without side effects; values may be unknown.
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Configures the provider from its block (values may still be unknown during plan).
    async fn configure(&self, config: &Value, terraform_version: &str) -> Diagnostics;

    fn resources(&self) -> Vec<Arc<dyn Resource>>;

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
}

/// What PlanResourceChange works on. The framework fills `planned` from Terraform's
/// proposed state (computed attributes unknown where they will change) and
/// `requires_replace` from the schema; a resource's [`Resource::plan`] may refine both.
#[derive(Debug)]
pub struct Plan {
    /// Null when the resource is being created.
    pub prior: Value,
    /// Null when the resource is being destroyed.
    pub config: Value,
    /// The planned new state; null when destroying.
    pub planned: Value,
    pub requires_replace: Vec<AttrPath>,
    pub diagnostics: Diagnostics,
}

impl Plan {
    pub fn is_create(&self) -> bool {
        self.prior.is_null() && !self.planned.is_null()
    }

    pub fn is_destroy(&self) -> bool {
        self.planned.is_null()
    }

    pub fn is_update(&self) -> bool {
        !self.prior.is_null() && !self.planned.is_null()
    }
}

/// A managed resource type. Each method reports problems through `diags`; returning
/// `None` from create/update/read means "no object" (failed create, or gone on refresh).
#[async_trait]
pub trait Resource: Send + Sync + 'static {
    /// Full type name, e.g. `zoom_role`.
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    /// Static checks of a configuration (values may be unknown).
    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Refines the plan; may call the API for plan-time checks.
    async fn plan(&self, _plan: &mut Plan) {}

    /// Creates the object; returns its state (`None` if nothing was created).
    async fn create(
        &self,
        config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Refreshes the object; `None` when it no longer exists.
    async fn read(&self, state: &Value, diags: &mut Diagnostics) -> Option<Value>;

    /// Updates in place; returns the new state (the prior one if nothing changed).
    async fn update(
        &self,
        prior: &Value,
        config: &Value,
        planned: &Value,
        diags: &mut Diagnostics,
    ) -> Option<Value>;

    /// Deletes the object; an object already gone is success.
    async fn delete(&self, prior: &Value, diags: &mut Diagnostics);

    /// Turns an import ID into a state that [`Resource::read`] can complete.
    async fn import(&self, id: &str, diags: &mut Diagnostics) -> Option<Value>;

    /// The configuration a person would write for an existing object, from its state
    /// (protocol 6.10, GenerateResourceConfig): what `terraform query
    /// -generate-config-out` and `plan -generate-config-out` write into the resource
    /// block. Attributes left null are not written. The default keeps every attribute a
    /// configuration may set; the framework nulls computed-only ones whatever this returns.
    fn generate_config(&self, state: &Value) -> Value {
        state.clone()
    }

    /// The resource identity (protocol 6.9): attributes of the state that name the remote
    /// object. The framework derives each identity from the state by these names.
    fn identity_schema(&self) -> Option<IdentitySchema> {
        None
    }

    /// The import ID equivalent to an identity, so import by identity reuses
    /// [`Resource::import`].
    fn import_id_from_identity(&self, _identity: &Value) -> Option<String> {
        None
    }

    /// The configuration schema of this type's `list` blocks (protocol 6.10), if it can be
    /// listed with `terraform query`.
    fn list_schema(&self) -> Option<Schema> {
        None
    }

    /// Every existing object matching a `list` block's configuration, as full states.
    async fn list(&self, _config: &Value, _diags: &mut Diagnostics) -> Vec<Listed> {
        Vec::new()
    }
}

/// One object found by [`Resource::list`].
#[derive(Clone, Debug)]
pub struct Listed {
    /// What `terraform query` shows for it.
    pub display_name: String,
    /// Its state, as a read would return it.
    pub state: Value,
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }

    /// Reads the data; the result must have every attribute known.
    async fn read(&self, config: &Value, diags: &mut Diagnostics) -> Option<Value>;
}

/// The configuration [`Resource::generate_config`] proposes for `state`, made valid for
/// `schema`: attributes a configuration can't set (computed only) are null.
pub(crate) fn generated_config(schema: &Schema, resource: &dyn Resource, state: &Value) -> Value {
    let mut config = resource.generate_config(state);
    for a in &schema.block.attributes {
        if a.computed && !a.optional && !a.required {
            config.set_attr(&a.name, Value::Null);
        }
    }
    config
}

/// Terraform's proposed new state turned into a first plan, by the rules every resource
/// shares: on create, computed attributes left out of the configuration become unknown; on
/// update they stay as they were unless something configured changed and they are not marked
/// `use_state_for_unknown`; attributes marked `requires_replace` that change are listed.
pub(crate) fn initial_plan(schema: &Schema, prior: Value, config: Value, proposed: Value) -> Plan {
    let mut plan = Plan {
        prior,
        config,
        planned: proposed,
        requires_replace: Vec::new(),
        diagnostics: Diagnostics::new(),
    };
    if plan.is_destroy() {
        return plan;
    }
    let create = plan.prior.is_null();
    let changed = !create && plan.planned != plan.prior;
    for a in &schema.block.attributes {
        if a.computed && plan.config.attr(&a.name).is_null() {
            let unknown = create || (changed && !a.use_state_for_unknown);
            if unknown {
                plan.planned.set_attr(&a.name, Value::Unknown);
            }
        }
        if !create && a.requires_replace && plan.planned.attr(&a.name) != plan.prior.attr(&a.name) {
            plan.requires_replace.push(AttrPath::attr(&a.name));
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::schema::{Attribute, Block};

    fn schema() -> Schema {
        Schema::new(
            0,
            Block::new(
                "t",
                vec![
                    Attribute::string("id").computed().use_state_for_unknown(),
                    Attribute::string("name").required(),
                    Attribute::string("kind")
                        .optional()
                        .computed()
                        .requires_replace(),
                    Attribute::number("count").computed(),
                ],
            ),
        )
    }

    fn obj(id: Value, name: &str, kind: Value, count: Value) -> Value {
        Value::object([
            ("id", id),
            ("name", name.into()),
            ("kind", kind),
            ("count", count),
        ])
    }

    #[test]
    fn create_marks_unconfigured_computed_unknown() {
        let config = obj(Value::Null, "a", Value::Null, Value::Null);
        let p = initial_plan(&schema(), Value::Null, config.clone(), config);
        assert!(p.is_create());
        assert!(p.planned.attr("id").is_unknown());
        assert!(p.planned.attr("kind").is_unknown());
        assert!(p.planned.attr("count").is_unknown());
        assert!(p.requires_replace.is_empty());
    }

    #[test]
    fn no_change_keeps_prior_values() {
        let prior = obj("x".into(), "a", "k".into(), 1.into());
        let config = obj(Value::Null, "a", Value::Null, Value::Null);
        let p = initial_plan(&schema(), prior.clone(), config, prior.clone());
        assert_eq!(p.planned, prior);
    }

    #[test]
    fn change_unknowns_computed_but_keeps_stable_ids() {
        let prior = obj("x".into(), "a", "k".into(), 1.into());
        let config = obj(Value::Null, "b", Value::Null, Value::Null);
        let proposed = obj("x".into(), "b", "k".into(), 1.into());
        let p = initial_plan(&schema(), prior, config, proposed);
        assert_eq!(p.planned.attr("id").as_str(), Some("x"));
        assert!(p.planned.attr("count").is_unknown());
        assert!(p.planned.attr("kind").is_unknown());
    }

    #[test]
    fn requires_replace_lists_changed_attributes() {
        let prior = obj("x".into(), "a", "k".into(), 1.into());
        let config = obj(Value::Null, "a", "other".into(), Value::Null);
        let proposed = obj("x".into(), "a", "other".into(), 1.into());
        let p = initial_plan(&schema(), prior, config, proposed);
        assert_eq!(p.requires_replace, vec![AttrPath::attr("kind")]);
    }

    #[test]
    fn destroy_plans_null() {
        let prior = obj("x".into(), "a", "k".into(), 1.into());
        let p = initial_plan(&schema(), prior, Value::Null, Value::Null);
        assert!(p.is_destroy());
    }
}
