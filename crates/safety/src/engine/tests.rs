//! The scan engine on a small rule set written for these tests: obfuscation, word
//! boundaries, combinations, exceptions, regexes and masked words.

use crate::{Category, RuleSet, Severity};

const MINI: &str = r#"
[[rule]]
id = "t.die"
category = "suicide_selfharm"
severity = "high"
terms = ["veux mourir", "suicid*"]
exceptions = ["mourir de rire"]

[[rule]]
id = "t.time"
category = "suicide_selfharm"
severity = "signal"
terms = ["ce soir"]

[[rule]]
id = "t.dose"
category = "substances"
severity = "medium"
when = ["*mg"]
regex = ['\b\d+ ?mg\b']

[[exception]]
id = "t.lol"
terms = ["mdr"]
scope = "message"
action = "lower"
categories = ["suicide_selfharm"]

[[combo]]
id = "t.plan"
category = "suicide_selfharm"
severity = "critical"
all = [["t.die"], ["t.time"]]
"#;

fn set() -> RuleSet {
    RuleSet::from_sources(&[("mini.toml", MINI)]).unwrap()
}

#[test]
fn a_term_is_found_through_obfuscation_with_its_original_span() {
    let text = "Je VEUX m o u r i r";
    let s = set().scan(text);
    assert!(s.flagged);
    assert_eq!(s.severity, Severity::High);
    let m = &s.matches[0];
    assert_eq!(&text[m.start..m.end], "VEUX m o u r i r");
}

#[test]
fn the_automaton_itself_respects_word_boundaries() {
    // Whole on both sides: not inside a longer word, fine next to punctuation.
    assert!(set().scan("(je veux mourir)").flagged);
    assert!(!set().scan("il en reveux mourirx").flagged);
    // `suicid*`: whole on the left only.
    assert!(set().scan("suicidaire").flagged);
    assert!(!set().scan("antisuicide").flagged);
    let text = "Suicide!!";
    let s = set().scan(text);
    assert_eq!(&text[s.matches[0].start..s.matches[0].end], "Suicid");
}

#[test]
fn a_time_with_intent_is_critical_and_alone_flags_nothing() {
    assert_eq!(
        set().scan("je veux mourir ce soir").severity,
        Severity::Critical
    );
    assert!(!set().scan("on se voit ce soir").flagged);
}

#[test]
fn exceptions_cancel_or_lower() {
    assert!(!set().scan("je veux mourir de rire").flagged);
    let s = set().scan("je veux mourir mdr");
    assert_eq!(s.severity, Severity::Medium);
    assert_eq!(s.exceptions[0].exception, "t.lol");
}

#[test]
fn regexes_run_on_the_digit_view() {
    let s = set().scan("j'ai pris 800mg");
    assert_eq!(s.categories, vec![Category::Substances]);
}

#[test]
fn masked_words_match_single_word_terms() {
    assert!(set().scan("le s*icide").flagged);
    let s = RuleSet::from_sources(&[(
        "m.toml",
        "[[rule]]\nid='x'\ncategory='harassment'\nseverity='medium'\nterms=['pute']\n",
    )])
    .unwrap();
    assert!(s.scan("fils de p*te").flagged);
    assert!(!s.scan("computer").flagged);
}

#[test]
fn a_turn_scan_reads_the_same_cues_and_scan_as_apart() {
    for text in [
        "laissez moi tranquille svp",
        "LAISSEZ-MOI TRANQUILLE 😭",
        "arrête mdr t'es nul",
        "PTDRRR le s*icide de l'exo 800mg",
        "c'est pas drôle, ça me blesse",
        "",
    ] {
        let (scan, cues) = set().scan_turn(text);
        assert_eq!(scan, set().scan(text), "{text:?}");
        assert_eq!(cues, crate::stance::read_turn(text), "{text:?}");
    }
    assert!(set().scan_turn("laissez moi tranquille svp").1.plea);
    assert!(!set().scan_turn("arrête mdr").1.plea);
}
