//! Chats scored by message and by conversation: the CyberAgressionAdo-v1 CSVs (shared data) and
//! the repository's blind conversation sets (`eval/fr/chats_blind*.tsv`).
//!
//! By message, an aggressive line counts as found when the rules flag it as harassment. By
//! conversation, the conversation stage ([`crate::pile_on`]) runs too, fed the way the bot
//! feeds it: each line's aggression and target (a mention, a reply, else the one other person
//! the conversation is with), and a line it flags counts as flagged.

use std::fmt;

use crate::pile_on::{self, conversation_partner, Conversation, Policy, Turn, PARTNER_WINDOW_MS};
use crate::stance::read_turn;
use crate::{Category, RuleSet};

use super::ratio;

/// One message of a chat.
#[derive(Debug, Clone)]
pub struct ChatMessage {
    pub text: String,
    /// Labelled aggressive (CyberAgressionAdo: `VERBAL_ABUSE` is not `none`).
    pub aggressive: bool,
    /// Labelled a threat (CyberAgressionAdo: `VERBAL_ABUSE` is `threat`).
    pub threat: bool,
    pub author: String,
    /// Seconds from the chat's start (or from midnight).
    pub at_s: i64,
    /// The author of the message it replies to (Discord's reply), when the data says.
    pub reply_to: Option<String>,
}

/// One chat.
#[derive(Debug, Clone)]
pub struct Chat {
    pub name: String,
    pub messages: Vec<ChatMessage>,
}

/// Splits CSV text (RFC 4180: quotes, doubled quotes, line breaks inside quotes) into records.
fn csv_records(src: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// `[2:28:36 PM]` as seconds from midnight (0 when unreadable).
fn clock_seconds(t: &str) -> i64 {
    let t = t
        .trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim();
    let (clock, pm) = match t.rsplit_once(' ') {
        Some((c, half)) => (c, half.eq_ignore_ascii_case("PM")),
        None => (t, false),
    };
    let mut parts = clock
        .split(':')
        .map(|p| p.trim().parse::<i64>().unwrap_or(0));
    let (h, m, s) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    let h = match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    h * 3600 + m * 60 + s
}

/// Parses one CyberAgressionAdo chat CSV
/// (`ID,TIME,NAME,TEXT,ROLE,TARGET,HATE_SPEECH,VERBAL_ABUSE,HUMOR`).
pub fn parse_chat_csv(name: &str, src: &str) -> Result<Chat, String> {
    let mut records = csv_records(src).into_iter();
    let header = records
        .next()
        .ok_or_else(|| format!("{name}: empty file"))?;
    let col = |h: &str| {
        header
            .iter()
            .position(|c| c.trim() == h)
            .ok_or_else(|| format!("{name}: no {h} column"))
    };
    let (text_col, abuse_col) = (col("TEXT")?, col("VERBAL_ABUSE")?);
    let (time_col, name_col) = (col("TIME")?, col("NAME")?);
    let mut messages = Vec::new();
    for r in records {
        if r.len() < header.len() {
            continue;
        }
        let abuse = r[abuse_col].trim();
        messages.push(ChatMessage {
            text: r[text_col].trim().to_owned(),
            aggressive: abuse != "none",
            threat: abuse == "threat",
            author: r[name_col]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned(),
            at_s: clock_seconds(&r[time_col]),
            reply_to: None,
        });
    }
    Ok(Chat {
        name: name.to_owned(),
        messages,
    })
}

/// Parses a blind conversation set
/// (`chat<TAB>second<TAB>author<TAB>reply_to<TAB>target<TAB>label<TAB>text`, header first).
pub fn parse_chat_tsv(src: &str) -> Result<Vec<Chat>, String> {
    let mut chats: Vec<Chat> = Vec::new();
    for (i, line) in src.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.splitn(7, '\t').collect();
        let [chat, second, author, reply_to, _target, label, text] = f[..] else {
            return Err(format!("line {}: expected 7 tab-separated fields", i + 1));
        };
        let aggressive = match label {
            "aggressive" => true,
            "none" => false,
            other => return Err(format!("line {}: unknown label `{other}`", i + 1)),
        };
        let at_s = second
            .parse::<i64>()
            .map_err(|e| format!("line {}: second: {e}", i + 1))?;
        let message = ChatMessage {
            text: text.to_owned(),
            aggressive,
            threat: false,
            author: author.to_owned(),
            at_s,
            reply_to: (reply_to != "-").then(|| reply_to.to_owned()),
        };
        match chats.last_mut() {
            Some(c) if c.name == chat => c.messages.push(message),
            _ => chats.push(Chat {
                name: chat.to_owned(),
                messages: vec![message],
            }),
        }
    }
    Ok(chats)
}

