//! Questions young people ask: the three ways of asking, the life of a question (open -> taken
//! -> answered -> closed), and the pure rules around it: a thread's title from the first words,
//! a relayed text split for Discord, when a waiting question is reminded or escalated.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Discord's limit on a message's content.
pub const MESSAGE_LIMIT: usize = 2000;
/// Discord's limit on a thread's name.
pub const THREAD_NAME_LIMIT: usize = 100;
/// The longest anonymous question (the modal's limit).
pub const ANONYMOUS_MAX_CHARS: usize = 1500;
/// The shortest question worth posting.
pub const MIN_CHARS: usize = 3;

/// How a young person asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Way {
    /// A top-level message in a question channel: answered in a public thread.
    Open,
    /// `/question anonyme`: posted by the bot without a name.
    Anonymous,
    /// A DM to the bot: relayed into a staff-only thread, answers relayed back by DM.
    Private,
}

impl Way {
    pub const ALL: [Way; 3] = [Way::Open, Way::Anonymous, Way::Private];

    pub fn as_str(self) -> &'static str {
        match self {
            Way::Open => "open",
            Way::Anonymous => "anonymous",
            Way::Private => "private",
        }
    }
}

impl FromStr for Way {
    type Err = String;
    fn from_str(s: &str) -> Result<Way, String> {
        Way::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| format!("unknown way of asking `{s}`"))
    }
}

/// Where a question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QuestionStatus {
    Open,
    Taken,
    Answered,
    Closed,
}

impl QuestionStatus {
    pub const ALL: [QuestionStatus; 4] = [
        QuestionStatus::Open,
        QuestionStatus::Taken,
        QuestionStatus::Answered,
        QuestionStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionStatus::Open => "open",
            QuestionStatus::Taken => "taken",
            QuestionStatus::Answered => "answered",
            QuestionStatus::Closed => "closed",
        }
    }
}

impl FromStr for QuestionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<QuestionStatus, String> {
        QuestionStatus::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| format!("unknown question status `{s}`"))
    }
}

impl fmt::Display for QuestionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a closed question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionOutcome {
    /// Answered.
    Repondu,
    /// Referred elsewhere (a service, a professional).
    Oriente,
    /// Nothing to do (no follow-up from the young person, not a question).
    SansSuite,
}

impl QuestionOutcome {
    pub const ALL: [QuestionOutcome; 3] = [
        QuestionOutcome::Repondu,
        QuestionOutcome::Oriente,
        QuestionOutcome::SansSuite,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionOutcome::Repondu => "repondu",
            QuestionOutcome::Oriente => "oriente",
            QuestionOutcome::SansSuite => "sans_suite",
        }
    }
}

impl FromStr for QuestionOutcome {
    type Err = String;
    fn from_str(s: &str) -> Result<QuestionOutcome, String> {
        QuestionOutcome::ALL
            .into_iter()
            .find(|w| w.as_str() == s)
            .ok_or_else(|| format!("unknown question outcome `{s}`"))
    }
}

/// A question as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub version: i64,
    pub guild_id: u64,
    pub way: Way,
    pub status: QuestionStatus,
    pub asker_pseudonym: String,
    /// Only for anonymous and private questions (to write back), erased with retention.
    pub asker_id: Option<u64>,
    /// The young person's message (open) or first DM (private).
    pub source_message_id: Option<u64>,
    /// The channel the question lives in: the question channel (open, anonymous) or the
    /// staff-only channel of private questions.
    pub channel_id: u64,
    /// The message the thread hangs on: the young person's (open), the bot's anonymous post,
    /// or the bot's head message of a private question.
    pub message_id: Option<u64>,
    pub thread_id: Option<u64>,
    pub ack_message_id: Option<u64>,
    /// Bumped when a private question's thread was lost and a new one must be opened.
    pub thread_generation: i64,
    pub title: String,
    pub taken_by: Option<u64>,
    pub answered_by: Option<u64>,
    pub closed_by: Option<u64>,
    pub outcome: Option<QuestionOutcome>,
    pub note: Option<String>,
    pub asked_at: i64,
    pub taken_at: Option<i64>,
    pub answered_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub reminded_at: Option<i64>,
    pub escalated_at: Option<i64>,
}

/// Why a staff action on a question was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuestionRefusal {
    #[error("already taken by {0}")]
    TakenBySomeoneElse(u64),
    #[error("closed")]
    Closed,
}

/// What a staff action changed.
#[derive(Debug, Clone, PartialEq, Eq)]
// A short-lived answer, moved once into the save: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum Decision {
    /// Nothing to save: the question already says so (a double click).
    Unchanged,
    /// Save this question.
    Changed(Question),
}

impl Question {
    /// A promeneur takes the question: open -> taken. Taking one's own question again, or
    /// one already answered, changes nothing.
    pub fn take(&self, by: u64, at: i64) -> Result<Decision, QuestionRefusal> {
        match self.status {
            QuestionStatus::Closed => Err(QuestionRefusal::Closed),
            QuestionStatus::Taken | QuestionStatus::Answered => match self.taken_by {
                Some(t) if t == by => Ok(Decision::Unchanged),
                Some(t) => Err(QuestionRefusal::TakenBySomeoneElse(t)),
                None => Ok(self.taken_now(by, at)),
            },
            QuestionStatus::Open => Ok(self.taken_now(by, at)),
        }
    }

    fn taken_now(&self, by: u64, at: i64) -> Decision {
        let mut q = self.clone();
        if q.status == QuestionStatus::Open {
            q.status = QuestionStatus::Taken;
        }
        q.taken_by = Some(by);
        q.taken_at = Some(at);
        Decision::Changed(q)
    }

