//! WebSocket text frames from clients, through the gateway's decoder: never panics, and
//! anything but an event (known or not) is `invalid_argument` (which closes the connection).
#![no_main]

use libfuzzer_sys::fuzz_target;
use natter_core::ErrorKind;
use natter_core::wire::ClientEvent;

fuzz_target!(|data: &[u8]| {
    // Text frames are UTF-8 by the WebSocket protocol; the server never sees anything else.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = ClientEvent::decode(text) {
        assert_eq!(error.kind, ErrorKind::InvalidArgument);
    }
});
