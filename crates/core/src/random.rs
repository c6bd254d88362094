//! The source of secrets, injected like the clock.
use rand::RngCore;

pub trait Random: Send + Sync {
    /// Fills `buf` with bytes from a cryptographically secure generator.
    fn fill(&self, buf: &mut [u8]);
}

/// rand's `ThreadRng`: ChaCha12 per thread, seeded from the operating system and
/// reseeded from it periodically — a CSPRNG without a system call per token.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemRandom;

impl Random for SystemRandom {
    fn fill(&self, buf: &mut [u8]) {
        rand::thread_rng().fill_bytes(buf);
    }
}
