//! Gateway sessions: sequence numbers, the history kept for RESUME, the live connection of each
//! session, intent filtering, and the gateway faults (close codes, op 7, op 9).
//!
//! A session outlives its connection: events dispatched while the bot is disconnected are kept
//! and replayed when it resumes, as Discord does.

use serde_json::{json, Value};
use tokio::sync::mpsc;

/// What the socket task should send.
#[derive(Debug)]
pub(crate) enum Outbound {
    Text(String),
    Close(u16, String),
}

pub(crate) type ConnTx = mpsc::UnboundedSender<Outbound>;

const GUILDS: u64 = 1 << 0;
const GUILD_MESSAGES: u64 = 1 << 9;
const DIRECT_MESSAGES: u64 = 1 << 12;
const MESSAGE_CONTENT: u64 = 1 << 15;

/// Counters tests use to tell a resume from a re-identify.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GatewayStats {
    pub connections: u32,
    pub identifies: u32,
    pub resumes: u32,
    /// Events sent again because a RESUME asked for them.
    pub replayed: u32,
    pub heartbeats: u32,
    /// Dispatches (op 0) queued for any session, replays not counted.
    pub dispatched: u32,
}

struct Session {
    id: String,
    seq: u64,
    intents: u64,
    /// `[shard_id, shard_count]` from IDENTIFY: the session gets only its guilds' events.
    shard: Option<(u64, u64)>,
    history: Vec<(u64, String)>,
    conn: Option<(u64, ConnTx)>,
}

#[derive(Default)]
pub(crate) struct Hub {
    sessions: Vec<Session>,
    next_conn: u64,
    pub(crate) stats: GatewayStats,
    /// The bot's user id, to keep message content the bot may always read.
    pub(crate) bot_user_id: u64,
    /// The shard count `GET /gateway/bot` recommends (1 when unset).
    pub(crate) recommended_shards: u32,
    /// While true, the gateway refuses new connections (an outage).
    pub(crate) down: bool,
}

impl Hub {
    pub(crate) fn new_connection(&mut self) -> u64 {
        self.next_conn += 1;
        self.stats.connections += 1;
        self.next_conn
    }

    /// Starts a session for a connection that identified (with its `[shard_id, shard_count]`).
    pub(crate) fn identify(
        &mut self,
        conn: u64,
        tx: ConnTx,
        intents: u64,
        shard: Option<(u64, u64)>,
        session_id: String,
    ) {
        self.stats.identifies += 1;
        self.sessions.push(Session {
            id: session_id,
            seq: 0,
            intents,
            shard,
            history: Vec::new(),
            conn: Some((conn, tx)),
        });
    }

    /// Re-attaches a connection to a session and replays what it missed, then RESUMED.
    /// False when there is no such session (the caller answers op 9).
    pub(crate) fn resume(&mut self, conn: u64, tx: ConnTx, session_id: &str, seq: u64) -> bool {
        let Some(session) = self.sessions.iter_mut().find(|s| s.id == session_id) else {
            return false;
        };
        self.stats.resumes += 1;
        for (_, payload) in session.history.iter().filter(|(s, _)| *s > seq) {
            self.stats.replayed += 1;
            let _ = tx.send(Outbound::Text(payload.clone()));
        }
        session.conn = Some((conn, tx));
        Self::send(session, "RESUMED", json!({"_trace": ["discord-sim"]}));
        true
    }

    /// Sends one event to the session a connection belongs to (READY, GUILD_CREATE).
    pub(crate) fn send_to_conn(&mut self, conn: u64, name: &str, data: Value) {
        if let Some(session) = self
            .sessions
            .iter_mut()
            .find(|s| s.conn.as_ref().is_some_and(|(c, _)| *c == conn))
        {
            Self::send(session, name, data);
        }
    }

