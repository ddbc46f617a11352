//! Every request body of both HTTP surfaces, decoded as the handlers decode them
//! (`natter_core::wire::decode_request`), then the fields run through the parsers the service
//! checks them with. Nothing may panic, and every refusal has the documented kind.
#![no_main]

use libfuzzer_sys::fuzz_target;
use natter_core::wire::*;
use natter_core::{ConversationId, ErrorKind, Result, Uid};
use serde::de::DeserializeOwned;

/// The decoded request, or `None` after checking that the refusal is `invalid_argument`.
fn decoded<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    decode_request(body)
        .inspect_err(|error| assert_eq!(error.kind, ErrorKind::InvalidArgument))
        .ok()
}

/// A field check may refuse only with a 400 kind.
fn checked<T>(result: Result<T>) {
    if let Err(error) = result {
        assert!(matches!(
            error.kind,
            ErrorKind::InvalidArgument | ErrorKind::InvalidConversationId
        ));
    }
}

fn ids(list: &[String]) {
    list.iter()
        .for_each(|id| checked(ConversationId::parse(id)));
}

fn uid(uid: &str) {
    checked(Uid::parse(uid, "uid"));
}

fn channel(channel_type: i64, channel_id: &str) {
    checked(ConversationId::from_channel(channel_type, channel_id));
}

fuzz_target!(|body: &[u8]| {
    // Client API.
    if let Some(r) = decoded::<SendMessageRequest>(body) {
        checked(ConversationId::parse(&r.conversation_id));
    }
    if let Some(r) = decoded::<DeleteConversationsRequest>(body) {
        ids(&r.conversation_id_list);
    }
    if let Some(r) = decoded::<ConversationIdList>(body) {
        ids(&r.conversation_id_list);
    }
    if let Some(r) = decoded::<PinRequest>(body) {
        checked(ConversationId::parse(&r.conversation_id));
    }
    if let Some(r) = decoded::<MarkRequest>(body) {
        ids(&r.conversation_id_list);
    }
    if let Some(r) = decoded::<DraftRequest>(body) {
        checked(ConversationId::parse(&r.conversation_id));
    }
    if let Some(r) = decoded::<CustomDataRequest>(body) {
        ids(&r.conversation_id_list);
    }
    if let Some(r) = decoded::<RemindTypeRequest>(body) {
        ids(&r.conversation_id_list);
    }
    if let Some(r) = decoded::<ConversationGroupRequest>(body) {
        ids(&r.conversation_id_list);
    }
    decoded::<ReadRequest>(body);
    decoded::<ReadAllRequest>(body);
    decoded::<RenameConversationGroupRequest>(body);

    // Server API.
    if let Some(r) = decoded::<UserTokenRequest>(body) {
        uid(&r.uid);
    }
    if let Some(r) = decoded::<ChannelRequest>(body) {
        channel(r.channel_type, &r.channel_id);
        r.subscribers.iter().for_each(|member| uid(member));
    }
    if let Some(r) = decoded::<ChannelRef>(body) {
        channel(r.channel_type, &r.channel_id);
    }
    if let Some(r) = decoded::<ServerSendRequest>(body) {
        uid(&r.from_uid);
        channel(r.channel_type, &r.channel_id);
    }
    if let Some(r) = decoded::<ServerDeleteRequest>(body) {
        uid(&r.uid);
        channel(r.channel_type, &r.channel_id);
    }
    if let Some(r) = decoded::<ServerBatchDeleteRequest>(body) {
        uid(&r.uid);
        r.channels
            .iter()
            .for_each(|c| channel(c.channel_type, &c.channel_id));
    }
    if let Some(r) = decoded::<ClearUnreadRequest>(body) {
        uid(&r.uid);
        channel(r.channel_type, &r.channel_id);
    }
    if let Some(r) = decoded::<SetUnreadRequest>(body) {
        uid(&r.uid);
        channel(r.channel_type, &r.channel_id);
    }
    if let Some(r) = decoded::<ServerSyncRequest>(body) {
        uid(&r.uid);
    }
    if let Some(r) = decoded::<ServerConversationRef>(body) {
        uid(&r.uid);
        channel(r.channel_type, &r.channel_id);
    }
    if let Some(r) = decoded::<NoticeRequest>(body) {
        r.uids.iter().for_each(|member| uid(member));
    }
    decoded::<AppSettings>(body);
});
