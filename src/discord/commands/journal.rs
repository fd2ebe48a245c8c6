//! Coordinators' access to the journal: `/export debut fin format` (the file, attached to an
//! ephemeral answer) and `/journal [membre] [depuis]` (the latest staff actions). Coordinators
//! are the members holding the guild's `coordinator_role`, as for `/bilan`; everyone else,
//! promeneurs included, gets a polite ephemeral refusal. Both are journaled themselves.

use poise::serenity_prelude as serenity;
use serenity::CreateAttachment;

use super::super::{Context, Error};
use super::private::{coordinator_guard, reply, MAX_REPLY_CHARS};
use crate::config::GuildConfig;
use crate::domain::journal::Actor;
use crate::export::{local_midnight, Format, Range};
use crate::flows;
use crate::prompts::{self, AuditLine, Lang};
use crate::store::journal::AuditFilter;
use crate::store::now_ms;

/// Discord's upload limit for a bot without boosts (10 MiB), with room for the request.
pub const MAX_UPLOAD_BYTES: usize = 8 * 1024 * 1024;

/// The export's format, as Discord offers it.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum FormatChoice {
    #[name = "csv"]
    Csv,
    #[name = "jsonl"]
    Jsonl,
}

impl From<FormatChoice> for Format {
    fn from(c: FormatChoice) -> Format {
        match c {
            FormatChoice::Csv => Format::Csv,
            FormatChoice::Jsonl => Format::Jsonl,
        }
    }
}

/// A `Vec` that refuses to grow past a limit: the export stops as soon as it would not fit
/// in one Discord upload, instead of building a file it cannot send.
struct Capped {
    buf: Vec<u8>,
    overflowed: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.buf.len() + data.len() > MAX_UPLOAD_BYTES {
            self.overflowed = true;
            return Err(std::io::Error::other(
                "the export exceeds Discord's upload limit",
            ));
        }
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `/export debut fin format`: the journal of a range of days, as a file (coordinators).
#[poise::command(slash_command, guild_only)]
pub async fn export(
    ctx: Context<'_>,
    debut: String,
    fin: String,
    format: FormatChoice,
) -> Result<(), Error> {
    let Some((gc, lang)) = coordinator_guard(ctx, prompts::journal_coordinators_only).await? else {
        return Ok(());
    };
    let range = match Range::parse(&debut, &fin, gc.tz) {
        Ok(r) => r,
        Err(e) => return reply(ctx, prompts::export_refused(lang, &e)).await,
    };
    let format = Format::from(format);
    // A long export may take more than the 3 seconds Discord gives the first answer.
    ctx.defer_ephemeral().await?;
    let mut file = Capped {
        buf: Vec::new(),
        overflowed: false,
    };
    let by = Actor::Staff(ctx.author().id.get());
    let done = flows::export::export(
        &ctx.data().db,
        gc.id.0,
        range,
        format,
        by,
        now_ms(),
        &mut file,
    )
    .await;
    let (from, to) = (range.first.to_string(), range.last.to_string());
    if file.overflowed {
        let limit = MAX_UPLOAD_BYTES / (1024 * 1024);
        let text = prompts::export_too_big(lang, limit, gc.id.0, &from, &to, format.extension());
        return answer(ctx, text, None).await;
    }
    let rows = done?;
    let text = prompts::export_ready(lang, &from, &to, gc.tz.name(), rows);
    let name = format!("journal-{from}-{to}.{}", format.extension());
    answer(ctx, text, Some((name, file.buf))).await
}

/// Replaces the deferred answer with `text` and the file. The body is written here rather
/// than by serenity's builders, which describe an attachment with a numeric id where
/// Discord's API schema asks for a snowflake string (as `/mes-donnees` does).
async fn answer(
    ctx: Context<'_>,
    text: String,
    file: Option<(String, Vec<u8>)>,
) -> Result<(), Error> {
    let poise::Context::Application(app) = ctx else {
        return reply(ctx, text).await;
    };
    let mut body = serde_json::json!({
        "content": prompts::text::truncate_chars(&text, MAX_REPLY_CHARS),
        "allowed_mentions": { "parse": [] },
    });
    let mut files = Vec::new();
    if let Some((name, data)) = file {
        body["attachments"] = serde_json::json!([{ "id": "0", "filename": name }]);
        files.push(CreateAttachment::bytes(data, name));
    }
    ctx.http()
        .edit_original_interaction_response(&app.interaction.token, &body, files)
        .await?;
    Ok(())
}

/// `/journal [membre] [depuis]`: the latest staff actions (coordinators).
#[poise::command(slash_command, guild_only)]
pub async fn journal(
    ctx: Context<'_>,
    membre: Option<serenity::User>,
    depuis: Option<String>,
) -> Result<(), Error> {
    let Some((gc, lang)) = coordinator_guard(ctx, prompts::journal_coordinators_only).await? else {
        return Ok(());
    };
    let since = match depuis.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(day) => Some(local_midnight(day, gc.tz)),
            Err(_) => return reply(ctx, prompts::journal_bad_date(lang, "depuis", text)).await,
        },
    };
    let filter = AuditFilter {
        staff: membre.map(|m| m.id.get()),
        since,
    };
    let now = now_ms();
    let rows =
        flows::journal::audit(ctx.data(), gc.id.0, filter, ctx.author().id.get(), now).await?;
    reply(ctx, render_audit(lang, gc, &rows)).await
}

fn render_audit(lang: Lang, gc: &GuildConfig, rows: &[crate::store::journal::Logged]) -> String {
    let lines: Vec<AuditLine<'_>> = rows
        .iter()
        .map(|l| {
            let e = &l.entry;
            let time = chrono::DateTime::from_timestamp_millis(e.at)
                .map(|t| t.with_timezone(&gc.tz).format("%d/%m %H:%M").to_string())
                .unwrap_or_default();
            AuditLine {
                time,
                actor: &e.actor,
                action: e.action,
                subject: e.subject,
                outcome: e.detail.outcome.as_deref(),
                note: e.detail.note.as_deref(),
            }
        })
        .collect();
    prompts::journal_list(lang, gc.tz.name(), &lines)
}
