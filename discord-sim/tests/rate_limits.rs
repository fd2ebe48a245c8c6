//! Discord's REST rate limits as the sim emulates them when switched on, checked with plain HTTP.

mod common;

use std::time::Duration;

use common::send;
use discord_sim::{RateLimits, SimHandle};
use futures_util::future::join_all;
use reqwest::header::HeaderMap;
use serde_json::{json, Value};

const MESSAGES: &str = "POST /channels/{channel_id}/messages";

async fn post(sim: &SimHandle, channel: u64, content: &str) -> (u16, HeaderMap, Value) {
    send(
        sim,
        "POST",
        &format!("/channels/{channel}/messages"),
        Some(json!({"content": content})),
    )
    .await
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header in {headers:?}"))
        .to_str()
        .expect("an ASCII header")
}

fn seconds(headers: &HeaderMap, name: &str) -> f64 {
    header(headers, name).parse().expect("seconds")
}

#[tokio::test]
async fn the_sixth_message_to_a_channel_within_five_seconds_is_refused_with_discords_headers() {
    let sim = common::sim().await;
    sim.emulate_rate_limits(RateLimits::discord());
    let channel = sim.channel_id("#discussion").expect("channel");
    let mut buckets = Vec::new();
    for (i, expected_remaining) in ["4", "3", "2", "1", "0"].into_iter().enumerate() {
        let (status, headers, _) = post(&sim, channel, &format!("m{i}")).await;
        assert_eq!(status, 200, "post {i}");
        assert_eq!(header(&headers, "x-ratelimit-limit"), "5");
        assert_eq!(
            header(&headers, "x-ratelimit-remaining"),
            expected_remaining
        );
        let reset_after = seconds(&headers, "x-ratelimit-reset-after");
        assert!(reset_after > 0.0 && reset_after <= 5.0, "{reset_after}");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs_f64();
        let reset = seconds(&headers, "x-ratelimit-reset");
        assert!(
            (reset - (now + reset_after)).abs() < 1.0,
            "{reset} vs {now}"
        );
        buckets.push(header(&headers, "x-ratelimit-bucket").to_string());
    }
    let (status, headers, body) = post(&sim, channel, "m5").await;
    assert_eq!(status, 429);
    assert_eq!(body["message"], "You are being rate limited.");
    assert_eq!(
        (body["global"].clone(), body["code"].clone()),
        (json!(false), json!(0))
    );
    let retry_after = body["retry_after"].as_f64().expect("a float");
    assert!(retry_after > 0.0 && retry_after <= 5.0, "{retry_after}");
    assert!(
        header(&headers, "retry-after")
            .parse::<u64>()
            .expect("seconds")
            <= 5
    );
    assert_eq!(header(&headers, "x-ratelimit-remaining"), "0");
    assert_eq!(header(&headers, "x-ratelimit-scope"), "user");
    assert!(!headers.contains_key("x-ratelimit-global"));
    buckets.push(header(&headers, "x-ratelimit-bucket").to_string());
    assert!(buckets.iter().all(|b| *b == buckets[0]), "{buckets:?}");
    assert_eq!(sim.messages("#discussion").expect("messages").len(), 5);

    let stats = sim.rate_limit_stats();
    assert_eq!((stats.rejected, stats.rejected_global), (1, 0));
    assert_eq!(stats.rejected_by_route[MESSAGES], 1);
    assert_eq!(stats.requests_by_bucket[MESSAGES], 5);
    let (status, headers, _) = send(&sim, "GET", "/users/@me", None).await;
    assert_eq!(status, 200);
    assert!(
        !headers.contains_key("x-ratelimit-bucket"),
        "a route without a bucket in the preset is only under the global limit"
    );
}

#[tokio::test]
async fn after_the_reset_posting_works_again_and_a_refused_post_had_no_effect() {
    let sim = common::sim().await;
    let window = Duration::from_millis(300);
    sim.emulate_rate_limits(RateLimits::off().route(MESSAGES, 2, window));
    let channel = sim.channel_id("#discussion").expect("channel");
    let started = std::time::Instant::now();
    assert_eq!(post(&sim, channel, "a").await.0, 200);
    assert_eq!(post(&sim, channel, "b").await.0, 200);
    let (status, _, body) = post(&sim, channel, "refused").await;
    // On a machine too slow to post three times within 300 ms the window has reset already.
    if started.elapsed() < window {
        assert_eq!(status, 429);
        assert!(body["retry_after"].as_f64().expect("a float") <= 0.3);
        let contents: Vec<String> = sim
            .messages("#discussion")
            .expect("messages")
            .into_iter()
            .map(|m| m.content)
            .collect();
        assert_eq!(contents, ["a", "b"], "the refused post was not performed");
    }
    tokio::time::sleep(window).await;
    let (status, headers, _) = post(&sim, channel, "c").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "x-ratelimit-remaining"), "1");
    assert_eq!(header(&headers, "x-ratelimit-limit"), "2");
    assert!(seconds(&headers, "x-ratelimit-reset-after") <= 0.3);
}

