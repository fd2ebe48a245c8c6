//! The configuration's tests: every key, its default and its errors.

use super::*;
use crate::domain::helpline::DEFAULT_TIME_ZONE;
use crate::prompts::Lang;

const GOOD: &str = r#"
[[guilds]]
id = 111111111111111111
alert_channel = "222222222222222222"
promeneur_role = 333333333333333333
watched_channels = "all"
"#;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml_str(text, "test.toml", &Env::default())
}

#[test]
fn a_minimal_guild_gets_the_documented_defaults() {
    let c = parse(GOOD).expect("valid");
    assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
    assert_eq!(c.api_base, DEFAULT_API_BASE);
    let g = &c.guilds[0];
    assert_eq!(g.tz, DEFAULT_TIME_ZONE);
    assert_eq!(g.language, Lang::Fr);
    assert_eq!(c.alerts.escalation.critical, Some(Duration::from_secs(300)));
    assert_eq!(c.alerts.escalation.low, None);
    assert_eq!(g.alert_channel, Snowflake(222222222222222222));
}

#[test]
fn environment_overrides_the_file() {
    let env = Env {
        discord_token: Some("abc.def".into()),
        database_url: Some("postgres://db/x".into()),
        discord_api_base: Some("http://127.0.0.1:9/".into()),
        pseudonym_key: Some("k".repeat(40)),
    };
    let text = format!("[database]\nurl = \"sqlite://other.db\"\n{GOOD}");
    let c = Config::from_toml_str(&text, "t.toml", &env).expect("valid");
    assert_eq!(c.database_url, "postgres://db/x");
    assert_eq!(c.api_base, "http://127.0.0.1:9");
    assert_eq!(c.token.as_ref().map(Secret::expose), Some("abc.def"));
}

#[test]
fn secrets_never_show_in_debug_output() {
    let env = Env {
        discord_token: Some("super-secret-token".into()),
        pseudonym_key: Some("p".repeat(40)),
        ..Env::default()
    };
    let c = Config::from_toml_str(GOOD, "t.toml", &env).expect("valid");
    let dbg = format!("{c:?}");
    assert!(!dbg.contains("super-secret-token"));
    assert!(!dbg.contains(&"p".repeat(40)));
}

fn fails_with(text: &str, key: &str, reason_part: &str) {
    let e = parse(text).expect_err("must be refused");
    let line = e.to_string();
    assert!(line.contains(key), "error should name `{key}`, got: {line}");
    assert!(
        line.contains(reason_part),
        "error should say `{reason_part}`, got: {line}"
    );
    assert!(!line.contains('\n'), "one line expected, got: {line}");
}

#[test]
fn an_unknown_key_is_refused_by_name() {
    fails_with(
        &format!("{GOOD}alert_chanel = 5\n"),
        "alert_chanel",
        "unknown field",
    );
}

#[test]
fn a_bad_id_is_refused_by_name() {
    fails_with(
        &GOOD.replace("333333333333333333", "\"abc\""),
        "promeneur_role",
        "not a Discord id",
    );
}

#[test]
fn an_unknown_time_zone_is_refused_by_name() {
    fails_with(
        &format!("{GOOD}timezone = \"Europe/Pari\"\n"),
        "guilds[0].timezone",
        "unknown time zone",
    );
}

#[test]
fn a_guild_configured_twice_is_refused() {
    fails_with(&format!("{GOOD}{GOOD}"), "guilds[1].id", "twice");
}

#[test]
fn a_bad_escalation_delay_is_refused_by_name() {
    fails_with(
        &format!("[alerts.escalation]\ncritical = \"5 minutes\"\n{GOOD}"),
        "alerts.escalation.critical",
        "unknown unit",
    );
}

#[test]
fn a_missing_alert_channel_is_refused_by_name() {
    fails_with(
        &GOOD.replace("alert_channel = \"222222222222222222\"\n", ""),
        "alert_channel",
        "missing field",
    );
}

#[test]
fn an_unknown_helpline_category_is_refused_by_name() {
    fails_with(
        &format!("[alerts]\nhelpline_categories = [\"suicide\"]\n{GOOD}"),
        "alerts.helpline_categories",
        "unknown category",
    );
}

#[test]
fn a_short_pseudonym_key_is_refused() {
    fails_with(
        &format!("[privacy]\npseudonym_key = \"short\"\n{GOOD}"),
        "privacy.pseudonym_key",
        "at least 32",
    );
}

#[test]
fn running_without_a_token_names_the_variable() {
    let c = parse(GOOD).expect("valid");
    let e = c.require_run_secrets().expect_err("no token");
    assert!(e.to_string().contains("DISCORD_TOKEN"));
}

#[test]
fn watched_channels_cover_threads_of_listed_channels() {
    let w = Watched::Channels(vec![Snowflake(5)]);
    assert!(w.covers(5, None));
    assert!(w.covers(9, Some(5)));
    assert!(!w.covers(9, Some(6)));
}

#[test]
fn the_global_rate_limit_defaults_to_discords_and_can_be_raised() {
    assert_eq!(parse(GOOD).unwrap().global_rate_limit, 50);
    let raised = format!("[discord]\nglobal_rate_limit = 120\n{GOOD}");
    assert_eq!(parse(&raised).unwrap().global_rate_limit, 120);
    let zero = format!("[discord]\nglobal_rate_limit = 0\n{GOOD}");
    let e = parse(&zero).unwrap_err();
    assert_eq!(e.key, "discord.global_rate_limit");
}

#[test]
fn the_journal_is_kept_three_years_by_default_and_a_bad_value_names_the_key() {
    let c = parse(GOOD).expect("valid");
    assert_eq!(c.journal_retention_days, 1095);
    let c = parse(&format!("[privacy]\njournal_retention_days = 30\n{GOOD}")).expect("valid");
    assert_eq!(c.journal_retention_days, 30);
    for bad in ["0", "99999"] {
        let err = parse(&format!(
            "[privacy]\njournal_retention_days = {bad}\n{GOOD}"
        ))
        .expect_err("refused");
        assert!(
            err.to_string().contains("privacy.journal_retention_days"),
            "{err}"
        );
    }
}
