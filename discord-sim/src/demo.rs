//! The demo guild the binary and the sandbox start with: the channels, roles and people of a
//! small Promeneurs du Net server.

use crate::spec::GuildSpec;

/// Channels questions, discussion, alertes-promeneurs (staff only), coordination, ressources,
/// questions-privees (staff only: private questions' threads);
/// roles Promeneur and Coordinateur; young people lea, sami, ines; promeneurs karim and julie;
/// coordinator nadia.
pub fn demo_guild() -> GuildSpec {
    GuildSpec::new("Promeneurs du Net (démo)")
        .role("Promeneur")
        .role("Coordinateur")
        .text_channel("questions")
        .text_channel("discussion")
        .private_channel("alertes-promeneurs", &["Promeneur", "Coordinateur"])
        .private_channel("coordination", &["Coordinateur"])
        .text_channel("ressources")
        .private_channel("questions-privees", &["Promeneur", "Coordinateur"])
        .member("nadia", &["Coordinateur", "Promeneur"])
        .member("karim", &["Promeneur"])
        .member("julie", &["Promeneur"])
        .member("lea", &[])
        .member("sami", &[])
        .member("ines", &[])
}
