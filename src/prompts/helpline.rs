//! The helpline card sent privately to a young person whose message shows distress.

use super::registry::*;
use super::{render, Lang};
use crate::domain::helpline::{CardKind, ServiceId};

/// The card's opening: warm, never blaming; written for who receives it.
pub fn helpline_intro(lang: Lang, kind: CardKind) -> String {
    let template = match kind {
        CardKind::Disclosure => &HELPLINE_INTRO,
        CardKind::Targeted => &HELPLINE_TARGETED_INTRO,
        CardKind::Friend => &HELPLINE_FRIEND_INTRO,
    };
    render(lang, template, &[])
}

/// One service's line: its number, what it is for, when it answers.
pub fn helpline_service(lang: Lang, service: ServiceId) -> String {
    let template = match service {
        ServiceId::Suicide3114 => &HELPLINE_3114,
        ServiceId::EnfanceEnDanger119 => &HELPLINE_119,
        ServiceId::Violences3919 => &HELPLINE_3919,
        ServiceId::Cyberharcelement3018 => &HELPLINE_3018,
        ServiceId::FilSanteJeunes => &HELPLINE_FIL_SANTE_JEUNES,
        ServiceId::Urgence => &HELPLINE_URGENCE,
    };
    render(lang, template, &[])
}

/// The card's closing: a promeneur will get in touch.
pub fn helpline_outro(lang: Lang, kind: CardKind) -> String {
    let template = match kind {
        CardKind::Disclosure => &HELPLINE_OUTRO,
        CardKind::Targeted => &HELPLINE_TARGETED_OUTRO,
        CardKind::Friend => &HELPLINE_FRIEND_OUTRO,
    };
    render(lang, template, &[])
}

/// The whole card: intro, one line per service open now (from
/// [`crate::domain::helpline::HelplinePolicy::card`]), and the closing. `kind` says who reads
/// it: the young person who confided, the one targeted, or a friend worried about someone.
pub fn helpline_card(lang: Lang, kind: CardKind, services: &[ServiceId]) -> String {
    let mut parts = vec![helpline_intro(lang, kind)];
    if !services.is_empty() {
        let lines: Vec<String> = services
            .iter()
            .map(|&s| helpline_service(lang, s))
            .collect();
        parts.push(lines.join("\n"));
    }
    parts.push(helpline_outro(lang, kind));
    parts.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_lists_the_given_services_between_intro_and_outro() {
        let card = helpline_card(
            Lang::Fr,
            CardKind::Disclosure,
            &[ServiceId::Suicide3114, ServiceId::Urgence],
        );
        let intro = card.find("Salut").unwrap_or(usize::MAX);
        let first = card.find("**3114**").unwrap_or(usize::MAX);
        let last = card.find("**112**").unwrap_or(usize::MAX);
        let outro = card
            .find("Un·e promeneur·se va prendre contact avec toi")
            .unwrap_or(usize::MAX);
        assert!(intro < first && first < last && last < outro, "{card}");
        assert!(!card.contains("119"));
    }

    #[test]
    fn every_card_speaks_to_the_young_person_with_tu() {
        for kind in CardKind::ALL {
            let card = helpline_card(Lang::Fr, kind, &ServiceId::ALL);
            assert!(card.contains("tu ") || card.contains("Tu "), "{card}");
            assert!(!card.contains(" vous "), "{card}");
        }
    }

    #[test]
    fn every_card_fits_in_a_discord_message() {
        for lang in Lang::ALL {
            for kind in CardKind::ALL {
                let card = helpline_card(lang, kind, &ServiceId::ALL);
                assert!(card.chars().count() <= 2000, "{lang} {kind:?}");
            }
        }
    }

    #[test]
    fn the_card_for_a_young_person_targeted_says_it_is_not_their_fault_and_thanks_nobody() {
        let card = helpline_card(
            Lang::Fr,
            CardKind::Targeted,
            &[ServiceId::Cyberharcelement3018],
        );
        assert!(card.contains("pas de ta faute"), "{card}");
        assert!(!card.contains("bien fait d'en parler"), "{card}");
        assert!(card.contains("**3018**"));
    }
}
