//! argon2id for keeping passwords, at OWASP's parameters (m=19456 KiB, t=2, p=1), with
//! its working memory held by the hasher: one 19 MiB block per permit, reused from hash to
//! hash.
//!
//! The argon2 crate's `PasswordHasher`/`PasswordVerifier` allocate the 19 MiB afresh for
//! every hash and free it after. With one hash per core at a time that is, in theory, one
//! block per core; in practice each hash runs on whichever blocking-pool thread is free,
//! and the allocator keeps what a thread freed until that thread calls it again, so a
//! flood of sign-ins left several blocks resident (80–114 MiB at the peak, 81 MiB at rest
//! afterwards; BENCHMARKS.md, "Figures at scale"). Here a block is taken from the
//! hasher's pool with the permit and given back with it when another hash is waiting for
//! a permit, so hashing never holds more than one block per core, and a hash in a flood
//! no longer faults 19 MiB of fresh pages in. When no other hash waits, the block is freed
//! on the thread that used it (where the allocator can reuse and later return it): at
//! rest Sigil holds no hashing memory.
//!
//! The strings are the ones the crate's traits read and write (PHC format,
//! `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<output>`): a stored hash is parsed with
//! `PasswordHash` and recomputed with the algorithm, version, parameters, salt and
//! output length it names, and the outputs are compared in constant time
//! (`password_hash::Output`'s equality), as `PasswordVerifier` does.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;
use tokio::sync::Semaphore;

use super::{normalise, NewPassword, MAX_BYTES};

/// OWASP's first argon2id setting: 19 MiB of memory, two passes, one lane.
const MEMORY_KIB: u32 = 19_456;
const PASSES: u32 = 2;
const LANES: u32 = 1;
/// Bytes of output, the crate's default (and what every stored hash has).
const OUTPUT_LEN: usize = 32;

/// Hashes and verifies with argon2id on the blocking pool, at most one hash per core at a
/// time so a flood of sign-ins queues instead of exhausting memory.
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
    permits: Arc<Semaphore>,
    /// Working memory not in use: at most one block per permit, each made by a hash that
    /// found none here, and kept only while other hashes wait for a permit.
    memory: Arc<Mutex<Vec<Vec<Block>>>>,
    /// Hashes waiting for a permit.
    waiting: Arc<AtomicUsize>,
    /// Blocks made so far.
    #[cfg(test)]
    made: Arc<AtomicUsize>,
    /// Verified against when the account does not exist, so an unknown login costs the
    /// same time as a wrong password: a hash at the same parameters whose output is
    /// random bytes, which no password produces.
    decoy: Arc<String>,
}

impl PasswordHasher {
    pub fn new(parallelism: usize) -> anyhow::Result<Self> {
        let params = Params::new(MEMORY_KIB, PASSES, LANES, None).context("argon2 parameters")?;
        let mut random = [0u8; OUTPUT_LEN];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        let decoy = phc(&params, &salt, &random)?;
        Ok(Self {
            params,
            permits: Arc::new(Semaphore::new(parallelism.max(1))),
            memory: Arc::new(Mutex::new(Vec::new())),
            waiting: Arc::new(AtomicUsize::new(0)),
            #[cfg(test)]
            made: Arc::new(AtomicUsize::new(0)),
            decoy: Arc::new(decoy),
        })
    }

    pub async fn hash(&self, password: NewPassword) -> anyhow::Result<String> {
        let params = self.params.clone();
        self.run(move |memory| {
            let salt = SaltString::generate(&mut rand::rngs::OsRng);
            let mut salt_bytes = [0u8; 64];
            let salt_bytes = salt
                .decode_b64(&mut salt_bytes)
                .map_err(|e| anyhow::anyhow!("argon2 salt: {e}"))?;
            let mut output = [0u8; OUTPUT_LEN];
            Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
                .hash_password_into_with_memory(
                    password.0.as_bytes(),
                    salt_bytes,
                    &mut output,
                    memory,
                )
                .map_err(|e| anyhow::anyhow!("argon2 hash: {e}"))?;
            phc(&params, &salt, &output)
        })
        .await?
    }

