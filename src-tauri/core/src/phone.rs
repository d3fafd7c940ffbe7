//! Phone numbers: E.164 normalisation (with the `phonenumber` crate, Google's libphonenumber
//! metadata) and digit-only comparison keys, so "+971 50 123 4567", "00971501234567" and
//! "050 123 4567" (in the UAE) are recognised as one number.

use phonenumber::{Mode, country};

/// The number in E.164 (`+971501234567`), or `None` when it is not a valid number.
/// `default_region` (ISO 3166 code such as `AE`) applies to numbers written without a
/// country code. A WhatsApp id (`971501234567`, digits with the country code) parses too.
pub fn to_e164(raw: &str, default_region: Option<&str>) -> Option<String> {
    let latin = latin_digits(raw);
    let trimmed = latin.trim();
    if trimmed.is_empty() {
        return None;
    }
    let candidate = if let Some(rest) = trimmed.strip_prefix("00") {
        format!("+{rest}")
    } else if trimmed.chars().all(|c| c.is_ascii_digit()) && default_region.is_none() {
        format!("+{trimmed}")
    } else {
        trimmed.to_owned()
    };
    let region = default_region.and_then(|r| r.parse::<country::Id>().ok());
    let number = phonenumber::parse(region, &candidate).ok()?;
    phonenumber::is_valid(&number).then(|| number.format().mode(Mode::E164).to_string())
}

/// A WhatsApp id (`wa_id`: country code and number, digits only) in E.164. Mexican ids may
/// carry the legacy mobile `1` after the country code (`521…`), which is no longer a valid
/// number: it is dropped (external-protocols.md §5).
pub fn from_whatsapp_id(wa_id: &str) -> Option<String> {
    let digits = digits(wa_id);
    if digits.is_empty() {
        return None;
    }
    to_e164(&format!("+{digits}"), None).or_else(|| {
        let rest = digits.strip_prefix("521").filter(|r| r.len() == 10)?;
        to_e164(&format!("+52{rest}"), None)
    })
}

/// Only the digits (Arabic-Indic ones as ASCII): a formatting-insensitive key for search
/// and comparison.
pub fn digits(raw: &str) -> String {
    latin_digits(raw)
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// Arabic-Indic (٠–٩) and Eastern Arabic-Indic (۰–۹) digits, as an Arabic or Persian
/// keyboard types them, replaced by ASCII ones; everything else kept.
pub fn latin_digits(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{660}'..='\u{669}' => char::from(b'0' + (c as u32 - 0x660) as u8),
            '\u{6F0}'..='\u{6F9}' => char::from(b'0' + (c as u32 - 0x6F0) as u8),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whatsapp_ids_become_e164() {
        assert_eq!(
            from_whatsapp_id("5511987654321").as_deref(),
            Some("+5511987654321")
        );
        assert_eq!(
            from_whatsapp_id("5215512345678").as_deref(),
            Some("+525512345678"),
            "the legacy Mexican mobile 1 is dropped"
        );
        assert_eq!(
            from_whatsapp_id("US.13491208655302741918"),
            None,
            "a user id is no phone"
        );
        assert_eq!(from_whatsapp_id(""), None);
    }

    #[test]
    fn the_same_number_written_many_ways() {
        for raw in [
            "+971 50 123 4567",
            "00971501234567",
            "+971-50-1234567",
            "971501234567",
        ] {
            assert_eq!(
                to_e164(raw, None).as_deref(),
                Some("+971501234567"),
                "{raw}"
            );
        }
        assert_eq!(
            to_e164("050 123 4567", Some("AE")).as_deref(),
            Some("+971501234567"),
            "national format"
        );
        assert_eq!(
            to_e164("01001234567", Some("EG")).as_deref(),
            Some("+201001234567")
        );
        assert_eq!(
            to_e164("+966 55 123 4567", None).as_deref(),
            Some("+966551234567")
        );
    }

    #[test]
    fn invalid_input_is_none_not_a_guess() {
        assert_eq!(to_e164("", None), None);
        assert_eq!(to_e164("hello", None), None);
        assert_eq!(to_e164("+971 1", None), None, "too short");
    }

    #[test]
    fn digits_ignore_formatting() {
        assert_eq!(digits("+971 (50) 123-4567"), "971501234567");
    }
}
