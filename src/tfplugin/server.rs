//! The tfplugin6 `Provider` gRPC service: decodes each request into framework values, runs
//! the provider's hooks, and encodes the answers. Problems users can act on travel as
//! diagnostics in OK responses; RPCs we don't support answer with a diagnostic saying so.
//! StopProvider cancels work in flight: every hook runs under the stop signal.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::sync::Notify;
use tonic::{Request, Response, Status, Streaming};
use tracing::Instrument as _;

use super::convert::{
    capabilities, decode, diag_to_pb, diags_to_pb, encode, identity_schema_to_pb, identity_to_pb,
    path_to_pb, schema_to_pb,
};
use super::diag::{Diagnostic, Diagnostics};
use super::framework::{generated_config, initial_plan, DataSource, Provider, Resource};
use super::proto::tfplugin6 as pb;
use super::schema::{IdentitySchema, Schema};
use super::value::{self, Type, Value};

/// One resource or data source type, with its schema computed once.
struct Entry<T: ?Sized> {
    imp: Arc<T>,
    schema: Schema,
    ty: Type,
    /// Resources only: the identity schema and type, and the `list` block schema and type.
    identity: Option<(IdentitySchema, Type)>,
    list: Option<(Schema, Type)>,
}

impl<T: ?Sized> Entry<T> {
    /// Reads a value of this type Terraform sent; `what` names it if it can't be read.
    fn decode(
        &self,
        dv: Option<&pb::DynamicValue>,
        what: &str,
    ) -> Result<Value, Vec<pb::Diagnostic>> {
        decode(&self.ty, dv, what)
    }

    /// A value of this type on the wire.
    fn encode(&self, v: &Value) -> Option<pb::DynamicValue> {
        encode(&self.ty, v)
    }
}

impl Entry<dyn Resource> {
    /// The identity of `state` on the wire, when the type has one and it is known.
    fn identity_data(&self, state: &Value) -> Option<pb::ResourceIdentityData> {
        identity_to_pb(self.identity.as_ref(), state)
    }
}

/// Serves a [`Provider`] over tfplugin6.
pub struct ProviderService {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_type: Type,
    resources: HashMap<&'static str, Entry<dyn Resource>>,
    data_sources: HashMap<&'static str, Entry<dyn DataSource>>,
    /// Woken by StopProvider: every hook in flight then ends as cancelled.
    stop: Arc<Notify>,
}

impl ProviderService {
    pub fn new(provider: Arc<dyn Provider>) -> ProviderService {
        let provider_schema = provider.schema();
        let provider_type = provider_schema.value_type();
        let resources = provider
            .resources()
            .into_iter()
            .map(|imp| {
                let schema = imp.schema();
                let ty = schema.value_type();
                let identity = imp.identity_schema().map(|s| {
                    let t = s.value_type();
                    (s, t)
                });
                let list = imp.list_schema().map(|s| {
                    let t = s.value_type();
                    (s, t)
                });
                (
                    imp.type_name(),
                    Entry {
                        imp,
                        schema,
                        ty,
                        identity,
                        list,
                    },
                )
            })
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|imp| {
                let schema = imp.schema();
                let ty = schema.value_type();
                (
                    imp.type_name(),
                    Entry {
                        imp,
                        schema,
                        ty,
                        identity: None,
                        list: None,
                    },
                )
            })
            .collect();
        ProviderService {
            provider,
            provider_schema,
            provider_type,
            resources,
            data_sources,
            stop: Arc::new(Notify::new()),
        }
    }

    fn resource(&self, name: &str) -> Result<&Entry<dyn Resource>, Vec<pb::Diagnostic>> {
        self.resources
            .get(name)
            .ok_or_else(|| vec![unknown_type("resource", name)])
    }

    fn data_source(&self, name: &str) -> Result<&Entry<dyn DataSource>, Vec<pb::Diagnostic>> {
        self.data_sources
            .get(name)
            .ok_or_else(|| vec![unknown_type("data source", name)])
    }

    /// Runs `work` unless and until Terraform calls StopProvider while it is in flight.
    async fn cancellable<F: Future>(&self, work: F) -> Result<F::Output, Diagnostic> {
        let stopped = self.stop.notified();
        tokio::select! {
            out = work => Ok(out),
            _ = stopped => Err(Diagnostic::error(
                "Operation cancelled",
                "Terraform asked the provider to stop (interrupt) while this operation was in \
                 flight. Zoom may or may not have applied it: run terraform plan to see where \
                 things stand.",
            )),
        }
    }

    /// Runs the hook `work` of a resource or data source type for `rpc`: in its tracing
    /// span, and [cancellable](Self::cancellable).
    async fn hook<F: Future>(
        &self,
        rpc: &'static str,
        type_name: &str,
        work: F,
    ) -> Result<F::Output, Diagnostic> {
        let span = tracing::debug_span!("rpc", tf_rpc = rpc, tf_resource_type = %type_name);
        self.cancellable(work).instrument(span).await
    }
}

