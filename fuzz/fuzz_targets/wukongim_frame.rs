//! WuKongIM binary frames (natter-wukongim) through the codec, before CONNECT and on every
//! protocol version: whatever a client sends never panics, and every packet that decodes
//! writes back to bytes that decode to the same packet.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use natter_wukongim::{ProtocolVersion, WukongCodec, decode, encode_to_vec};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the version (or none yet); the rest is the stream.
    let Some((&selector, stream)) = data.split_first() else {
        return;
    };
    let mut codec = WukongCodec::with_max_remaining(64 * 1024);
    if let Some(&version) = ProtocolVersion::ALL.get(usize::from(selector) % 5) {
        codec.set_version(version);
    }
    let mut buf = BytesMut::from(stream);
    while let Ok(Some(packet)) = codec.decode_frame(&mut buf) {
        let bytes = encode_to_vec(&packet, codec.version()).expect("a decoded packet encodes");
        let reread = decode(&bytes, codec.version(), usize::MAX).expect("and decodes again");
        assert_eq!(reread.map(|(p, _)| p), Some(packet));
    }
});
