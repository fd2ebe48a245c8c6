//! Normalisation on the obfuscations it must read through, the text it must leave alone, and
//! the map back to the original.

use super::*;

fn n(s: &str) -> String {
    normalize(s)
}

#[test]
fn accents_case_and_spaces_are_folded() {
    assert_eq!(
        n("  Élève   DÉPRIMÉE "),
        "eleve deprimee".replace("ee", "e")
    );
    assert_eq!(n("j'ai"), "j ai");
}

#[test]
fn obfuscations_are_decoded() {
    assert_eq!(n("su1c1de"), "suicide");
    assert_eq!(n("sui.cide"), "suicide");
    assert_eq!(n("s u i c i d e"), "suicide");
    assert_eq!(n("h.a.r.c.e.l.e.m.e.n.t"), n("harcèlement"));
    assert_eq!(n("mouriiiiir"), "mourir");
    assert_eq!(n("c0c@ïne"), "cocaine");
    assert_eq!(n("v!olée"), n("violée"));
    assert_eq!(n("je vеuх mе tuеr"), "je veux me tuer");
    assert_eq!(n("4gr3ss33"), n("agressée"));
    assert_eq!(n("ｍｏｕｒｉｒ"), "mourir");
    assert_eq!(n("𝐦𝐨𝐮𝐫𝐢𝐫"), "mourir");
    assert_eq!(n("m\u{200B}ourir"), "mourir");
    assert_eq!(n("t-u-e-r"), "tuer");
}

#[test]
fn doses_and_counts_keep_their_digits() {
    assert_eq!(n("800mg"), "800mg");
    assert_eq!(n("30 dolipranes"), "30 dolipranes");
    assert_eq!(n("2h"), "2h");
    assert_eq!(n("qlq1"), "qlq1");
}

#[test]
fn ordinary_single_letter_words_are_not_joined() {
    assert_eq!(n("il y a"), "il y a");
    assert_eq!(n("j'y a"), "j y a");
}

#[test]
fn punctuation_that_hides_no_letter_ends_a_word() {
    assert_eq!(
        n("il a dit \"je veux mourir\" hier"),
        "il a dit je veux mourir hier"
    );
    assert_eq!(n("f r a p p e, jsp"), "frape jsp");
    assert_eq!(n("salut,toi (ok?)"), "salut toi ok");
    // Masks and leetspeak symbols still belong to the word.
    assert_eq!(n("sui.cide v!olee"), "suicide viole");
}

#[test]
fn emoji_become_tokens_and_masks_stay_wildcards() {
    assert_eq!(n("💊💊 ce soir"), "emopil emopil ce soir");
    assert_eq!(n("s*icide"), "s*icide");
    assert_eq!(n("**mourir**"), "mourir");
}

#[test]
fn spans_point_into_the_original() {
    let text = "Je vеux MOURIIIR 😭";
    let mut z = Normalizer::default();
    let mut out = Normalized::default();
    z.run(text, true, &mut out);
    let pos = out.text().find("mourir").unwrap();
    let (s, e) = out.original_span(pos, pos + "mourir".len());
    assert_eq!(&text[s..e], "MOURIIIR");
    let pos = out.text().find("emocry").unwrap();
    let (s, e) = out.original_span(pos, pos + "emocry".len());
    assert_eq!(&text[s..e], "😭");
}

#[test]
fn normalising_twice_changes_nothing() {
    for s in [
        "a.b c d",
        "m o o o r t",
        "aa b c",
        "sui.1cide",
        "x.y3 ab3.c",
        "Ǆ İ ﬁ",
    ] {
        let once = n(s);
        assert_eq!(n(&once), once, "{s:?}");
    }
}
