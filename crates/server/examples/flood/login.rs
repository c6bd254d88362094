//! The sign-in flood, argon2id's limit, and the accounts prepared for the scenarios.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use sigil_core::password::{NewPassword, PasswordHasher, PasswordPolicy, PersonalWords};
use tokio::time::MissedTickBehavior;

use crate::browser::{self, login_of, Browser};
use crate::stats::{self, mib, RssSampler};
use crate::Target;

/// Verifications per second with `threads` at a time (default: one per core), through
/// the hasher Sigil signs in with.
pub async fn hash_limit(secs: f64, threads: Option<usize>) -> anyhow::Result<()> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = threads.unwrap_or(cores);
    let hasher = PasswordHasher::new(threads)?;
    let password = "correct horse battery staple";
    let parsed = NewPassword::parse(
        password,
        &PasswordPolicy::default(),
        &PersonalWords::default(),
    )
    .map_err(|e| anyhow::anyhow!("password refused: {e:?}"))?;
    let phc = Arc::new(hasher.hash(parsed).await?);
    let done = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(secs);
    let mut tasks = Vec::new();
    for _ in 0..threads {
        let (hasher, phc, done) = (hasher.clone(), phc.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let ok = hasher.verify(password, Some(phc.as_str())).await?;
                anyhow::ensure!(ok, "the password did not verify");
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    let rate = done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    println!("argon2id (m=19456 KiB, t=2, p=1): {rate:.1} verifications/s with {threads} at a time on {cores} cores");
    println!("RESULT hashes_per_s={rate:.1} threads={threads} cores={cores}");
    Ok(())
}

#[derive(Args)]
pub struct LoginArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, default_value_t = 8)]
    workers: usize,
    #[arg(long, default_value_t = 10.0)]
    secs: f64,
    /// client_credentials and userinfo probes per second, each.
    #[arg(long, default_value_t = 20.0)]
    probe_rate: f64,
    /// Browser i signs in as account i+1 every time (its own account); without it each
    /// sign-in is of a random account.
    #[arg(long)]
    own_accounts: bool,
}

pub async fn flood(args: LoginArgs) -> anyhow::Result<()> {
    let target = Arc::new(args.target);
    let web = target.web();
    // The userinfo probe's token, from one sign-in before the clock starts.
    let mut probe = Browser::new(&target.base)?;
    let probe_tokens = browser::sign_in_flow(&mut probe, &web, &login_of(1), &target.password)
        .await
        .context("the probe's sign-in")?;

    let sampler = RssSampler::start(target.pid);
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.secs);
    let (signins, cc, ui) = (stats::shared(), stats::shared(), stats::shared());
    let mut first_error = None;
    let mut workers = Vec::new();
    let own = args.own_accounts;
    for worker in 0..args.workers {
        let (target, signins, web) = (target.clone(), signins.clone(), web.clone());
        workers.push(tokio::spawn(async move {
            let mut b = Browser::new(&target.base)?;
            let mut error = None;
            while Instant::now() < deadline {
                let n = if own {
                    worker as u64 + 1
                } else {
                    target.random_account()
                };
                let t = Instant::now();
                let result =
                    browser::sign_in_flow(&mut b, &web, &login_of(n), &target.password).await;
                stats::record(&signins, result.is_ok(), t.elapsed());
                if let Err(e) = result {
                    error.get_or_insert(e);
                    b = Browser::new(&target.base)?;
                }
            }
            Ok::<_, anyhow::Error>(error)
        }));
    }
    let period = Duration::from_secs_f64(1.0 / args.probe_rate.max(0.1));
    let mut probes = Vec::new();
    if let Some(service) = target.service() {
        let (cc, client, base) = (cc.clone(), probe.client().clone(), probe.url(""));
        probes.push(probe_loop(period, deadline, move || {
            let b = Browser::with_client(client.clone(), &base);
            let (cc, service) = (cc.clone(), service.clone());
            async move {
                match browser::client_credentials(&b, &service).await {
                    Ok(a) => stats::record(&cc, a.status == 200, a.took),
                    Err(_) => stats::record(&cc, false, Duration::ZERO),
                }
            }
        }));
    }
    {
        let (ui, client) = (ui.clone(), probe.client().clone());
        let (base, access) = (probe.url(""), probe_tokens.access.clone());
        probes.push(probe_loop(period, deadline, move || {
            let b = Browser::with_client(client.clone(), &base);
            let (ui, access) = (ui.clone(), access.clone());
            async move {
                match browser::userinfo(&b, &access).await {
                    Ok(a) => stats::record(&ui, a.status == 200, a.took),
                    Err(_) => stats::record(&ui, false, Duration::ZERO),
                }
            }
        }));
    }
    for w in workers {
        if let Some(e) = w.await?? {
            first_error.get_or_insert(e);
        }
    }
    for p in probes {
        p.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.stop();
    let mut signins = stats::take(&signins);
    let (mut cc, mut ui) = (stats::take(&cc), stats::take(&ui));
    let rate = signins.us.len() as f64 / elapsed;
    let (s50, s99) = signins.percentiles();
    let (c50, c99) = cc.percentiles();
    let (u50, u99) = ui.percentiles();
    println!(
        "full sign-ins: {rate:.1}/s over {elapsed:.1} s with {} browsers (p50 {s50:.1} ms, p99 {s99:.1} ms), {} failed",
        args.workers, signins.errors
    );
    println!(
        "during the flood: client_credentials p50 {c50:.2} ms p99 {c99:.2} ms ({} requests, {} failed); userinfo p50 {u50:.2} ms p99 {u99:.2} ms ({} requests, {} failed)",
        cc.us.len(), cc.errors, ui.us.len(), ui.errors
    );
    if target.pid.is_some() {
        println!("Sigil's peak RSS during the flood: {} MiB", mib(peak));
    }
    if let Some(e) = first_error {
        println!("first failure: {e:#}");
    }
    println!(
        "RESULT signins_per_s={rate:.1} signin_p50_ms={s50:.1} signin_p99_ms={s99:.1} signin_errors={} cc_p50_ms={c50:.2} cc_p99_ms={c99:.2} cc_errors={} ui_p50_ms={u50:.2} ui_p99_ms={u99:.2} ui_errors={} peak_rss_kib={peak}",
        signins.errors, cc.errors, ui.errors
    );
    Ok(())
}

