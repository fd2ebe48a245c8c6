//! Rendering stored state as Discord messages: texts come from `prompts`, user text is escaped
//! and defused, and `allowed_mentions` lists exactly the roles meant to be pinged.

use poise::serenity_prelude as serenity;
use serenity::{
    CreateActionRow, CreateAllowedMentions, CreateButton, CreateEmbed, CreateEmbedFooter,
    CreateMessage, EditMessage, RoleId, UserId,
};

use crate::config::GuildConfig;
use crate::domain::alerts::flag::authors_of;
use crate::domain::alerts::{Alert, AlertStatus, Flag, HelplineStatus};
use crate::prompts::{self, text, AlertField, Lang};
use crate::safety::{Category, Severity, Stance};

/// Characters of each flagged message shown in the alert.
const EXCERPT_CHARS: usize = 300;
/// Flagged messages of a burst shown in the alert (the newest).
const EXCERPTS_SHOWN: usize = 3;

/// Embed colours by severity.
fn colour(severity: Severity) -> u32 {
    match severity {
        Severity::Critical => 0xB0_00_20,
        Severity::High => 0xE0_40_00,
        Severity::Medium => 0xF0_A0_00,
        Severity::Low | Severity::None => 0x70_80_90,
    }
}

/// The guild's language, French when unknown (DMs to a bot in no configured guild).
pub fn lang_for(guild: Option<&GuildConfig>) -> Lang {
    guild.map(|g| g.language).unwrap_or_default()
}

/// A link to a message: `https://discord.com/channels/{guild or @me}/{channel}/{message}`.
pub fn message_url(guild: Option<u64>, channel: u64, message: u64) -> String {
    let g = guild.map(|g| g.to_string()).unwrap_or_else(|| "@me".into());
    format!("https://discord.com/channels/{g}/{channel}/{message}")
}

/// The alert as an embed with its buttons.
fn alert_parts(
    lang: Lang,
    a: &Alert,
    flags: &[Flag],
    anonymous: bool,
) -> (CreateEmbed, Vec<CreateActionRow>) {
    let severity = a.severity;
    let categories: Vec<Category> = a.categories.iter().copied().collect();
    let guild = a.guild_id;
    let newest = flags.iter().rev().take(EXCERPTS_SHOWN).collect::<Vec<_>>();
    let excerpts = newest
        .iter()
        .rev()
        .map(|f| {
            let spans: Vec<(usize, usize)> = f.spans.iter().map(|s| (s.start, s.end)).collect();
            let link = message_url(guild, f.channel_id, f.message_id);
            let mut shown = format!(
                "> {}\n{}",
                text::highlight_excerpt(&f.excerpt, &spans, EXCERPT_CHARS).replace('\n', "\n> "),
                prompts::alert_jump_link(lang, &link)
            );
            if let Some(n) = &f.conversation {
                shown.push('\n');
                shown.push_str(&prompts::alert_pile_on(
                    lang,
                    (n.messages, n.authors),
                    n.target.as_deref(),
                    &text::discord_timestamp(n.first_at),
                    &message_url(guild, f.channel_id, n.first_message),
                    n.plea,
                ));
            }
            shown
        })
        .collect::<Vec<_>>()
        .join("\n");
    let first = flags.first();
    let channel = first.map(|f| f.channel_id).unwrap_or(a.channel_id);
    let label = |f| prompts::alert_field_label(lang, f);
    let mut embed = CreateEmbed::new()
        .title(prompts::alert_title(lang, severity, &categories))
        .colour(colour(severity))
        .field(
            label(AlertField::Category),
            prompts::categories_label(lang, &categories),
            true,
        )
        .field(
            label(AlertField::Severity),
            prompts::severity_label(lang, severity),
            true,
        )
        .field(
            label(AlertField::Status),
            prompts::alert_status_line(lang, &a.state),
            true,
        )
        .field(label(AlertField::Channel), format!("<#{channel}>"), true);
    let target = match (a.target_id, a.stance) {
        (Some(t), _) => Some(text::user_mention(t)),
        (None, Stance::Aggression) => Some(prompts::alert_target_unknown(lang)),
        (None, _) => None,
    };
    if let Some(target) = target {
        embed = embed.field(label(AlertField::Target), target, true);
    }
    let (authors_label, authors) = if anonymous {
        // An anonymous question's asker is never named to staff.
        (
            prompts::alert_field_label(lang, AlertField::Author),
            prompts::way_label(lang, crate::domain::questions::Way::Anonymous),
        )
    } else {
        authors_field(lang, a, flags)
    };
    embed = embed
        .field(authors_label, authors, true)
        .field(
            label(AlertField::Time),
            text::discord_timestamp(a.state.flagged_at),
            true,
        )
        .field(
            label(AlertField::Excerpt),
            text::truncate_chars(&excerpts, 1024),
            false,
        );
    let mut notes = Vec::new();
    if a.message_count > 1 {
        notes.push(prompts::alert_burst_note(lang, a.message_count));
    }
    if a.helpline == Some(HelplineStatus::Refused) {
        notes.push(prompts::alert_dm_refused(lang));
    }
    if !notes.is_empty() {
        embed = embed.footer(CreateEmbedFooter::new(notes.join(" · ")));
    }
    let status = a.status();
    let buttons = CreateActionRow::Buttons(vec![
        CreateButton::new(format!("alert:take:{}", a.id))
            .label(prompts::button_take(lang))
            .style(serenity::ButtonStyle::Primary)
            .disabled(status != AlertStatus::Open),
        CreateButton::new(format!("alert:close:{}", a.id))
            .label(prompts::button_close(lang))
            .style(serenity::ButtonStyle::Secondary)
            .disabled(status == AlertStatus::Closed),
    ]);
    (embed, vec![buttons])
}