    /// Dispatches an event to every session whose intents ask for it and whose shard receives
    /// the event's guild (Discord: `(guild_id >> 22) % shard_count`; DMs go to shard 0).
    pub(crate) fn dispatch(&mut self, name: &str, data: &Value) {
        let guild = data
            .get("guild_id")
            .and_then(crate::ids::parse_id)
            .or_else(|| {
                (name == "GUILD_CREATE")
                    .then(|| data.get("id").and_then(crate::ids::parse_id))
                    .flatten()
            });
        for session in &mut self.sessions {
            if !shard_receives(session.shard, guild) {
                continue;
            }
            let Some(data) = filter_for_intents(name, data, session.intents, self.bot_user_id)
            else {
                continue;
            };
            self.stats.dispatched += 1;
            Self::send(session, name, data);
        }
    }

    fn send(session: &mut Session, name: &str, data: Value) {
        session.seq += 1;
        let payload = json!({"op": 0, "t": name, "s": session.seq, "d": data}).to_string();
        session.history.push((session.seq, payload.clone()));
        if let Some((_, tx)) = &session.conn {
            let _ = tx.send(Outbound::Text(payload));
        }
    }

    /// The connection went away: the session stays resumable.
    pub(crate) fn disconnected(&mut self, conn: u64) {
        for session in &mut self.sessions {
            if session.conn.as_ref().is_some_and(|(c, _)| *c == conn) {
                session.conn = None;
            }
        }
    }

    /// Closes every live connection with this code. Events from now on are kept for RESUME,
    /// except after 4004 (authentication failed), which ends the session.
    pub(crate) fn close_all(&mut self, code: u16) {
        for session in &mut self.sessions {
            if let Some((_, tx)) = session.conn.take() {
                let _ = tx.send(Outbound::Close(code, format!("discord-sim close {code}")));
            }
        }
        if code == 4004 {
            self.sessions.clear();
        }
    }

    /// Sends op 7 RECONNECT to every live connection.
    pub(crate) fn reconnect_all(&mut self) {
        self.send_op_all(json!({"op": 7, "d": null}));
    }

    /// Sends op 9 INVALID_SESSION; a non-resumable one forgets the sessions.
    pub(crate) fn invalidate_all(&mut self, resumable: bool) {
        self.send_op_all(json!({"op": 9, "d": resumable}));
        if !resumable {
            for session in &mut self.sessions {
                session.conn = None;
            }
            self.sessions.clear();
        }
    }

    fn send_op_all(&mut self, payload: Value) {
        for session in &self.sessions {
            if let Some((_, tx)) = &session.conn {
                let _ = tx.send(Outbound::Text(payload.to_string()));
            }
        }
    }

    /// Every payload sent to any session so far (for fixture tests).
    #[cfg(test)]
    pub(crate) fn history(&self) -> Vec<String> {
        self.sessions
            .iter()
            .flat_map(|s| s.history.iter().map(|(_, p)| p.clone()))
            .collect()
    }

    pub(crate) fn has_live_connection(&self) -> bool {
        self.sessions.iter().any(|s| s.conn.is_some())
    }
}

/// Whether a session identified with `shard` receives the events of `guild` (`None`: a DM).
pub(crate) fn shard_receives(shard: Option<(u64, u64)>, guild: Option<u64>) -> bool {
    match shard {
        Some((id, count)) if count > 1 => guild.map_or(0, |g| (g >> 22) % count) == id,
        _ => true,
    }
}

