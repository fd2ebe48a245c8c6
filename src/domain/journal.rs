//! The journal: one append-only entry per exchange and per staff action, for the network's
//! supervision and the coordinators' audit. An entry says who (a young person only as their
//! keyed pseudonym, staff by Discord id, the bot, or the operator at the CLI), did what, to
//! which subject (an alert's or a question's number, a message id...) and a few labels
//! (severity, categories, a question's way, an outcome). Never a content: texts that must be
//! kept a while live in their own tables and are redacted at the end of `privacy.retention_days`;
//! entries stay `privacy.journal_retention_days` so the counts survive.

use std::fmt;

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A young person, as their keyed pseudonym.
    Young(String),
    /// A young person whose data was erased, or who is not named on purpose (a rights
    /// request): counted, never identified.
    Anonymous,
    /// A promeneur or coordinator, by Discord id (their actions are audited).
    Staff(u64),
    /// A staff action logged before the journal named who acted (the old `exchanges` log).
    StaffUnknown,
    /// The bot itself (a reminder, an escalation, a delivery).
    Bot,
    /// The operator, at the command line.
    Operator,
}

/// The kind of actor, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActorKind {
    Young,
    Staff,
    Bot,
    Operator,
}

impl ActorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::Young => "young",
            ActorKind::Staff => "staff",
            ActorKind::Bot => "bot",
            ActorKind::Operator => "operator",
        }
    }

    pub fn parse(s: &str) -> Option<ActorKind> {
        [
            ActorKind::Young,
            ActorKind::Staff,
            ActorKind::Bot,
            ActorKind::Operator,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

impl Actor {
    pub fn kind(&self) -> ActorKind {
        match self {
            Actor::Young(_) | Actor::Anonymous => ActorKind::Young,
            Actor::Staff(_) | Actor::StaffUnknown => ActorKind::Staff,
            Actor::Bot => ActorKind::Bot,
            Actor::Operator => ActorKind::Operator,
        }
    }

    /// The stored `actor` column: the pseudonym, the staff id as text, or nothing.
    pub fn label(&self) -> Option<String> {
        match self {
            Actor::Young(p) => Some(p.clone()),
            Actor::Staff(id) => Some(id.to_string()),
            Actor::Anonymous | Actor::StaffUnknown | Actor::Bot | Actor::Operator => None,
        }
    }

    /// Reads the stored columns back; `None` for a kind that is not known.
    pub fn from_columns(kind: &str, actor: Option<&str>) -> Option<Actor> {
        Some(match (ActorKind::parse(kind)?, actor) {
            (ActorKind::Young, Some(p)) => Actor::Young(p.to_owned()),
            (ActorKind::Young, None) => Actor::Anonymous,
            (ActorKind::Staff, Some(id)) => Actor::Staff(id.parse().ok()?),
            (ActorKind::Staff, None) => Actor::StaffUnknown,
            (ActorKind::Bot, _) => Actor::Bot,
            (ActorKind::Operator, _) => Actor::Operator,
        })
    }
}

macro_rules! actions {
    ($($variant:ident => $name:literal,)*) => {
        /// What happened. Stored by name; the names are the export's `action` column.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($variant,)*
        }

        impl Action {
            pub const ALL: &'static [Action] = &[$(Action::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }

            pub fn parse(s: &str) -> Option<Action> {
                match s {
                    $($name => Some(Action::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

actions! {
    MessageScanned => "message_scanned",
    MessageEdited => "message_edited",
    DmScanned => "dm_scanned",
    QuestionAsked => "question_asked",
    QuestionTaken => "question_taken",
    QuestionAnswered => "question_answered",
    QuestionRelayed => "question_relayed",
    QuestionClosed => "question_closed",
    QuestionReminded => "question_reminded",
    QuestionEscalated => "question_escalated",
    AlertFlagged => "alert_flagged",
    AlertDelivered => "alert_delivered",
    AlertTaken => "alert_taken",
    AlertClosed => "alert_closed",
    AlertReopened => "alert_reopened",
    AlertEscalated => "alert_escalated",
    AlertListViewed => "alert_list_viewed",
    ResourceAdded => "resource_added",
    ResourceEdited => "resource_edited",
    ResourceRetired => "resource_retired",
    PermanenceAdded => "permanence_added",
    PermanenceChanged => "permanence_changed",
    PermanenceRetired => "permanence_retired",
    PermanenceHeld => "permanence_held",
    RuleAdded => "rule_added",
    RuleRemoved => "rule_removed",
    ExportMade => "export_made",
    JournalViewed => "journal_viewed",
    DataShown => "data_shown",
    DataErased => "data_erased",
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    None,
    /// A Discord message id.
    Message(u64),
    Alert(i64),
    Question(i64),
    Resource(i64),
    Permanence(i64),
    /// A keyword rule (its number in the guild's rules table).
    Rule(i64),
}

impl Subject {
    /// The stored kind and id; message ids are snowflakes, stored as the other ids are.
    pub fn columns(self) -> (Option<&'static str>, Option<SubjectId>) {
        match self {
            Subject::None => (None, None),
            Subject::Message(id) => (Some("message"), Some(SubjectId::Snowflake(id))),
            Subject::Alert(id) => (Some("alert"), Some(SubjectId::Number(id))),
            Subject::Question(id) => (Some("question"), Some(SubjectId::Number(id))),
            Subject::Resource(id) => (Some("resource"), Some(SubjectId::Number(id))),
            Subject::Permanence(id) => (Some("permanence"), Some(SubjectId::Number(id))),
            Subject::Rule(id) => (Some("rule"), Some(SubjectId::Number(id))),
        }
    }
}

/// A subject's id: a Discord snowflake or one of the bot's own numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectId {
    Snowflake(u64),
    Number(i64),
}

/// The small labels an entry may carry: never a content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    pub severity: Option<String>,
    /// Comma-separated category ids.
    pub categories: Option<String>,
    /// A question's way (`open`, `anonymous`, `private`).
    pub way: Option<String>,
    pub outcome: Option<String>,
    /// A short label: a delay in ms, a range and a row count, a channel... never a text
    /// anyone wrote.
    pub note: Option<String>,
}

/// One journal entry, as the flows build it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub guild_id: Option<u64>,
    pub at: i64,
    pub actor: Actor,
    pub action: Action,
    pub subject: Subject,
    pub channel_id: Option<u64>,
    pub detail: Detail,
    /// An entry that a replayed event would write again carries a key: the second is dropped.
    pub dedup: Option<String>,
}

impl Entry {
    pub fn new(guild_id: Option<u64>, at: i64, actor: Actor, action: Action) -> Entry {
        Entry {
            guild_id,
            at,
            actor,
            action,
            subject: Subject::None,
            channel_id: None,
            detail: Detail::default(),
            dedup: None,
        }
    }

    pub fn about(mut self, subject: Subject) -> Entry {
        self.subject = subject;
        self
    }

    pub fn in_channel(mut self, channel: u64) -> Entry {
        self.channel_id = Some(channel);
        self
    }

    pub fn severity(mut self, severity: &str) -> Entry {
        self.detail.severity = Some(severity.to_owned());
        self
    }

    /// Categories, comma-separated; an empty list stores nothing.
    pub fn categories(mut self, categories: &str) -> Entry {
        self.detail.categories = (!categories.is_empty()).then(|| categories.to_owned());
        self
    }

    pub fn way(mut self, way: &str) -> Entry {
        self.detail.way = Some(way.to_owned());
        self
    }

    pub fn outcome(mut self, outcome: &str) -> Entry {
        self.detail.outcome = Some(outcome.to_owned());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Entry {
        self.detail.note = Some(note.into());
        self
    }

    pub fn dedup(mut self, key: impl Into<String>) -> Entry {
        self.dedup = Some(key.into());
        self
    }
}

/// The most entries `/journal` shows at once.
pub const AUDIT_PAGE: usize = 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name_and_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert!(seen.insert(a.as_str()), "{a} twice");
        }
        assert_eq!(Action::parse("message scanned"), None);
    }

    #[test]
    fn actors_store_a_pseudonym_or_a_staff_id_and_read_back() {
        let young = Actor::Young("a1b2".into());
        assert_eq!(young.kind().as_str(), "young");
        assert_eq!(young.label().as_deref(), Some("a1b2"));
        let staff = Actor::Staff(42);
        assert_eq!(
            Actor::from_columns("staff", staff.label().as_deref()),
            Some(staff)
        );
        assert_eq!(Actor::from_columns("young", None), Some(Actor::Anonymous));
        assert_eq!(Actor::from_columns("staff", Some("karim")), None);
        assert_eq!(
            Actor::from_columns("staff", None),
            Some(Actor::StaffUnknown)
        );
        assert_eq!(Actor::from_columns("robot", None), None);
    }

    #[test]
    fn an_empty_category_list_stores_nothing() {
        let e = Entry::new(Some(1), 0, Actor::Bot, Action::AlertEscalated).categories("");
        assert_eq!(e.detail.categories, None);
    }
}
