//! Searching resources the way young people type: without accents, with typos, in the plural.
//!
//! Why these crates: a full-text engine (tantivy) would cost minutes of build time and an
//! on-disk index for a few hundred rows per guild; fzf-style matchers (nucleo-matcher,
//! fuzzy-matcher) score subsequences, so a plural or a swapped letter ("harcèlements",
//! "harcelmeent") does not match at all. Resource search is word matching, so it takes two
//! maintained building blocks: the Snowball stemmers of `rust-stemmers` (the reference
//! algorithm for French and English, which folds plurals and inflections: "harcèlements" and
//! "harcèlement" share a stem) and the normalised Damerau-Levenshtein similarity of `strsim`
//! (one typo, a missing or swapped letter, in a word). Accents are folded with
//! `unicode-normalization` (NFD, combining marks dropped). What is left here is the weighting:
//! a word found in the title counts more than in a theme, more than in the description, and a
//! resource that answers every word of the query ranks above one that answers some.
//!
//! The labelled query set in the tests (each query with the resource it must rank first)
//! measures the result and reports its hit rate.

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::{Resource, Status};
use crate::domain::themes;
use crate::prompts::Lang;

/// How much a word found in each part of a resource counts.
const TITLE_WEIGHT: f64 = 3.0;
const THEME_WEIGHT: f64 = 2.0;
const DESCRIPTION_WEIGHT: f64 = 1.0;
/// Below this similarity two words are different words.
const MIN_SIMILARITY: f64 = 0.75;
/// Words shorter than this must match exactly (or as a prefix): "bus" is not "but".
const MIN_FUZZY_CHARS: usize = 5;
/// A word typed so far that starts a longer word (autocomplete as you type).
const MIN_PREFIX_CHARS: usize = 3;
const PREFIX_SCORE: f64 = 0.8;

/// Small words that say nothing about what is searched.
const STOP_WORDS: &[&str] = &[
    "le", "la", "les", "un", "une", "des", "de", "du", "et", "ou", "en", "au", "aux", "pour",
    "sur", "par", "avec", "dans", "que", "qui", "quoi", "mon", "ma", "mes", "ton", "ta", "tes",
    "je", "tu", "il", "elle", "on", "est", "the", "a", "an", "of", "for", "to", "and", "or", "in",
    "on", "my", "is", "with",
];

/// One word of a text: as typed (accents folded, lowercase) and its stem.
#[derive(Debug, Clone, PartialEq)]
struct Word {
    plain: String,
    stem: String,
}

/// Accents folded, lowercase: "Harcèlement" -> "harcelement".
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn stemmer(lang: Lang) -> Stemmer {
    Stemmer::create(match lang {
        Lang::Fr => Algorithm::French,
        Lang::En => Algorithm::English,
    })
}

fn words(text: &str, stemmer: &Stemmer) -> Vec<Word> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2 && !STOP_WORDS.contains(w))
        .map(|w| Word {
            plain: w.to_owned(),
            stem: stemmer.stem(w).into_owned(),
        })
        .collect()
}

/// How close a query word is to a word of the resource, from 0 (unrelated) to 1 (the same).
fn similarity(query: &Word, word: &Word) -> f64 {
    if query.stem == word.stem || query.plain == word.plain {
        return 1.0;
    }
    let short = query.plain.chars().count().min(word.plain.chars().count());
    let mut best: f64 = 0.0;
    if short >= MIN_FUZZY_CHARS {
        let s = strsim::normalized_damerau_levenshtein(&query.plain, &word.plain).max(
            strsim::normalized_damerau_levenshtein(&query.stem, &word.stem),
        );
        if s >= MIN_SIMILARITY {
            best = s * 0.9;
        }
    }
    if query.plain.chars().count() >= MIN_PREFIX_CHARS && word.plain.starts_with(&query.plain) {
        best = best.max(PREFIX_SCORE);
    }
    best
}

/// The best match of a query word among some words.
fn best(query: &Word, among: &[Word]) -> f64 {
    among
        .iter()
        .map(|w| similarity(query, w))
        .fold(0.0, f64::max)
}

/// A resource prepared for matching.
struct Doc {
    title: Vec<Word>,
    themes: Vec<Word>,
    description: Vec<Word>,
}

impl Doc {
    fn new(resource: &Resource, lang: Lang, stemmer: &Stemmer) -> Doc {
        let theme_text: Vec<&str> = resource
            .themes
            .iter()
            .filter_map(|id| themes::find(id))
            .map(|t| t.label(lang))
            .collect();
        Doc {
            title: words(&resource.title, stemmer),
            themes: words(&theme_text.join(" "), stemmer),
            description: words(&resource.description, stemmer),
        }
    }

