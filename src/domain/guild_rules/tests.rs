use super::*;

fn parse(t: &str) -> Result<NewRule, InputError> {
    NewRule::parse(t, "harassment", "medium", None)
}

#[test]
fn a_term_of_one_letter_is_refused_naming_the_term() {
    assert_eq!(parse("x"), Err(InputError::TooShort(Field::Terme)));
    assert_eq!(parse(" é* "), Err(InputError::TooShort(Field::Terme)));
    assert!(InputError::TooShort(Field::Terme)
        .to_string()
        .starts_with("terme"));
}

#[test]
fn a_term_over_100_characters_is_refused() {
    let long = "a".repeat(101);
    assert_eq!(parse(&long), Err(InputError::TooLong(Field::Terme)));
    assert!(parse(&"ab ".repeat(33)).is_ok());
}

#[test]
fn a_regex_between_slashes_must_compile_be_cheap_and_start_with_words() {
    assert_eq!(parse("/pendr(e|ai)/").unwrap().kind, Kind::Regex);
    assert!(matches!(
        parse("/pendr(e/"),
        Err(InputError::BadRegex {
            field: Field::Terme,
            ..
        })
    ));
    assert_eq!(
        parse("/zz(a{1,50}){1,50}/"),
        Err(InputError::CostlyRegex(Field::Terme))
    );
    assert_eq!(
        parse("/zz((((((((((((a))))))))))))/"),
        Err(InputError::CostlyRegex(Field::Terme))
    );
    assert_eq!(
        parse(r"/\w+ mg/"),
        Err(InputError::RegexWithoutWords(Field::Terme))
    );
}

#[test]
fn unknown_category_and_severity_are_named() {
    assert_eq!(
        NewRule::parse("gros naze", "insultes", "medium", None),
        Err(InputError::UnknownCategory("insultes".into()))
    );
    assert_eq!(
        NewRule::parse("gros naze", "harassment", "grave", None),
        Err(InputError::UnknownSeverity("grave".into()))
    );
    assert_eq!(
        NewRule::parse("gros naze", "Harassment", "HIGH", Some("  ")),
        Ok(NewRule {
            kind: Kind::Term,
            term: "gros naze".into(),
            category: Category::Harassment,
            severity: Severity::High,
            exception: None,
        })
    );
}

#[test]
fn an_exception_is_checked_like_a_term() {
    assert_eq!(
        NewRule::parse("gros naze", "harassment", "low", Some("a")),
        Err(InputError::TooShort(Field::Exception))
    );
}

#[test]
fn terms_compare_by_their_normalised_text_and_stars() {
    assert!(same_term(Kind::Term, "Gros Nazé", "gros naze"));
    assert!(!same_term(Kind::Term, "naze*", "naze"));
    assert!(same_term(Kind::Regex, "a+b", " a+b "));
}

#[test]
fn a_guild_rule_id_names_the_guild_and_the_rule_number() {
    assert_eq!(rule_id(12, 7), "guild.12.7");
    assert_eq!(rule_number("guild.12.7"), Some(7));
    assert_eq!(rule_number("fr.suicide.intent"), None);
}
