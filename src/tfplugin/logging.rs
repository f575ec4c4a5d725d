//! Logging in the form Terraform reads from a plugin's stderr: one JSON object per line with
//! `@level`, `@message`, `@timestamp` (microseconds and offset, Go's
//! `2006-01-02T15:04:05.000000Z07:00`) and `@module`; every other key becomes a field of the
//! log entry. The level comes from `TF_LOG_PROVIDER`, else `TF_LOG`, as Terraform's own
//! filter does. stdout is never touched: it carries the handshake line alone.

use std::io::Write;

use serde_json::{Map, Value as J};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::prelude::*;
use tracing_subscriber::registry::LookupSpan;

/// The most verbose level wanted, from Terraform's variables; `None` means off.
pub fn level_from_env() -> Option<Level> {
    let var = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok())
        .unwrap_or_default();
    parse_level(&var)
}

fn parse_level(s: &str) -> Option<Level> {
    match s.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Some(Level::TRACE),
        "DEBUG" => Some(Level::DEBUG),
        "INFO" => Some(Level::INFO),
        "WARN" => Some(Level::WARN),
        "ERROR" => Some(Level::ERROR),
        "OFF" => None,
        // Unset or unrecognised: Terraform itself shows nothing, so emit only warnings up.
        _ => Some(Level::WARN),
    }
}

/// Installs the JSON-line logger on stderr as the global subscriber (once per process).
pub fn init(module: &'static str) {
    let layer = JsonLines {
        module,
        max: level_from_env(),
    };
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// The tracing layer that writes Terraform's JSON lines.
pub struct JsonLines {
    module: &'static str,
    max: Option<Level>,
}

/// Fields recorded on a span, kept in its extensions so events inside it carry them.
struct SpanFields(Map<String, J>);

struct JsonVisitor<'a>(&'a mut Map<String, J>);

impl Visit for JsonVisitor<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().to_string(), J::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0
            .insert(field.name().to_string(), J::from(value.to_string()));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), J::from(format!("{value:?}")));
    }
}

impl<S> Layer<S> for JsonLines
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        let Some(max) = self.max else {
            return false;
        };
        // Our own lines at the level asked for; libraries' (h2, hyper, rustls) only from
        // INFO up unless TRACE is asked for, or a DEBUG log drowns in HTTP/2 frames.
        let ours = metadata.target().starts_with(env!("CARGO_CRATE_NAME"));
        let max = if ours || max == Level::TRACE {
            max
        } else {
            max.min(Level::INFO)
        };
        *metadata.level() <= max
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let mut fields = Map::new();
        attrs.record(&mut JsonVisitor(&mut fields));
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(fields));
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        if let Some(span) = ctx.span(id) {
            let mut ext = span.extensions_mut();
            if let Some(SpanFields(fields)) = ext.get_mut::<SpanFields>() {
                values.record(&mut JsonVisitor(fields));
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(f)) = span.extensions().get::<SpanFields>() {
                    fields.extend(f.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        event.record(&mut JsonVisitor(&mut fields));
        let line = render(
            event.metadata().level(),
            self.module,
            event.metadata().target(),
            fields,
        );
        let stderr = std::io::stderr();
        let mut lock = stderr.lock();
        let _ = lock.write_all(line.as_bytes());
    }
}

fn render(level: &Level, module: &str, target: &str, mut fields: Map<String, J>) -> String {
    let message = match fields.remove("message") {
        Some(J::String(s)) => s,
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let mut obj = Map::new();
    obj.insert(
        "@level".into(),
        J::from(level.as_str().to_ascii_lowercase()),
    );
    obj.insert("@message".into(), J::from(message));
    obj.insert("@module".into(), J::from(module));
    obj.insert("@timestamp".into(), J::from(timestamp()));
    obj.insert("@caller".into(), J::from(target));
    obj.extend(fields);
    let mut line = J::Object(obj).to_string();
    line.push('\n');
    line
}

/// Now, in Go's `2006-01-02T15:04:05.000000Z07:00` layout (UTC, so the offset is `Z`).
fn timestamp() -> String {
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
    );
    time::OffsetDateTime::now_utc()
        .format(&fmt)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_terraform_names() {
        assert_eq!(parse_level("trace"), Some(Level::TRACE));
        assert_eq!(parse_level("JSON"), Some(Level::TRACE));
        assert_eq!(parse_level("DEBUG"), Some(Level::DEBUG));
        assert_eq!(parse_level("off"), None);
        assert_eq!(parse_level(""), Some(Level::WARN));
    }

    #[test]
    fn lines_are_json_with_terraform_keys() {
        let mut f = Map::new();
        f.insert("message".into(), J::from("hello"));
        f.insert("tf_rpc".into(), J::from("ReadResource"));
        let line = render(&Level::DEBUG, "provider.zoom", "x::y", f);
        assert!(line.ends_with('\n'));
        let v: J = serde_json::from_str(line.trim_end()).unwrap();
        assert_eq!(v["@level"], "debug");
        assert_eq!(v["@message"], "hello");
        assert_eq!(v["tf_rpc"], "ReadResource");
        let ts = v["@timestamp"].as_str().unwrap();
        // 2026-11-27T07:01:02.123456Z
        assert_eq!(ts.len(), 27, "{ts}");
        assert_eq!(&ts[19..20], ".");
        assert!(ts.ends_with('Z'));
    }
}
