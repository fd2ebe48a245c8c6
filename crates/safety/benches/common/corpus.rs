//! Shared by the benches, this crate's `safety` and the bot's `alert_load` (each includes it
//! with `#[path = ...] mod corpus;`, so Cargo does not build it as a bench of its own): a
//! small seeded generator and synthetic French chat lines, never taken from the evaluation
//! data.

/// Xorshift64*: deterministic for a seed, good enough to mix a corpus.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.below(v.len())]
    }

    /// One item, uniformly over all the lists taken together.
    pub fn pick_in<'a>(&mut self, lists: &[&[&'a str]]) -> &'a str {
        let mut i = self.below(lists.iter().map(|l| l.len()).sum());
        for l in lists {
            if i < l.len() {
                return l[i];
            }
            i -= l.len();
        }
        unreachable!("index below the total length")
    }
}

/// Words a chat line may start with.
pub const OPENERS: &[&str] = &[
    "wsh",
    "salut",
    "bonjour",
    "mdr",
    "jsp",
    "frr",
    "ptdr",
    "bon",
    "du coup",
    "sérieux",
    "ok",
    "eh",
    "les gars",
    "hey",
    "yo",
    "alors",
    "franchement",
    "bref",
    "sinon",
    "attends",
];

/// Harmless chat clauses (each bench adds its own to these).
pub const CHAT: &[&str] = &[
    "on se retrouve au city après les cours",
    "qui vient au tournoi de foot samedi",
    "j'ai pas compris l'exo 3 de maths",
    "la permanence c'est mercredi 14h ?",
    "trop bien la sortie au lac aujourd'hui",
    "je suis mort de rire devant ta vidéo 😂",
    "c'est mortel ce son, envoie le lien",
    "on a défoncé l'équipe d'en face 3-0",
    "j'ai raté le bus de 2 secondes, la honte",
    "quelqu'un a des fiches pour le bac de français",
    "ce burger c'est une tuerie",
    "vous faites quoi ce week-end",
    "jsuis crevé, bonne nuit tout le monde",
    "c'est quand les résultats de Parcoursup",
    "je cherche un stage de 3e dans l'animation",
    "envoie moi le lien du serveur minecraft",
];

/// A chat line: an opener one time in three, then 1 to 4 clauses picked uniformly over
/// `clauses` (short lines dominate: 60% one clause, 30% two, 10% four).
pub fn chat_line(rng: &mut Rng, clauses: &[&[&str]]) -> String {
    let mut m = String::new();
    if rng.next_u64() % 3 == 0 {
        m.push_str(rng.pick(OPENERS));
        m.push(' ');
    }
    let n = match rng.next_u64() % 10 {
        0..=5 => 1,
        6..=8 => 2,
        _ => 4,
    };
    for i in 0..n {
        if i > 0 {
            m.push_str(", ");
        }
        m.push_str(rng.pick_in(clauses));
    }
    m
}
