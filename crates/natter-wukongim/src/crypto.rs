//! The session crypto: the X25519 key exchange carried by CONNECT and CONNACK, the AES payload
//! encryption, and the msgKey signature of SEND and RECV — computed byte for byte as
//! WuKongIM's server and SDKs compute them, since a client drops whatever does not match.
//!
//! # Key exchange
//!
//! The client sends its X25519 public key, standard base64 with padding, as CONNECT's
//! `client_key`. The server makes a key pair of its own and answers with its public key
//! (likewise base64) as CONNACK's `server_key`, and a `salt` of 16 random characters from
//! `[A-Za-z0-9]`. Both sides then hold the 32-byte X25519 shared secret and derive:
//!
//! - **AES key** = the first 16 characters of the lowercase hex MD5 of the base64 of the shared
//!   secret, used as 16 ASCII bytes: `md5_hex(base64(secret))[..16]`.
//! - **IV** = the salt's first 16 bytes. The same IV serves every message of the session.
//!
//! # Payloads
//!
//! Unless a packet's setting has NO_ENCRYPT, the payload on the wire is
//! `base64(AES-128-CBC(key, iv, PKCS#7(plain)))`, the base64 text itself being the payload's
//! bytes.
//!
//! # msgKey
//!
//! `msg_key = md5_hex(base64(AES-128-CBC(key, iv, PKCS#7(sign))))`, 32 lowercase hex digits,
//! where `sign` is the concatenation of (numbers in decimal, the payload as on the wire, that
//! is encrypted and base64'd):
//!
//! - SEND: `client_seq`, `client_msg_no`, `channel_id`, `channel_type`, `payload`. The client
//!   computes it; the server checks it ([`Session::verify_send`]). WuKongIM's server closes
//!   the connection on a mismatch; the protocol also has a SENDACK reason for it,
//!   [`ReasonCode::MsgKeyError`](crate::ReasonCode::MsgKeyError).
//! - RECV: `message_id`, `message_seq`, `client_msg_no`, `timestamp`, `from_uid`,
//!   `channel_id`, `channel_type`, `payload`. The server computes it ([`Session::seal_recv`]);
//!   the client drops a RECV whose msg key does not match, without a RECVACK.
//!
//! The scheme is WuKongIM's, kept for compatibility: a fixed IV per session and an MD5 over a
//! CBC ciphertext are not what one would choose today, and the server's key is not
//! authenticated, so this guards against a passive eavesdropper only. Run it inside TLS.
//!
//! # Crates
//!
//! `x25519-dalek` (dalek-cryptography's X25519), `aes` + `cbc` (RustCrypto's block cipher and
//! mode: constant-time AES, with AES-NI where the CPU has it), `md-5` (RustCrypto) and
//! `base64`: each the maintained, widely used pure-Rust choice, so nothing in C to build and
//! no primitive of our own.

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest as _, Md5};
use x25519_dalek::{PublicKey, StaticSecret};

use crate::enums::Setting;
use crate::packet::{RecvPacket, SendPacket};

type Aes128CbcEnc = cbc::Encryptor<aes::Aes128>;
type Aes128CbcDec = cbc::Decryptor<aes::Aes128>;

/// The salt's length: one AES block, the IV.
pub const SALT_LEN: usize = 16;

const SALT_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CryptoError {
    /// The peer's key is not the standard base64 of 32 bytes.
    #[error("the peer's public key is not base64 of 32 bytes")]
    BadPublicKey,
    /// The peer's key is a low-order point: the shared secret would be all zeros.
    #[error("the peer's public key gives no shared secret")]
    NonContributory,
    /// The salt is shorter than one AES block.
    #[error("the salt is shorter than 16 bytes")]
    ShortSalt,
    /// The operating system's random source failed.
    #[error("no randomness: {0}")]
    Random(String),
    /// A payload is not base64 of a whole number of AES blocks with valid padding.
    #[error("the payload is not a ciphertext of this session")]
    BadCiphertext,
    /// A SEND's msg key does not sign it.
    #[error("the msg key does not match")]
    MsgKeyMismatch,
}

/// An X25519 key pair: the server's for one connection (or a client's, in tests).
pub struct KeyPair {
    secret: StaticSecret,
    public: PublicKey,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("public", &self.public_key())
            .finish_non_exhaustive()
    }
}

impl KeyPair {
    /// A fresh key pair from the operating system's random source.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| CryptoError::Random(e.to_string()))?;
        Ok(Self::from_secret(secret))
    }

    /// The key pair of a given secret (clamped as X25519 clamps it), for tests and for
    /// replaying a recorded session.
    pub fn from_secret(secret: [u8; 32]) -> Self {
        let secret = StaticSecret::from(secret);
        let public = PublicKey::from(&secret);
        Self { secret, public }
    }

    /// The public key as CONNECT and CONNACK carry it: standard base64, with padding.
    pub fn public_key(&self) -> String {
        BASE64.encode(self.public.as_bytes())
    }

    /// The session with the peer whose public key (as carried in CONNECT or CONNACK) is
    /// `peer_key`, and the CONNACK's `salt`.
    pub fn session(&self, peer_key: &str, salt: &str) -> Result<Session, CryptoError> {
        let peer = decode_public_key(peer_key)?;
        let shared = self.secret.diffie_hellman(&peer);
        if !shared.was_contributory() {
            return Err(CryptoError::NonContributory);
        }
        Session::from_shared_secret(shared.as_bytes(), salt)
    }
}