impl ProviderService {
    /// The events of one ListResource call: a diagnostics event if there is anything to
    /// say, then one event per object found (identity, display name, and the object when
    /// asked for), at most `limit`.
    async fn list_events(&self, req: &pb::list_resource::Request) -> Vec<pb::list_resource::Event> {
        let fail = |diagnostic: Vec<pb::Diagnostic>| {
            vec![pb::list_resource::Event {
                diagnostic,
                ..Default::default()
            }]
        };
        let entry = match self.resource(&req.type_name) {
            Ok(e) => e,
            Err(d) => return fail(d),
        };
        let (Some((_, list_ty)), Some(_)) = (&entry.list, &entry.identity) else {
            return fail(unsupported(&format!("Listing {}", req.type_name)));
        };
        let config = match decode(list_ty, req.config.as_ref(), "list configuration") {
            Ok(c) => c,
            Err(d) => return fail(d),
        };
        let mut diags = Diagnostics::new();
        let found = self
            .hook(
                "ListResource",
                &req.type_name,
                entry.imp.list(&config, &mut diags),
            )
            .await
            .unwrap_or_else(|d| {
                diags.push(d);
                Vec::new()
            });
        let mut events = Vec::new();
        if !diags.is_empty() {
            events.push(pb::list_resource::Event {
                diagnostic: diags_to_pb(&diags),
                ..Default::default()
            });
        }
        if diags.has_errors() {
            return events;
        }
        let limit = usize::try_from(req.limit)
            .ok()
            .filter(|l| *l > 0)
            .unwrap_or(usize::MAX);
        if found.len() > limit {
            // Terraform stops reading at the limit, so say it before the results: adopting
            // the first `limit` objects without a word would leave the rest unmanaged.
            events.push(pb::list_resource::Event {
                diagnostic: vec![diag_to_pb(&Diagnostic::warning(
                    "More objects than the list limit",
                    format!(
                        "Found {} {} objects, but the list block's limit (Terraform's default \
                         is 100) lets only {limit} through, so the rest are not shown or \
                         written. Set limit = {} (or more) in the list block to get them all.",
                        found.len(),
                        req.type_name,
                        found.len()
                    ),
                ))],
                ..Default::default()
            });
        }
        for item in found.into_iter().take(limit) {
            let Some(identity) = entry.identity_data(&item.state) else {
                continue;
            };
            events.push(pb::list_resource::Event {
                identity: Some(identity),
                display_name: item.display_name,
                resource_object: if req.include_resource_object {
                    entry.encode(&item.state)
                } else {
                    None
                },
                diagnostic: Vec::new(),
            });
        }
        events
    }
}

fn unknown_type(kind: &str, name: &str) -> pb::Diagnostic {
    diag_to_pb(&Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type {name:?}."),
    ))
}

fn unsupported(what: &str) -> Vec<pb::Diagnostic> {
    vec![diag_to_pb(&Diagnostic::error(
        format!("{what} is not supported"),
        format!("terraform-provider-zoom does not implement {what}."),
    ))]
}

/// A state with unknowns would be rejected by Terraform with an unhelpful message; say
/// plainly that it is the provider's fault.
fn check_known(v: &Value, what: &str, diags: &mut Diagnostics) -> bool {
    if v.is_wholly_known() {
        return true;
    }
    diags.push(Diagnostic::error(
        "Provider returned an incomplete result",
        format!("The provider left values unknown in the {what}. This is a bug; please report it."),
    ));
    false
}

/// Responses that can answer with diagnostics alone, every other field left empty: how a
/// handler answers when it stops early, and how an unsupported RPC answers.
trait Diagnosed {
    fn diagnosed(diagnostics: Vec<pb::Diagnostic>) -> Self;
}

macro_rules! diagnosed {
    ($($rpc:ident),+ $(,)?) => {$(
        impl Diagnosed for pb::$rpc::Response {
            fn diagnosed(diagnostics: Vec<pb::Diagnostic>) -> Self {
                // Some responses have nothing but diagnostics; others have more fields.
                #[allow(clippy::needless_update)]
                pb::$rpc::Response {
                    diagnostics,
                    ..Default::default()
                }
            }
        }
    )+};
}

