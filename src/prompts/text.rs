//! Making untrusted text safe to show in Discord: Markdown escaping, mention neutralising,
//! truncation and the highlighted excerpt of a flagged message.
//!
//! Templates are trusted and rendered as they are; anything a young person typed goes through
//! these helpers first. `allowed_mentions` remains the real guard against pings: neutralising
//! mentions here is defence in depth, and keeps the text readable where mentions would render.

/// Zero-width joiner, put after every `@` so that no mention survives.
const ZWJ: char = '\u{200D}';

/// The ellipsis that marks cut text.
const ELLIPSIS: char = '…';

/// Characters that carry Markdown meaning wherever they appear in Discord.
fn is_inline_markdown(c: char) -> bool {
    matches!(
        c,
        '\\' | '*' | '_' | '~' | '`' | '|' | '[' | ']' | '(' | ')' | '<' | '>' | '#'
    )
}

/// Characters that only mean something at the start of a line (lists, numbered lists).
fn is_line_start_markdown(c: char) -> bool {
    matches!(c, '-' | '+')
}

/// Escapes Markdown across several pieces of text, remembering whether the next character
/// starts a line, so pieces can be interleaved with trusted markup (the highlight `**`).
#[derive(Debug)]
struct Escaper {
    /// Also put a zero-width joiner after each `@`.
    neutralize_mentions: bool,
    at_line_start: bool,
    /// Set after the digits that open a line, where `1.` would start a numbered list.
    after_leading_digits: bool,
}

impl Escaper {
    fn new(neutralize_mentions: bool) -> Self {
        Self {
            neutralize_mentions,
            at_line_start: true,
            after_leading_digits: false,
        }
    }

    fn push(&mut self, out: &mut String, c: char) {
        let needs_escape = is_inline_markdown(c)
            || (self.at_line_start && is_line_start_markdown(c))
            || (self.after_leading_digits && c == '.');
        if needs_escape {
            out.push('\\');
        }
        out.push(c);
        if c == '@' && self.neutralize_mentions {
            out.push(ZWJ);
        }
        let was_line_start = self.at_line_start;
        self.after_leading_digits =
            c.is_ascii_digit() && (was_line_start || self.after_leading_digits);
        self.at_line_start = c == '\n' || (was_line_start && (c == ' ' || c == '\t'));
    }
}

/// Escapes Discord Markdown so the text shows exactly as typed.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut escaper = Escaper::new(false);
    for c in text.chars() {
        escaper.push(&mut out, c);
    }
    out
}

/// Puts a zero-width joiner after every `@`, so `@everyone`, `@here`, `<@id>` and `<@&id>`
/// never ping nor render as mentions.
pub fn neutralize_mentions(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for c in text.chars() {
        out.push(c);
        if c == '@' {
            out.push(ZWJ);
        }
    }
    out
}

/// Both at once: what any untrusted text needs before it goes into a message or an embed.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut escaper = Escaper::new(true);
    for c in text.chars() {
        escaper.push(&mut out, c);
    }
    out
}

/// The byte ranges of user mentions (`<@id>`, `<@!id>`) in `text`: an excerpt shows them as
/// the person's name (Discord renders them so in an embed, where they never notify), so
/// promeneurs see who was named. Role mentions and `@everyone` stay neutralised.
fn user_mentions(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (start, _) in text.match_indices("<@") {
        let rest = &text[start + 2..];
        let rest_start = start + 2 + usize::from(rest.starts_with('!'));
        let digits = text[rest_start..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len() - rest_start);
        let end = rest_start + digits;
        if (1..=20).contains(&digits) && text[end..].starts_with('>') {
            out.push((start, end + 1));
        }
    }
    out
}

/// Cuts text to at most `max_chars` characters (Unicode scalar values), ending with `…`
/// when something was cut. Embed fields have hard limits; hostile text can be huge.
pub fn truncate_chars(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(max_chars - 1).collect();
    out.push(ELLIPSIS);
    out
}

/// A Discord timestamp (`<t:…:f>`) for a time in unix milliseconds: every reader sees it in
/// their own time zone and language.
pub fn discord_timestamp(at_ms: i64) -> String {
    format!("<t:{}:f>", at_ms.div_euclid(1000))
}

/// A relative Discord timestamp (`<t:…:R>`, "il y a 5 minutes").
pub fn discord_relative_timestamp(at_ms: i64) -> String {
    format!("<t:{}:R>", at_ms.div_euclid(1000))
}

