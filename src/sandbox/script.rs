//! The sandbox's little language, one action per line, the same typed at the prompt and written
//! in a `--script` file:
//!
//! ```text
//! # a comment
//! @lea #discussion: salut                 post in a channel or thread
//! @lea dm: j'ai une question              DM the bot
//! @karim thread: bonjour                  post in the newest thread (a question's)
//! @karim /alerte liste                    run a slash command (where the user last acted)
//! @karim #coordination /aide              ... or in a given place
//! @karim click last Je prends             click a button on the bot's latest message with it
//! @karim click 1234567890 Clore           ... or on a message by id
//! @karim form titre=3018 | lien=https://… fill in the form (modal) the bot opened
//! @karim choose harassment, distress      pick values in the bot's latest menu
//! wait 500                                wait half a second
//! expect Alerte                           wait (10 s at most) for a bot post containing "Alerte"
//! help                                    show this
//! quit
//! ```
//!
//! Parsing is pure so it is tested here line by line; `repl` carries the actions out.

use std::fmt;
use std::time::Duration;

/// Where a user writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// A channel or thread by name, with or without its `#`.
    Channel(String),
    /// The user's DM with the bot.
    Dm,
    /// The newest thread of the guild (the question just opened).
    LastThread,
}

impl Place {
    /// The name the sim's user API takes.
    pub fn sim_name(&self) -> &str {
        match self {
            Place::Channel(name) => name,
            Place::Dm => "dm",
            Place::LastThread => "thread",
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Channel(name) => write!(f, "#{}", name.trim_start_matches('#')),
            Place::Dm => f.write_str("dm"),
            Place::LastThread => f.write_str("thread"),
        }
    }
}

/// Which message a click is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The bot's latest message carrying the button.
    Last,
    Id(u64),
}

/// One line of the language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Post {
        user: String,
        place: Place,
        text: String,
    },
    Slash {
        user: String,
        /// `None`: where the user last acted, `#discussion` at first.
        place: Option<Place>,
        /// The command as typed, from its `/`.
        line: String,
    },
    Click {
        user: String,
        target: Target,
        label: String,
    },
    /// Fill in and submit the latest form (modal) the bot opened for the user.
    Form {
        user: String,
        /// (field id, value), e.g. ("lien", "https://www.3018.fr").
        fields: Vec<(String, String)>,
    },
    /// Pick values in the menu on the bot's latest message that has one.
    Choose {
        user: String,
        values: Vec<String>,
    },
    Wait(Duration),
    Expect(String),
    Help,
    Quit,
}

/// Why a line is not an action, said so a person can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(String);

fn error(text: impl Into<String>) -> ParseError {
    ParseError(text.into())
}

/// The syntax, for `help` and error messages.
pub const SYNTAX: &str = concat!(
    "  @USER #CHANNEL: TEXT           post as USER (e.g. @lea #discussion: salut)\n",
    "  @USER dm: TEXT                 send the bot a DM as USER\n",
    "  @USER thread: TEXT             post in the newest thread (e.g. a question's)\n",
    "  @USER [#CHANNEL|dm] /COMMAND   run a slash command (e.g. @karim /alerte liste)\n",
    "  @USER click last|ID LABEL      click a button (e.g. @karim click last Je prends)\n",
    "  @USER form F=V | F=V ...       fill in the form the bot opened (e.g. titre=3018 | lien=https://3018.fr)\n",
    "  @USER choose V, V ...          pick values in the bot's latest menu (e.g. harassment)\n",
    "  wait MS                        wait MS milliseconds\n",
    "  expect TEXT                    wait for a bot post containing TEXT (10 s at most)\n",
    "  help                           this help, with the demo's users and channels\n",
    "  quit                           stop the bot and leave",
);

/// One line; `Ok(None)` for a blank line or a `#` comment.
pub fn parse_line(line: &str) -> Result<Option<Action>, ParseError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (word, rest) = split_word(line);
    let action = match word {
        "help" | "?" => Action::Help,
        "quit" | "exit" => Action::Quit,
        "wait" => {
            let ms = rest
                .parse::<u64>()
                .map_err(|_| error(format!("wait: expected milliseconds, got {rest:?}")))?;
            Action::Wait(Duration::from_millis(ms))
        }
        "expect" if rest.is_empty() => return Err(error("expect: say what text to wait for")),
        "expect" => Action::Expect(rest.to_string()),
        user if user.starts_with('@') && user.len() > 1 => parse_user_action(&user[1..], rest)?,
        _ => {
            return Err(error(format!(
                "unknown action {word:?}; lines start with @user, wait, expect, help or quit"
            )))
        }
    };
    Ok(Some(action))
}