diagnosed!(
    validate_provider_config,
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    upgrade_resource_identity,
    configure_provider,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    read_data_source,
    generate_resource_config,
    // The unsupported ones.
    move_resource_state,
    validate_ephemeral_resource_config,
    open_ephemeral_resource,
    renew_ephemeral_resource,
    close_ephemeral_resource,
    validate_state_store,
    configure_state_store,
    write_state_bytes,
    lock_state,
    unlock_state,
    get_states,
    delete_state,
    plan_action,
    validate_action_config,
);

/// An answer with `diagnostics` alone.
fn diagnosed<R: Diagnosed>(diagnostics: Vec<pb::Diagnostic>) -> Result<Response<R>, Status> {
    Ok(Response::new(R::diagnosed(diagnostics)))
}

/// The value of `Ok`, or else answers the RPC with the diagnostics of `Err` alone.
macro_rules! try_diags {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(diagnostics) => return diagnosed(diagnostics),
        }
    };
}

/// The RPCs this provider does not implement. Each answers with an otherwise empty response
/// carrying one "<what> is not supported" diagnostic. The expansion is what
/// `#[tonic::async_trait]` makes of an `async fn`: that attribute has already run on the
/// impl by the time this macro expands inside it.
macro_rules! unsupported_rpcs {
    ($($rpc:ident($request:ty) -> pb::$response:ident::Response: $what:literal;)+) => {$(
        fn $rpc<'life0, 'async_trait>(
            &'life0 self,
            _: Request<$request>,
        ) -> Pin<Box<dyn Future<Output = Result<Response<pb::$response::Response>, Status>> + Send + 'async_trait>>
        where
            'life0: 'async_trait,
            Self: 'async_trait,
        {
            Box::pin(std::future::ready(diagnosed(unsupported($what))))
        }
    )+};
}

