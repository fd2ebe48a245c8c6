//! Character tables used by normalisation: risk emoji mapped to word tokens, look-alike letters
//! from other scripts folded to Latin, and characters that must simply vanish.
//!
//! Emoji carry meaning (Crisis Text Line found 💊 a stronger signal than the word "suicide"), so
//! they become ordinary ASCII words that rules can name, either as the emoji itself or as the
//! token (rule terms go through the same normalisation).

/// Risk emoji and the token each one becomes. Tokens are plain lowercase ASCII words without
/// repeated letters (normalisation squeezes doubled letters) so they read the same in rules.
pub(crate) fn emoji_token(c: char) -> Option<&'static str> {
    Some(match c {
        '💊' => "emopil",
        '🔪' | '🗡' | '⚔' => "emoknife",
        '🩸' => "emobld",
        '🪢' => "emorope",
        '😭' | '😢' | '😿' => "emocry",
        '💀' | '☠' => "emoskul",
        '🔫' => "emogun",
        '⚰' | '🪦' => "emocofin",
        '💔' => "emobroken",
        '💉' => "emosyringe",
        '🌿' | '🍁' => "emoleaf",
        '🍄' => "emoshrom",
        '❄' => "emosnow",
        '🍾' | '🍺' | '🍻' | '🍷' | '🥃' | '🍸' => "emodrink",
        '🚬' => "emocig",
        '💣' => "emobomb",
        '🩹' => "emobandage",
        '🤮' | '🤢' => "emovomit",
        '😂' | '🤣' | '😆' | '😹' => "emolaugh",
        '😅' | '😁' | '😄' | '😃' | '😀' | '🙂' | '😊' | '😉' | '😜' | '😝' | '😛' => {
            "emosmile"
        }
        '😬' | '😳' => "emoawk",
        '💪' | '🔥' | '🏆' | '🎉' | '🥳' => "emohype",
        '🍆' => "emoaubergine",
        '🍑' => "emopeach",
        '🥵' => "emohot",
        '😡' | '🤬' | '😠' => "emoangry",
        '🖕' => "emofinger",
        '🐷' | '🐖' | '🐳' | '🐋' | '🐄' | '🐮' | '🦛' => "emofatanimal",
        '🐒' | '🐵' | '🦍' => "emomonkey",
        '🏳' => "emoflag",
        '€' | '£' => "euros",
        '❤' | '💕' | '💖' | '💗' | '💞' | '😘' | '🥰' | '😍' | '🙏' => "emolove",
        _ => return None,
    })
}

/// Latin look-alikes for Cyrillic and Greek lowercase letters (after case folding), plus a few
/// Latin letters that NFKD does not decompose. Multi-letter results cover ligatures.
pub(crate) fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        // Cyrillic
        'а' => "a",
        'в' => "b",
        'е' | 'ё' | 'є' | 'э' => "e",
        'к' => "k",
        'м' => "m",
        'н' => "h",
        'о' => "o",
        'р' => "p",
        'с' => "c",
        'т' => "t",
        'у' => "y",
        'х' => "x",
        'ѕ' => "s",
        'і' | 'ї' => "i",
        'ј' => "j",
        'ԁ' => "d",
        'ո' => "n",
        'г' => "r",
        'п' => "n",
        'и' => "u",
        'ь' => "b",
        'ԛ' => "q",
        'ԝ' => "w",
        'ɡ' => "g",
        // Greek
        'α' => "a",
        'β' => "b",
        'γ' => "y",
        'δ' => "d",
        'ε' | 'έ' => "e",
        'ζ' => "z",
        'η' | 'ή' => "n",
        'ι' | 'ί' | 'ϊ' => "i",
        'κ' => "k",
        'μ' => "u",
        'ν' => "v",
        'ο' | 'ό' => "o",
        'ρ' => "p",
        'σ' | 'ς' => "o",
        'τ' => "t",
        'υ' | 'ύ' => "u",
        'χ' => "x",
        'ω' | 'ώ' => "w",
        // Latin letters without a canonical decomposition
        'œ' => "oe",
        'æ' => "ae",
        'ß' => "ss",
        'ø' => "o",
        'đ' => "d",
        'ł' => "l",
        'ı' => "i",
        'ſ' => "s",
        'ɑ' => "a",
        'ɩ' => "i",
        'ʀ' => "r",
        'ᴀ' => "a",
        'ʙ' => "b",
        'ᴄ' => "c",
        'ᴅ' => "d",
        'ᴇ' => "e",
        'ɢ' => "g",
        'ʜ' => "h",
        'ɪ' => "i",
        'ᴊ' => "j",
        'ᴋ' => "k",
        'ʟ' => "l",
        'ᴍ' => "m",
        'ɴ' => "n",
        'ᴏ' => "o",
        'ᴘ' => "p",
        'ꜱ' => "s",
        'ᴛ' => "t",
        'ᴜ' => "u",
        'ᴠ' => "v",
        'ᴡ' => "w",
        'ʏ' => "y",
        'ᴢ' => "z",
        _ => return None,
    })
}

/// Characters removed outright: zero-width, bidi controls, soft hyphen, variation selectors,
/// skin-tone modifiers, tag characters and C1 controls. (Combining marks are dropped separately.)
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{E0000}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{0080}'..='\u{009F}')
}

/// Apostrophe-like characters: they separate an elided word (`j'ai` reads `j ai`).
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '\u{02BC}' | '\u{02B9}' | '\u{FF07}'
    )
}

/// Dash-like characters: they separate words like a space.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    )
}

/// Dot-like characters used as masks inside words (`sui·cide`).
pub(crate) fn is_dot(c: char) -> bool {
    matches!(
        c,
        '\u{00B7}' | '\u{2022}' | '\u{2219}' | '\u{30FB}' | '\u{FF0E}'
    )
}