/// The conversation stage as the scoring runs it.
#[derive(Clone, Copy)]
pub struct Stage {
    pub policy: Policy,
}

/// One chat's outcome.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatOutcome {
    pub name: String,
    pub aggressive: usize,
    /// The 1-based rank among its aggressive messages of the first one flagged as harassment
    /// by the message alone (`None`: never).
    pub first_by_message: Option<usize>,
    /// The same with the conversation stage: the aggressive messages seen when the chat was
    /// first flagged (by a message or as a pile-on; at least 1).
    pub first_by_conversation: Option<usize>,
    /// Pile-ons reported (not counting their continuing messages).
    pub pile_ons: usize,
}

/// The scores on a set of chats.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatScore {
    pub name: String,
    pub messages: usize,
    pub aggressive: usize,
    /// Aggressive messages flagged as harassment.
    pub harassment_found: usize,
    /// Aggressive messages flagged with any category.
    pub any_found: usize,
    /// Aggressive messages flagged by the message or by the conversation stage.
    pub conversation_found: usize,
    pub none: usize,
    /// `none` messages flagged (any category).
    pub false_positives: usize,
    /// `none` messages flagged by the message or by the conversation stage.
    pub conversation_false_positives: usize,
    pub chats: Vec<ChatOutcome>,
}

impl ChatScore {
    pub fn harassment_recall(&self) -> f64 {
        ratio(self.harassment_found, self.aggressive)
    }
    pub fn fp_rate(&self) -> f64 {
        ratio(self.false_positives, self.none)
    }
    pub fn conversation_recall(&self) -> f64 {
        ratio(self.conversation_found, self.aggressive)
    }
    pub fn conversation_fp_rate(&self) -> f64 {
        ratio(self.conversation_false_positives, self.none)
    }
    /// Chats with aggression flagged within their first `k` aggressive messages, by message
    /// alone and with the conversation stage; and how many chats have aggression.
    pub fn flagged_within(&self, k: usize) -> (usize, usize, usize) {
        let hurt = self.chats.iter().filter(|c| c.aggressive > 0);
        let within = |r: Option<usize>| r.is_some_and(|r| r <= k);
        let (mut alone, mut conv, mut all) = (0, 0, 0);
        for c in hurt {
            all += 1;
            alone += usize::from(within(c.first_by_message));
            conv += usize::from(within(c.first_by_conversation));
        }
        (alone, conv, all)
    }
    /// Chats without any aggressive message that were flagged anyway: by message alone, with
    /// the conversation stage; and how many such chats there are.
    pub fn harmless_flagged(&self) -> (usize, usize, usize) {
        let calm = self.chats.iter().filter(|c| c.aggressive == 0);
        let (mut alone, mut conv, mut all) = (0, 0, 0);
        for c in calm {
            all += 1;
            alone += usize::from(c.first_by_message.is_some());
            conv += usize::from(c.first_by_conversation.is_some());
        }
        (alone, conv, all)
    }
}