/// A whole script: the actions with their line numbers, or the first bad line.
pub fn parse_script(text: &str) -> Result<Vec<(usize, Action)>, ParseError> {
    let mut actions = Vec::new();
    for (index, line) in text.lines().enumerate() {
        match parse_line(line) {
            Ok(Some(action)) => actions.push((index + 1, action)),
            Ok(None) => {}
            Err(e) => return Err(error(format!("line {}: {e}", index + 1))),
        }
    }
    Ok(actions)
}

fn split_word(text: &str) -> (&str, &str) {
    match text.split_once(char::is_whitespace) {
        Some((word, rest)) => (word, rest.trim()),
        None => (text, ""),
    }
}

fn parse_user_action(user: &str, rest: &str) -> Result<Action, ParseError> {
    let user = user.to_string();
    if rest.is_empty() {
        return Err(error(format!("@{user}: and then? {}", hint())));
    }
    if let Some(click) = rest
        .strip_prefix("click")
        .filter(|c| c.is_empty() || c.starts_with(' '))
    {
        let (target, label) = split_word(click.trim());
        if target.is_empty() {
            return Err(error("click: which button? e.g. `click last Je prends`"));
        }
        let target = match target {
            "last" => Target::Last,
            id => Target::Id(id.parse().map_err(|_| {
                error(format!(
                    "click: expected `last` or a message id, got {id:?}"
                ))
            })?),
        };
        if label.is_empty() {
            return Err(error("click: which button? e.g. `click last Je prends`"));
        }
        let label = label.to_string();
        return Ok(Action::Click {
            user,
            target,
            label,
        });
    }
    if let Some(form) = rest.strip_prefix("form ") {
        let fields = form
            .split(" | ")
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if !name.trim().is_empty() => {
                    Ok((name.trim().to_string(), value.trim().to_string()))
                }
                _ => Err(error(format!(
                    "form: expected `field=value | field=value`, got {pair:?}"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Action::Form { user, fields });
    }
    if let Some(choose) = rest.strip_prefix("choose ") {
        let values: Vec<String> = choose
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        if values.is_empty() {
            return Err(error("choose: which values? e.g. `choose harassment`"));
        }
        return Ok(Action::Choose { user, values });
    }
    if rest.starts_with('/') {
        return Ok(Action::Slash {
            user,
            place: None,
            line: rest.to_string(),
        });
    }
    let (place, after) = parse_place(rest)?;
    if after.starts_with('/') {
        return Ok(Action::Slash {
            user,
            place: Some(place),
            line: after.to_string(),
        });
    }
    match after.strip_prefix(':') {
        Some(text) if !text.trim().is_empty() => Ok(Action::Post {
            user,
            place,
            text: text.trim().to_string(),
        }),
        Some(_) => Err(error(format!("@{user} {place}: nothing to say"))),
        None => Err(error(format!(
            "@{user} {place}: expected `: text` or ` /command`"
        ))),
    }
}

/// `dm` or `#name`, and what follows it (starting at `:` or `/`).
fn parse_place(rest: &str) -> Result<(Place, &str), ParseError> {
    if let Some(after) = rest.strip_prefix("dm") {
        let after = after.trim_start();
        if after.starts_with(':') || after.starts_with('/') {
            return Ok((Place::Dm, after));
        }
    }
    if let Some(after) = rest.strip_prefix("thread") {
        let after = after.trim_start();
        if after.starts_with(':') || after.starts_with('/') {
            return Ok((Place::LastThread, after));
        }
    }
    if let Some(named) = rest.strip_prefix('#') {
        // A channel name has no `:`; a thread name may have spaces, so read up to `:` or ` /`.
        let end = [named.find(':'), named.find(" /")]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(named.len());
        let name = named[..end].trim();
        if name.is_empty() {
            return Err(error("`#` and then a channel name"));
        }
        let place = Place::Channel(name.to_string());
        return Ok((place, named[end..].trim_start()));
    }
    Err(error(format!(
        "expected #channel, dm, /command or click; {}",
        hint()
    )))
}

fn hint() -> &'static str {
    "e.g. `@lea #discussion: salut` (type `help` for more)"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(user: &str, place: Place, text: &str) -> Action {
        Action::Post {
            user: user.into(),
            place,
            text: text.into(),
        }
    }

    #[test]
    fn a_post_in_the_newest_thread_parses() {
        assert_eq!(
            parse_line("@karim thread: bonjour").unwrap(),
            Some(post("karim", Place::LastThread, "bonjour"))
        );
        assert!(matches!(
            parse_line("@karim thread /repondre texte:salut").unwrap(),
            Some(Action::Slash {
                place: Some(Place::LastThread),
                ..
            })
        ));
    }

    fn channel(name: &str) -> Place {
        Place::Channel(name.into())
    }

    #[test]
    fn every_form_of_the_language_parses() {
        let table = [
            (
                "@lea #discussion: salut",
                post("lea", channel("discussion"), "salut"),
            ),
            (
                "@lea #discussion:salut : ça va",
                post("lea", channel("discussion"), "salut : ça va"),
            ),
            ("@lea dm: coucou", post("lea", Place::Dm, "coucou")),
            (
                "@lea #questions > Ma question: merci",
                post("lea", channel("questions > Ma question"), "merci"),
            ),
            (
                "@karim /alerte liste",
                Action::Slash {
                    user: "karim".into(),
                    place: None,
                    line: "/alerte liste".into(),
                },
            ),
            (
                "@karim #coordination /alerte prendre numero:1",
                Action::Slash {
                    user: "karim".into(),
                    place: Some(channel("coordination")),
                    line: "/alerte prendre numero:1".into(),
                },
            ),
            (
                "@lea dm /aide",
                Action::Slash {
                    user: "lea".into(),
                    place: Some(Place::Dm),
                    line: "/aide".into(),
                },
            ),
            (
                "@karim click last Je prends",
                Action::Click {
                    user: "karim".into(),
                    target: Target::Last,
                    label: "Je prends".into(),
                },
            ),
            (
                "@karim click 42 Clore",
                Action::Click {
                    user: "karim".into(),
                    target: Target::Id(42),
                    label: "Clore".into(),
                },
            ),
            (
                "@karim form titre=Le 3018 | lien=https://www.3018.fr",
                Action::Form {
                    user: "karim".into(),
                    fields: vec![
                        ("titre".into(), "Le 3018".into()),
                        ("lien".into(), "https://www.3018.fr".into()),
                    ],
                },
            ),
            (
                "@karim choose harassment, distress",
                Action::Choose {
                    user: "karim".into(),
                    values: vec!["harassment".into(), "distress".into()],
                },
            ),
            ("wait 250", Action::Wait(Duration::from_millis(250))),
            ("expect Je prends", Action::Expect("Je prends".into())),
            ("help", Action::Help),
            ("  quit  ", Action::Quit),
        ];
        for (line, expected) in table {
            assert_eq!(parse_line(line), Ok(Some(expected)), "{line}");
        }
    }

    #[test]
    fn blank_lines_and_comments_are_not_actions() {
        assert_eq!(parse_line("   "), Ok(None));
        assert_eq!(parse_line("# un commentaire"), Ok(None));
    }

    #[test]
    fn mistakes_are_explained() {
        let table = [
            ("lea #discussion: salut", "unknown action"),
            ("@lea", "and then?"),
            ("@lea discussion: salut", "expected #channel"),
            ("@lea #discussion salut", "expected `: text`"),
            ("@lea #discussion:   ", "nothing to say"),
            ("@karim click", "which button?"),
            ("@karim click first Je prends", "expected `last`"),
            ("@karim click last", "which button?"),
            ("wait soon", "milliseconds"),
            ("expect", "what text"),
        ];
        for (line, said) in table {
            let message = parse_line(line).expect_err(line).to_string();
            assert!(message.contains(said), "{line}: {message}");
        }
    }

    #[test]
    fn a_script_reports_its_first_bad_line_by_number() {
        let script = "# demo\n@lea #discussion: salut\n\nbogus\n";
        let message = parse_script(script).expect_err("line 4 is bad").to_string();
        assert!(message.starts_with("line 4:"), "{message}");
        let ok = parse_script("# demo\n@lea dm: salut\nwait 10\n").expect("parses");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].0, 2);
    }
}