fn decode_public_key(encoded: &str) -> Result<PublicKey, CryptoError> {
    let bytes = BASE64
        .decode(encoded)
        .map_err(|_| CryptoError::BadPublicKey)?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| CryptoError::BadPublicKey)?;
    Ok(PublicKey::from(bytes))
}

/// 16 random characters from `[A-Za-z0-9]`, as WuKongIM's server makes its salt.
pub fn generate_salt() -> Result<String, CryptoError> {
    let mut raw = [0u8; SALT_LEN];
    getrandom::fill(&mut raw).map_err(|e| CryptoError::Random(e.to_string()))?;
    // A byte modulo 62 is slightly biased towards the first 8 characters; WuKongIM's is the
    // same, and the salt is an IV, sent in the clear, not a secret.
    Ok(raw
        .iter()
        .map(|b| char::from(SALT_ALPHABET[usize::from(*b) % SALT_ALPHABET.len()]))
        .collect())
}

/// What the server answers a CONNECT's `client_key` with, in its CONNACK.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// CONNACK's `server_key`.
    pub server_key: String,
    /// CONNACK's `salt`.
    pub salt: String,
}

/// The server's side of the key exchange in one call: a fresh key pair and salt, the session
/// with the client, and what to put in the CONNACK.
pub fn server_handshake(client_key: &str) -> Result<(Session, ServerHello), CryptoError> {
    let keys = KeyPair::generate()?;
    let salt = generate_salt()?;
    let session = keys.session(client_key, &salt)?;
    Ok((
        session,
        ServerHello {
            server_key: keys.public_key(),
            salt,
        },
    ))
}

/// One connection's AES key and IV, and the payload and msgKey operations with them.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    key: [u8; 16],
    iv: [u8; 16],
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

impl Session {
    /// The session for a shared secret and salt: the AES key is the first 16 characters of
    /// `md5_hex(base64(secret))`, the IV the salt's first 16 bytes.
    pub fn from_shared_secret(secret: &[u8; 32], salt: &str) -> Result<Self, CryptoError> {
        let digest = md5_hex(BASE64.encode(secret).as_bytes());
        let mut key = [0u8; 16];
        key.copy_from_slice(&digest.as_bytes()[..16]);
        let iv: [u8; 16] = salt
            .as_bytes()
            .get(..SALT_LEN)
            .and_then(|iv| iv.try_into().ok())
            .ok_or(CryptoError::ShortSalt)?;
        Ok(Self { key, iv })
    }

    /// The AES-128 key: 16 ASCII hex digits.
    pub fn aes_key(&self) -> &[u8; 16] {
        &self.key
    }

    /// The CBC IV: the salt's first 16 bytes.
    pub fn iv(&self) -> &[u8; 16] {
        &self.iv
    }

    fn cbc_base64(&self, plain: &[u8]) -> String {
        let cipher = Aes128CbcEnc::new(&self.key.into(), &self.iv.into())
            .encrypt_padded_vec_mut::<Pkcs7>(plain);
        BASE64.encode(cipher)
    }

    /// A payload as it goes on the wire: `base64(AES-128-CBC(PKCS#7(plain)))`.
    pub fn encrypt(&self, plain: &[u8]) -> Vec<u8> {
        self.cbc_base64(plain).into_bytes()
    }

    /// A payload from the wire, decrypted.
    pub fn decrypt(&self, wire: &[u8]) -> Result<Vec<u8>, CryptoError> {
        let cipher = BASE64
            .decode(wire)
            .map_err(|_| CryptoError::BadCiphertext)?;
        Aes128CbcDec::new(&self.key.into(), &self.iv.into())
            .decrypt_padded_vec_mut::<Pkcs7>(&cipher)
            .map_err(|_| CryptoError::BadCiphertext)
    }

    /// The msg key of the bytes `sign`: `md5_hex(base64(AES-128-CBC(PKCS#7(sign))))`.
    pub fn msg_key(&self, sign: &[u8]) -> String {
        md5_hex(self.cbc_base64(sign).as_bytes())
    }

    /// A SEND's msg key, over its payload as on the wire.
    pub fn send_msg_key(&self, packet: &SendPacket) -> String {
        let mut sign = format!(
            "{}{}{}{}",
            packet.client_seq,
            packet.client_msg_no,
            packet.channel_id,
            u8::from(packet.channel_type),
        )
        .into_bytes();
        sign.extend_from_slice(&packet.payload);
        self.msg_key(&sign)
    }

