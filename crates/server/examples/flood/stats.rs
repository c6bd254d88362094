//! Latencies, and the server process seen from outside (/proc).
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Latencies in microseconds, and the number of failures.
#[derive(Default)]
pub struct Lat {
    pub us: Vec<u32>,
    pub errors: u64,
}

impl Lat {
    pub fn record(&mut self, ok: bool, took: Duration) {
        if ok {
            self.us
                .push(u32::try_from(took.as_micros()).unwrap_or(u32::MAX));
        } else {
            self.errors += 1;
        }
    }

    /// (p50, p99) in milliseconds.
    pub fn percentiles(&mut self) -> (f64, f64) {
        self.us.sort_unstable();
        (pct(&self.us, 0.50), pct(&self.us, 0.99))
    }
}

fn pct(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    // Nearest rank.
    let rank = ((p * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    f64::from(sorted[rank - 1]) / 1000.0
}

pub type Shared = Arc<Mutex<Lat>>;

pub fn shared() -> Shared {
    Arc::new(Mutex::new(Lat::default()))
}

pub fn take(shared: &Shared) -> Lat {
    shared
        .lock()
        .map(|mut l| std::mem::take(&mut *l))
        .unwrap_or_default()
}

pub fn record(shared: &Shared, ok: bool, took: Duration) {
    if let Ok(mut l) = shared.lock() {
        l.record(ok, took);
    }
}

/// `VmRSS` of `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

pub fn open_files(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// Samples `VmRSS` every 50 ms on a thread of its own and keeps the peak.
pub struct RssSampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssSampler {
    pub fn start(pid: Option<u32>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let thread = pid.map(|pid| {
            let (stop, peak) = (stop.clone(), peak.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if let Some(kib) = rss_kib(pid) {
                        peak.fetch_max(kib, Ordering::Relaxed);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        });
        Self { stop, peak, thread }
    }

    /// The peak since the start or the last call, in KiB (0 without a process).
    pub fn peak_and_reset(&self) -> u64 {
        self.peak.swap(0, Ordering::Relaxed)
    }

    pub fn stop(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.load(Ordering::Relaxed)
    }
}

pub fn mib(kib: u64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}