/// Who a message is aimed at, as the bot reads it: the first participant it mentions
/// (`@name`), else the author it replies to, else the one other person who wrote in the
/// last five minutes.
fn target_of(m: &ChatMessage, recent: &[(u64, i64)], ids: &[&str], author: usize) -> Option<u64> {
    let lower = m.text.to_lowercase();
    let named = |i: usize| i != author;
    let mentioned = (0..ids.len())
        .filter(|&i| named(i))
        .find(|&i| lower.contains(&format!("@{}", ids[i].to_lowercase())));
    let replied = || {
        let r = m.reply_to.as_deref()?;
        ids.iter().position(|n| *n == r).filter(|&i| named(i))
    };
    match mentioned.or_else(replied) {
        Some(i) => Some(i as u64),
        None => conversation_partner(recent, author as u64, m.at_s * 1000, PARTNER_WINDOW_MS),
    }
}

/// Scans every chat message, by message and (with `stage`) by conversation.
pub fn score_chats(rules: &RuleSet, name: &str, chats: &[Chat], stage: Option<Stage>) -> ChatScore {
    let mut r = ChatScore {
        name: name.to_owned(),
        ..ChatScore::default()
    };
    for chat in chats {
        let mut ids: Vec<&str> = Vec::new();
        let mut recent: Vec<(u64, i64)> = Vec::new();
        let mut conversation = Conversation::default();
        let mut out = ChatOutcome {
            name: chat.name.clone(),
            ..ChatOutcome::default()
        };
        for (n, m) in chat.messages.iter().enumerate() {
            let scan = rules.scan(&m.text);
            let author = match ids.iter().position(|a| *a == m.author) {
                Some(i) => i,
                None => {
                    ids.push(&m.author);
                    ids.len() - 1
                }
            };
            let harassment = scan.categories.contains(&Category::Harassment);
            let pile_on = stage.and_then(|st| {
                let cues = read_turn(&m.text);
                let turn = Turn {
                    message: n as u64,
                    author: author as u64,
                    target: target_of(m, &recent, &ids, author),
                    at_ms: m.at_s * 1000,
                    weight: pile_on::aggression(&scan, cues),
                    plea: cues.plea,
                };
                conversation.observe(turn, &st.policy)
            });
            recent.push((author as u64, m.at_s * 1000));
            if recent.len() > 20 {
                recent.remove(0);
            }
            out.pile_ons += usize::from(pile_on.as_ref().is_some_and(|p| !p.continuing));
            // A pile-on a plea tipped flags the conversation, not the plea's own words.
            let message_pile_on = pile_on.as_ref().is_some_and(|p| !p.plea);
            let by_conversation = harassment || pile_on.is_some();
            r.messages += 1;
            if m.aggressive {
                out.aggressive += 1;
                r.aggressive += 1;
                r.harassment_found += usize::from(harassment);
                r.any_found += usize::from(scan.flagged);
                r.conversation_found += usize::from(harassment || message_pile_on || scan.flagged);
            } else {
                r.none += 1;
                r.false_positives += usize::from(scan.flagged);
                r.conversation_false_positives += usize::from(scan.flagged || message_pile_on);
            }
            let seen = out.aggressive.max(1);
            if harassment && out.first_by_message.is_none() {
                out.first_by_message = Some(seen);
            }
            if by_conversation && out.first_by_conversation.is_none() {
                out.first_by_conversation = Some(seen);
            }
        }
        r.chats.push(out);
    }
    r
}