/// Who wrote the alert's messages: one author, or the several of a pile-on on one young
/// person (mentions, never pings: the alert's allowed mentions list the promeneur role only).
fn authors_field(lang: Lang, a: &Alert, flags: &[Flag]) -> (String, String) {
    let mut authors: Vec<u64> = authors_of(flags)
        .into_iter()
        .map(|id| if id == 0 { a.author_id } else { id })
        .collect();
    authors.dedup();
    if authors.is_empty() {
        authors.push(a.author_id);
    }
    if authors.len() == 1 {
        return (
            prompts::alert_field_label(lang, AlertField::Author),
            text::user_mention(authors[0]),
        );
    }
    let list = authors
        .iter()
        .map(|&id| text::user_mention(id))
        .collect::<Vec<_>>()
        .join(", ");
    (
        prompts::alert_field_authors(lang, authors.len()),
        text::truncate_chars(&list, 1024),
    )
}

/// The first post of an alert: pings the promeneurs on duty (`on_duty`, users only) or, when
/// nobody is, the promeneur role only; it carries a nonce Discord enforces so a retried
/// delivery never posts twice.
pub fn alert_message(
    lang: Lang,
    gc: Option<&GuildConfig>,
    a: &Alert,
    flags: &[Flag],
    on_duty: &[u64],
    anonymous: bool,
) -> CreateMessage {
    let (embed, rows) = alert_parts(lang, a, flags, anonymous);
    let severity = a.severity;
    let mut msg = CreateMessage::new()
        .embed(embed)
        .components(rows)
        .nonce(serenity::Nonce::String(format!("alert-{}", a.id)))
        .enforce_nonce(true);
    let mut mentions = CreateAllowedMentions::new();
    if !on_duty.is_empty() {
        msg = msg.content(prompts::alert_content_on_duty(lang, on_duty, severity));
        mentions = mentions.users(on_duty.iter().map(|&u| UserId::new(u)));
    } else if let Some(g) = gc {
        msg = msg.content(prompts::alert_content(lang, g.promeneur_role.0, severity));
        mentions = mentions.roles([RoleId::new(g.promeneur_role.0)]);
    }
    msg.allowed_mentions(mentions)
}

/// The edit that brings a posted alert up to date (no new ping: edits never notify).
pub fn alert_edit(lang: Lang, a: &Alert, flags: &[Flag], anonymous: bool) -> EditMessage {
    let (embed, rows) = alert_parts(lang, a, flags, anonymous);
    EditMessage::new()
        .embed(embed)
        .components(rows)
        .allowed_mentions(CreateAllowedMentions::new())
}

/// The helpline card, sent by DM: no mention at all.
pub fn helpline_message(text: String, alert_id: i64) -> CreateMessage {
    CreateMessage::new()
        .content(text)
        .nonce(serenity::Nonce::String(format!("help-{alert_id}")))
        .enforce_nonce(true)
        .allowed_mentions(CreateAllowedMentions::new())
}

