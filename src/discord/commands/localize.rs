//! Slash command texts from prompts/: each command's and option's description (French by
//! default, English for English clients) and the outcome choices' labels. Discord shows these;
//! the `///` comments on the commands are for developers only.

use std::borrow::Cow;

use super::alerte;
use super::{Data, Error};
use crate::domain::alerts::Outcome;
use crate::prompts::{self, Lang};

/// Discord's locales for the English texts (French is the default text).
const EN_LOCALES: [&str; 2] = ["en-US", "en-GB"];

/// Discord's localisations of a text: locale -> text.
type Localizations = Vec<(Cow<'static, str>, Cow<'static, str>)>;

/// The French text (the default) and the English localisations of one description.
fn localized(path: &str, text: impl Fn(Lang) -> Option<String>) -> (Option<String>, Localizations) {
    let fr = text(Lang::Fr);
    let en = text(Lang::En);
    let locales = en
        .map(|en| {
            EN_LOCALES
                .iter()
                .map(|l| (Cow::Borrowed(*l), Cow::Owned(en.clone())))
                .collect()
        })
        .unwrap_or_default();
    if fr.is_none() {
        tracing::warn!(command = path, "no description in prompts/fr/commands.toml");
    }
    (fr, locales)
}

/// Sets the descriptions of `command` (at `parent` + its name) and of its options and
/// subcommands from prompts/, and the outcome choices' labels.
pub(super) fn localize(command: &mut poise::Command<Data, Error>, parent: &str) {
    let path = if parent.is_empty() {
        command.name.to_string()
    } else {
        format!("{parent}.{}", command.name)
    };
    let (fr, locales) = localized(&path, |lang| prompts::command_description(lang, &path));
    command.description = fr.map(Cow::Owned);
    command.description_localizations = Cow::Owned(locales);
    for p in &mut command.parameters {
        let name = p.name.to_string();
        let (fr, locales) = localized(&path, |lang| {
            prompts::option_description(lang, &path, &name)
        });
        p.description = fr.map(Cow::Owned);
        p.description_localizations = Cow::Owned(locales);
        if p.choices.len() == alerte::OutcomeChoice::ALL.len() {
            p.choices = Cow::Owned(outcome_choices(&p.choices));
        }
        p.choices = Cow::Owned(question_choices(&p.choices));
    }
    for sub in &mut command.subcommands {
        localize(sub, &path);
    }
}

/// The outcome choices labelled from prompts/labels/outcome (names are the outcomes' ids).
/// The choices of `/question` (statuses, outcomes), named by their labels in prompts/.
fn question_choices(
    choices: &[poise::CommandParameterChoice],
) -> Vec<poise::CommandParameterChoice> {
    use crate::domain::questions::{QuestionOutcome, QuestionStatus};
    let label = |name: &str, lang| {
        if let Ok(s) = name.parse::<QuestionStatus>() {
            Some(prompts::question_status_label(lang, s))
        } else {
            name.parse::<QuestionOutcome>()
                .ok()
                .map(|o| prompts::question_outcome_label(lang, o))
        }
    };
    choices
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if let (Some(fr), Some(en)) = (label(&c.name, Lang::Fr), label(&c.name, Lang::En)) {
                c.name = Cow::Owned(prompts::text::truncate_chars(&fr, 100));
                let en = prompts::text::truncate_chars(&en, 100);
                c.localizations = Cow::Owned(
                    EN_LOCALES
                        .iter()
                        .map(|l| (Cow::Borrowed(*l), Cow::Owned(en.clone())))
                        .collect(),
                );
            }
            c
        })
        .collect()
}

fn outcome_choices(
    choices: &[poise::CommandParameterChoice],
) -> Vec<poise::CommandParameterChoice> {
    choices
        .iter()
        .map(|c| {
            let mut c = c.clone();
            if let Ok(o) = c.name.parse::<Outcome>() {
                c.name = Cow::Owned(prompts::text::truncate_chars(
                    &prompts::outcome_label(Lang::Fr, o),
                    100,
                ));
                let en = prompts::text::truncate_chars(&prompts::outcome_label(Lang::En, o), 100);
                c.localizations = Cow::Owned(
                    EN_LOCALES
                        .iter()
                        .map(|l| (Cow::Borrowed(*l), Cow::Owned(en.clone())))
                        .collect(),
                );
            }
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(c: &poise::Command<Data, Error>, problems: &mut Vec<String>) {
        let ok = |d: &Option<Cow<'static, str>>| {
            d.as_ref()
                .is_some_and(|d| !d.trim().is_empty() && d.chars().count() <= 100)
        };
        if !ok(&c.description) || c.description_localizations.len() != EN_LOCALES.len() {
            problems.push(format!("/{}", c.qualified_name));
        }
        for p in &c.parameters {
            if !ok(&p.description) || p.description_localizations.len() != EN_LOCALES.len() {
                problems.push(format!("/{} {}", c.qualified_name, p.name));
            }
        }
        for s in &c.subcommands {
            check(s, problems);
        }
    }

    #[test]
    fn every_command_and_option_has_a_french_description_and_an_english_one() {
        let mut problems = Vec::new();
        for c in super::super::all() {
            check(&c, &mut problems);
        }
        assert!(
            problems.is_empty(),
            "missing or too long in prompts/*/commands.toml: {problems:?}"
        );
    }

    #[test]
    fn the_close_command_offers_the_outcomes_by_their_french_labels() {
        let alerte = super::super::all().into_iter().find(|c| c.name == "alerte");
        let clore = alerte.and_then(|a| a.subcommands.into_iter().find(|s| s.name == "clore"));
        let issue = clore.and_then(|c| c.parameters.into_iter().find(|p| p.name == "issue"));
        let names: Vec<String> = issue
            .map(|p| p.choices.iter().map(|c| c.name.to_string()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 4);
        assert_eq!(
            names[2],
            prompts::outcome_label(Lang::Fr, Outcome::FauxPositif)
        );
    }
}
