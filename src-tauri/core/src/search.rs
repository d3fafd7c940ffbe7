//! Search text: what is indexed for a lead and how a typed query becomes an FTS5 query.
//! Pure functions; the index itself lives in `store` (SQLite FTS5, `unicode61` with
//! `remove_diacritics 2`, which folds Latin accents).
//!
//! Arabic needs more than `unicode61` does: the same name is written with or without
//! harakat (مُحَمَّد / محمد), with different alef forms (أحمد / احمد), final yaa or alef
//! maqsura (على / علي), taa marbuta or haa (فاطمة / فاطمه), tatweel (مـحمد), and with
//! Arabic-Indic digits (٠٥٠). [`fold`] writes all of them one way, on both sides.
//! Phone numbers are indexed as digit strings and their tails, so they are found however a
//! rep types them: international (971501234567), national with or without the trunk zero
//! (0501234567, 501234567), or the last digits.

use crate::phone;

/// Lowercase, Arabic letters and digits in one form, harakat and tatweel removed.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Harakat, Quranic marks, superscript alef, tatweel: dropped.
            '\u{0610}'..='\u{061A}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{0640}'
            | '\u{06D6}'..='\u{06ED}' => {}
            'آ' | 'أ' | 'إ' | 'ٱ' => out.push('ا'),
            'ى' => out.push('ي'),
            'ة' => out.push('ه'),
            'ؤ' => out.push('و'),
            'ئ' => out.push('ي'),
            '\u{0660}'..='\u{0669}' => out.push(char::from(b'0' + (c as u32 - 0x0660) as u8)),
            '\u{06F0}'..='\u{06F9}' => out.push(char::from(b'0' + (c as u32 - 0x06F0) as u8)),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The digit strings a phone number is found by: its digits, and every tail of them of four
/// digits or more. A tail is how a number written another way is found: "+971 50 123 4567"
/// is found by its national part "501234567" (typed "050 123 4567": [`query`] drops the trunk
/// and international zeros), and by its last digits ("the one ending 4567").
/// Deliberately no phone-number parsing here: this runs for every lead the sync stores.
pub fn phone_keys(raw: &str) -> Vec<String> {
    let digits = phone::digits(&fold(raw));
    if digits.len() < 3 {
        return Vec::new();
    }
    let mut keys = vec![digits.clone()];
    for i in 1..digits.len() {
        let tail = &digits[i..];
        if tail.len() >= 4 && !tail.starts_with('0') {
            keys.push(tail.to_owned());
        }
    }
    keys
}

/// The text indexed for a lead: its words folded, and its phone numbers as digit keys.
pub fn document(words: &[Option<&str>], phones: &[Option<&str>]) -> String {
    let mut out = String::new();
    for w in words.iter().flatten() {
        out.push_str(&fold(w));
        out.push(' ');
    }
    for p in phones.iter().flatten() {
        for key in phone_keys(p) {
            out.push(PHONE_MARK);
            out.push_str(&key);
            out.push(' ');
        }
    }
    out
}

/// Marks phone keys in the index (a token character of the index's tokenizer, never part of
/// a typed term): digits typed as a phone number search these, so short words and numbers
/// in names do not walk every phone number's tails.
const PHONE_MARK: char = '#';

/// An FTS5 query for what the rep typed: every word must match the start of a word (so
/// results update as they type). A query that is a phone number however written ("+971 50
/// 123", "050-123") is one digit prefix. `None` when there is nothing to search for.
pub fn query(typed: &str) -> Option<String> {
    let folded = fold(typed);
    let is_phone = folded.chars().filter(char::is_ascii_digit).count() >= 3
        && folded
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let terms: Vec<String> = if is_phone {
        // 050…, 00971…: trunk and international prefixes are not part of the stored number.
        let digits = phone::digits(&folded);
        let significant = digits.trim_start_matches('0');
        vec![if significant.len() >= 3 {
            significant.to_owned()
        } else {
            digits
        }]
    } else {
        folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    if terms.is_empty() {
        return None;
    }
    let quoted = |t: &str| format!("\"{}\"*", t.replace('"', "\"\""));
    Some(
        terms
            .iter()
            .map(|t| {
                // Three digits or more may be part of a phone number or of a word ("2026").
                if t.len() >= 3 && t.chars().all(|c| c.is_ascii_digit()) {
                    format!("({} OR {})", quoted(&format!("{PHONE_MARK}{t}")), quoted(t))
                } else {
                    quoted(t)
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_spellings_fold_to_one() {
        assert_eq!(fold("مُحَمَّد"), fold("محمد"));
        assert_eq!(fold("أحمد"), fold("احمد"));
        assert_eq!(fold("إبراهيم"), fold("ابراهيم"));
        assert_eq!(fold("على"), fold("علي"));
        assert_eq!(fold("فاطمة"), fold("فاطمه"));
        assert_eq!(fold("مـحمد"), fold("محمد"));
        assert_eq!(fold("٠٥٠١٢٣"), "050123");
        assert_eq!(
            fold("Ahmed ÉCOLE"),
            "ahmed école",
            "Latin accents are FTS5's job"
        );
    }

    #[test]
    fn phones_are_found_in_every_form() {
        let keys = phone_keys("+971 50 123 4567");
        for form in ["971501234567", "501234567"] {
            assert!(keys.contains(&form.to_owned()), "{form} in {keys:?}");
        }
        assert!(keys.contains(&"4567".to_owned()), "a tail: {keys:?}");
        assert!(
            !keys.contains(&"567".to_owned()),
            "tails of four digits or more"
        );
        assert!(phone_keys("12").is_empty(), "too short to be a phone");
        assert_eq!(
            phone_keys("٠٥٠١٢٣٤٥٦٧")[0],
            "0501234567",
            "Arabic-Indic digits"
        );
    }

    #[test]
    fn queries_are_prefixes_and_phones_are_one_term() {
        assert_eq!(query("  ").as_deref(), None);
        assert_eq!(query("Moh sal").as_deref(), Some("\"moh\"* \"sal\"*"));
        assert_eq!(
            query("050-123 45").as_deref(),
            Some("(\"#5012345\"* OR \"5012345\"*)"),
            "the trunk zero is dropped"
        );
        assert_eq!(
            query("+971 (50) 12").as_deref(),
            Some("(\"#9715012\"* OR \"9715012\"*)")
        );
        assert_eq!(query("أحمد").as_deref(), Some("\"احمد\"*"));
        assert_eq!(
            query("a\"b").as_deref(),
            Some("\"a\"* \"b\"*"),
            "quotes cannot break out"
        );
        assert_eq!(
            query("room 101").as_deref(),
            Some("\"room\"* (\"#101\"* OR \"101\"*)")
        );
        assert_eq!(
            query("a 10").as_deref(),
            Some("\"a\"* \"10\"*"),
            "short numbers are words"
        );
        assert_eq!(
            query("#05").as_deref(),
            Some("\"05\"*"),
            "the mark cannot be typed"
        );
    }
}