type BoxStream<T> = Pin<Box<dyn futures::Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        let mut resources: Vec<_> = self.resources.keys().copied().collect();
        resources.sort_unstable();
        let mut data_sources: Vec<_> = self.data_sources.keys().copied().collect();
        data_sources.sort_unstable();
        let mut list_resources: Vec<_> = self
            .resources
            .iter()
            .filter(|(_, e)| e.list.is_some())
            .map(|(k, _)| *k)
            .collect();
        list_resources.sort_unstable();
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: resources
                .into_iter()
                .map(|t| pb::get_metadata::ResourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            data_sources: data_sources
                .into_iter()
                .map(|t| pb::get_metadata::DataSourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            list_resources: list_resources
                .into_iter()
                .map(|t| pb::get_metadata::ListResourceMetadata {
                    type_name: t.to_string(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        Ok(Response::new(pb::get_provider_schema::Response {
            provider: Some(schema_to_pb(&self.provider_schema)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(k, e)| (k.to_string(), schema_to_pb(&e.schema)))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(k, e)| (k.to_string(), schema_to_pb(&e.schema)))
                .collect(),
            list_resource_schemas: self
                .resources
                .iter()
                .filter_map(|(k, e)| {
                    e.list
                        .as_ref()
                        .map(|(s, _)| (k.to_string(), schema_to_pb(s)))
                })
                .collect(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        req: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = req.into_inner();
        let config = try_diags!(decode(
            &self.provider_type,
            req.config.as_ref(),
            "provider configuration"
        ));
        let diags = self.provider.validate(&config);
        diagnosed(diags_to_pb(&diags))
    }

    async fn validate_resource_config(
        &self,
        req: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let config = try_diags!(entry.decode(req.config.as_ref(), "resource configuration"));
        let diags = entry.imp.validate(&config);
        diagnosed(diags_to_pb(&diags))
    }

    async fn validate_data_resource_config(
        &self,
        req: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.data_source(&req.type_name));
        let config = try_diags!(entry.decode(req.config.as_ref(), "data source configuration"));
        let diags = entry.imp.validate(&config);
        diagnosed(diags_to_pb(&diags))
    }

    async fn upgrade_resource_state(
        &self,
        req: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let raw = req.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            return Ok(Response::new(pb::upgrade_resource_state::Response {
                upgraded_state: entry.encode(&Value::Null),
                diagnostics: if raw.flatmap.is_empty() {
                    Vec::new()
                } else {
                    unsupported("Upgrading flatmap state")
                },
            }));
        }
        // Our schemas only ever grew attributes, so stored state decodes leniently against
        // the current schema: new attributes start null, retired ones are dropped.
        let upgraded = match value::decode_stored_json(&entry.ty, &raw.json) {
            Ok(v) => v,
            Err(e) => {
                return diagnosed(vec![diag_to_pb(&Diagnostic::error(
                    "Could not read stored state",
                    format!(
                        "The {} state stored at schema version {} could not be read: {e}.",
                        req.type_name, req.version
                    ),
                ))])
            }
        };
        Ok(Response::new(pb::upgrade_resource_state::Response {
            upgraded_state: entry.encode(&upgraded),
            diagnostics: Vec::new(),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        let identity_schemas = self
            .resources
            .iter()
            .filter_map(|(k, e)| {
                let (s, _) = e.identity.as_ref()?;
                Some((k.to_string(), identity_schema_to_pb(s)))
            })
            .collect();
        Ok(Response::new(pb::get_resource_identity_schemas::Response {
            identity_schemas,
            diagnostics: Vec::new(),
        }))
    }

    async fn upgrade_resource_identity(
        &self,
        req: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let Some((_, ty)) = entry.identity.as_ref() else {
            return diagnosed(unsupported(&format!("Identity for {}", req.type_name)));
        };
        // Identity schemas are at version 0 and only ever grow: read the stored JSON
        // leniently against the current schema.
        let raw = req.raw_identity.unwrap_or_default();
        let upgraded = match value::decode_stored_json(ty, &raw.json) {
            Ok(v) => v,
            Err(e) => {
                return diagnosed(vec![diag_to_pb(&Diagnostic::error(
                    "Could not read stored identity",
                    format!(
                        "The stored identity of this {} could not be read: {e}.",
                        req.type_name
                    ),
                ))])
            }
        };
        Ok(Response::new(pb::upgrade_resource_identity::Response {
            upgraded_identity: Some(pb::ResourceIdentityData {
                identity_data: encode(ty, &upgraded),
            }),
            diagnostics: Vec::new(),
        }))
    }

    async fn configure_provider(
        &self,
        req: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = req.into_inner();
        let config = try_diags!(decode(
            &self.provider_type,
            req.config.as_ref(),
            "provider configuration"
        ));
        let diags = self
            .provider
            .configure(&config, &req.terraform_version)
            .instrument(tracing::debug_span!("rpc", tf_rpc = "ConfigureProvider"))
            .await;
        diagnosed(diags_to_pb(&diags))
    }

    async fn read_resource(
        &self,
        req: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let state = try_diags!(entry.decode(req.current_state.as_ref(), "current state"));
        let mut diags = Diagnostics::new();
        let fresh = self
            .hook(
                "ReadResource",
                &req.type_name,
                entry.imp.read(&state, &mut diags),
            )
            .await
            .unwrap_or_else(|d| {
                diags.push(d);
                Some(state.clone())
            });
        // On failure keep what we had: Terraform must not forget an object it can't see.
        let new_state = if diags.has_errors() {
            state
        } else {
            fresh.unwrap_or(Value::Null)
        };
        if !check_known(&new_state, "refreshed state", &mut diags) {
            return diagnosed(diags_to_pb(&diags));
        }
        Ok(Response::new(pb::read_resource::Response {
            new_identity: entry.identity_data(&new_state),
            new_state: entry.encode(&new_state),
            diagnostics: diags_to_pb(&diags),
            private: req.private,
            ..Default::default()
        }))
    }

    async fn plan_resource_change(
        &self,
        req: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let prior = try_diags!(entry.decode(req.prior_state.as_ref(), "prior state"));
        let config = try_diags!(entry.decode(req.config.as_ref(), "configuration"));
        let proposed =
            try_diags!(entry.decode(req.proposed_new_state.as_ref(), "proposed new state"));
        let mut plan = initial_plan(&entry.schema, prior, config, proposed);
        if let Err(d) = self
            .hook(
                "PlanResourceChange",
                &req.type_name,
                entry.imp.plan(&mut plan),
            )
            .await
        {
            plan.diagnostics.push(d);
        }
        Ok(Response::new(pb::plan_resource_change::Response {
            planned_identity: entry.identity_data(&plan.planned),
            planned_state: entry.encode(&plan.planned),
            requires_replace: plan.requires_replace.iter().map(path_to_pb).collect(),
            planned_private: req.prior_private,
            diagnostics: diags_to_pb(&plan.diagnostics),
            ..Default::default()
        }))
    }

    async fn apply_resource_change(
        &self,
        req: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let prior = try_diags!(entry.decode(req.prior_state.as_ref(), "prior state"));
        let planned = try_diags!(entry.decode(req.planned_state.as_ref(), "planned state"));
        let config = try_diags!(entry.decode(req.config.as_ref(), "configuration"));
        let mut diags = Diagnostics::new();
        let imp = &entry.imp;
        let (rpc_kind, work): (&str, Pin<Box<dyn Future<Output = Value> + Send + '_>>) =
            if planned.is_null() {
                let d = &mut diags;
                let prior_ref = &prior;
                (
                    "delete",
                    Box::pin(async move {
                        imp.delete(prior_ref, d).await;
                        // A failed delete leaves the object in place, and in state.
                        if d.has_errors() {
                            prior_ref.clone()
                        } else {
                            Value::Null
                        }
                    }),
                )
            } else if prior.is_null() {
                let d = &mut diags;
                let (c, p) = (&config, &planned);
                (
                    "create",
                    Box::pin(async move { imp.create(c, p, d).await.unwrap_or(Value::Null) }),
                )
            } else {
                let d = &mut diags;
                let (pr, c, p) = (&prior, &config, &planned);
                (
                    "update",
                    Box::pin(async move {
                        // A failed update keeps the prior state: Zoom still has it.
                        imp.update(pr, c, p, d).await.unwrap_or_else(|| pr.clone())
                    }),
                )
            };
        let span = tracing::debug_span!("rpc", tf_rpc = "ApplyResourceChange", tf_resource_type = %req.type_name, action = rpc_kind);
        let new_state = self
            .cancellable(work)
            .instrument(span)
            .await
            .unwrap_or_else(|d| {
                diags.push(d);
                prior.clone()
            });
        if !check_known(&new_state, "new state", &mut diags) {
            return Ok(Response::new(pb::apply_resource_change::Response {
                new_state: entry.encode(&prior),
                diagnostics: diags_to_pb(&diags),
                ..Default::default()
            }));
        }
        Ok(Response::new(pb::apply_resource_change::Response {
            new_identity: entry.identity_data(&new_state),
            new_state: entry.encode(&new_state),
            private: req.planned_private,
            diagnostics: diags_to_pb(&diags),
            ..Default::default()
        }))
    }

    async fn import_resource_state(
        &self,
        req: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let mut import_id = req.id.clone();
        if import_id.is_empty() {
            if let Some(identity) = &req.identity {
                let id = match &entry.identity {
                    Some((_, ty)) => {
                        let v = try_diags!(decode(ty, identity.identity_data.as_ref(), "identity"));
                        entry.imp.import_id_from_identity(&v)
                    }
                    None => None,
                };
                let Some(id) = id else {
                    let what = format!("Import by identity for {}", req.type_name);
                    return diagnosed(unsupported(&what));
                };
                import_id = id;
            }
        }
        let mut diags = Diagnostics::new();
        let state = self
            .hook(
                "ImportResourceState",
                &req.type_name,
                entry.imp.import(&import_id, &mut diags),
            )
            .await
            .unwrap_or_else(|d| {
                diags.push(d);
                None
            });
        let imported_resources = match state {
            Some(s) if !diags.has_errors() && check_known(&s, "imported state", &mut diags) => {
                vec![pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    identity: entry.identity_data(&s),
                    state: entry.encode(&s),
                    ..Default::default()
                }]
            }
            _ => Vec::new(),
        };
        Ok(Response::new(pb::import_resource_state::Response {
            imported_resources,
            diagnostics: diags_to_pb(&diags),
            deferred: None,
        }))
    }

    async fn read_data_source(
        &self,
        req: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.data_source(&req.type_name));
        let config = try_diags!(entry.decode(req.config.as_ref(), "data source configuration"));
        // Values unknown when Terraform validated the configuration are known now: judge
        // them again before the data source reads anything.
        let mut diags = entry.imp.validate(&config);
        if diags.has_errors() {
            return diagnosed(diags_to_pb(&diags));
        }
        let state = self
            .hook(
                "ReadDataSource",
                &req.type_name,
                entry.imp.read(&config, &mut diags),
            )
            .await
            .unwrap_or_else(|d| {
                diags.push(d);
                None
            });
        let state = match state {
            Some(s) if !diags.has_errors() && check_known(&s, "data source result", &mut diags) => {
                entry.encode(&s)
            }
            _ => None,
        };
        Ok(Response::new(pb::read_data_source::Response {
            state,
            diagnostics: diags_to_pb(&diags),
            deferred: None,
        }))
    }

    async fn generate_resource_config(
        &self,
        req: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let req = req.into_inner();
        let entry = try_diags!(self.resource(&req.type_name));
        let state = try_diags!(entry.decode(req.state.as_ref(), "state"));
        let mut diags = Diagnostics::new();
        if state.is_null() {
            diags.push(Diagnostic::error(
                "No object to write configuration for",
                format!(
                    "Terraform asked for the configuration of a {} without its state. With \
                     `terraform query`, set include_resource = true in the list block (or use \
                     -generate-config-out, which sets it).",
                    req.type_name
                ),
            ));
        }
        let config = if diags.has_errors() {
            None
        } else {
            let config = generated_config(&entry.schema, entry.imp.as_ref(), &state);
            check_known(&config, "generated configuration", &mut diags)
                .then(|| entry.encode(&config))
                .flatten()
        };
        Ok(Response::new(pb::generate_resource_config::Response {
            config,
            diagnostics: diags_to_pb(&diags),
        }))
    }

    type ListResourceStream = BoxStream<pb::list_resource::Event>;

    async fn list_resource(
        &self,
        req: Request<pb::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        let req = req.into_inner();
        let events = self.list_events(&req).await;
        Ok(Response::new(Box::pin(futures::stream::iter(
            events.into_iter().map(Ok),
        ))))
    }

    async fn validate_list_resource_config(
        &self,
        req: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let req = req.into_inner();
        let diagnostics = match self.resource(&req.type_name) {
            Ok(Entry {
                list: Some((_, ty)),
                ..
            }) => decode(ty, req.config.as_ref(), "list configuration")
                .err()
                .unwrap_or_default(),
            Ok(_) => unsupported(&format!("Listing {}", req.type_name)),
            Err(d) => d,
        };
        Ok(Response::new(pb::validate_list_resource_config::Response {
            diagnostics,
        }))
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn call_function(
        &self,
        req: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        Ok(Response::new(pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text: format!(
                    "terraform-provider-zoom has no function {:?}",
                    req.get_ref().name
                ),
                function_argument: None,
            }),
        }))
    }

    type ReadStateBytesStream = BoxStream<pb::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        _: Request<pb::read_state_bytes::Request>,
    ) -> Result<Response<Self::ReadStateBytesStream>, Status> {
        let chunk = pb::read_state_bytes::Response {
            diagnostics: unsupported("State storage"),
            ..Default::default()
        };
        Ok(Response::new(Box::pin(futures::stream::iter([Ok(chunk)]))))
    }

    type InvokeActionStream = BoxStream<pb::invoke_action::Event>;

    async fn invoke_action(
        &self,
        _: Request<pb::invoke_action::Request>,
    ) -> Result<Response<Self::InvokeActionStream>, Status> {
        let done = pb::invoke_action::Event {
            r#type: Some(pb::invoke_action::event::Type::Completed(
                pb::invoke_action::event::Completed {
                    diagnostics: unsupported("Actions"),
                },
            )),
        };
        Ok(Response::new(Box::pin(futures::stream::iter([Ok(done)]))))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!("Terraform asked the provider to stop; cancelling work in flight");
        self.stop.notify_waiters();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }

    unsupported_rpcs! {
        move_resource_state(pb::move_resource_state::Request)
            -> pb::move_resource_state::Response: "Moving state between resource types";
        validate_ephemeral_resource_config(pb::validate_ephemeral_resource_config::Request)
            -> pb::validate_ephemeral_resource_config::Response: "Ephemeral resources";
        open_ephemeral_resource(pb::open_ephemeral_resource::Request)
            -> pb::open_ephemeral_resource::Response: "Ephemeral resources";
        renew_ephemeral_resource(pb::renew_ephemeral_resource::Request)
            -> pb::renew_ephemeral_resource::Response: "Ephemeral resources";
        close_ephemeral_resource(pb::close_ephemeral_resource::Request)
            -> pb::close_ephemeral_resource::Response: "Ephemeral resources";
        validate_state_store_config(pb::validate_state_store::Request)
            -> pb::validate_state_store::Response: "State storage";
        configure_state_store(pb::configure_state_store::Request)
            -> pb::configure_state_store::Response: "State storage";
        write_state_bytes(Streaming<pb::write_state_bytes::RequestChunk>)
            -> pb::write_state_bytes::Response: "State storage";
        lock_state(pb::lock_state::Request) -> pb::lock_state::Response: "State storage";
        unlock_state(pb::unlock_state::Request) -> pb::unlock_state::Response: "State storage";
        get_states(pb::get_states::Request) -> pb::get_states::Response: "State storage";
        delete_state(pb::delete_state::Request) -> pb::delete_state::Response: "State storage";
        plan_action(pb::plan_action::Request) -> pb::plan_action::Response: "Actions";
        validate_action_config(pb::validate_action_config::Request)
            -> pb::validate_action_config::Response: "Actions";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tfplugin::framework::Plan;
    use crate::tfplugin::schema::{Attribute, Block};
    use async_trait::async_trait;
    use futures::StreamExt as _;
    use pb::provider_server::Provider as _;

    /// A resource whose create never finishes, and a provider serving it.
    struct Slow;

    #[async_trait]
    impl Resource for Slow {
        fn type_name(&self) -> &'static str {
            "test_slow"
        }
        fn schema(&self) -> Schema {
            Schema::new(0, Block::new("", vec![Attribute::string("id").computed()]))
        }
        async fn plan(&self, _: &mut Plan) {}
        async fn create(&self, _: &Value, _: &Value, _: &mut Diagnostics) -> Option<Value> {
            futures::future::pending().await
        }
        async fn read(&self, s: &Value, _: &mut Diagnostics) -> Option<Value> {
            Some(s.clone())
        }
        async fn update(
            &self,
            _: &Value,
            _: &Value,
            p: &Value,
            _: &mut Diagnostics,
        ) -> Option<Value> {
            Some(p.clone())
        }
        async fn delete(&self, _: &Value, _: &mut Diagnostics) {}
        async fn import(&self, _: &str, _: &mut Diagnostics) -> Option<Value> {
            Some(Value::Unknown)
        }
    }

    struct TestProvider;

    #[async_trait]
    impl Provider for TestProvider {
        fn type_name(&self) -> &'static str {
            "test"
        }
        fn schema(&self) -> Schema {
            Schema::default()
        }
        async fn configure(&self, _: &Value, _: &str) -> Diagnostics {
            Diagnostics::new()
        }
        fn resources(&self) -> Vec<Arc<dyn Resource>> {
            vec![Arc::new(Slow)]
        }
    }

    fn service() -> Arc<ProviderService> {
        Arc::new(ProviderService::new(Arc::new(TestProvider)))
    }

    fn dv(v: &Value) -> Option<pb::DynamicValue> {
        let ty = Type::object([("id", Type::String)]);
        encode(&ty, v)
    }

    #[tokio::test]
    async fn stop_provider_cancels_work_in_flight() {
        let svc = service();
        let planned = Value::object([("id", Value::Unknown)]);
        let worker = {
            let (svc, planned) = (svc.clone(), planned.clone());
            tokio::spawn(async move {
                svc.apply_resource_change(Request::new(pb::apply_resource_change::Request {
                    type_name: "test_slow".into(),
                    prior_state: dv(&Value::Null),
                    planned_state: dv(&planned),
                    config: dv(&Value::object([("id", Value::Null)])),
                    ..Default::default()
                }))
                .await
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!worker.is_finished(), "create is in flight");
        svc.stop_provider(Request::new(pb::stop_provider::Request {}))
            .await
            .unwrap();
        let resp = tokio::time::timeout(std::time::Duration::from_secs(2), worker)
            .await
            .expect("stopped promptly")
            .unwrap()
            .unwrap()
            .into_inner();
        assert_eq!(resp.diagnostics.len(), 1);
        assert_eq!(resp.diagnostics[0].summary, "Operation cancelled");
        // Nothing was created, so the new state is null (not the unknown plan).
        let ty = Type::object([("id", Type::String)]);
        let state = value::decode(&ty, &resp.new_state.unwrap().msgpack, &[]).unwrap();
        assert!(state.is_null());
        // The stop was for the work in flight then: work started later runs on.
        let later = svc.apply_resource_change(Request::new(pb::apply_resource_change::Request {
            type_name: "test_slow".into(),
            prior_state: dv(&Value::Null),
            planned_state: dv(&planned),
            config: dv(&Value::object([("id", Value::Null)])),
            ..Default::default()
        }));
        assert!(
            tokio::time::timeout(std::time::Duration::from_millis(100), later)
                .await
                .is_err(),
            "a create started after the stop is still running"
        );
    }

    #[tokio::test]
    async fn an_unknown_state_from_a_resource_is_reported_not_sent() {
        let svc = service();
        let resp = svc
            .import_resource_state(Request::new(pb::import_resource_state::Request {
                type_name: "test_slow".into(),
                id: "x".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(resp.imported_resources.is_empty());
        assert_eq!(
            resp.diagnostics[0].summary,
            "Provider returned an incomplete result"
        );
        let read = svc
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: "test_slow".into(),
                current_state: dv(&Value::object([("id", Value::Unknown)])),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(read.new_state.is_none());
        assert_eq!(
            read.diagnostics[0].summary,
            "Provider returned an incomplete result"
        );
    }

    #[tokio::test]
    // Some responses have nothing but diagnostics; others have more fields.
    #[allow(clippy::needless_update)]
    async fn unsupported_rpcs_answer_with_a_diagnostic() {
        let svc = service();
        // Each unsupported RPC answers an otherwise empty response with exactly the one
        // "... is not supported" diagnostic naming the feature.
        macro_rules! check {
            ($($rpc:ident($request:expr) -> $response:ident: $what:literal;)+) => {$(
                let r = svc
                    .$rpc(Request::new($request))
                    .await
                    .unwrap()
                    .into_inner();
                assert_eq!(
                    r,
                    pb::$response::Response {
                        diagnostics: unsupported($what),
                        ..Default::default()
                    },
                    stringify!($rpc)
                );
                assert_eq!(
                    r.diagnostics[0].summary,
                    concat!($what, " is not supported"),
                    stringify!($rpc)
                );
            )+};
        }
        let chunks = tonic::Streaming::new_request(
            tonic::codec::Codec::decoder(&mut tonic_prost::ProstCodec::<
                (),
                pb::write_state_bytes::RequestChunk,
            >::default()),
            tonic::body::Body::default(),
            None,
            None,
        );
        check! {
            move_resource_state(Default::default())
                -> move_resource_state: "Moving state between resource types";
            validate_ephemeral_resource_config(Default::default())
                -> validate_ephemeral_resource_config: "Ephemeral resources";
            open_ephemeral_resource(Default::default())
                -> open_ephemeral_resource: "Ephemeral resources";
            renew_ephemeral_resource(Default::default())
                -> renew_ephemeral_resource: "Ephemeral resources";
            close_ephemeral_resource(Default::default())
                -> close_ephemeral_resource: "Ephemeral resources";
            validate_state_store_config(Default::default())
                -> validate_state_store: "State storage";
            configure_state_store(Default::default())
                -> configure_state_store: "State storage";
            write_state_bytes(chunks) -> write_state_bytes: "State storage";
            lock_state(Default::default()) -> lock_state: "State storage";
            unlock_state(Default::default()) -> unlock_state: "State storage";
            get_states(Default::default()) -> get_states: "State storage";
            delete_state(Default::default()) -> delete_state: "State storage";
            plan_action(Default::default()) -> plan_action: "Actions";
            validate_action_config(Default::default()) -> validate_action_config: "Actions";
        }

        // The streamed ones say the same in their one message.
        let mut chunks = svc
            .read_state_bytes(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        let chunk = chunks.next().await.unwrap().unwrap();
        assert_eq!(chunk.diagnostics, unsupported("State storage"));
        assert!(chunks.next().await.is_none());
        let mut events = svc
            .invoke_action(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        let event = events.next().await.unwrap().unwrap();
        assert_eq!(
            event.r#type,
            Some(pb::invoke_action::event::Type::Completed(
                pb::invoke_action::event::Completed {
                    diagnostics: unsupported("Actions"),
                }
            ))
        );
        assert!(events.next().await.is_none());

        // No functions: the list is empty and a call says there is no such function.
        let r = svc
            .get_functions(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r, Default::default());
        let r = svc
            .call_function(Request::new(pb::call_function::Request {
                name: "nope".into(),
                arguments: vec![],
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.error.unwrap().text.contains("no function"));
    }

    #[tokio::test]
    async fn unknown_types_and_garbage_values_are_diagnostics() {
        let svc = service();
        let r = svc
            .read_resource(Request::new(pb::read_resource::Request {
                type_name: "test_nope".into(),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert_eq!(r.diagnostics[0].summary, "Unknown resource type");
        let r = svc
            .plan_resource_change(Request::new(pb::plan_resource_change::Request {
                type_name: "test_slow".into(),
                config: Some(pb::DynamicValue {
                    msgpack: vec![0xc1, 0xff, 0x00],
                    json: vec![],
                }),
                ..Default::default()
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics[0].summary.starts_with("Could not decode"));
    }

    #[tokio::test]
    async fn schema_marks_descriptions_markdown_and_plan_destroy() {
        let svc = service();
        let r = svc
            .get_provider_schema(Request::new(Default::default()))
            .await
            .unwrap()
            .into_inner();
        let caps = r.server_capabilities.unwrap();
        assert!(caps.plan_destroy);
        assert!(caps.generate_resource_config);
        let attr = &r.resource_schemas["test_slow"]
            .block
            .as_ref()
            .unwrap()
            .attributes[0];
        assert_eq!(attr.r#type, b"\"string\"");
        assert!(attr.computed);
    }

    #[tokio::test]
    async fn generated_config_leaves_out_computed_only_attributes_and_needs_a_state() {
        let svc = service();
        let r = svc
            .generate_resource_config(Request::new(pb::generate_resource_config::Request {
                type_name: "test_slow".into(),
                state: dv(&Value::object([("id", Value::from("x"))])),
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
        let ty = Type::object([("id", Type::String)]);
        let config = value::decode(&ty, &r.config.unwrap().msgpack, &[]).unwrap();
        assert_eq!(config, Value::object([("id", Value::Null)]));

        let r = svc
            .generate_resource_config(Request::new(pb::generate_resource_config::Request {
                type_name: "test_slow".into(),
                state: None,
            }))
            .await
            .unwrap()
            .into_inner();
        assert!(r.config.is_none());
        assert!(r.diagnostics[0].detail.contains("include_resource"));
    }
}
