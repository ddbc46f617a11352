//! How events travel between nodes: JSON, so that nodes of neighbouring versions and a person
//! watching with `nats sub` can read them.

use natter_core::Uid;
use natter_service::{EndReason, Frame, Origin, Recipients, Remote};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Event {
    Frame {
        uid: String,
        /// The frame as the client receives it.
        text: String,
        version: Option<u64>,
        to: To,
    },
    /// `replaced` is what nodes before end reasons sent. One connection's end names its
    /// `connection`; a device's, its `device_flag` (all that nodes before `/conn/kick` read).
    #[serde(alias = "replaced")]
    Ended {
        uid: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device_flag: Option<u8>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        connection: Option<u64>,
        #[serde(default)]
        reason: Reason,
    },
    TotalChanged {
        uid: String,
        only: Option<Source>,
    },
    SettingsChanged,
    Resync {
        uid: String,
        from: Option<u64>,
    },
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Reason {
    #[default]
    Replaced,
    TokenRevoked,
    Kicked,
    TokenRefreshed,
    Removed,
}

impl From<EndReason> for Reason {
    fn from(reason: EndReason) -> Self {
        match reason {
            EndReason::Replaced => Reason::Replaced,
            EndReason::TokenRevoked => Reason::TokenRevoked,
            EndReason::Kicked => Reason::Kicked,
            EndReason::TokenRefreshed => Reason::TokenRefreshed,
            EndReason::Removed => Reason::Removed,
        }
    }
}

impl From<Reason> for EndReason {
    fn from(reason: Reason) -> Self {
        match reason {
            Reason::Replaced => EndReason::Replaced,
            Reason::TokenRevoked => EndReason::TokenRevoked,
            Reason::Kicked => EndReason::Kicked,
            Reason::TokenRefreshed => EndReason::TokenRefreshed,
            Reason::Removed => EndReason::Removed,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum To {
    All,
    AllBut(Source),
    Only(Source),
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Source {
    Connection(u64),
    Device(u8),
}

impl From<Origin> for Source {
    fn from(origin: Origin) -> Self {
        match origin {
            Origin::Connection(id) => Source::Connection(id),
            Origin::Device(flag) => Source::Device(flag),
        }
    }
}

impl From<Source> for Origin {
    fn from(source: Source) -> Self {
        match source {
            Source::Connection(id) => Origin::Connection(id),
            Source::Device(flag) => Origin::Device(flag),
        }
    }
}

pub(crate) fn encode(event: &Remote) -> Vec<u8> {
    let event = match event {
        Remote::Frame { uid, frame, to } => Event::Frame {
            uid: uid.to_string(),
            text: frame.json().to_string(),
            version: frame.version,
            to: match *to {
                Recipients::All => To::All,
                Recipients::AllBut(origin) => To::AllBut(origin.into()),
                Recipients::Only(origin) => To::Only(origin.into()),
            },
        },
        Remote::Ended { uid, which, reason } => Event::Ended {
            uid: uid.to_string(),
            device_flag: match which {
                Origin::Device(flag) => Some(*flag),
                Origin::Connection(_) => None,
            },
            connection: match which {
                Origin::Connection(id) => Some(*id),
                Origin::Device(_) => None,
            },
            reason: (*reason).into(),
        },
        Remote::TotalChanged { uid, only } => Event::TotalChanged {
            uid: uid.to_string(),
            only: only.map(Into::into),
        },
        Remote::SettingsChanged => Event::SettingsChanged,
        Remote::Resync { uid, from } => Event::Resync {
            uid: uid.to_string(),
            from: *from,
        },
    };
    serde_json::to_vec(&event).expect("events serialise")
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum DecodeError {
    #[error("not an event: {0}")]
    Json(#[from] serde_json::Error),
    #[error("bad uid: {0}")]
    Uid(#[from] natter_core::Error),
    #[error("an end that names neither a device nor a connection")]
    EndOfNothing,
}

pub(crate) fn decode(payload: &[u8]) -> Result<Remote, DecodeError> {
    let uid = |text: &str| Uid::parse(text, "uid");
    Ok(match serde_json::from_slice(payload)? {
        Event::Frame {
            uid: user,
            text,
            version,
            to,
        } => Remote::Frame {
            uid: uid(&user)?,
            frame: Frame::from_json(text.into(), version)?,
            to: match to {
                To::All => Recipients::All,
                To::AllBut(source) => Recipients::AllBut(source.into()),
                To::Only(source) => Recipients::Only(source.into()),
            },
        },
        Event::Ended {
            uid: user,
            device_flag,
            connection,
            reason,
        } => Remote::Ended {
            uid: uid(&user)?,
            which: match (connection, device_flag) {
                (Some(id), _) => Origin::Connection(id),
                (None, Some(flag)) => Origin::Device(flag),
                (None, None) => return Err(DecodeError::EndOfNothing),
            },
            reason: reason.into(),
        },
        Event::TotalChanged { uid: user, only } => Remote::TotalChanged {
            uid: uid(&user)?,
            only: only.map(Into::into),
        },
        Event::SettingsChanged => Remote::SettingsChanged,
        Event::Resync { uid: user, from } => Remote::Resync {
            uid: uid(&user)?,
            from,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use natter_core::wire::ServerEvent;

    fn round_trip(event: Remote) -> Remote {
        decode(&encode(&event)).expect("decodes")
    }

    #[test]
    fn every_event_survives_the_trip() {
        let alice = Uid::parse("alice", "uid").unwrap();
        let Remote::Frame { uid, frame, to } = round_trip(Remote::Frame {
            uid: alice.clone(),
            frame: Frame::new(ServerEvent::ResyncRequired { version: 3 }, Some(7)),
            to: Recipients::AllBut(Origin::Connection(1 << 40)),
        }) else {
            panic!("a frame comes back as a frame");
        };
        assert_eq!(uid, alice);
        assert_eq!(
            &**frame.json(),
            r#"{"event":"resyncRequired","data":{"version":3}}"#
        );
        assert_eq!(frame.version, Some(7));
        assert_eq!(to, Recipients::AllBut(Origin::Connection(1 << 40)));
        assert!(matches!(
            round_trip(Remote::TotalChanged {
                uid: alice.clone(),
                only: Some(Origin::Device(2))
            }),
            Remote::TotalChanged {
                only: Some(Origin::Device(2)),
                ..
            }
        ));
        assert!(matches!(
            round_trip(Remote::Ended {
                uid: alice.clone(),
                which: Origin::Device(1),
                reason: EndReason::TokenRevoked,
            }),
            Remote::Ended {
                which: Origin::Device(1),
                reason: EndReason::TokenRevoked,
                ..
            }
        ));
        assert!(matches!(
            round_trip(Remote::Ended {
                uid: alice,
                which: Origin::Connection(1 << 40),
                reason: EndReason::Removed,
            }),
            Remote::Ended {
                which: Origin::Connection(0x100_0000_0000),
                reason: EndReason::Removed,
                ..
            }
        ));
        assert!(
            decode(br#"{"type":"ended","uid":"bob"}"#).is_err(),
            "an end must name what it ends"
        );
        assert!(
            matches!(
                decode(br#"{"type":"replaced","uid":"bob","device_flag":2}"#),
                Ok(Remote::Ended {
                    which: Origin::Device(2),
                    reason: EndReason::Replaced,
                    ..
                })
            ),
            "an older node's replacement still ends the connections"
        );
        assert!(matches!(
            round_trip(Remote::SettingsChanged),
            Remote::SettingsChanged
        ));
        assert!(matches!(
            round_trip(Remote::Resync {
                uid: Uid::parse("alice", "uid").unwrap(),
                from: Some(12)
            }),
            Remote::Resync { from: Some(12), .. }
        ));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode(b"not json").is_err());
        assert!(
            decode(br#"{"type":"frame","uid":"","text":"","version":null,"to":"all"}"#).is_err()
        );
    }
}