    /// The query's words matched against the title, themes and description; a resource that
    /// answers only part of the query loses that share of its score.
    fn score(&self, query: &[Word]) -> f64 {
        let mut total = 0.0;
        let mut answered = 0;
        for q in query {
            let s = (TITLE_WEIGHT * best(q, &self.title))
                .max(THEME_WEIGHT * best(q, &self.themes))
                .max(DESCRIPTION_WEIGHT * best(q, &self.description));
            if s > 0.0 {
                answered += 1;
            }
            total += s;
        }
        total * answered as f64 / query.len().max(1) as f64
    }
}

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<'a> {
    pub resource: &'a Resource,
    pub score: f64,
}

/// The active resources that match `query`, best first (ties: the newest first), at most
/// `limit`. An empty query (or only small words) matches nothing.
pub fn search<'a>(
    resources: &'a [Resource],
    query: &str,
    lang: Lang,
    limit: usize,
) -> Vec<Hit<'a>> {
    let stemmer = stemmer(lang);
    let query = words(query, &stemmer);
    if query.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<Hit<'a>> = resources
        .iter()
        .filter(|r| r.status == Status::Active)
        .map(|r| Hit {
            resource: r,
            score: Doc::new(r, lang, &stemmer).score(&query),
        })
        .filter(|h| h.score > 0.0)
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.resource.updated_at.cmp(&a.resource.updated_at))
            .then(b.resource.id.cmp(&a.resource.id))
    });
    hits.truncate(limit);
    hits
}

