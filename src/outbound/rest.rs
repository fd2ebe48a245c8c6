//! The REST client the delivery worker uses: serenity's builders give the bodies, this client
//! carries them and keeps to Discord's rate limits itself.
//!
//! Behind `DISCORD_API_BASE` serenity's ratelimiter must be off, and serenity's error type keeps
//! neither the `Retry-After` header nor the `retry_after` field of a 429. So deliveries go
//! through this client, which knows Discord's buckets (twilight's maintained ratelimiter, fed
//! with every answer's `X-RateLimit-*` headers, and Discord's global limit of 50 requests a
//! second): a request whose bucket is spent is not sent at all; the caller is told when the
//! bucket resets, so the outbox serves other destinations (and graver effects) meanwhile, and a
//! 429 is the exception, not the pace. Behind a shared rate-limit proxy (nirn-proxy), the proxy
//! keeps the limits of every process; this client then rarely has to hold anything back.

use std::time::{Duration, Instant};

use poise::serenity_prelude::CreateAttachment;
use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;
use twilight_http_ratelimiting::{Endpoint, Method, RateLimitHeaders, RateLimiter};

use crate::config::Secret;

/// Why a request did not succeed, sorted by what the worker should do next.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RestError {
    /// 429: try again after this delay.
    #[error("rate limited for {0:?}")]
    RateLimited(Duration),
    /// 5xx or a network failure: try again with backoff.
    #[error("transient failure: {0}")]
    Transient(String),
    /// Discord refused for good (4xx other than 429), with its JSON error code.
    #[error("refused ({status}, code {code}): {message}")]
    Refused {
        status: u16,
        code: i64,
        message: String,
    },
}

/// Discord's JSON error code for "Cannot send messages to this user" (DMs closed).
pub const CANNOT_DM_USER: i64 = 50007;
/// "Unknown Channel": deleted (a thread removed by hand).
pub const UNKNOWN_CHANNEL: i64 = 10003;
/// "Thread is archived" and "Thread is locked".
pub const THREAD_ARCHIVED: i64 = 50083;
pub const THREAD_LOCKED: i64 = 160005;
/// "A thread has already been created for this message".
pub const THREAD_EXISTS: i64 = 160004;
/// Discord's JSON error code for "Unknown Message" (already deleted).
pub const UNKNOWN_MESSAGE: i64 = 10008;

/// Messages a channel takes per window when its bucket is not known (Discord: 5 per 5 s).
pub const CHANNEL_POSTS: u16 = 5;

/// A minimal Discord REST client for the routes deliveries use.
#[derive(Clone)]
pub struct Rest {
    client: reqwest::Client,
    base: String,
    auth: String,
    limiter: RateLimiter,
}

impl std::fmt::Debug for Rest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rest").field("base", &self.base).finish()
    }
}

