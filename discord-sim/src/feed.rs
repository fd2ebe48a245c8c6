//! The bot's visible output as a stream of [`BotPost`]s: every message it posts, edits or
//! deletes (channels, threads, DMs, interaction responses and follow-ups), every modal it opens
//! and every autocomplete answer. Tests await posts matching a predicate; the sandbox subscribes
//! and prints them as they happen.

use serde_json::Value;
use tokio::sync::broadcast;

/// What kind of thing the bot did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostKind {
    /// A new message (channel, thread, DM, interaction response or follow-up).
    Created,
    /// An edit of one of its messages (or of the message a component was on).
    Edited,
    /// A deletion of a message.
    Deleted,
    /// "The bot is thinking...": a deferred interaction response (callback type 5).
    Deferred,
    /// A component interaction acknowledged without a visible change (callback type 6).
    DeferredUpdate,
    /// A modal opened (callback type 9); `data` holds its custom_id, title and components.
    Modal,
    /// Autocomplete choices (callback type 8); `data` holds `choices`.
    Autocomplete,
}

/// One visible action of the bot.
#[derive(Debug, Clone)]
pub struct BotPost {
    /// Position in the feed, from 0.
    pub seq: u64,
    pub kind: PostKind,
    pub channel_id: u64,
    /// `#channel`, `#parent > thread` or `dm:user`.
    pub channel: String,
    /// The bot's user name.
    pub author: String,
    pub message_id: Option<u64>,
    pub content: String,
    pub embeds: Vec<Value>,
    pub components: Vec<Value>,
    /// Only the interaction's user sees it.
    pub ephemeral: bool,
    /// The interaction this answers (responses, follow-ups, @original edits, modals).
    pub interaction_id: Option<u64>,
    /// The raw callback data for modals and autocomplete results.
    pub data: Value,
    /// Users (by name) the message pinged when it was created, given its content and
    /// `allowed_mentions`; edits never ping, so an edit repeats the creation's pings.
    pub pinged_users: Vec<String>,
    /// Roles (by name) the message pinged when it was created.
    pub pinged_roles: Vec<String>,
    /// Whether it pinged @everyone or @here.
    pub pinged_everyone: bool,
}

impl BotPost {
    /// Whether this happened in the DM channel with that user.
    pub fn is_dm_to(&self, user: &str) -> bool {
        self.channel == format!("dm:{}", user.trim_start_matches('@'))
    }

    /// Whether this happened in that channel (`#name`) or in a thread of it.
    pub fn is_in(&self, channel: &str) -> bool {
        let name = format!("#{}", channel.trim_start_matches('#'));
        self.channel == name || self.channel.starts_with(&format!("{name} > "))
    }

    /// Content plus embed titles, descriptions and fields, for loose text predicates.
    pub fn text(&self) -> String {
        let mut text = self.content.clone();
        for embed in &self.embeds {
            for key in ["title", "description"] {
                if let Some(part) = embed.get(key).and_then(Value::as_str) {
                    text.push('\n');
                    text.push_str(part);
                }
            }
            for field in embed
                .get("fields")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for key in ["name", "value"] {
                    if let Some(part) = field.get(key).and_then(Value::as_str) {
                        text.push('\n');
                        text.push_str(part);
                    }
                }
            }
        }
        text
    }

    /// Labels of the buttons on the message.
    pub fn button_labels(&self) -> Vec<String> {
        crate::components::buttons(&self.components)
            .filter_map(|b| b.get("label").and_then(Value::as_str).map(str::to_string))
            .collect()
    }
}

impl std::fmt::Display for BotPost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match self.kind {
            PostKind::Created => "",
            PostKind::Edited => " (edited)",
            PostKind::Deleted => " (deleted)",
            PostKind::Deferred => " (thinking...)",
            PostKind::DeferredUpdate => " (acknowledged)",
            PostKind::Modal => " (modal)",
            PostKind::Autocomplete => " (autocomplete)",
        };
        let private = if self.ephemeral { " [only you]" } else { "" };
        write!(
            f,
            "[{}] {}{what}{private}: {}",
            self.channel,
            self.author,
            self.text()
        )?;
        let labels = self.button_labels();
        if !labels.is_empty() {
            write!(f, "\n    buttons: [{}]", labels.join("] ["))?;
        }
        if self.kind == PostKind::Modal || self.kind == PostKind::Autocomplete {
            write!(f, "\n    {}", self.data)?;
        }
        Ok(())
    }
}

/// The log of posts, with which ones a test has already awaited.
pub(crate) struct Feed {
    posts: Vec<(BotPost, bool)>,
    sender: broadcast::Sender<BotPost>,
}

impl Default for Feed {
    fn default() -> Self {
        Self {
            posts: Vec::new(),
            sender: broadcast::channel(1024).0,
        }
    }
}

impl Feed {
    /// Appends a post (its `seq` is set here) and tells subscribers.
    pub(crate) fn push(&mut self, mut post: BotPost) {
        post.seq = self.posts.len() as u64;
        // Nobody listening is fine: tests that await use the log, not the channel.
        let _ = self.sender.send(post.clone());
        self.posts.push((post, false));
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<BotPost> {
        self.sender.subscribe()
    }

    /// The first post not yet taken that matches, marked as taken.
    pub(crate) fn take_first(&mut self, matches: &dyn Fn(&BotPost) -> bool) -> Option<BotPost> {
        let (post, taken) = self
            .posts
            .iter_mut()
            .find(|(post, taken)| !*taken && matches(post))?;
        *taken = true;
        Some(post.clone())
    }

    pub(crate) fn all(&self) -> Vec<BotPost> {
        self.posts.iter().map(|(p, _)| p.clone()).collect()
    }
}