    /// True when `candidate` matches `stored`; with no stored hash it still spends the
    /// time of one verification and answers false.
    pub async fn verify(&self, candidate: &str, stored: Option<&str>) -> anyhow::Result<bool> {
        // No password that long was ever accepted: it is wrong, and it costs the time of
        // one verification of the decoy, not of hashing megabytes.
        let oversized = candidate.len() > MAX_BYTES;
        let candidate = if oversized {
            String::new()
        } else {
            normalise(candidate)
        };
        let (stored, real) = match stored {
            Some(s) if !oversized => (s.to_owned(), true),
            _ => (self.decoy.as_str().to_owned(), false),
        };
        let matched = self
            .run(move |memory| matches(candidate.as_bytes(), &stored, memory))
            .await??;
        Ok(real && matched)
    }

    /// Runs `job` on the blocking pool under a permit, with a block of working memory
    /// sized for this hasher's parameters.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let waiting = Waiting::count(&self.waiting);
        let _permit = self.permits.acquire().await.context("hasher closed")?;
        // A poisoned lock only means a hash panicked while giving its block back: the
        // pool's list is still whole. This hash stops counting as waiting while it holds
        // the pool, as it takes its block: a hash ending meanwhile sees both at once.
        let spare = {
            let mut pool = match self.memory.lock() {
                Ok(pool) => pool,
                Err(poisoned) => poisoned.into_inner(),
            };
            let spare = pool.pop();
            drop(waiting);
            spare
        };
        let blocks = self.params.block_count();
        let waiting = self.waiting.clone();
        let pool = self.memory.clone();
        #[cfg(test)]
        let made = self.made.clone();
        let result = tokio::task::spawn_blocking(move || {
            let mut memory = spare.unwrap_or_else(|| {
                #[cfg(test)]
                made.fetch_add(1, Ordering::Relaxed);
                vec![Block::new(); blocks]
            });
            let result = job(&mut memory);
            // Kept only for a hash that waits and has no spare block yet: two hashes
            // ending at once with one waiting keep one block, not two, and at rest the
            // pool is empty.
            let mut spare = match pool.lock() {
                Ok(pool) => pool,
                Err(poisoned) => poisoned.into_inner(),
            };
            if waiting.load(Ordering::Acquire) > spare.len() {
                spare.push(memory);
            } else {
                drop(spare);
                drop(memory);
            }
            result
        })
        .await
        .context("password hashing task")?;
        Ok(result)
    }
}

/// One hash waiting for a permit, for as long as it waits (a request given up meanwhile
/// stops counting).
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn count(waiting: &Arc<AtomicUsize>) -> Self {
        waiting.fetch_add(1, Ordering::AcqRel);
        Self(waiting.clone())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The PHC string of an argon2id hash at `params`.
fn phc(params: &Params, salt: &SaltString, output: &[u8]) -> anyhow::Result<String> {
    let encoded = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| anyhow::anyhow!("argon2: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(output).map_err(|e| anyhow::anyhow!("argon2: {e}"))?),
    };
    Ok(encoded.to_string())
}

/// Whether `candidate` hashes to `stored` under the algorithm, version, parameters and
/// salt that `stored` names. A string that is not a PHC hash is an error; one that parses
/// but cannot be recomputed (no salt or output, a parameter argon2 refuses) matches no
/// password, as with the crate's `PasswordVerifier`.
fn matches(candidate: &[u8], stored: &str, memory: &mut [Block]) -> anyhow::Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
    Ok(recompute(candidate, &parsed, memory).is_some_and(|output| Some(output) == parsed.hash))
}

fn recompute(candidate: &[u8], stored: &PasswordHash<'_>, memory: &mut [Block]) -> Option<Output> {
    let algorithm = Algorithm::try_from(stored.algorithm).ok()?;
    let version = match stored.version {
        Some(v) => Version::try_from(v).ok()?,
        None => Version::default(),
    };
    let params = Params::try_from(stored).ok()?;
    let expected = stored.hash?;
    let mut salt = [0u8; 64];
    let salt = stored.salt?.decode_b64(&mut salt).ok()?;
    let mut output = [0u8; Output::MAX_LENGTH];
    let output = output.get_mut(..expected.len())?;
    let argon = Argon2::new(algorithm, version, params.clone());
    if params.block_count() <= memory.len() {
        argon.hash_password_into_with_memory(candidate, salt, output, memory)
    } else {
        // More memory than Sigil's parameters: never stored by Sigil, but honoured.
        argon.hash_password_into(candidate, salt, output)
    }
    .ok()?;
    Output::new(output).ok()
}

#[cfg(test)]
#[path = "hasher_tests.rs"]
mod tests;