impl Rest {
    /// A client keeping to `global_limit` requests a second over every route.
    pub fn new(api_base: &str, token: &Secret, global_limit: u16) -> anyhow::Result<Rest> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "DiscordBot (https://github.com/promeneurs-du-net/promeneur, ",
                env!("CARGO_PKG_VERSION"),
                ")"
            ))
            .timeout(Duration::from_secs(10))
            .build()?;
        Ok(Rest {
            client,
            base: format!("{}/api/v10", api_base.trim_end_matches('/')),
            auth: format!("Bot {}", token.expose()),
            limiter: RateLimiter::new(global_limit.max(1)),
        })
    }

    /// POST /channels/{channel}/messages; returns the new message's id.
    pub async fn create_message(
        &self,
        channel: u64,
        body: &impl Serialize,
    ) -> Result<u64, RestError> {
        let v = self
            .send(
                reqwest::Method::POST,
                &format!("/channels/{channel}/messages"),
                Some(body),
            )
            .await?;
        id_of(&v)
    }

    /// PATCH /channels/{channel}/messages/{message}.
    pub async fn edit_message(
        &self,
        channel: u64,
        message: u64,
        body: &impl Serialize,
    ) -> Result<(), RestError> {
        self.send(
            reqwest::Method::PATCH,
            &format!("/channels/{channel}/messages/{message}"),
            Some(body),
        )
        .await
        .map(|_| ())
    }

    /// POST /channels/{channel}/messages/{message}/threads: a public thread on a message;
    /// returns the thread's id (Discord gives it the message's id).
    pub async fn start_thread(
        &self,
        channel: u64,
        message: u64,
        name: &str,
    ) -> Result<u64, RestError> {
        // A week: a question's thread stays in the channel's list while it is answered.
        let body = serde_json::json!({ "name": name, "auto_archive_duration": 10080 });
        let v = self
            .send(
                reqwest::Method::POST,
                &format!("/channels/{channel}/messages/{message}/threads"),
                Some(&body),
            )
            .await?;
        id_of(&v)
    }

    /// POST /guilds/{guild}/scheduled-events; returns the new event's id.
    pub async fn create_scheduled_event(
        &self,
        guild: u64,
        body: &impl Serialize,
    ) -> Result<u64, RestError> {
        let v = self
            .send(
                reqwest::Method::POST,
                &format!("/guilds/{guild}/scheduled-events"),
                Some(body),
            )
            .await?;
        id_of(&v)
    }

    /// DELETE /guilds/{guild}/scheduled-events/{event}.
    pub async fn delete_scheduled_event(&self, guild: u64, event: u64) -> Result<(), RestError> {
        self.send(
            reqwest::Method::DELETE,
            &format!("/guilds/{guild}/scheduled-events/{event}"),
            None::<&()>,
        )
        .await
        .map(|_| ())
    }

    /// DELETE /channels/{channel}/messages/{message}; a message already gone counts as deleted.
    pub async fn delete_message(&self, channel: u64, message: u64) -> Result<(), RestError> {
        let done = self
            .send(
                reqwest::Method::DELETE,
                &format!("/channels/{channel}/messages/{message}"),
                None::<&()>,
            )
            .await;
        match done {
            Err(RestError::Refused { code, .. }) if code == UNKNOWN_MESSAGE => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// POST /users/@me/channels: the DM channel with `user`.
    pub async fn dm_channel(&self, user: u64) -> Result<u64, RestError> {
        let body = serde_json::json!({ "recipient_id": user.to_string() });
        let v = self
            .send(reqwest::Method::POST, "/users/@me/channels", Some(&body))
            .await?;
        id_of(&v)
    }

    /// How many messages `channel`'s bucket lets the bot post now without waiting. The
    /// ratelimiter forgets a bucket's state once it resets: the bucket is then full, and when
    /// it was never seen, Discord's usual limit for a channel's messages is assumed.
    pub async fn post_room(&self, channel: u64) -> u16 {
        let endpoint = Endpoint {
            method: Method::Post,
            path: format!("channels/{channel}/messages"),
        };
        match self.limiter.bucket(endpoint).await {
            Some(b) if b.reset_at > Instant::now() => b.remaining,
            Some(b) => b.limit,
            None => CHANNEL_POSTS,
        }
    }

    /// POST /channels/{channel}/messages with files: a multipart body whose `payload_json` is
    /// `body` with an `attachments` entry per file (ids as snowflake strings, as Discord's API
    /// schema asks) and whose `files[n]` parts carry the bytes. Returns the new message's id.
    pub async fn create_message_with_files(
        &self,
        channel: u64,
        body: &impl Serialize,
        files: &[CreateAttachment],
    ) -> Result<u64, RestError> {
        let mut json = serde_json::to_value(body)
            .map_err(|e| RestError::Transient(format!("the message does not serialize: {e}")))?;
        let described: Vec<Value> = files
            .iter()
            .enumerate()
            .map(|(i, f)| serde_json::json!({ "id": i.to_string(), "filename": f.filename }))
            .collect();
        if let Some(map) = json.as_object_mut() {
            map.insert("attachments".into(), Value::Array(described));
        }
        let payload = json.to_string();
        let v = self
            .send_built(
                reqwest::Method::POST,
                &format!("/channels/{channel}/messages"),
                move |request| {
                    let mut form = Form::new().part(
                        "payload_json",
                        Part::text(payload)
                            .mime_str("application/json")
                            .expect("application/json is a valid MIME type"),
                    );
                    for (i, f) in files.iter().enumerate() {
                        let part = Part::bytes(f.data.clone())
                            .file_name(f.filename.clone())
                            .mime_str(mime_of(&f.filename))
                            .expect("the MIME types of mime_of are valid");
                        form = form.part(format!("files[{i}]"), part);
                    }
                    request.multipart(form)
                },
            )
            .await?;
        id_of(&v)
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Value, RestError> {
        self.send_built(method, path, |request| match body {
            Some(body) => request.json(body),
            None => request,
        })
        .await
    }

    /// Sends a request whose body `with_body` adds, once the route's bucket has room.
    async fn send_built(
        &self,
        method: reqwest::Method,
        path: &str,
        with_body: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    ) -> Result<Value, RestError> {
        let endpoint = Endpoint {
            method: limiter_method(&method),
            path: limiter_path(path),
        };
        // Only take a permit when the bucket has room: waiting here would hold the worker
        // behind one destination while graver effects for others are due.
        let permit = self
            .limiter
            .acquire_if(endpoint.clone(), |bucket| {
                bucket.is_none_or(|b| b.remaining > 0 || b.reset_at <= Instant::now())
            })
            .await;
        let Some(permit) = permit else {
            let wait = self
                .limiter
                .bucket(endpoint)
                .await
                .map(|b| b.reset_at.saturating_duration_since(Instant::now()))
                .unwrap_or(Duration::from_millis(250));
            return Err(RestError::RateLimited(wait.max(Duration::from_millis(10))));
        };
        let request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .header(reqwest::header::AUTHORIZATION, &self.auth);
        let sent = with_body(request).send().await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => {
                drop(permit); // no answer: the permit is given back
                crate::metrics::delivery_error(None);
                return Err(RestError::Transient(format!("request failed: {e}")));
            }
        };
        permit.complete(bucket_headers(&resp));
        let status = resp.status();
        let retry_header = header_secs(&resp, "retry-after")
            .or_else(|| header_secs(&resp, "x-ratelimit-reset-after"));
        let text = resp.text().await.unwrap_or_default();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if status.is_success() {
            return Ok(json);
        }
        crate::metrics::delivery_error(Some(status.as_u16()));
        if status.as_u16() == 429 {
            let secs = json
                .get("retry_after")
                .and_then(Value::as_f64)
                .or(retry_header)
                .unwrap_or(1.0);
            return Err(RestError::RateLimited(Duration::from_secs_f64(
                secs.clamp(0.0, 3600.0),
            )));
        }
        if status.is_server_error() {
            return Err(RestError::Transient(format!("Discord answered {status}")));
        }
        Err(RestError::Refused {
            status: status.as_u16(),
            code: json.get("code").and_then(Value::as_i64).unwrap_or(0),
            message: json
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("")
                .chars()
                .take(200)
                .collect(),
        })
    }
}

/// The path the ratelimiter keys a route by. Discord shares a bucket across a route's minor
/// parameters (`PATCH /channels/1/messages/{any message}` is one bucket), but the ratelimiter
/// learns buckets per exact path: without this, the first edit of each new message would be
/// sent blind, and a flood of alerts edited in place would knock at a spent bucket.
fn limiter_path(path: &str) -> String {
    let path = path.trim_start_matches('/');
    let mut out = Vec::new();
    let mut after_messages = false;
    for segment in path.split('/') {
        if after_messages && segment.bytes().all(|b| b.is_ascii_digit()) && !segment.is_empty() {
            out.push("0");
        } else {
            out.push(segment);
        }
        after_messages = segment == "messages";
    }
    out.join("/")
}

fn limiter_method(method: &reqwest::Method) -> Method {
    match *method {
        reqwest::Method::GET => Method::Get,
        reqwest::Method::PATCH => Method::Patch,
        reqwest::Method::PUT => Method::Put,
        reqwest::Method::DELETE => Method::Delete,
        _ => Method::Post,
    }
}

/// The bucket state an answer reports (`X-RateLimit-Bucket`, `-Limit`, `-Remaining`,
/// `-Reset-After`); `None` when it carries none (an unlimited route, a global 429).
fn bucket_headers(resp: &reqwest::Response) -> Option<RateLimitHeaders> {
    let text = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok());
    let number = |name: &str| text(name).and_then(|v| v.parse::<u16>().ok());
    let global = text("x-ratelimit-global").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if global {
        return None;
    }
    let reset_after = header_secs(resp, RateLimitHeaders::RESET_AFTER)?;
    Some(RateLimitHeaders {
        bucket: text(RateLimitHeaders::BUCKET)?.as_bytes().to_vec(),
        limit: number(RateLimitHeaders::LIMIT)?,
        remaining: number(RateLimitHeaders::REMAINING)?,
        reset_at: Instant::now() + Duration::from_secs_f64(reset_after.clamp(0.0, 3600.0)),
    })
}

fn header_secs(resp: &reqwest::Response, name: &str) -> Option<f64> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
}

/// The MIME type of an attached file, by its extension.
fn mime_of(filename: &str) -> &'static str {
    match filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
    {
        Some(ext) if ext == "png" => "image/png",
        Some(ext) if ext == "json" => "application/json",
        Some(ext) if ext == "csv" => "text/csv",
        _ => "application/octet-stream",
    }
}

fn id_of(v: &Value) -> Result<u64, RestError> {
    v.get("id")
        .and_then(Value::as_str)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| RestError::Transient("Discord's answer has no id".into()))
}

#[cfg(test)]
mod tests {
    use super::limiter_path;

    #[test]
    fn a_routes_minor_parameters_share_its_bucket() {
        assert_eq!(
            limiter_path("/channels/12/messages/34"),
            "channels/12/messages/0"
        );
        assert_eq!(
            limiter_path("/channels/12/messages/34/threads"),
            "channels/12/messages/0/threads"
        );
        assert_eq!(
            limiter_path("/channels/12/messages"),
            "channels/12/messages"
        );
        assert_eq!(limiter_path("/users/@me/channels"), "users/@me/channels");
    }
}