    /// A staff member's first answer: records who and when; the one who answers takes the
    /// question if nobody had. Later answers change nothing.
    pub fn answer(&self, by: u64, at: i64) -> Decision {
        if self.answered_at.is_some() || self.status == QuestionStatus::Closed {
            return Decision::Unchanged;
        }
        let mut q = self.clone();
        q.status = QuestionStatus::Answered;
        q.answered_by = Some(by);
        q.answered_at = Some(at);
        if q.taken_by.is_none() {
            q.taken_by = Some(by);
            q.taken_at = Some(at);
        }
        Decision::Changed(q)
    }

    /// Closes the question with its outcome. Closing a closed question changes nothing.
    pub fn close(
        &self,
        by: u64,
        outcome: QuestionOutcome,
        note: Option<&str>,
        at: i64,
    ) -> Decision {
        if self.status == QuestionStatus::Closed {
            return Decision::Unchanged;
        }
        let mut q = self.clone();
        q.status = QuestionStatus::Closed;
        q.closed_by = Some(by);
        q.closed_at = Some(at);
        q.outcome = Some(outcome);
        q.note = note.map(str::to_owned);
        Decision::Changed(q)
    }

    /// Milliseconds from asking to the first answer.
    pub fn answer_delay_ms(&self) -> Option<i64> {
        self.answered_at.map(|a| a - self.asked_at)
    }

    /// Whether nobody has answered yet (reminders and escalation look at these).
    pub fn waiting(&self) -> bool {
        self.answered_at.is_none()
            && matches!(self.status, QuestionStatus::Open | QuestionStatus::Taken)
    }
}

/// When a question still unanswered is reminded, then escalated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitPolicy {
    pub remind_after: Duration,
    pub escalate_after: Duration,
}

impl Default for WaitPolicy {
    fn default() -> Self {
        WaitPolicy {
            remind_after: Duration::from_secs(2 * 3600),
            escalate_after: Duration::from_secs(24 * 3600),
        }
    }
}

/// The nudge a waiting question is due at `now`, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nudge {
    /// A reminder in the alert channel, once.
    Remind,
    /// A message to the coordination, once.
    Escalate,
}

impl Nudge {
    pub fn step(self) -> i64 {
        match self {
            Nudge::Remind => 1,
            Nudge::Escalate => 2,
        }
    }
}

impl WaitPolicy {
    pub fn due(&self, q: &Question, now: i64) -> Option<Nudge> {
        if !q.waiting() {
            return None;
        }
        let waited = now - q.asked_at;
        let ms = |d: Duration| i64::try_from(d.as_millis()).unwrap_or(i64::MAX);
        if q.escalated_at.is_none() && waited >= ms(self.escalate_after) {
            return Some(Nudge::Escalate);
        }
        if q.reminded_at.is_none() && q.escalated_at.is_none() && waited >= ms(self.remind_after) {
            return Some(Nudge::Remind);
        }
        None
    }

    /// The question after `nudge` was decided at `now`.
    pub fn record(&self, q: &Question, nudge: Nudge, now: i64) -> Question {
        let mut q = q.clone();
        match nudge {
            Nudge::Remind => q.reminded_at = Some(now),
            Nudge::Escalate => {
                q.escalated_at = Some(now);
                q.reminded_at.get_or_insert(now);
            }
        }
        q
    }
}

/// A thread's name from the question's first words: one line, no mention or markdown noise,
/// cut on a word boundary, never empty.
pub fn thread_title(text: &str, fallback: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| !(w.starts_with("<@") || w.starts_with("<#") || w.starts_with("http")))
        .map(|w| w.trim_matches(|c: char| matches!(c, '*' | '_' | '`' | '~' | '|' | '>')))
        .filter(|w| !w.is_empty() && !w.starts_with('@'))
        .collect();
    let limit = 60.min(THREAD_NAME_LIMIT);
    let mut title = String::new();
    for w in words {
        let w: String = w.chars().filter(|c| !c.is_control()).collect();
        let extra = if title.is_empty() { 0 } else { 1 } + w.chars().count();
        if title.chars().count() + extra > limit {
            if title.is_empty() {
                title = w.chars().take(limit - 1).collect::<String>() + "…";
            } else {
                title.push('…');
            }
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(&w);
    }
    if title.trim().is_empty() {
        fallback.chars().take(limit).collect()
    } else {
        title
    }
}

/// Splits a relayed text into messages of at most `limit` characters: whole paragraphs
/// first; a paragraph too long alone is split on its lines, then its words; a word longer
/// than a whole message alone is cut.
pub fn split_for_discord(text: &str, limit: usize) -> Vec<String> {
    pack(text, limit.max(16), &["\n\n", "\n", " "])
}

fn pack(text: &str, limit: usize, separators: &[&str]) -> Vec<String> {
    let len = |s: &str| s.chars().count();
    let text = text.trim();
    if text.is_empty() {
        return Vec::new();
    }
    if len(text) <= limit {
        return vec![text.to_string()];
    }
    let Some((sep, finer)) = separators.split_first() else {
        let chars: Vec<char> = text.chars().collect();
        return chars.chunks(limit).map(|c| c.iter().collect()).collect();
    };
    let mut out = Vec::new();
    let mut current = String::new();
    for piece in text.split(sep).map(str::trim).filter(|p| !p.is_empty()) {
        if len(piece) > limit {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            out.extend(pack(piece, limit, finer));
            continue;
        }
        if current.is_empty() {
            current.push_str(piece);
        } else if len(&current) + len(sep) + len(piece) <= limit {
            current.push_str(sep);
            current.push_str(piece);
        } else {
            out.push(std::mem::replace(&mut current, piece.to_string()));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests;
