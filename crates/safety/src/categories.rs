//! The design's eight categories of sensitive content, declared once.
//!
//! The single list in the `categories!` invocation below yields the enum, [`Category::ALL`],
//! [`Category::COUNT`], [`Category::IDS`], [`Category::as_str`], serde (the same ids) and
//! [`FromStr`], whose error lists the valid ids from that same list. Adding a category is one
//! line here (plus its labels and rules elsewhere).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::UnknownId;

/// Declares [`Category`] and everything derived from its list of `Variant = "id"` entries.
macro_rules! categories {
    ($($(#[$doc:meta])* $variant:ident = $id:literal,)+) => {
        /// The design's eight categories of sensitive content.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Category {
            $($(#[$doc])* #[serde(rename = $id)] $variant,)+
        }

        impl Category {
            /// How many categories there are.
            pub const COUNT: usize = [$($id,)+].len();

            /// Every category, in declaration order.
            pub const ALL: [Category; Category::COUNT] = [$(Category::$variant,)+];

            /// The contract's ids, in declaration order.
            pub const IDS: [&'static str; Category::COUNT] = [$($id,)+];

            /// The contract's id, e.g. `suicide_selfharm`.
            pub fn as_str(&self) -> &'static str {
                match self {
                    $(Category::$variant => $id,)+
                }
            }
        }
    };
}

categories! {
    SuicideSelfharm = "suicide_selfharm",
    SexualViolence = "sexual_violence",
    DomesticViolence = "domestic_violence",
    Harassment = "harassment",
    ViolenceThreat = "violence_threat",
    Substances = "substances",
    EatingDisorder = "eating_disorder",
    Distress = "distress",
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Category {
    type Err = UnknownId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| UnknownId {
                kind: "category",
                value: s.to_owned(),
                expected: &Category::IDS,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_ids_round_trip_through_str_and_serde() {
        for c in Category::ALL {
            assert_eq!(c.as_str().parse::<Category>(), Ok(c));
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Category>(&json).unwrap(), c);
        }
        assert!("suicid".parse::<Category>().is_err());
    }

    #[test]
    fn the_ids_are_the_contract_s_in_declaration_order() {
        assert_eq!(
            Category::IDS,
            [
                "suicide_selfharm",
                "sexual_violence",
                "domestic_violence",
                "harassment",
                "violence_threat",
                "substances",
                "eating_disorder",
                "distress",
            ]
        );
        assert_eq!(Category::COUNT, 8);
        for (i, c) in Category::ALL.into_iter().enumerate() {
            assert_eq!(c as usize, i);
        }
    }

    #[test]
    fn an_unknown_category_error_lists_every_valid_id() {
        let e = "suicid".parse::<Category>().unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "unknown category `suicid` (expected one of: {})",
                Category::IDS.join(", ")
            )
        );
    }
}