/// A user mention for an embed or a reply (renders as the user's name).
pub fn user_mention(user_id: u64) -> String {
    format!("<@{user_id}>")
}

/// A role mention; it only pings when the message's `allowed_mentions` lists the role.
pub fn role_mention(role_id: u64) -> String {
    format!("<@&{role_id}>")
}

/// The excerpt of a flagged message: the window of at most `max_chars` characters around the
/// first match, Markdown-escaped, mentions neutralised, matched words in bold.
///
/// `matches` are byte ranges into `text` (as the scanner reports them); ranges that are empty,
/// out of bounds or not on character boundaries are ignored rather than trusted. Escaping can
/// make the result longer than the window: at most `2 * max_chars + 4 * matches + 2` chars.
pub fn highlight_excerpt(text: &str, matches: &[(usize, usize)], max_chars: usize) -> String {
    let ranges = clean_ranges(text, matches);
    let people = user_mentions(text);
    let (start, end) = excerpt_window(text, ranges.first().map(|r| r.0), max_chars);
    let mut out = String::new();
    if start > 0 {
        out.push(ELLIPSIS);
    }
    let mut escaper = Escaper::new(true);
    let mut bold = false;
    for (index, c) in text[start..end].char_indices() {
        let at = start + index;
        let inside = ranges.iter().any(|&(s, e)| s <= at && at < e);
        if inside != bold {
            out.push_str("**");
            bold = inside;
        }
        if people.iter().any(|&(s, e)| s <= at && at < e) {
            out.push(c); // a person mentioned, shown by name: embeds never ping
        } else {
            escaper.push(&mut out, c);
        }
    }
    if bold {
        out.push_str("**");
    }
    if end < text.len() {
        out.push(ELLIPSIS);
    }
    out
}

