//! What every REST request goes through before its handler: authentication, body parsing (JSON or
//! multipart with `payload_json`), recording, OpenAPI validation, faults (latency, 429, 5xx), the
//! emulated rate limits (429 or the `X-RateLimit-*` headers); and the 404 for routes Discord does
//! not have, recorded as unexpected.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::{FromRequest, MatchedPath, Multipart, Request, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::faults::Rejection;
use crate::ratelimits::{Admission, BucketHeaders};
use crate::record::{RecordedCall, Violation};
use crate::server::Shared;

const API_PREFIX: &str = "/api/v10";
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A file part of a multipart request.
#[derive(Debug, Clone)]
pub(crate) struct UploadedFile {
    pub(crate) filename: String,
    pub(crate) content_type: Option<String>,
    pub(crate) size: usize,
    /// The file's bytes, kept so tests can read what the bot uploaded.
    pub(crate) data: Bytes,
}

/// The parsed request body handlers receive: JSON (`Null` when none) and any files.
#[derive(Debug, Clone, Default)]
pub(crate) struct Payload {
    pub(crate) json: Value,
    pub(crate) files: Vec<UploadedFile>,
}

pub(crate) async fn pipeline(
    State(shared): State<Arc<Shared>>,
    matched: Option<MatchedPath>,
    request: Request,
    next: Next,
) -> Response {
    let arrived = std::time::Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path();
    let path = path.strip_prefix(API_PREFIX).unwrap_or(path).to_string();
    let query = request.uri().query().map(str::to_string);
    let route = matched.map(|m| {
        let template = m.as_str();
        template
            .strip_prefix(API_PREFIX)
            .unwrap_or(template)
            .to_string()
    });
    let authorized = is_authorized(&shared, request.headers(), &path);
    let (mut parts, body) = request.into_parts();
    let payload = match read_payload(&parts.headers, body).await {
        Ok(payload) => payload,
        Err(response) => return response,
    };
    let call = RecordedCall {
        method: method.clone(),
        path: path.clone(),
        route: route.clone(),
        query,
        body: (!payload.json.is_null()).then(|| payload.json.clone()),
        files: payload.files.iter().map(|f| f.filename.clone()).collect(),
        status: 0,
        at: arrived,
    };
    let index = shared.mutate(|state| {
        state.record.calls.push(call);
        state.record.calls.len() - 1
    });
    let response = match (&route, authorized) {
        (None, _) => {
            eprintln!("discord-sim: unexpected request {method} {path}");
            ApiError::not_found_route().into_response()
        }
        (Some(_), false) => ApiError::unauthorized().into_response(),
        (Some(route), true) => {
            validate(&shared, &method, route, &payload.json);
            let verdict = shared.state.lock().faults.check(&method, &path);
            if !verdict.delay.is_zero() {
                tokio::time::sleep(verdict.delay).await;
            }
            let outcome = match verdict.rejection {
                Some(rejection) => Err(rejected(rejection, route)),
                None => {
                    let admission = shared.state.lock().rate_limits.admit(&method, route, &path);
                    match admission {
                        Admission::Admitted(bucket) => Ok(bucket),
                        Admission::Refused {
                            retry_after,
                            global,
                            bucket,
                        } => Err(rate_limited(retry_after, global, bucket.as_ref())),
                    }
                }
            };
            match outcome {
                Err(refusal) => refusal,
                Ok(bucket) => {
                    parts.extensions.insert(payload);
                    let mut response = next.run(Request::from_parts(parts, Body::empty())).await;
                    if let Some(bucket) = &bucket {
                        insert_bucket_headers(response.headers_mut(), bucket);
                    }
                    response
                }
            }
        }
    };
    let status = response.status().as_u16();
    let global = response.headers().contains_key("x-ratelimit-global");
    shared.mutate(|state| {
        if let Some(call) = state.record.calls.get_mut(index) {
            call.status = status;
        }
        if let (429, Some(route)) = (status, &route) {
            let key = format!("{method} {route}");
            state.rate_limits.count_rejection(&key, global);
        }
    });
    response
}

/// The bot token is required everywhere but on interaction and webhook-token routes.
fn is_authorized(shared: &Shared, headers: &HeaderMap, path: &str) -> bool {
    if path.starts_with("/interactions/") || path.starts_with("/webhooks/") {
        return true;
    }
    let expected = format!("Bot {}", shared.state.lock().bot.token);
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|sent| sent == expected)
}