#[tokio::test]
async fn two_channels_have_separate_counters_but_the_same_bucket_id() {
    let sim = common::sim().await;
    sim.emulate_rate_limits(RateLimits::discord());
    let discussion = sim.channel_id("#discussion").expect("channel");
    let terrasse = sim.create_text_channel("terrasse").expect("created");
    let mut last = None;
    for i in 0..5 {
        let (status, headers, body) = post(&sim, discussion, &format!("m{i}")).await;
        assert_eq!(status, 200);
        last = Some((headers, body));
    }
    let (first_headers, last_message) = last.expect("five posts");
    assert_eq!(post(&sim, discussion, "too many").await.0, 429);
    let (status, headers, _) = post(&sim, terrasse, "ailleurs").await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "x-ratelimit-remaining"), "4");
    assert_eq!(
        header(&headers, "x-ratelimit-bucket"),
        header(&first_headers, "x-ratelimit-bucket")
    );

    // Editing a message is its own bucket, not spent by the posts.
    let message = last_message["id"].as_str().expect("an id").to_string();
    let (status, headers, _) = send(
        &sim,
        "PATCH",
        &format!("/channels/{discussion}/messages/{message}"),
        Some(json!({"content": "edited"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "x-ratelimit-remaining"), "4");
    assert_ne!(
        header(&headers, "x-ratelimit-bucket"),
        header(&first_headers, "x-ratelimit-bucket")
    );
}

#[tokio::test]
async fn the_global_limit_refuses_the_51st_request_of_a_burst_over_many_channels_but_not_interaction_callbacks(
) {
    let sim = common::sim().await;
    let app = sim.application_id();
    let (status, _, _) = send(
        &sim,
        "PUT",
        &format!("/applications/{app}/commands"),
        Some(json!([{"name": "ping", "description": "Ping"}])),
    )
    .await;
    assert_eq!(status, 200);
    let channels: Vec<u64> = (0..11)
        .map(|i| {
            sim.create_text_channel(&format!("salon-{i}"))
                .expect("created")
        })
        .collect();
    let interactions: Vec<_> = (0..3)
        .map(|_| {
            sim.user("karim")
                .slash("#discussion", "/ping")
                .expect("valid")
        })
        .collect();
    // Discord's 50 per second, over a longer window so that a slow machine still sends the
    // burst within one window.
    sim.emulate_rate_limits(RateLimits::discord().global(50, Duration::from_secs(10)));

    let callback = |i: usize| {
        let ix = &interactions[i];
        let path = format!("/interactions/{}/{}/callback", ix.id, ix.token);
        let sim = sim.clone();
        async move {
            let answer = json!({"type": 4, "data": {"content": "pong"}});
            send(&sim, "POST", &path, Some(answer)).await.0
        }
    };
    // 50 posts spread over 10 channels (5 each: no bucket is exhausted) and two callbacks.
    let posts = (0..50).map(|i| {
        let sim = sim.clone();
        let channel = channels[i % 10];
        async move { post(&sim, channel, &format!("m{i}")).await.0 }
    });
    let (statuses, callbacks) = tokio::join!(join_all(posts), join_all([callback(0), callback(1)]));
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(callbacks, [204, 204]);

    let (status, headers, body) = post(&sim, channels[10], "the 51st").await;
    assert_eq!(status, 429);
    assert_eq!(
        (body["global"].clone(), body["code"].clone()),
        (json!(true), json!(0))
    );
    assert!(body["retry_after"].as_f64().expect("a float") <= 10.0);
    assert_eq!(header(&headers, "x-ratelimit-global"), "true");
    assert_eq!(header(&headers, "x-ratelimit-scope"), "global");
    assert!(headers.contains_key("retry-after"));
    assert_eq!(
        header(&headers, "x-ratelimit-remaining"),
        "5",
        "the refused request did not count against its bucket"
    );
    assert_eq!(sim.messages("#salon-10").expect("messages").len(), 0);

    assert_eq!(callback(2).await, 204, "interaction callbacks are exempt");
    let followup = format!("/webhooks/{app}/{}", interactions[2].token);
    let (status, _, _) = send(&sim, "POST", &followup, Some(json!({"content": "suite"}))).await;
    assert_eq!(status, 200, "webhook follow-ups are exempt");

    let stats = sim.rate_limit_stats();
    assert_eq!((stats.rejected, stats.rejected_global), (1, 1));
    assert_eq!(stats.requests_by_bucket[MESSAGES], 50);
}

#[tokio::test]
async fn with_limits_off_a_burst_of_twenty_posts_all_succeed_without_rate_limit_headers() {
    let sim = common::sim().await;
    let channel = sim.channel_id("#discussion").expect("channel");
    for i in 0..20 {
        let (status, headers, _) = post(&sim, channel, &format!("m{i}")).await;
        assert_eq!(status, 200);
        assert!(!headers.contains_key("x-ratelimit-bucket"));
    }
    sim.emulate_rate_limits(RateLimits::discord());
    sim.emulate_rate_limits(RateLimits::off());
    for i in 20..40 {
        assert_eq!(post(&sim, channel, &format!("m{i}")).await.0, 200);
    }
    assert_eq!(sim.rate_limit_stats(), Default::default());
}