    /// Checks a SEND's msg key.
    pub fn verify_send(&self, packet: &SendPacket) -> Result<(), CryptoError> {
        let expected = self.send_msg_key(packet);
        // Both are hex digests of a fixed length; compare without an early exit anyway.
        let same = expected.len() == packet.msg_key.len()
            && expected
                .bytes()
                .zip(packet.msg_key.bytes())
                .fold(0, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Ok(())
        } else {
            Err(CryptoError::MsgKeyMismatch)
        }
    }

    /// What a server does with a SEND from the wire: unless its setting has NO_ENCRYPT,
    /// checks the msg key and replaces the payload with its plain text.
    pub fn open_send(&self, packet: &mut SendPacket) -> Result<(), CryptoError> {
        if packet.setting.contains(Setting::NO_ENCRYPT) {
            return Ok(());
        }
        self.verify_send(packet)?;
        packet.payload = self.decrypt(&packet.payload)?.into();
        Ok(())
    }

    /// What a client does to a SEND before writing it: unless its setting has NO_ENCRYPT,
    /// encrypts the payload and signs the packet.
    pub fn seal_send(&self, packet: &mut SendPacket) {
        if packet.setting.contains(Setting::NO_ENCRYPT) {
            return;
        }
        packet.payload = self.encrypt(&packet.payload).into();
        packet.msg_key = self.send_msg_key(packet);
    }

    /// A RECV's msg key, over its payload as on the wire.
    pub fn recv_msg_key(&self, packet: &RecvPacket) -> String {
        let mut sign = format!(
            "{}{}{}{}{}{}{}",
            packet.message_id,
            packet.message_seq,
            packet.client_msg_no,
            packet.timestamp,
            packet.from_uid,
            packet.channel_id,
            u8::from(packet.channel_type),
        )
        .into_bytes();
        sign.extend_from_slice(&packet.payload);
        self.msg_key(&sign)
    }

    /// What a server does to a RECV before writing it: unless its setting has NO_ENCRYPT,
    /// encrypts the payload and signs the packet.
    pub fn seal_recv(&self, packet: &mut RecvPacket) {
        if packet.setting.contains(Setting::NO_ENCRYPT) {
            return;
        }
        packet.payload = self.encrypt(&packet.payload).into();
        packet.msg_key = self.recv_msg_key(packet);
    }

    /// What a client does with a RECV from the wire: unless its setting has NO_ENCRYPT, checks
    /// the msg key and replaces the payload with its plain text.
    pub fn open_recv(&self, packet: &mut RecvPacket) -> Result<(), CryptoError> {
        if packet.setting.contains(Setting::NO_ENCRYPT) {
            return Ok(());
        }
        if self.recv_msg_key(packet) != packet.msg_key {
            return Err(CryptoError::MsgKeyMismatch);
        }
        packet.payload = self.decrypt(&packet.payload)?.into();
        Ok(())
    }
}

fn md5_hex(data: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Md5::digest(data);
    let mut out = String::with_capacity(32);
    for byte in digest.iter() {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_hex_is_lowercase_hex() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
    }

    #[test]
    fn both_sides_derive_the_same_session() {
        let client = KeyPair::from_secret([7; 32]);
        let (server_session, hello) = server_handshake(&client.public_key()).unwrap();
        assert_eq!(hello.salt.len(), SALT_LEN);
        assert!(hello.salt.bytes().all(|b| b.is_ascii_alphanumeric()));
        let client_session = client.session(&hello.server_key, &hello.salt).unwrap();
        assert_eq!(client_session, server_session);
        assert!(client_session.aes_key().iter().all(u8::is_ascii_hexdigit));
        assert_eq!(client_session.iv(), hello.salt.as_bytes());
    }

    #[test]
    fn payloads_round_trip_and_bad_ones_are_refused() {
        let session = Session::from_shared_secret(&[1; 32], "0123456789abcdef").unwrap();
        let wire = session.encrypt(b"{\"type\":1,\"content\":\"hi\"}");
        assert!(wire.iter().all(|b| b.is_ascii()));
        assert_eq!(
            session.decrypt(&wire).unwrap(),
            b"{\"type\":1,\"content\":\"hi\"}"
        );
        assert_eq!(
            session.decrypt(b"not base64!"),
            Err(CryptoError::BadCiphertext)
        );
        assert_eq!(session.decrypt(b"AAAA"), Err(CryptoError::BadCiphertext));
        assert_eq!(session.decrypt(b""), Err(CryptoError::BadCiphertext));
    }

    #[test]
    fn bad_keys_and_salts_are_refused() {
        let keys = KeyPair::from_secret([9; 32]);
        assert_eq!(
            keys.session("short", "0123456789abcdef").unwrap_err(),
            CryptoError::BadPublicKey
        );
        let zero = BASE64.encode([0u8; 32]);
        assert_eq!(
            keys.session(&zero, "0123456789abcdef").unwrap_err(),
            CryptoError::NonContributory
        );
        let peer = KeyPair::from_secret([3; 32]).public_key();
        assert_eq!(
            keys.session(&peer, "short").unwrap_err(),
            CryptoError::ShortSalt
        );
    }
}