async fn read_payload(headers: &HeaderMap, body: Body) -> Result<Payload, Response> {
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::invalid_body("unreadable body").into_response())?;
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("multipart/form-data") {
        return read_multipart(&content_type, bytes).await;
    }
    if bytes.is_empty() {
        return Ok(Payload::default());
    }
    let json = serde_json::from_slice(&bytes).map_err(|_| {
        let body = json!({"message": "The request body contains invalid JSON.", "code": 50109});
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    })?;
    Ok(Payload {
        json,
        files: Vec::new(),
    })
}

async fn read_multipart(content_type: &str, bytes: Bytes) -> Result<Payload, Response> {
    let bad = |what: &str| ApiError::invalid_body(what).into_response();
    let request = Request::builder()
        .header(CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .map_err(|_| bad("multipart request"))?;
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|_| bad("multipart body"))?;
    let mut payload = Payload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("multipart field"))?
    {
        let name = field.name().unwrap_or("").to_string();
        let filename = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(str::to_string);
        let data = field
            .bytes()
            .await
            .map_err(|_| bad("multipart field body"))?;
        if name == "payload_json" {
            payload.json = serde_json::from_slice(&data).map_err(|_| bad("payload_json"))?;
        } else {
            payload.files.push(UploadedFile {
                filename: filename.unwrap_or_else(|| name.clone()),
                content_type,
                size: data.len(),
                data,
            });
        }
    }
    Ok(payload)
}

fn validate(shared: &Shared, method: &str, route: &str, body: &Value) {
    let Some(openapi) = &shared.openapi else {
        return;
    };
    if body.is_null() {
        return;
    }
    if let Err(errors) = openapi.validate(method, route, body) {
        let violation = Violation {
            method: method.to_string(),
            route: route.to_string(),
            body: body.clone(),
            errors,
        };
        eprintln!("discord-sim: {violation}");
        shared.mutate(|state| state.record.violations.push(violation));
    }
}

fn rejected(rejection: Rejection, route: &str) -> Response {
    match rejection {
        Rejection::RateLimited {
            retry_after,
            global,
        } => {
            // The fault's bucket: the headers a 429 from an exhausted 5-request bucket carries.
            let bucket = BucketHeaders {
                limit: 5,
                remaining: 0,
                reset_after: retry_after,
                bucket: format!(
                    "sim-{:x}",
                    route
                        .bytes()
                        .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
                ),
            };
            rate_limited(retry_after, global, Some(&bucket))
        }
        Rejection::Status(500) => {
            let body = json!({"message": "500: Internal Server Error", "code": 0});
            (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response()
        }
        Rejection::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
            // Discord's edge answers 502/503/504 with an HTML page, not JSON.
            let page = format!("<html><body><h1>{status}</h1></body></html>");
            (status, [(CONTENT_TYPE, "text/html")], page).into_response()
        }
    }
}

/// Discord's 429: the JSON body, `Retry-After`, the scope (and `X-RateLimit-Global` for the
/// global limit) and the bucket's `X-RateLimit-*` headers when the route has a bucket.
fn rate_limited(retry_after: Duration, global: bool, bucket: Option<&BucketHeaders>) -> Response {
    let seconds = retry_after.as_secs_f64();
    let body = json!({"message": "You are being rate limited.", "retry_after": seconds, "global": global, "code": 0});
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let headers = response.headers_mut();
    if let Some(bucket) = bucket {
        insert_bucket_headers(headers, bucket);
    }
    let scope = if global { "global" } else { "user" };
    insert(
        headers,
        "retry-after",
        &format!("{}", seconds.ceil() as u64),
    );
    insert(headers, "x-ratelimit-scope", scope);
    if global {
        insert(headers, "x-ratelimit-global", "true");
    }
    response
}

/// `X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds), `-Reset-After` and `-Bucket`.
fn insert_bucket_headers(headers: &mut HeaderMap, bucket: &BucketHeaders) {
    let reset_after = bucket.reset_after.as_secs_f64();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    insert(headers, "x-ratelimit-limit", &bucket.limit.to_string());
    insert(
        headers,
        "x-ratelimit-remaining",
        &bucket.remaining.to_string(),
    );
    insert(
        headers,
        "x-ratelimit-reset",
        &format!("{:.3}", now + reset_after),
    );
    insert(
        headers,
        "x-ratelimit-reset-after",
        &format!("{reset_after:.3}"),
    );
    insert(headers, "x-ratelimit-bucket", &bucket.bucket);
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}
