//! Request-body validation against Discord's official OpenAPI spec.
//!
//! The spec is read at run time from the file named by `DISCORD_OPENAPI_SPEC` (never copied into
//! the repository). An operation is found by HTTP method and the route template the request
//! matched (the sim's routes use the spec's parameter names), and its `application/json` request
//! schema is compiled once per process with the whole spec registered as a resource, so the
//! schema's `#/components/schemas/...` references resolve. Multipart requests are validated on
//! their `payload_json` part.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once, OnceLock};

use anyhow::{bail, Context};
use jsonschema::{Resource, Validator};
use parking_lot::Mutex;
use serde_json::{json, Value};

/// The environment variable naming the spec file.
pub const SPEC_ENV: &str = "DISCORD_OPENAPI_SPEC";

const SPEC_URI: &str = "urn:discord-openapi";

/// A loaded spec and the validators compiled from it so far.
pub(crate) struct OpenApi {
    spec: Arc<Value>,
    validators: Mutex<HashMap<String, Option<Arc<Validator>>>>,
}

/// Parsed specs by path, shared by every sim in the process (parsing takes a moment).
static SPECS: OnceLock<Mutex<HashMap<PathBuf, Arc<OpenApi>>>> = OnceLock::new();
static SKIP_WARNING: Once = Once::new();

impl OpenApi {
    /// The spec named by `DISCORD_OPENAPI_SPEC`; `None` (with a one-time warning) when unset,
    /// an error when set but unreadable.
    pub(crate) fn from_env() -> anyhow::Result<Option<Arc<Self>>> {
        match std::env::var_os(SPEC_ENV) {
            Some(path) if !path.is_empty() => Self::load(Path::new(&path)).map(Some),
            _ => {
                SKIP_WARNING.call_once(|| {
                    eprintln!("OpenAPI validation skipped: {SPEC_ENV} not set");
                });
                Ok(None)
            }
        }
    }

    /// Loads (once per process) the spec at this path.
    pub(crate) fn load(path: &Path) -> anyhow::Result<Arc<Self>> {
        let specs = SPECS.get_or_init(|| Mutex::new(HashMap::new()));
        if let Some(loaded) = specs.lock().get(path) {
            return Ok(loaded.clone());
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the OpenAPI spec {}", path.display()))?;
        let spec: Value = serde_json::from_str(&text)
            .with_context(|| format!("parsing the OpenAPI spec {}", path.display()))?;
        if spec.get("paths").is_none() {
            bail!("{} is not an OpenAPI document (no `paths`)", path.display());
        }
        let loaded = Arc::new(Self {
            spec: Arc::new(spec),
            validators: Mutex::new(HashMap::new()),
        });
        specs.lock().insert(path.to_path_buf(), loaded.clone());
        Ok(loaded)
    }

    /// Checks a request body; `Err` holds one line per schema error. Operations the spec does
    /// not describe, or without a JSON body schema, pass.
    pub(crate) fn validate(
        &self,
        method: &str,
        route: &str,
        body: &Value,
    ) -> Result<(), Vec<String>> {
        let Some(validator) = self.validator(method, route)? else {
            return Ok(());
        };
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("at '{}': {e}", e.instance_path))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn validator(&self, method: &str, route: &str) -> Result<Option<Arc<Validator>>, Vec<String>> {
        let method = method.to_ascii_lowercase();
        let key = format!("{method} {route}");
        if let Some(cached) = self.validators.lock().get(&key) {
            return Ok(cached.clone());
        }
        let pointer = format!(
            "/paths/{}/{method}/requestBody/content/application~1json/schema",
            escape(route)
        );
        let compiled = match self.spec.pointer(&pointer) {
            None => None,
            Some(_) => {
                let resource = Resource::from_contents((*self.spec).clone())
                    .map_err(|e| vec![format!("loading the spec as a schema resource: {e}")])?;
                let validator = jsonschema::options()
                    .with_resource(SPEC_URI, resource)
                    .build(&json!({"$ref": format!("{SPEC_URI}#{}", percent_encode(&pointer))}))
                    .map_err(|e| vec![format!("compiling the schema of {key}: {e}")])?;
                Some(Arc::new(validator))
            }
        };
        self.validators.lock().insert(key, compiled.clone());
        Ok(compiled)
    }
}

/// JSON-pointer escaping of one path segment (`/` -> `~1`, `~` -> `~0`).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer made safe for a URI fragment (`{channel_id}` -> `%7Bchannel_id%7D`).
fn percent_encode(pointer: &str) -> String {
    let mut encoded = String::with_capacity(pointer.len());
    for byte in pointer.bytes() {
        match byte {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b'@' => {
                encoded.push(char::from(byte))
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> Option<Arc<OpenApi>> {
        OpenApi::from_env().ok().flatten()
    }

    #[test]
    fn a_well_formed_message_passes_and_a_bad_one_is_reported() {
        let Some(spec) = spec() else { return };
        let route = "/channels/{channel_id}/messages";
        assert_eq!(
            spec.validate("POST", route, &json!({"content": "salut"})),
            Ok(())
        );
        let errors = spec
            .validate("POST", route, &json!({"content": 42, "embeds": "nope"}))
            .expect_err("a number as content must be rejected");
        assert!(!errors.is_empty());
    }

    #[test]
    fn an_external_scheduled_event_passes_and_one_without_its_metadata_is_reported() {
        let Some(spec) = spec() else { return };
        let route = "/guilds/{guild_id}/scheduled-events";
        let mut event = json!({
            "name": "Permanence de Karim",
            "privacy_level": 2,
            "entity_type": 3,
            "scheduled_start_time": "2026-12-13T16:00:00Z",
            "scheduled_end_time": "2026-12-13T18:00:00Z",
            "entity_metadata": {"location": "MJC du centre"},
        });
        assert_eq!(spec.validate("POST", route, &event), Ok(()));
        event.as_object_mut().map(|o| o.remove("entity_metadata"));
        assert!(spec.validate("POST", route, &event).is_err());
    }

    #[test]
    fn routes_without_a_body_schema_pass() {
        let Some(spec) = spec() else { return };
        assert_eq!(spec.validate("GET", "/gateway", &json!({"x": 1})), Ok(()));
        assert_eq!(spec.validate("POST", "/not/a/route", &json!(1)), Ok(()));
    }

    #[test]
    fn a_missing_spec_file_is_an_error() {
        assert!(OpenApi::load(Path::new("/nonexistent/openapi.json")).is_err());
    }
}