/// Calls `make()` every `period` until `deadline`, each request a task of its own, so
/// that a slow answer does not delay the next one (an open loop).
pub fn probe_loop<F, Fut>(
    period: Duration,
    deadline: Instant,
    make: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut running = Vec::new();
        while Instant::now() < deadline {
            tick.tick().await;
            running.push(tokio::spawn(make()));
        }
        for r in running {
            let _ = r.await;
        }
    })
}

#[derive(Args)]
pub struct PrepareArgs {
    #[command(flatten)]
    target: Target,
    /// How many random accounts to sign in (at most `accounts`).
    #[arg(long, default_value_t = 500)]
    sample: u64,
    #[arg(long, default_value_t = 4)]
    workers: usize,
    #[arg(long)]
    dir: std::path::PathBuf,
}

/// One prepared account: its number, its browser's cookies and form token, and the
/// tokens of one code flow.
pub struct Prepared {
    pub n: u64,
    pub cookies: String,
    pub csrf: String,
    pub refresh: String,
    pub access: String,
}

pub async fn prepare(args: PrepareArgs) -> anyhow::Result<()> {
    let target = Arc::new(args.target);
    let sample = args.sample.min(target.accounts);
    // Distinct random accounts (all of them when the sample is the whole set).
    let mut picked = std::collections::BTreeSet::new();
    while (picked.len() as u64) < sample {
        picked.insert(target.random_account());
    }
    let queue = Arc::new(std::sync::Mutex::new(
        picked.into_iter().collect::<Vec<_>>(),
    ));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..args.workers {
        let (target, queue) = (target.clone(), queue.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            while let Some(n) = queue.lock().ok().and_then(|mut q| q.pop()) {
                let mut b = Browser::new(&target.base)?;
                let web = target.web();
                browser::sign_in_flow(&mut b, &web, &login_of(n), &target.password)
                    .await
                    .with_context(|| format!("signing in {}", login_of(n)))?;
                // A second code flow in the same session: its tokens are the ones kept,
                // the first flow's grant stays as a signed-in person's would.
                let tokens = browser::code_flow(&mut b, &web).await?;
                out.push(Prepared {
                    n,
                    cookies: b.cookie_header(),
                    csrf: b.cookies.get(browser::CSRF).cloned().unwrap_or_default(),
                    refresh: tokens.refresh,
                    access: tokens.access,
                });
            }
            Ok::<_, anyhow::Error>(out)
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    write_prepared(&args.dir, &all)?;
    println!(
        "prepared {} accounts in {:.1} s (a sign-in and two code flows each)",
        all.len(),
        started.elapsed().as_secs_f64()
    );
    println!("RESULT prepared={}", all.len());
    Ok(())
}

pub fn write_prepared(dir: &std::path::Path, all: &[Prepared]) -> anyhow::Result<()> {
    let text: String = all
        .iter()
        .map(|p| {
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                p.n, p.cookies, p.csrf, p.refresh, p.access
            )
        })
        .collect();
    std::fs::write(dir.join("prepared.tsv"), text).context("writing prepared.tsv")
}

pub fn read_prepared(dir: &std::path::Path) -> anyhow::Result<Vec<Prepared>> {
    let text = std::fs::read_to_string(dir.join("prepared.tsv")).context("reading prepared.tsv")?;
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            anyhow::ensure!(f.len() == 5, "bad line in prepared.tsv");
            Ok(Prepared {
                n: f[0].parse()?,
                cookies: f[1].to_owned(),
                csrf: f[2].to_owned(),
                refresh: f[3].to_owned(),
                access: f[4].to_owned(),
            })
        })
        .collect()
}
