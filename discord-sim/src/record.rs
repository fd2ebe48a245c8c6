//! What the bot did over REST: every call, every OpenAPI violation, every unexpected route.
//! Tests read these to assert on the exact requests and to fail on any spec violation.

use serde_json::Value;

/// One REST request the bot made, with the status the sim answered.
#[derive(Debug, Clone)]
pub struct RecordedCall {
    pub method: String,
    /// The concrete path without the `/api/v10` prefix, e.g. `/channels/123/messages`.
    pub path: String,
    /// The route template it matched (`/channels/{channel_id}/messages`), `None` if unknown.
    pub route: Option<String>,
    pub query: Option<String>,
    /// The JSON body (for multipart requests, the `payload_json` part).
    pub body: Option<Value>,
    /// Names of the files attached in a multipart request.
    pub files: Vec<String>,
    pub status: u16,
    /// When the request reached the sim (monotonic), for latency measurements.
    pub at: std::time::Instant,
}

/// A request body the OpenAPI spec rejects.
#[derive(Debug, Clone)]
pub struct Violation {
    pub method: String,
    pub route: String,
    pub body: Value,
    /// One line per schema error: the JSON pointer in the body and what is wrong.
    pub errors: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "{} {} violates the OpenAPI spec:",
            self.method, self.route
        )?;
        for error in &self.errors {
            writeln!(f, "  - {error}")?;
        }
        write!(f, "  body: {}", self.body)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Record {
    pub(crate) calls: Vec<RecordedCall>,
    pub(crate) violations: Vec<Violation>,
}