/// A permanence's announcement in a question channel: names the promeneur without pinging
/// anyone; the nonce keeps a retried delivery single.
pub fn announcement_message(
    text: String,
    slot_id: i64,
    start_ms: i64,
    channel: u64,
) -> CreateMessage {
    CreateMessage::new()
        .content(text)
        // Nonces are at most 25 characters.
        .nonce(serenity::Nonce::String(format!(
            "p{slot_id}-{}-{}",
            start_ms / 60_000,
            channel % 100_000
        )))
        .enforce_nonce(true)
        .allowed_mentions(CreateAllowedMentions::new())
}

/// The escalation to coordinators: pings the coordinator role only.
pub fn escalation_message(
    text: String,
    role: Option<u64>,
    alert_id: i64,
    step: i64,
) -> CreateMessage {
    let mentions = match role {
        Some(r) => CreateAllowedMentions::new().roles([RoleId::new(r)]),
        None => CreateAllowedMentions::new(),
    };
    CreateMessage::new()
        .content(text)
        .nonce(serenity::Nonce::String(format!("esc-{alert_id}-{step}")))
        .enforce_nonce(true)
        .allowed_mentions(mentions)
}

/// The notice that an alert was closed by an erasure: it pings only the promeneur who held it.
pub fn erased_notice(text: String, promeneur: Option<u64>, alert_id: i64) -> CreateMessage {
    let mentions = match promeneur {
        Some(p) => CreateAllowedMentions::new().users([UserId::new(p)]),
        None => CreateAllowedMentions::new(),
    };
    CreateMessage::new()
        .content(text)
        .nonce(serenity::Nonce::String(format!("erased-{alert_id}")))
        .enforce_nonce(true)
        .allowed_mentions(mentions)
}

/// Alerts in one message at most (Discord allows ten embeds a message).
pub const PACK_MAX: usize = 10;
/// Characters of all the embeds of a message together (Discord's limit is 6000).
const PACK_EMBED_CHARS: usize = 5800;

/// One alert of a pack, with what it is rendered from.
pub struct PackItem<'a> {
    pub alert: &'a Alert,
    pub flags: &'a [Flag],
    pub anonymous: bool,
}

