//! The rules of translation and speech-to-text requests, checked before the server asks the
//! operator's services: a bad request answers 400 naming the field, not the service's error.

use crate::wire::TranslateTextRequest;
use crate::{Error, Result};

/// Most texts in one translation request.
pub const MAX_TEXTS: usize = 100;
/// Most characters of all the texts of one translation request together.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// What a translation service takes for "find the source language yourself".
pub const AUTO_DETECT: &str = "auto";

/// A translation request as the service is asked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Translation {
    pub texts: Vec<String>,
    /// A language code, or [`AUTO_DETECT`].
    pub source: String,
    pub target: String,
}

/// Checks a client's request: 1 to [`MAX_TEXTS`] texts of at most [`MAX_TEXT_CHARS`] in all,
/// and language codes as the services name them.
pub fn translation(request: TranslateTextRequest) -> Result<Translation> {
    let texts = request.source_text_list;
    if texts.is_empty() || texts.len() > MAX_TEXTS {
        return Err(Error::invalid_argument(format!(
            "sourceTextList: 1 to {MAX_TEXTS} texts, not {}",
            texts.len()
        )));
    }
    let chars: usize = texts.iter().map(|text| text.chars().count()).sum();
    if chars > MAX_TEXT_CHARS {
        return Err(Error::invalid_argument(format!(
            "sourceTextList: at most {MAX_TEXT_CHARS} characters in all, not {chars}"
        )));
    }
    let source = if request.source_language.is_empty() {
        AUTO_DETECT.to_owned()
    } else {
        language_code("sourceLanguage", request.source_language)?
    };
    let target = language_code("targetLanguage", request.target_language)?;
    Ok(Translation {
        texts,
        source,
        target,
    })
}

/// A language code as the services name languages (`en`, `zh`, `zh-Hant`, `pt-BR`): 1–16
/// ASCII letters, digits and `-`, starting with a letter.
pub fn language_code(field: &str, code: String) -> Result<String> {
    let well_formed = code.len() <= 16
        && code.starts_with(|c: char| c.is_ascii_alphabetic())
        && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if well_formed {
        Ok(code)
    } else {
        Err(Error::invalid_argument(format!(
            "{field}: {code:?} is not a language code (like \"en\", \"zh\" or \"pt-BR\")"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(texts: &[&str], source: &str, target: &str) -> TranslateTextRequest {
        TranslateTextRequest {
            source_text_list: texts.iter().map(|text| text.to_string()).collect(),
            source_language: source.to_owned(),
            target_language: target.to_owned(),
        }
    }

    #[test]
    fn no_source_language_asks_the_service_to_detect_it() {
        let checked = translation(request(&["hola"], "", "en")).expect("valid");
        assert_eq!(checked.source, AUTO_DETECT);
        assert_eq!(checked.target, "en");
    }

    #[test]
    fn the_texts_are_bounded_by_count_and_characters() {
        let error = translation(request(&[], "", "en")).expect_err("no texts");
        assert!(error.message.starts_with("sourceTextList"), "{error}");
        let many = vec!["a"; MAX_TEXTS + 1];
        assert!(translation(request(&many, "", "en")).is_err());
        let long = "字".repeat(MAX_TEXT_CHARS);
        assert!(translation(request(&[&long], "", "en")).is_ok());
        assert!(translation(request(&[&long, "x"], "", "en")).is_err());
    }

    #[test]
    fn language_codes_are_checked() {
        for good in ["en", "zh-Hant", "pt-BR", "yue"] {
            assert!(
                language_code("targetLanguage", good.to_owned()).is_ok(),
                "{good}"
            );
        }
        for bad in ["", "-en", "en us", "zh (cmn-Hans-CN)", "abcdefghijklmnopq"] {
            let error = language_code("targetLanguage", bad.to_owned()).expect_err(bad);
            assert!(error.message.starts_with("targetLanguage"), "{error}");
        }
    }
}