impl fmt::Display for ChatScore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{}: {} messages in {} chats, {} aggressive, {} none",
            self.name,
            self.messages,
            self.chats.len(),
            self.aggressive,
            self.none
        )?;
        writeln!(
            f,
            "by message: harassment recall {:.3} ({}/{}); any category {:.3}; FP rate {:.3} ({}/{})",
            self.harassment_recall(),
            self.harassment_found,
            self.aggressive,
            ratio(self.any_found, self.aggressive),
            self.fp_rate(),
            self.false_positives,
            self.none
        )?;
        writeln!(
            f,
            "by message with the conversation stage: recall {:.3} ({}/{}); FP rate {:.3} ({}/{})",
            self.conversation_recall(),
            self.conversation_found,
            self.aggressive,
            self.conversation_fp_rate(),
            self.conversation_false_positives,
            self.none
        )?;
        for k in [3, 5] {
            let (alone, conv, all) = self.flagged_within(k);
            writeln!(
                f,
                "chats with aggression flagged within their first {k} aggressive messages: \
                 {alone}/{all} by message alone, {conv}/{all} with the conversation stage"
            )?;
        }
        let (alone, conv, all) = self.harmless_flagged();
        if all > 0 {
            writeln!(
                f,
                "harmless chats flagged anyway: {alone}/{all} by message alone, {conv}/{all} \
                 with the conversation stage"
            )?;
        }
        for c in &self.chats {
            let rank = |r: Option<usize>| r.map_or("never".to_owned(), |k| format!("#{k}"));
            writeln!(
                f,
                "  {}: {} aggressive; first flagged {} by message, {} with the conversation \
                 stage; {} pile-on(s)",
                c.name,
                c.aggressive,
                rank(c.first_by_message),
                rank(c.first_by_conversation),
                c.pile_ons
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_with_quotes_and_commas_are_split_right() {
        let chat = parse_chat_csv(
            "x.csv",
            "ID,TIME,NAME,TEXT,ROLE,TARGET,HATE_SPEECH,VERBAL_ABUSE,HUMOR\n\
             0,[2:28:36 PM], <A-b>,\"a, \"\"b\"\"\",r,t,no,threat,no\n\
             1,[12:01:00 AM],n,ok,r,t,no,none,no\n",
        )
        .unwrap();
        assert_eq!(chat.messages.len(), 2);
        assert_eq!(chat.messages[0].text, "a, \"b\"");
        assert_eq!(chat.messages[0].author, "A-b");
        assert_eq!(chat.messages[0].at_s, 14 * 3600 + 28 * 60 + 36);
        assert_eq!(chat.messages[1].at_s, 60);
        assert!(chat.messages[0].threat && !chat.messages[1].aggressive);
    }

    #[test]
    fn conversation_tsv_lines_group_into_chats() {
        let chats = parse_chat_tsv(
            "chat\tsecond\tauthor\treply_to\ttarget\tlabel\ttext\n\
             c01\t0\ta\t-\t-\tnone\tsalut\n\
             c01\t4\tb\ta\ta\taggressive\t@a t'es nul\n\
             c02\t0\tc\t-\t-\tnone\tyo\n",
        )
        .unwrap();
        assert_eq!(chats.len(), 2);
        assert_eq!(chats[0].messages[1].reply_to.as_deref(), Some("a"));
        assert!(chats[0].messages[1].aggressive);
        assert!(parse_chat_tsv("h\nc01\t0\ta\t-\t-\tmaybe\tx\n").is_err());
    }

    #[test]
    fn a_target_is_a_mention_then_a_reply_then_the_one_partner() {
        let m = |text: &str, reply: Option<&str>| ChatMessage {
            text: text.to_owned(),
            aggressive: true,
            threat: false,
            author: "a".to_owned(),
            at_s: 1000,
            reply_to: reply.map(str::to_owned),
        };
        let ids = ["a", "b", "c"];
        let recent = [(1, 900_000), (2, 990_000)];
        assert_eq!(
            target_of(&m("@c t'es nul", Some("b")), &recent, &ids, 0),
            Some(2)
        );
        assert_eq!(
            target_of(&m("t'es nul", Some("b")), &recent, &ids, 0),
            Some(1)
        );
        assert_eq!(target_of(&m("t'es nul", None), &recent, &ids, 0), None);
        assert_eq!(
            target_of(&m("t'es nul", None), &recent[1..], &ids, 0),
            Some(2)
        );
    }
}