/// Valid, sorted, merged byte ranges.
fn clean_ranges(text: &str, matches: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = matches
        .iter()
        .copied()
        .filter(|&(s, e)| {
            s < e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
        })
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Byte bounds of a window of at most `max_chars` characters that shows `focus` with some
/// context before it (a quarter of the window).
fn excerpt_window(text: &str, focus: Option<usize>, max_chars: usize) -> (usize, usize) {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    let char_count = boundaries.len() - 1;
    if char_count <= max_chars {
        return (0, text.len());
    }
    let focus_char = focus
        .and_then(|byte| boundaries.binary_search(&byte).ok())
        .unwrap_or(0);
    let first = focus_char
        .saturating_sub(max_chars / 4)
        .min(char_count - max_chars);
    (boundaries[first], boundaries[first + max_chars])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_characters_are_escaped() {
        assert_eq!(
            escape_markdown("**gras** _it_ ~~b~~ `c` ||s|| [l](u)"),
            r"\*\*gras\*\* \_it\_ \~\~b\~\~ \`c\` \|\|s\|\| \[l\]\(u\)"
        );
    }

    #[test]
    fn block_markdown_is_escaped_only_where_it_means_something() {
        assert_eq!(escape_markdown("> cite"), r"\> cite");
        assert_eq!(escape_markdown("# titre"), r"\# titre");
        assert_eq!(escape_markdown("- a\n  - b"), "\\- a\n  \\- b");
        assert_eq!(escape_markdown("1. un"), r"1\. un");
        assert_eq!(escape_markdown("peut-être 3.5"), "peut-être 3.5");
    }

    #[test]
    fn a_backslash_cannot_undo_the_escaping() {
        assert_eq!(escape_markdown(r"\*x\*"), r"\\\*x\\\*");
    }

    #[test]
    fn escaping_leaves_mentions_alone() {
        assert_eq!(escape_markdown("salut @toi"), "salut @toi");
    }

    #[test]
    fn everyone_and_here_never_ping() {
        let out = neutralize_mentions("@everyone @here");
        assert!(!out.contains("@everyone"));
        assert!(!out.contains("@here"));
        assert_eq!(out, "@\u{200D}everyone @\u{200D}here");
    }

    #[test]
    fn user_and_role_mentions_are_broken() {
        let out = neutralize_mentions("<@123> <@!456> <@&789>");
        assert!(!out.contains("<@1"));
        assert!(!out.contains("<@!"));
        assert!(!out.contains("<@&"));
    }

    #[test]
    fn sanitize_escapes_and_neutralises_together() {
        assert_eq!(sanitize("*@here*"), "\\*@\u{200D}here\\*");
    }

    #[test]
    fn zero_width_tricks_do_not_rebuild_a_mention() {
        // A zero-width space typed by the young person stays; it already breaks the mention,
        // and we add our own joiner after the `@` regardless.
        let out = sanitize("@\u{200B}everyone @\u{200D}here");
        assert!(!out.contains("@everyone"));
        assert!(!out.contains("@here"));
        assert!(out.starts_with("@\u{200D}\u{200B}"));
    }

    #[test]
    fn zalgo_text_survives_escaping_and_truncation() {
        let zalgo = "s\u{0336}\u{0337}\u{0338}a\u{0489}l\u{0334}u\u{0335}t".repeat(200);
        let cut = truncate_chars(&sanitize(&zalgo), 100);
        assert_eq!(cut.chars().count(), 100);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn huge_text_is_cut_to_the_limit() {
        let huge = "@everyone ".repeat(100_000);
        let cut = truncate_chars(&sanitize(&huge), 1024);
        assert!(cut.chars().count() <= 1024);
        assert!(!cut.contains("@everyone"));
    }

    #[test]
    fn short_text_is_not_truncated() {
        assert_eq!(truncate_chars("court", 5), "court");
        assert_eq!(truncate_chars("court", 0), "");
    }

    #[test]
    fn matched_words_are_bold_and_the_rest_escaped() {
        let text = "j'ai envie de *mourir* @everyone";
        let start = text.find("mourir").unwrap_or(0);
        let out = highlight_excerpt(text, &[(start, start + 6)], 500);
        assert_eq!(out, "j'ai envie de \\***mourir**\\* @\u{200D}everyone");
    }

    #[test]
    fn overlapping_matches_are_merged() {
        let out = highlight_excerpt("abcdef", &[(1, 3), (2, 4)], 100);
        assert_eq!(out, "a**bcd**ef");
    }

    #[test]
    fn invalid_match_ranges_are_ignored() {
        let text = "été";
        // 1 is inside 'é'; 99 is out of bounds; (2, 2) is empty.
        let out = highlight_excerpt(text, &[(1, 3), (0, 99), (2, 2)], 100);
        assert_eq!(out, "été");
    }

    #[test]
    fn a_long_message_is_cut_around_the_first_match() {
        let text = format!("{}danger{}", "x".repeat(1000), "y".repeat(1000));
        let out = highlight_excerpt(&text, &[(1000, 1006)], 100);
        assert!(out.starts_with('…'));
        assert!(out.ends_with('…'));
        assert!(out.contains("**danger**"));
        assert!(out.chars().count() <= 100 + 2 + 4);
    }

    #[test]
    fn a_match_near_the_end_keeps_the_window_inside_the_text() {
        let text = format!("{}fin", "x".repeat(500));
        let out = highlight_excerpt(&text, &[(500, 503)], 50);
        assert!(out.ends_with("**fin**"));
    }

    #[test]
    fn a_huge_hostile_excerpt_stays_bounded() {
        let text = "*@everyone*\u{200B}".repeat(50_000);
        let out = highlight_excerpt(&text, &[(1, 10)], 300);
        assert!(out.chars().count() <= 2 * 300 + 4 + 2);
        assert!(!out.contains("@everyone"));
    }

    #[test]
    fn timestamps_and_mentions_use_discord_syntax() {
        assert_eq!(discord_timestamp(1_700_000_000_999), "<t:1700000000:f>");
        assert_eq!(
            discord_relative_timestamp(1_700_000_000_000),
            "<t:1700000000:R>"
        );
        assert_eq!(user_mention(42), "<@42>");
        assert_eq!(role_mention(7), "<@&7>");
    }

    #[test]
    fn an_excerpt_shows_people_mentioned_but_never_a_role_or_everyone() {
        let text = "<@123> t'es nul <@!45> <@&7> @everyone <@abc>";
        let out = highlight_excerpt(text, &[(7, 14)], 300);
        assert!(out.starts_with("<@123>"), "{out}");
        assert!(out.contains("<@!45>"), "{out}");
        assert!(!out.contains("<@&7>"), "{out}");
        assert!(!out.contains("@everyone"), "{out}");
        assert!(!out.contains("<@abc>"), "{out}");
    }
}
