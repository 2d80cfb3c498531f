//! Password policy and argon2id hashing.
//!
//! Hashing is CPU-heavy by design, so callers run it through [`hash_password`] /
//! [`verify_password`], which move the work off the async runtime onto a few threads of its
//! own, behind a queue of bounded length: when it is full the answer is [`HashingBusy`] at
//! once, so a flood of sign-ins cannot make every later one wait without end.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

pub use super::password_policy::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};
use super::password_policy::check_password;

/// A password that meets the policy of [`check_password`] for its owner's email address.
/// Never `Serialize`, never `Debug`-printed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(input: String, email: &str) -> Result<Self, String> {
        check_password(&input, email).map_err(|problem| problem.to_string())?;
        Ok(NewPassword(input))
    }

    /// A PIN for a shop-floor account: digits only, under [`check_pin`]'s rule.
    ///
    /// [`check_pin`]: super::pin_policy::check_pin
    pub fn parse_pin(input: String, employee_number: &str) -> Result<Self, String> {
        super::pin_policy::check_pin(&input, employee_number).map_err(|problem| problem.to_string())?;
        Ok(NewPassword(input))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// argon2id with the OWASP-recommended parameters: 19 MiB memory, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19_456, 2, 1, None).expect("static argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> String {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).expect("the OS random generator is available");
    let salt = SaltString::encode_b64(&salt_bytes).expect("16 bytes is a valid salt length");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

fn verify_blocking(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// The hashing queue is full: too many passwords are waiting to be hashed or checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashingBusy;

/// Jobs that may wait for a hashing thread, per thread, unless the operator says otherwise.
pub const DEFAULT_QUEUE_PER_THREAD: usize = 64;

/// Sets how many hashing jobs may wait at most (`PASSWORD_HASH_QUEUE`); only before the first
/// hash, which starts the threads. Answers whether it was taken.
pub fn set_queue_capacity(jobs: usize) -> bool {
    hash_pool::CAPACITY.set(jobs.max(1)).is_ok()
}

/// Runs `job` on the hashing threads and waits for its answer without blocking the runtime.
async fn on_hashing_thread<R: Send + 'static>(job: impl FnOnce() -> R + Send + 'static) -> Result<R, HashingBusy> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    hash_pool::submit(Box::new(move || {
        let _ = tx.send(job());
    }))?;
    Ok(rx.await.expect("password hashing panicked"))
}

/// Hashes on a hashing thread.
pub async fn hash_password(password: &NewPassword) -> Result<String, HashingBusy> {
    let password = password.expose().to_owned();
    on_hashing_thread(move || hash_blocking(&password)).await
}

/// Verifies on a hashing thread; a malformed stored hash simply does not match.
pub async fn verify_password(password: String, hash: String) -> Result<bool, HashingBusy> {
    on_hashing_thread(move || verify_blocking(&password, &hash)).await
}

/// Password hashing gets its own threads, one per core, at a lower scheduling priority than the
/// rest of the server. A burst of sign-ups then uses every core for hashing when nothing else
/// is running, yet page requests still get a core the moment they need one. (Tokio's blocking
/// pool would start up to 512 threads and compete with request handling on equal terms.)
mod hash_pool {
    use super::{DEFAULT_QUEUE_PER_THREAD, HashingBusy};
    use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
    use std::sync::{Arc, Mutex, OnceLock};

    type Job = Box<dyn FnOnce() + Send>;

    /// A process-wide resource like the runtime itself: started on first use, never torn down.
    static QUEUE: OnceLock<SyncSender<Job>> = OnceLock::new();
    /// How many jobs may wait; set before the first use, else one queue per thread's worth.
    pub static CAPACITY: OnceLock<usize> = OnceLock::new();

    pub fn submit(job: Job) -> Result<(), HashingBusy> {
        match QUEUE.get_or_init(start).try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => Err(HashingBusy),
            Err(TrySendError::Disconnected(_)) => panic!("hashing threads never exit"),
        }
    }

    fn threads() -> usize {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }

    fn start() -> SyncSender<Job> {
        let capacity = *CAPACITY.get_or_init(|| threads() * DEFAULT_QUEUE_PER_THREAD);
        let (tx, rx) = sync_channel::<Job>(capacity);
        let rx = Arc::new(Mutex::new(rx));
        let threads = threads();
        for n in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{n}"))
                .spawn(move || work(rx))
                .expect("can start a hashing thread");
        }
        tx
    }

    fn work(rx: Arc<Mutex<Receiver<Job>>>) {
        lower_priority();
        loop {
            let job = {
                let rx = rx.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                match rx.recv() {
                    Ok(job) => job,
                    Err(_) => return,
                }
            };
            // A panicking job drops its answer channel (its caller sees the panic); the thread lives on.
            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
        }
    }

    /// Nice 10 for this thread only: on Linux the nice value belongs to a thread, and
    /// `setpriority(PRIO_PROCESS, 0, …)` sets the caller's.
    #[cfg(target_os = "linux")]
    fn lower_priority() {
        // SAFETY: setpriority takes plain integers and touches no memory of ours.
        let done = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 10) };
        if done != 0 {
            tracing::warn!("could not lower the priority of a password hashing thread");
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn lower_priority() {}
}

/// The median time of one hash, as sign-up pays it, over `samples` hashes made one at a time
/// after a short warm-up.
pub async fn time_one_hash(samples: u32) -> std::time::Duration {
    let password = NewPassword("a sample passphrase to time".to_owned());
    // The first hashes also pay for starting the hashing threads and warming the allocator.
    for _ in 0..3 {
        let _ = hash_password(&password).await;
    }
    let mut times = Vec::new();
    for _ in 0..samples {
        let start = std::time::Instant::now();
        let _ = hash_password(&password).await;
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

/// A real hash of a random secret, verified against when no user matches, so that an unknown
/// email costs the same time as a wrong password.
pub async fn decoy_hash() -> String {
    let mut secret = [0u8; 32];
    getrandom::fill(&mut secret).expect("the OS random generator is available");
    let secret: String = secret.iter().map(|b| format!("{b:02x}")).collect();
    // The first hash of the process: the queue is empty.
    hash_password(&NewPassword(secret)).await.expect("the hashing queue is empty at start-up")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_applies_with_the_owner_email() {
        assert!(NewPassword::parse("a".repeat(11), "x@example.com").is_err());
        assert!(NewPassword::parse("martha's kestrel".into(), "martha@example.com").is_err());
        assert!(NewPassword::parse("martha's kestrel".into(), "jo@example.com").is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_and_no_other() {
        let password = NewPassword::parse("correct horse battery".into(), "").unwrap();
        let hash = hash_password(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery".into(), hash.clone()).await.unwrap());
        assert!(!verify_password("correct horse battery!".into(), hash).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_never_matches() {
        assert!(!verify_password("anything at all".into(), "not-a-hash".into()).await.unwrap());
    }
}