/// Autocomplete as one types: the resources matching what is typed so far, or the newest ones
/// while nothing is typed yet.
pub fn suggest<'a>(
    resources: &'a [Resource],
    typed: &str,
    lang: Lang,
    limit: usize,
) -> Vec<&'a Resource> {
    let typed = typed.trim().trim_start_matches('#');
    if let Ok(id) = typed.parse::<i64>() {
        return resources.iter().filter(|r| r.id == id).take(1).collect();
    }
    if words(typed, &stemmer(lang)).is_empty() {
        let mut newest: Vec<&Resource> = resources
            .iter()
            .filter(|r| r.status == Status::Active)
            .collect();
        newest.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
        newest.truncate(limit);
        return newest;
    }
    search(resources, typed, lang, limit)
        .into_iter()
        .map(|h| h.resource)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(id: i64, title: &str, themes: &[&str], description: &str) -> Resource {
        Resource {
            id,
            version: 0,
            guild_id: 1,
            title: title.into(),
            link: "https://exemple.fr".into(),
            description: description.into(),
            themes: themes.iter().map(|t| t.to_string()).collect(),
            author_id: 2,
            status: Status::Active,
            channel_id: None,
            message_id: None,
            created_at: 0,
            updated_at: id,
            retired_at: None,
            retired_by: None,
        }
    }

    /// A realistic shelf of resources of a departmental network.
    fn shelf() -> Vec<Resource> {
        vec![
            resource(1, "Harcèlement : le 3018 t'écoute", &["harassment", "pratiques_numeriques"],
                "Cyberharcèlement, photos intimes diffusées, comptes piratés : appelle ou écris au 3018, gratuit et anonyme."),
            resource(2, "Fil Santé Jeunes", &["distress", "situations_personnelles"],
                "Une écoute anonyme et gratuite pour les 12-25 ans, par téléphone ou tchat, sur la santé, l'amour, le moral."),
            resource(3, "Trouver un logement étudiant", &["info_pratique"],
                "Les aides au logement, la caution Visale et les résidences du CROUS."),
            resource(4, "Monter son projet associatif", &["accompagnement_projet"],
                "Créer une association, trouver des financements, le dispositif Junior Association."),
            resource(5, "Contraception et sexualité", &["vie_quotidienne"],
                "Où trouver une contraception gratuite, les centres de santé sexuelle, la pilule du lendemain."),
            resource(6, "Idées noires : le 3114", &["suicide_selfharm"],
                "Le numéro national de prévention du suicide, 24h/24, pour toi ou un proche."),
            resource(7, "Drogues Info Service", &["substances"],
                "Cannabis, alcool, cocaïne : des réponses sans jugement et de l'aide pour réduire sa consommation."),
            resource(8, "Troubles alimentaires : en parler", &["eating_disorder"],
                "Anorexie, boulimie, hyperphagie : la ligne Anorexie Boulimie Info Écoute."),
            resource(9, "Violences dans la famille : le 119", &["domestic_violence"],
                "Enfance en danger : si tu subis des violences à la maison, appelle le 119."),
            resource(10, "Protéger ses comptes et sa vie privée en ligne", &["pratiques_numeriques"],
                "Mots de passe, double authentification, réglages de confidentialité des réseaux sociaux."),
            resource(11, "Trouver un job d'été", &["info_pratique", "accompagnement_projet"],
                "CV, lettre de motivation et offres d'emploi saisonnier pour les jeunes."),
            resource(12, "Violences sexuelles : être aidé·e", &["sexual_violence"],
                "Agression, viol, chantage à la photo : des associations t'accompagnent, porter plainte."),
        ]
    }

    /// Each query as a young person types it, and the resource it must rank first.
    const LABELLED: &[(&str, i64)] = &[
        ("harcèlement", 1),
        ("harcelement", 1),
        ("harcèlemnt", 1),
        ("harcèlements", 1),
        ("harcelmeent", 1),
        ("cyberharcelement", 1),
        ("logement", 3),
        ("logements etudiants", 3),
        ("logment", 3),
        ("association", 4),
        ("projet asso", 4),
        ("contraception", 5),
        ("contraseption", 5),
        ("pilule", 5),
        ("suicide", 6),
        ("idees noires", 6),
        ("drogue", 7),
        ("cannabis", 7),
        ("anorexie", 8),
        ("boulimie", 8),
        ("violences famille", 9),
        ("mot de passe", 10),
        ("vie privee", 10),
        ("job ete", 11),
        ("travail saisonier", 11),
        ("viol", 12),
        // "écoute anonyme" alone is ambiguous: the 3018 (#1) has "t'écoute" in its title.
        ("ecoute anonyme sante", 2),
        ("mal-etre", 2),
    ];

    #[test]
    fn the_labelled_queries_find_their_resource_first() {
        let shelf = shelf();
        let mut misses = Vec::new();
        for (query, expected) in LABELLED {
            let hits = search(&shelf, query, Lang::Fr, 5);
            let first = hits.first().map(|h| h.resource.id);
            if first != Some(*expected) {
                let got: Vec<(i64, String)> = hits
                    .iter()
                    .map(|h| (h.resource.id, format!("{:.2}", h.score)))
                    .collect();
                misses.push(format!("{query:?}: expected #{expected}, got {got:?}"));
            }
        }
        let hit_rate = (LABELLED.len() - misses.len()) as f64 / LABELLED.len() as f64;
        println!(
            "resource search: {}/{} labelled queries rank their resource first (hit rate {:.0} %)",
            LABELLED.len() - misses.len(),
            LABELLED.len(),
            hit_rate * 100.0
        );
        assert!(misses.is_empty(), "{misses:#?}");
    }

    #[test]
    fn accents_typos_and_plurals_all_find_harcelement() {
        let shelf = vec![resource(1, "Harcèlement", &["info_pratique"], "")];
        for typed in ["harcelement", "harcèlemnt", "harcèlements", "HARCELEMENT"] {
            let hits = search(&shelf, typed, Lang::Fr, 3);
            assert_eq!(hits.len(), 1, "{typed}");
        }
    }

    #[test]
    fn unrelated_words_short_words_and_retired_resources_find_nothing() {
        let mut shelf = shelf();
        assert!(search(&shelf, "astronomie", Lang::Fr, 5).is_empty());
        assert!(search(&shelf, "le la de", Lang::Fr, 5).is_empty());
        assert!(search(&shelf, "", Lang::Fr, 5).is_empty());
        shelf[0].status = Status::Retired;
        let hits = search(&shelf, "harcèlement", Lang::Fr, 5);
        assert!(hits.iter().all(|h| h.resource.id != 1));
    }

    #[test]
    fn autocomplete_offers_titles_as_they_are_typed() {
        let shelf = shelf();
        let ids = |typed: &str| -> Vec<i64> {
            suggest(&shelf, typed, Lang::Fr, 25)
                .iter()
                .map(|r| r.id)
                .collect()
        };
        assert_eq!(ids("harc").first(), Some(&1));
        assert_eq!(ids("#7"), [7]);
        assert_eq!(ids("").len(), 12);
        assert_eq!(ids("").first(), Some(&12));
    }

    #[test]
    fn english_guilds_search_with_the_english_stemmer() {
        let shelf = vec![resource(1, "Bullying helplines", &["harassment"], "")];
        assert_eq!(search(&shelf, "helpline", Lang::En, 3).len(), 1);
        assert_eq!(search(&shelf, "harassment", Lang::En, 3).len(), 1);
    }
}
