//! Devices: what a device token stands for.

use crate::Uid;

/// One device of one user, as its token identifies it. A user has at most one device per
/// `device_flag`; a master login (`device_level` 1) replaces older connections of the same flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub uid: Uid,
    /// 0 app, 1 web, 2 pc.
    pub device_flag: u8,
    /// 1 master, 0 slave.
    pub device_level: u8,
}
