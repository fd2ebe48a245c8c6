//! `promeneur sandbox --script sandbox/demo.txt`, through the library function the command
//! calls: the committed demo plays to the end and its transcript shows the bot's reactions.

use promeneur::sandbox::repl::run_script;

const DEMO: &str = include_str!("../../sandbox/demo.txt");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_script_shows_the_alert_the_helpline_card_and_the_take() {
    let mut out = Vec::new();
    let report = run_script(DEMO, &mut out).await.expect("the sandbox runs");
    let transcript = String::from_utf8(out).expect("UTF-8 text");
    assert!(report.ok(), "{:?}\n{transcript}", report.failures);

    let after = |marker: &str| -> &str {
        let at = transcript.find(marker).unwrap_or_else(|| {
            panic!("no {marker:?} in the transcript:\n{transcript}");
        });
        &transcript[at..]
    };
    let harmless = after("> @sami #discussion:");
    let worrying = after("> @lea #discussion: je veux mourir");
    let take = after("> @karim click last Je prends");
    assert!(
        !harmless[..harmless.len() - worrying.len()].contains("[#"),
        "the harmless message got a reaction:\n{transcript}"
    );
    let alert_part = &worrying[..worrying.len() - take.len()];
    for shown in [
        "[#alertes-promeneurs] promeneur: @Promeneur",
        "buttons: [Je prends] [Clore]",
        "notifies: @Promeneur\n",
        "Auteur·rice: @lea",
        "[dm:lea] promeneur: ",
        "3114",
    ] {
        assert!(alert_part.contains(shown), "no {shown:?} in:\n{alert_part}");
    }
    for shown in [
        "[#alertes-promeneurs] promeneur [only karim sees this]: ",
        "[#alertes-promeneurs] promeneur (edited): ",
        "Prise en charge par @karim",
        "buttons: [Je prends (disabled)] [Clore]",
    ] {
        assert!(take.contains(shown), "no {shown:?} after the take:\n{take}");
    }
    let list = after("> @karim #alertes-promeneurs /alerte liste");
    let again = after("> @karim #alertes-promeneurs /alerte prendre numero:1");
    let again = &again[..again.len() - list.len()];
    assert!(again.contains("[only karim sees this]"), "{again}");
    assert!(
        !again.contains("(edited)"),
        "taking it twice changed the alert:
{again}"
    );
    assert!(list.contains("**#1**"));
    assert!(after("> @lea #discussion /aide").contains("[only lea sees this]"));
    let permanence = after("> @karim #alertes-promeneurs /permanence ajouter");
    let insult = after("> @sami #discussion: @ines");
    let insult = &insult[..insult.len() - permanence.len()];
    for shown in [
        "Cible: @ines",
        "Auteur·rice: @sami",
        "[dm:ines] promeneur: ",
        "pas de ta faute",
    ] {
        assert!(
            insult.contains(shown),
            "no {shown:?} after the insult:\n{insult}"
        );
    }
    assert!(
        !insult.contains("[dm:sami]"),
        "the aggressor got a DM:\n{insult}"
    );

    for shown in [
        "[#questions] promeneur: @karim est en permanence jusqu'à 24h",
        "[only lea sees this]: @karim est en permanence",
        "notifies: @karim\n",
    ] {
        assert!(
            permanence.contains(shown),
            "no {shown:?} after the permanence:\n{permanence}"
        );
    }
    // Questions: open (thread, acknowledgement, take, answer), anonymous, private.
    let open = after("> @lea #questions:");
    for shown in ["est en permanence", "[Je prends]", "Tu as pris", "répondu"] {
        assert!(
            open.contains(shown),
            "no {shown:?} after the open question:\n{open}"
        );
    }
    let anonymous = after("> @ines form question=");
    let private = after("> @sami dm:");
    let anonymous = &anonymous[..anonymous.len() - private.len()];
    assert!(anonymous.contains("Question anonyme"), "{anonymous}");
    assert!(anonymous.contains("[dm:ines]"), "{anonymous}");
    let named = anonymous
        .lines()
        .any(|l| !l.starts_with('>') && l.contains("@ines"));
    assert!(
        !named,
        "the anonymous question named its asker:\n{anonymous}"
    );
    for shown in [
        "[#questions-privees",
        "**Jeune**",
        "[dm:sami] promeneur: **karim**",
    ] {
        assert!(
            private.contains(shown),
            "no {shown:?} after the private question:\n{private}"
        );
    }
    let added = after("> @karim choose harassment");
    assert!(
        added.contains("[#ressources] promeneur:") && added.contains("Harcèlement : le 3018"),
        "the resource was not posted:\n{added}"
    );
    let search = after("> @lea #discussion /ressource chercher requete:harcelemnt");
    assert!(
        search.contains("[only lea sees this]") && search.contains("Harcèlement : le 3018"),
        "the search with a typo found nothing:\n{search}"
    );

    let volatile = regex::Regex::new(r"\d{15,}|\d{4}-\d{2}-\d{2}").expect("a valid pattern");
    assert!(
        !volatile.is_match(&transcript),
        "a snowflake or a date in the transcript:\n{transcript}"
    );
}
