//! List cursors (`GET /v1/conversations?cursor=`): decoding whatever a client sends never
//! panics, and every cursor round-trips through its text form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use natter_store::ListCursor;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(cursor) = ListCursor::decode(text)
    {
        assert_eq!(ListCursor::decode(&cursor.encode()), Some(cursor));
    }
    // The same bytes as a position the server could give out.
    if let [pinned, rest @ ..] = data
        && let Some((activity, channel)) = rest.split_first_chunk::<8>()
        && let Some(channel) = channel.first_chunk::<8>()
    {
        let cursor = ListCursor {
            pinned: pinned & 1 == 1,
            activity_ms: i64::from_le_bytes(*activity),
            channel_id: i64::from_le_bytes(*channel),
        };
        assert_eq!(ListCursor::decode(&cursor.encode()), Some(cursor));
    }
});
