//! Conversation IDs as clients send them (paths, bodies): parsing never panics, failures are
//! `invalid_conversation_id`, and an accepted ID prints back exactly as given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use natter_core::{ConversationId, ErrorKind};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ConversationId::parse(text) {
        Ok(id) => assert_eq!(id.to_string(), text),
        Err(error) => assert_eq!(error.kind, ErrorKind::InvalidConversationId),
    }
});
