//! Tencent's standard profile fields beyond the nick, the avatar and who may add the user as a
//! friend: gender, birthday, location, signature, language, level and role, which Natter keeps
//! as the user sets them and shows to everyone who sees the profile, acting on none of them
//! (level and role are the app's own numbers, as Tencent's are); and the one the app backend
//! sets, whether the user may ask others to be friends ([`AdminForbidType`]), which the friend
//! rules act on (`crate::friend_rules`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::limits::refuse_nul;
use crate::{Error, Result};

/// A location is at most this many bytes (Tencent's limit).
pub const MAX_LOCATION_BYTES: usize = 16;
/// A signature is at most this many bytes (Tencent's limit).
pub const MAX_SELF_SIGNATURE_BYTES: usize = 500;

/// A user's gender, with Tencent's names; unknown until they say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Gender {
    #[default]
    #[serde(rename = "Gender_Type_Unknown")]
    Unknown,
    #[serde(rename = "Gender_Type_Female")]
    Female,
    #[serde(rename = "Gender_Type_Male")]
    Male,
}

/// Whether the app lets the user ask others to be friends, with Tencent's names
/// (`Tag_Profile_IM_AdminForbidType`). Only the app backend sets it: a user cannot lift what the
/// app forbade them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum AdminForbidType {
    /// They may.
    #[default]
    #[serde(rename = "AdminForbid_Type_None")]
    None,
    /// They may not send friend requests (or add anyone); they may still accept the requests
    /// others send them.
    #[serde(rename = "AdminForbid_Type_SendOut")]
    SendOut,
}

/// The standard fields of a profile, each at its empty value until the user sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct ProfileDetails {
    pub gender: Gender,
    /// As the app writes it; Tencent suggests `20000101`. 0: not said.
    pub birthday: u32,
    /// At most 16 bytes; Tencent suggests four numbers: country, province, city, county.
    pub location: String,
    /// At most 500 bytes.
    pub self_signature: String,
    pub language: u32,
    /// The app's own number.
    pub level: u32,
    /// The app's own number.
    pub role: u32,
    /// Set by the app backend only.
    pub admin_forbid_type: AdminForbidType,
}

/// What to change of the standard fields; `None` keeps a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDetailsChange {
    pub gender: Option<Gender>,
    pub birthday: Option<u32>,
    pub location: Option<String>,
    pub self_signature: Option<String>,
    pub language: Option<u32>,
    pub level: Option<u32>,
    pub role: Option<u32>,
    pub admin_forbid_type: Option<AdminForbidType>,
}

impl ProfileDetailsChange {
    /// Refuses a location or signature over its limit, or one holding U+0000, naming it.
    pub fn check(&self) -> Result<()> {
        for (text, field, most) in [
            (&self.location, "location", MAX_LOCATION_BYTES),
            (
                &self.self_signature,
                "selfSignature",
                MAX_SELF_SIGNATURE_BYTES,
            ),
        ] {
            let Some(text) = text else { continue };
            if text.len() > most {
                return Err(Error::invalid_argument(format!(
                    "{field}: {} bytes; at most {most}",
                    text.len()
                )));
            }
            refuse_nul(field, text)?;
        }
        Ok(())
    }

    pub fn apply_to(&self, details: &mut ProfileDetails) {
        fn set<T: Clone>(field: &mut T, value: &Option<T>) {
            if let Some(value) = value {
                field.clone_from(value);
            }
        }
        set(&mut details.gender, &self.gender);
        set(&mut details.birthday, &self.birthday);
        set(&mut details.location, &self.location);
        set(&mut details.self_signature, &self.self_signature);
        set(&mut details.language, &self.language);
        set(&mut details.level, &self.level);
        set(&mut details.role, &self.role);
        set(&mut details.admin_forbid_type, &self.admin_forbid_type);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_sets_what_it_names_and_keeps_the_rest() {
        let mut details = ProfileDetails {
            location: "1,2,3,4".into(),
            level: 7,
            ..ProfileDetails::default()
        };
        let change = ProfileDetailsChange {
            gender: Some(Gender::Female),
            self_signature: Some("hello".into()),
            ..ProfileDetailsChange::default()
        };
        change.apply_to(&mut details);
        assert_eq!(details.gender, Gender::Female);
        assert_eq!(details.self_signature, "hello");
        assert_eq!((details.location.as_str(), details.level), ("1,2,3,4", 7));
    }

    #[test]
    fn a_location_or_signature_over_its_limit_is_refused_by_name() {
        let long_location = ProfileDetailsChange {
            location: Some("x".repeat(MAX_LOCATION_BYTES + 1)),
            ..ProfileDetailsChange::default()
        };
        assert!(
            long_location
                .check()
                .unwrap_err()
                .message
                .starts_with("location:")
        );
        let nul = ProfileDetailsChange {
            self_signature: Some("a\0b".into()),
            ..ProfileDetailsChange::default()
        };
        assert!(
            nul.check()
                .unwrap_err()
                .message
                .starts_with("selfSignature:")
        );
    }

    #[test]
    fn stored_details_missing_fields_read_as_empty() {
        let read: ProfileDetails = serde_json::from_str(r#"{"level": 3}"#).unwrap();
        assert_eq!(
            read,
            ProfileDetails {
                level: 3,
                ..ProfileDetails::default()
            }
        );
        assert_eq!(
            serde_json::to_value(Gender::Male).unwrap(),
            serde_json::json!("Gender_Type_Male")
        );
    }
}