/// Several alerts in one message, gravest first (the caller's order): a compact embed each,
/// numbered, and for each its own "take" and "close" buttons carrying its id, so a packed
/// alert is taken, closed and escalated like any other.
fn pack_parts(lang: Lang, items: &[PackItem<'_>]) -> (Vec<CreateEmbed>, Vec<CreateActionRow>) {
    let items = &items[..items.len().min(PACK_MAX)];
    let budget = PACK_EMBED_CHARS / items.len().max(1);
    let mut embeds = Vec::with_capacity(items.len());
    let mut takes = Vec::new();
    let mut closes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let number = i + 1;
        let a = item.alert;
        let categories: Vec<Category> = a.categories.iter().copied().collect();
        let label = |f| prompts::alert_field_label(lang, f);
        let title = text::truncate_chars(
            &prompts::alert_pack_title(
                lang,
                number,
                &prompts::alert_title(lang, a.severity, &categories),
            ),
            256,
        );
        let channel = item
            .flags
            .first()
            .map(|f| f.channel_id)
            .unwrap_or(a.channel_id);
        let mut fields: Vec<(String, String, bool)> = vec![
            (
                label(AlertField::Severity),
                prompts::severity_label(lang, a.severity),
                true,
            ),
            (
                label(AlertField::Status),
                prompts::alert_status_line(lang, &a.state),
                true,
            ),
            (label(AlertField::Channel), format!("<#{channel}>"), true),
        ];
        match (a.target_id, a.stance) {
            (Some(t), _) => fields.push((label(AlertField::Target), text::user_mention(t), true)),
            (None, Stance::Aggression) => fields.push((
                label(AlertField::Target),
                prompts::alert_target_unknown(lang),
                true,
            )),
            (None, _) => {}
        }
        let (authors_label, authors) = if item.anonymous {
            (
                label(AlertField::Author),
                prompts::way_label(lang, crate::domain::questions::Way::Anonymous),
            )
        } else {
            authors_field(lang, a, item.flags)
        };
        fields.push((authors_label, text::truncate_chars(&authors, 200), true));
        fields.push((
            label(AlertField::Time),
            text::discord_timestamp(a.state.flagged_at),
            true,
        ));
        let footer =
            (a.message_count > 1).then(|| prompts::alert_burst_note(lang, a.message_count));
        let used = title.chars().count()
            + footer.as_ref().map_or(0, |f| f.chars().count())
            + fields
                .iter()
                .map(|(n, v, _)| n.chars().count() + v.chars().count())
                .sum::<usize>();
        let excerpt_label = label(AlertField::Excerpt);
        let room = budget.saturating_sub(used + excerpt_label.chars().count());
        if let Some(f) = item.flags.last() {
            let spans: Vec<(usize, usize)> = f.spans.iter().map(|s| (s.start, s.end)).collect();
            let link = message_url(a.guild_id, f.channel_id, f.message_id);
            let jump = prompts::alert_jump_link(lang, &link);
            let chars = room
                .saturating_sub(jump.chars().count() + 8)
                .min(EXCERPT_CHARS);
            let value = if chars >= 20 {
                format!(
                    "> {}\n{jump}",
                    text::highlight_excerpt(&f.excerpt, &spans, chars).replace('\n', "\n> ")
                )
            } else {
                jump
            };
            fields.push((
                excerpt_label,
                text::truncate_chars(&value, room.min(1024)),
                false,
            ));
        }
        let mut embed = CreateEmbed::new().title(title).colour(colour(a.severity));
        for (name, value, inline) in fields {
            embed = embed.field(name, value, inline);
        }
        if let Some(footer) = footer {
            embed = embed.footer(CreateEmbedFooter::new(footer));
        }
        embeds.push(embed);
        let status = a.status();
        takes.push(
            CreateButton::new(format!("alert:take:{}", a.id))
                .label(prompts::pack_button_take(lang, number))
                .style(serenity::ButtonStyle::Primary)
                .disabled(status != AlertStatus::Open),
        );
        closes.push(
            CreateButton::new(format!("alert:close:{}", a.id))
                .label(prompts::pack_button_close(lang, number))
                .style(serenity::ButtonStyle::Secondary)
                .disabled(status == AlertStatus::Closed),
        );
    }
    // Takes 1-5, takes 6-10, closes 1-5, closes 6-10: at most four rows of five.
    let rows = takes
        .chunks(5)
        .chain(closes.chunks(5))
        .map(|row| CreateActionRow::Buttons(row.to_vec()))
        .collect();
    (embeds, rows)
}

/// The nonce of a pack: the same alerts give the same nonce (a retried post is not doubled).
fn pack_nonce(items: &[PackItem<'_>]) -> String {
    let mut ids: Vec<i64> = items.iter().map(|i| i.alert.id).collect();
    ids.sort_unstable();
    // FNV-1a: stable across builds, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in ids.iter().flat_map(|id| id.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("pack-{h:016x}")
}

/// The first post of a pack of alerts (several alerts piled up for one channel): one ping,
/// for the gravest, to the promeneurs on duty or the role, as for one alert.
pub fn pack_message(
    lang: Lang,
    gc: Option<&GuildConfig>,
    items: &[PackItem<'_>],
    on_duty: &[u64],
) -> CreateMessage {
    let (embeds, rows) = pack_parts(lang, items);
    let gravest = items
        .iter()
        .map(|i| i.alert.severity)
        .max()
        .unwrap_or(Severity::None);
    let mut msg = CreateMessage::new()
        .embeds(embeds)
        .components(rows)
        .nonce(serenity::Nonce::String(pack_nonce(items)))
        .enforce_nonce(true);
    let mut mentions = CreateAllowedMentions::new();
    if let Some(g) = gc {
        msg = msg.content(prompts::alert_pack_content(
            lang,
            g.promeneur_role.0,
            on_duty,
            items.len(),
            gravest,
        ));
        mentions = if on_duty.is_empty() {
            mentions.roles([RoleId::new(g.promeneur_role.0)])
        } else {
            mentions.users(on_duty.iter().map(|&u| UserId::new(u)))
        };
    }
    msg.allowed_mentions(mentions)
}

/// The edit that brings every alert of a pack up to date (edits never notify).
pub fn pack_edit(lang: Lang, items: &[PackItem<'_>]) -> EditMessage {
    let (embeds, rows) = pack_parts(lang, items);
    EditMessage::new()
        .embeds(embeds)
        .components(rows)
        .allowed_mentions(CreateAllowedMentions::new())
}
