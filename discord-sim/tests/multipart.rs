//! A message with files is a multipart body; its `payload_json` is checked against Discord's
//! OpenAPI spec like any JSON body, and the files are kept for the test to read.

mod common;

use serde_json::json;
use serenity::all::{ChannelId, CreateAttachment, HttpBuilder};

#[tokio::test]
async fn a_multipart_messages_payload_json_is_validated_against_the_spec() {
    if std::env::var_os("DISCORD_OPENAPI_SPEC").is_none() {
        eprintln!("skipped: DISCORD_OPENAPI_SPEC is not set");
        return;
    }
    let sim = common::sim().await;
    let http = HttpBuilder::new(sim.token())
        .proxy(sim.api_base())
        .ratelimiter_disabled(true)
        .build();
    let channel = ChannelId::new(sim.channel_id("#discussion").expect("channel"));
    let file = || {
        vec![CreateAttachment::bytes(
            b"\x89PNG\r\n\x1a\n".to_vec(),
            "chart.png",
        )]
    };
    let valid = json!({
        "content": "bilan",
        "attachments": [{ "id": "0", "filename": "chart.png" }],
    });
    http.send_message(channel, file(), &valid)
        .await
        .expect("posted");
    sim.assert_no_violations();
    let upload = sim.uploads().pop().expect("the file is kept");
    assert_eq!(
        (upload.filename.as_str(), &upload.data[..4]),
        ("chart.png", &b"\x89PNG"[..])
    );
    // An attachment id must be a snowflake string: a number is what the spec refuses.
    let numeric_id = json!({
        "content": "bilan",
        "attachments": [{ "id": 0, "filename": "chart.png" }],
    });
    let _ = http.send_message(channel, file(), &numeric_id).await;
    let violations = sim.violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert_eq!(violations[0].route, "/channels/{channel_id}/messages");
}
