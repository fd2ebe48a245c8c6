//! Slash commands. Each is thin: parse arguments -> flow -> render a prompt -> reply.

pub mod aide;
pub mod alerte;
pub mod bilan;
pub mod droits;
pub mod journal;
mod localize;
pub mod motcle;
pub mod permanence;
mod private;
pub mod question;
pub mod ressource;

use super::{Data, Error};

/// Every command the bot registers, with the descriptions and choice labels of prompts/.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    let mut commands = vec![
        aide::aide(),
        alerte::alerte(),
        question::question(),
        question::repondre(),
        permanence::permanence(),
        permanence::permanences(),
        permanence::qui_est_la(),
        ressource::ressource(),
        droits::mes_donnees(),
        droits::oubli(),
        droits::confidentialite(),
        bilan::bilan(),
        journal::export(),
        journal::journal(),
        motcle::motcle(),
    ];
    for c in &mut commands {
        localize::localize(c, "");
    }
    commands
}

/// The one error handler: the user gets a short ephemeral message, the log gets the chain.
pub async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    match err {
        poise::FrameworkError::Command { error, ctx, .. } => {
            super::log_error(&format!("/{}", ctx.command().qualified_name), &error);
            let lang = aide::lang_of(&ctx);
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(crate::prompts::generic_error(lang))
                        .ephemeral(true),
                )
                .await;
        }
        poise::FrameworkError::ArgumentParse {
            error, input, ctx, ..
        } => {
            let lang = aide::lang_of(&ctx);
            let reason = match input {
                Some(i) => format!("`{}`: {error}", crate::prompts::text::sanitize(&i)),
                None => error.to_string(),
            };
            let _ = ctx
                .send(
                    poise::CreateReply::default()
                        .content(crate::prompts::bad_argument(lang, &reason))
                        .ephemeral(true),
                )
                .await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::warn!(error = %e, "error while handling an error");
            }
        }
    }
}
