//! The `promeneur` binary's contracts: check-config, broken configurations, run without a token.

use crate::support::{promeneur_bin as promeneur, stdout_of};

#[test]
fn the_example_configuration_is_valid() {
    let out = stdout_of(promeneur().args(["check-config", "--config"]).arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/promeneur.example.toml"
    )));
    assert!(String::from_utf8_lossy(&out).contains("configuration OK"));
}

#[test]
fn a_broken_configuration_stops_check_config_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "[[guilds]]\nid = 1\nalert_channel = 2\npromeneur_role = 3\ntimezone = \"Mars/Olympus\"\n",
    )
    .unwrap();
    let out = promeneur()
        .arg("check-config")
        .arg("--config")
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("guilds[0].timezone"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
}

#[test]
fn run_without_a_token_exits_at_once_saying_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = promeneur()
        .current_dir(dir.path())
        .arg("run")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("DISCORD_TOKEN"), "{err}");
}

#[test]
fn the_token_never_appears_in_error_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = promeneur()
        .current_dir(dir.path())
        .env("DISCORD_TOKEN", "very-secret-token-value")
        .env("PROMENEUR_PSEUDONYM_KEY", "short")
        .arg("run")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(all.contains("PROMENEUR_PSEUDONYM_KEY"), "{all}");
    assert!(!all.contains("very-secret-token-value"));
}

#[test]
fn migrate_creates_a_fresh_sqlite_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    stdout_of(
        promeneur()
            .current_dir(dir.path())
            .env("DATABASE_URL", format!("sqlite://{}", db.display()))
            .arg("migrate"),
    );
    assert!(db.exists());
}
