//! REST faults on demand: rate limits (429 with Discord's body and headers), server errors and
//! added latency, each on a route pattern, for a number of requests or a time window.
//!
//! A pattern is `[METHOD ]/path` where a segment `*` or `{name}` matches any one segment and a
//! trailing `**` matches the rest; `*` alone matches every route.
//! Examples: `POST /channels/*/messages`, `/interactions/**`.

use std::time::{Duration, Instant};

/// How long a fault lasts.
#[derive(Debug, Clone, Copy)]
pub enum FaultWindow {
    /// For the next N matching requests.
    Times(u32),
    /// For every matching request during this time.
    For(Duration),
}

#[derive(Debug, Clone)]
pub(crate) enum FaultKind {
    RateLimit { retry_after: Duration, global: bool },
    Status(u16),
    Latency(Duration),
}

#[derive(Debug, Clone)]
struct Rule {
    method: Option<String>,
    segments: Vec<String>,
    kind: FaultKind,
    remaining: Option<u32>,
    until: Option<Instant>,
}

/// A refusal the pipeline sends instead of calling the handler.
#[derive(Debug, Clone)]
pub(crate) enum Rejection {
    RateLimited { retry_after: Duration, global: bool },
    Status(u16),
}

/// What the faults say about one request.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    pub(crate) delay: Duration,
    pub(crate) rejection: Option<Rejection>,
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<Rule>,
}

impl Faults {
    pub(crate) fn add(&mut self, pattern: &str, kind: FaultKind, window: Option<FaultWindow>) {
        let (method, path) = match pattern.trim().split_once(' ') {
            Some((method, path)) => (Some(method.to_ascii_uppercase()), path.trim()),
            None => (None, pattern.trim()),
        };
        let (remaining, until) = match window {
            Some(FaultWindow::Times(n)) => (Some(n), None),
            Some(FaultWindow::For(time)) => (None, Some(Instant::now() + time)),
            None => (None, None),
        };
        self.rules.push(Rule {
            method,
            segments: segments(path.strip_prefix("/api/v10").unwrap_or(path)),
            kind,
            remaining,
            until,
        });
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    /// Applies the matching rules to one request (consuming counted ones).
    pub(crate) fn check(&mut self, method: &str, path: &str) -> Verdict {
        let now = Instant::now();
        self.rules
            .retain(|r| r.remaining != Some(0) && r.until.is_none_or(|t| t > now));
        let path = segments(path);
        let mut verdict = Verdict::default();
        for rule in &mut self.rules {
            let method_matches = rule.method.as_deref().is_none_or(|m| m == method);
            if !method_matches || !path_matches(&rule.segments, &path) {
                continue;
            }
            match &rule.kind {
                FaultKind::Latency(delay) => verdict.delay += *delay,
                FaultKind::RateLimit { .. } | FaultKind::Status(_)
                    if verdict.rejection.is_some() =>
                {
                    continue
                }
                FaultKind::RateLimit {
                    retry_after,
                    global,
                } => {
                    verdict.rejection = Some(Rejection::RateLimited {
                        retry_after: *retry_after,
                        global: *global,
                    });
                }
                FaultKind::Status(status) => verdict.rejection = Some(Rejection::Status(*status)),
            }
            if let Some(remaining) = &mut rule.remaining {
                *remaining = remaining.saturating_sub(1);
            }
        }
        verdict
    }
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn path_matches(pattern: &[String], path: &[String]) -> bool {
    if pattern.len() == 1 && pattern[0] == "*" {
        return true;
    }
    for (index, wanted) in pattern.iter().enumerate() {
        if wanted == "**" {
            return true;
        }
        let Some(actual) = path.get(index) else {
            return false;
        };
        let wildcard = wanted == "*" || (wanted.starts_with('{') && wanted.ends_with('}'));
        if !wildcard && wanted != actual {
            return false;
        }
    }
    pattern.len() == path.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_fault_stops_after_n_requests() {
        let mut faults = Faults::default();
        faults.add(
            "POST /channels/*/messages",
            FaultKind::Status(500),
            Some(FaultWindow::Times(2)),
        );
        let hits: Vec<bool> = (0..3)
            .map(|_| {
                faults
                    .check("POST", "/channels/1/messages")
                    .rejection
                    .is_some()
            })
            .collect();
        assert_eq!(hits, [true, true, false]);
    }

    #[test]
    fn patterns_match_templates_wildcards_and_methods() {
        let mut faults = Faults::default();
        faults.add(
            "/channels/{channel_id}/messages",
            FaultKind::Status(502),
            None,
        );
        faults.add("/interactions/**", FaultKind::Status(500), None);
        assert!(faults
            .check("GET", "/channels/9/messages")
            .rejection
            .is_some());
        assert!(faults.check("GET", "/channels/9").rejection.is_none());
        assert!(faults
            .check("POST", "/interactions/1/t/callback")
            .rejection
            .is_some());
        faults.clear();
        faults.add("DELETE /channels/*", FaultKind::Status(500), None);
        assert!(faults.check("GET", "/channels/9").rejection.is_none());
    }
}
