//! The Prometheus recorder behind `/metrics`: installed once per process (the black-box
//! tests start several servers in one), with histogram buckets fit for each metric,
//! the build's version, and the process's resident memory and open files read from
//! `/proc` at each scrape.
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sigil_web::telemetry::{Render, HTTP_DURATION};

/// `sigil_build_info{version}` = 1 (and `commit` when the build set `SIGIL_COMMIT`).
pub const BUILD_INFO: &str = "sigil_build_info";
const RESIDENT: &str = "process_resident_memory_bytes";
const OPEN_FDS: &str = "process_open_fds";

/// Seconds: from a cached answer (~1 ms) to a slow one under load.
const HTTP_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Seconds: an idle pool answers in microseconds; the acquire timeout is about 1.5 s.
const ACQUIRE_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// What writes `/metrics`, installing the recorder on the first call; `None` if another
/// recorder was installed in this process before (then `/metrics` is not served).
pub fn renderer() -> Option<Render> {
    let handle = RECORDER.get_or_init(install).clone()?;
    Some(Arc::new(move || {
        process();
        handle.render()
    }))
}

fn install() -> Option<PrometheusHandle> {
    let built = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), HTTP_BUCKETS)
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Full(sigil_store::telemetry::DB_ACQUIRE.into()),
                ACQUIRE_BUCKETS,
            )
        })
        .map_err(anyhow::Error::from)
        .and_then(|b| b.install_recorder().map_err(anyhow::Error::from));
    let handle = match built {
        Ok(h) => h,
        Err(e) => {
            tracing::warn!(error = %e, "metrics are off: the recorder could not be installed");
            return None;
        }
    };
    sigil_core::telemetry::describe();
    sigil_store::telemetry::describe();
    sigil_web::telemetry::describe();
    metrics::describe_gauge!(BUILD_INFO, "The version of the running build (always 1).");
    metrics::describe_gauge!(RESIDENT, metrics::Unit::Bytes, "Resident memory size.");
    metrics::describe_gauge!(OPEN_FDS, "Open file descriptors.");
    match option_env!("SIGIL_COMMIT") {
        Some(commit) => metrics::gauge!(
            BUILD_INFO,
            "version" => env!("CARGO_PKG_VERSION"),
            "commit" => commit
        )
        .set(1.0),
        None => metrics::gauge!(BUILD_INFO, "version" => env!("CARGO_PKG_VERSION")).set(1.0),
    }
    // Histograms keep their samples until drained: a scrape drains them, and so does
    // this, so an instance nobody scrapes does not grow.
    let upkeep = handle.clone();
    let started = std::thread::Builder::new()
        .name("sigil-metrics".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(5));
            upkeep.run_upkeep();
        });
    if let Err(e) = started {
        tracing::warn!(error = %e, "the metrics upkeep thread did not start");
    }
    Some(handle)
}

/// Resident memory and open files of this process, from `/proc` (Linux; elsewhere the
/// two gauges are absent).
fn process() {
    let resident_kib = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        });
    if let Some(kib) = resident_kib {
        metrics::gauge!(RESIDENT).set((kib * 1024) as f64);
    }
    if let Ok(entries) = std::fs::read_dir("/proc/self/fd") {
        metrics::gauge!(OPEN_FDS).set(entries.count() as f64);
    }
}