/// The event as this session may see it: `None` when its intents exclude it; message content
/// blanked without MESSAGE_CONTENT, except in DMs, the bot's own messages and mentions of it.
fn filter_for_intents(name: &str, data: &Value, intents: u64, bot_user_id: u64) -> Option<Value> {
    let in_dm = data.get("guild_id").is_none_or(Value::is_null);
    let needed = match name {
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" if in_dm => DIRECT_MESSAGES,
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" => GUILD_MESSAGES,
        "GUILD_CREATE" | "CHANNEL_CREATE" | "THREAD_CREATE" | "THREAD_UPDATE" => GUILDS,
        _ => 0,
    };
    if intents & needed != needed {
        return None;
    }
    let is_message = name == "MESSAGE_CREATE" || name == "MESSAGE_UPDATE";
    if !is_message || in_dm || intents & MESSAGE_CONTENT != 0 {
        return Some(data.clone());
    }
    let bot = bot_user_id.to_string();
    let by_bot = data.pointer("/author/id").and_then(Value::as_str) == Some(bot.as_str());
    let mentions_bot = data
        .get("mentions")
        .and_then(Value::as_array)
        .is_some_and(|m| {
            m.iter()
                .any(|u| u.get("id").and_then(Value::as_str) == Some(&bot))
        });
    if by_bot || mentions_bot {
        return Some(data.clone());
    }
    let mut blank = data.clone();
    blank["content"] = json!("");
    blank["embeds"] = json!([]);
    blank["attachments"] = json!([]);
    blank["components"] = json!([]);
    Some(blank)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resume_replays_only_what_the_client_missed() {
        let mut hub = Hub::default();
        let (tx, mut rx) = mpsc::unbounded_channel();
        let conn = hub.new_connection();
        hub.identify(conn, tx, u64::MAX, None, "s1".into());
        hub.dispatch("MESSAGE_CREATE", &json!({"n": 1}));
        hub.close_all(4000);
        hub.dispatch("MESSAGE_CREATE", &json!({"n": 2}));
        while rx.try_recv().is_ok() {}
        let (tx, mut rx) = mpsc::unbounded_channel();
        assert!(hub.resume(hub.next_conn + 1, tx, "s1", 1));
        let replayed: Vec<String> = std::iter::from_fn(|| match rx.try_recv() {
            Ok(Outbound::Text(text)) => Some(text),
            _ => None,
        })
        .collect();
        assert_eq!(replayed.len(), 2);
        assert!(replayed[0].contains("\"n\":2") && replayed[0].contains("\"s\":2"));
        assert!(replayed[1].contains("RESUMED") && replayed[1].contains("\"s\":3"));
    }

    #[test]
    fn a_sharded_session_gets_only_its_guilds_and_shard_zero_the_dms() {
        let mut hub = Hub::default();
        let (tx0, mut rx0) = mpsc::unbounded_channel();
        let (tx1, mut rx1) = mpsc::unbounded_channel();
        let c0 = hub.new_connection();
        hub.identify(c0, tx0, u64::MAX, Some((0, 2)), "s0".into());
        let c1 = hub.new_connection();
        hub.identify(c1, tx1, u64::MAX, Some((1, 2)), "s1".into());
        let odd = (7u64 << 22).to_string();
        hub.dispatch("MESSAGE_CREATE", &json!({"guild_id": odd, "content": "a"}));
        hub.dispatch("MESSAGE_CREATE", &json!({"content": "dm"}));
        let texts = |rx: &mut mpsc::UnboundedReceiver<Outbound>| {
            std::iter::from_fn(|| match rx.try_recv() {
                Ok(Outbound::Text(t)) => Some(t),
                _ => None,
            })
            .collect::<Vec<_>>()
        };
        let (zero, one) = (texts(&mut rx0), texts(&mut rx1));
        assert_eq!(zero.len(), 1, "{zero:?}");
        assert!(zero[0].contains("\"dm\""));
        assert_eq!(one.len(), 1, "{one:?}");
        assert!(one[0].contains(&odd));
    }

    #[test]
    fn guild_message_content_is_blank_without_the_message_content_intent() {
        let data =
            json!({"guild_id": "1", "content": "salut", "author": {"id": "5"}, "mentions": []});
        let seen = filter_for_intents("MESSAGE_CREATE", &data, GUILD_MESSAGES, 9);
        assert_eq!(seen.map(|d| d["content"].clone()), Some(json!("")));
        let dm = json!({"content": "salut", "author": {"id": "5"}});
        assert!(filter_for_intents("MESSAGE_CREATE", &dm, GUILD_MESSAGES, 9).is_none());
    }
}
