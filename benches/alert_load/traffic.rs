//! The traffic: harmless and worrying French chat from the shared corpus, the load generator,
//! and the watch on the alert channel that times each worrying message's alert.

use super::*;

/// Young people in the guild (besides the demo guild's own).
pub(crate) const YOUNG_PEOPLE: usize = 600;
/// Channels the traffic goes to (all watched).
pub(crate) const CHANNELS: [&str; 3] = ["#discussion", "#general", "#jeux"];
/// One message in this many is worrying.
pub(crate) const WORRYING_ONE_IN: u64 = 10;
/// Alerts later than this count as lagging.
pub(crate) const LAG_LIMIT: Duration = Duration::from_secs(1);
/// How long to wait for the last alerts of a phase before calling them lost.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(90);

pub(crate) const BOT_CONFIG: &str = r#"
[alerts]
burst_window = "1s"
[alerts.escalation]
critical = "6h"
high = "6h"
medium = "6h"
low = "never"
"#;

/// Harmless chat lines of this bench, besides the shared `corpus::CHAT`.
pub(crate) const MORE_CHAT: &[&str] = &[
    "quelqu'un a fini le devoir de maths ?",
    "le foyer est ouvert jusqu'à 19h ce soir",
    "qui a pris mon chargeur à la MJC",
    "vous avez vu le match hier soir, incroyable",
    "je passe mon code la semaine prochaine, stressé",
    "il reste des places pour le séjour ski ?",
    "mon frère m'a piqué ma manette encore",
    "on fait une soirée jeux de société vendredi",
    "j'ai eu 15 en anglais trop contente",
];

/// Every harmless clause the young people use.
pub(crate) const HARMLESS: &[&[&str]] = &[CHAT, MORE_CHAT];

pub(crate) const WORRIES: &[&str] = &[
    "je veux mourir, ce soir je prends toutes mes boites de dolipranes",
    "j'en peux plus je vais me suicider",
    "je pense au suicide tous les jours",
    "je me suis encore scarifié hier soir",
    "je veux en finir avec la vie",
    "mon père me frappe quand il a bu",
    "ils m'insultent tous les jours sur le groupe et ils me menacent",
    "j'ai envie de me tuer",
    "personne me croit mais mon beau-père me touche la nuit",
    "je me sens vide, j'ai envie de disparaître pour toujours",
    "je me fais harceler au collège tous les jours",
    "ma mère me frappe et j'ai peur de rentrer chez moi",
];

/// A harmless chat line of realistic length, checked against the bot's own rules.
pub(crate) fn harmless(rng: &mut Rng, rules: &RuleSet) -> String {
    loop {
        let m = chat_line(rng, HARMLESS);
        if !rules.scan(&m).flagged {
            return m;
        }
    }
}

/// A worrying message, sometimes within chat, that the bot's rules flag.
pub(crate) fn worrying(rng: &mut Rng, rules: &RuleSet) -> String {
    loop {
        let mut m = String::new();
        if rng.next_u64() % 2 == 0 {
            m.push_str(rng.pick(OPENERS));
            m.push(' ');
        }
        if rng.next_u64() % 3 == 0 {
            m.push_str(rng.pick_in(HARMLESS));
            m.push_str(", ");
        }
        m.push_str(rng.pick(WORRIES));
        if rng.next_u64() % 4 == 0 {
            m.push_str(", ");
            m.push_str(rng.pick_in(HARMLESS));
        }
        if rules.scan(&m).flagged {
            return m;
        }
    }
}

/// Pre-generated texts, so the send loop does no scanning of its own.
pub(crate) struct Corpus {
    pub(crate) harmless: Vec<String>,
    pub(crate) worrying: Vec<String>,
}

impl Corpus {
    pub(crate) fn new(rules: &RuleSet) -> Corpus {
        let mut rng = Rng(0x5EED_CAFE);
        let usable = WORRIES.iter().filter(|w| rules.scan(w).flagged).count();
        assert!(
            usable >= 6,
            "only {usable} worrying sentences are flagged by the rules"
        );
        Corpus {
            harmless: (0..4000).map(|_| harmless(&mut rng, rules)).collect(),
            worrying: (0..800).map(|_| worrying(&mut rng, rules)).collect(),
        }
    }
}

/// A worrying message as posted.
#[derive(Clone, Copy)]
pub(crate) struct Sent {
    pub(crate) at: Instant,
    pub(crate) phase: usize,
}

/// The load generator: posts as the young people, remembers when each worrying message went out.
pub(crate) struct Load {
    pub(crate) users: Vec<SimUser>,
    pub(crate) corpus: Corpus,
    pub(crate) rng: Rng,
    pub(crate) next_worrier: usize,
    pub(crate) count: u64,
    pub(crate) worrying: HashMap<u64, Sent>,
    pub(crate) harmless_sent: u64,
}

impl Load {
    pub(crate) fn post_one(&mut self, phase: usize) {
        self.count += 1;
        let channel = CHANNELS[self.rng.below(CHANNELS.len())];
        if self.count % WORRYING_ONE_IN == 0 {
            // Round robin: a young person's worrying messages are seconds apart, each its own alert.
            let user = &self.users[self.next_worrier % self.users.len()];
            self.next_worrier += 1;
            let text = &self.corpus.worrying[self.rng.below(self.corpus.worrying.len())];
            let id = user.post(channel, text).expect("the sim accepts the post");
            let at = Instant::now();
            self.worrying.insert(id, Sent { at, phase });
        } else {
            let user = &self.users[self.rng.below(self.users.len())];
            let text = &self.corpus.harmless[self.rng.below(self.corpus.harmless.len())];
            user.post(channel, text).expect("the sim accepts the post");
            self.harmless_sent += 1;
        }
    }
}

/// What the alert channel showed, as the sim's feed streams it (cheap to poll during a phase).
#[derive(Default)]
pub(crate) struct Watch {
    /// Worrying message id -> when an alert post or edit first showed it.
    pub(crate) covered: Mutex<HashMap<u64, Instant>>,
    pub(crate) created: AtomicU64,
    pub(crate) edited: AtomicU64,
    pub(crate) lagged: AtomicU64,
}

/// Message ids in `https://discord.com/channels/{guild}/{channel}/{message}` links.
pub(crate) fn linked_messages(text: &str) -> Vec<u64> {
    const MARK: &str = "discord.com/channels/";
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(MARK) {
        rest = &rest[i + MARK.len()..];
        let mut parts = rest.splitn(3, '/');
        let (_, _, tail) = (parts.next(), parts.next(), parts.next());
        if let Some(tail) = tail {
            let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(id) = digits.parse() {
                ids.push(id);
            }
        }
    }
    ids
}

pub(crate) fn alert_id_of(body: &str) -> Option<u64> {
    let i = body.find("alert:take:")?;
    let digits: String = body[i + 11..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

pub(crate) fn spawn_watch(sim: &SimHandle, alert_channel: u64) -> Arc<Watch> {
    let watch = Arc::new(Watch::default());
    let mut rx = sim.subscribe();
    let w = watch.clone();
    tokio::spawn(async move {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            match rx.recv().await {
                Ok(p) if p.channel_id == alert_channel => {
                    let counter = match p.kind {
                        PostKind::Created => &w.created,
                        PostKind::Edited => &w.edited,
                        _ => continue,
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    let now = Instant::now();
                    let mut covered = w.covered.lock().expect("watch lock");
                    for id in linked_messages(&p.text()) {
                        covered.entry(id).or_insert(now);
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(n)) => {
                    w.lagged.fetch_add(n, Ordering::Relaxed);
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
    watch
}
