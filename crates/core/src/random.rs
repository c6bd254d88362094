//! The source of secrets, injected like the clock.
use rand::RngCore;

pub trait Random: Send + Sync {
    /// Fills `buf` with bytes from a cryptographically secure generator.
    fn fill(&self, buf: &mut [u8]);
}

/// The operating system's CSPRNG.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsRandom;

impl Random for OsRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::rngs::OsRng.fill_bytes(buf);
    }
}
