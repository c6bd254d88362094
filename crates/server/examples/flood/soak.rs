//! The mixed soak: client_credentials, refresh, userinfo, profile edits and full
//! sign-ins at fixed rates (an open loop), with a line a minute.
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Args;
use tokio::sync::Semaphore;
use tokio::time::MissedTickBehavior;

use crate::browser::{self, login_of, Answer, Browser};
use crate::login::{read_prepared, write_prepared, Prepared};
use crate::stats::{self, mib, RssSampler, Shared};
use crate::Target;

#[derive(Args)]
pub struct SoakArgs {
    #[command(flatten)]
    target: Target,
    /// Where `prepare` left prepared.tsv.
    #[arg(long)]
    dir: std::path::PathBuf,
    #[arg(long, default_value_t = 10)]
    minutes: u32,
    /// Seconds in a reported "minute" (shorter only to try the command out).
    #[arg(long, default_value_t = 60.0)]
    minute_secs: f64,
    /// Light requests per second (client_credentials, refresh, userinfo, profile
    /// edits); 0: a quarter of the capacity measured first.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    /// Full sign-ins per second; 0: a quarter of the capacity measured first.
    #[arg(long, default_value_t = 0.0)]
    signin_rate: f64,
    /// A shell command run at every minute; its output ends the minute's line (sizes of
    /// the database and its WAL).
    #[arg(long)]
    sizes_cmd: Option<String>,
}

const KINDS: [&str; 5] = ["cc", "refresh", "userinfo", "edit", "signin"];
/// Shares of the light rate: client_credentials, refresh, userinfo, profile edits.
const MIX: [f64; 4] = [0.3, 0.3, 0.3, 0.1];

struct Ctx {
    target: Target,
    prepared: Mutex<Vec<Prepared>>,
    /// Grants not being refreshed right now (a grant is never refreshed twice at once:
    /// that is a replay, and revokes it).
    idle: Mutex<VecDeque<usize>>,
    browsers: Mutex<Vec<Browser>>,
    client: reqwest::Client,
    lat: Vec<Shared>,
    first_errors: Mutex<Vec<Option<String>>>,
}

pub async fn soak(args: SoakArgs) -> anyhow::Result<()> {
    let prepared = read_prepared(&args.dir)?;
    anyhow::ensure!(!prepared.is_empty(), "no prepared accounts");
    let count = prepared.len();
    let client = Browser::new(&args.target.base)?.client().clone();
    let ctx = Arc::new(Ctx {
        target: args.target.clone(),
        prepared: Mutex::new(prepared),
        idle: Mutex::new((0..count).collect()),
        browsers: Mutex::new(Vec::new()),
        client,
        lat: KINDS.iter().map(|_| stats::shared()).collect(),
        first_errors: Mutex::new(vec![None; KINDS.len()]),
    });
    anyhow::ensure!(
        ctx.target.service().is_some(),
        "the soak needs --svc-id and --svc-secret"
    );

    let (mut rate, mut signin_rate) = (args.rate, args.signin_rate);
    if rate <= 0.0 || signin_rate <= 0.0 {
        let (light, signins) = capacity(&ctx).await?;
        println!("capacity measured for 5 s each: {light:.0} light requests/s (16 connections), {signins:.1} sign-ins/s (8 browsers)");
        if rate <= 0.0 {
            rate = light / 4.0;
        }
        if signin_rate <= 0.0 {
            signin_rate = signins / 4.0;
        }
    }
    println!(
        "soak: {} minutes of {rate:.0} light requests/s (cc 30 %, refresh 30 %, userinfo 30 %, profile edits 10 %) and {signin_rate:.1} full sign-ins/s",
        args.minutes
    );
    println!(
        "{:>3} {:>8} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>5}  sizes",
        "min",
        "ok",
        "errors",
        "cc p99",
        "rt p99",
        "ui p99",
        "edit p99",
        "in p99",
        "RSS MiB",
        "peak",
        "fds"
    );
    let sampler = RssSampler::start(ctx.target.pid);
    let limit = Arc::new(Semaphore::new(512));
    let shed = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let total = Duration::from_secs_f64(args.minute_secs * f64::from(args.minutes));
    let started = Instant::now();
    let deadline = started + total;
    let mut dispatchers = Vec::new();
    let rates = [
        rate * MIX[0],
        rate * MIX[1],
        rate * MIX[2],
        rate * MIX[3],
        signin_rate,
    ];
    for (kind, r) in rates.into_iter().enumerate() {
        if r <= 0.0 {
            continue;
        }
        let (ctx, limit, shed) = (ctx.clone(), limit.clone(), shed.clone());
        dispatchers.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / r));
            tick.set_missed_tick_behavior(MissedTickBehavior::Burst);
            while Instant::now() < deadline {
                tick.tick().await;
                let Ok(permit) = limit.clone().try_acquire_owned() else {
                    shed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    continue;
                };
                let ctx = ctx.clone();
                tokio::spawn(async move {
                    one(&ctx, kind).await;
                    drop(permit);
                });
            }
        }));
    }
    let mut totals = (0usize, 0u64);
    let mut minute = 0;
    while minute < args.minutes {
        minute += 1;
        let at = started + Duration::from_secs_f64(args.minute_secs * f64::from(minute));
        tokio::time::sleep_until(at.into()).await;
        let mut p99s = Vec::new();
        let (mut ok, mut errors) = (0usize, 0u64);
        for l in &ctx.lat {
            let mut lat = stats::take(l);
            ok += lat.us.len();
            errors += lat.errors;
            p99s.push(lat.percentiles().1);
        }
        totals.0 += ok;
        totals.1 += errors;
        let pid = ctx.target.pid;
        let rss = pid.and_then(stats::rss_kib).unwrap_or(0);
        let fds = pid
            .and_then(stats::open_files)
            .map_or("-".into(), |n| n.to_string());
        let sizes = match &args.sizes_cmd {
            Some(cmd) => {
                let cmd = cmd.clone();
                tokio::task::spawn_blocking(move || {
                    std::process::Command::new("sh").args(["-c", &cmd]).output()
                })
                .await?
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().replace('\n', " "))
                .unwrap_or_else(|e| format!("({e})"))
            }
            None => String::new(),
        };
        println!(
            "{minute:>3} {ok:>8} {errors:>6} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.1} {:>8} {:>8} {fds:>5}  {sizes}",
            p99s[0], p99s[1], p99s[2], p99s[3], p99s[4], mib(rss), mib(sampler.peak_and_reset())
        );
    }
    for d in dispatchers {
        d.await?;
    }
    // Let the last requests finish.
    let _ = limit.acquire_many(512).await;
    let _ = sampler.stop();
    let shed = shed.load(std::sync::atomic::Ordering::Relaxed);
    if let Ok(errors) = ctx.first_errors.lock() {
        for (kind, e) in KINDS.iter().zip(errors.iter()) {
            if let Some(e) = e {
                println!("first failure ({kind}): {e}");
            }
        }
    }
    if let Ok(p) = ctx.prepared.lock() {
        write_prepared(&args.dir, &p)?;
    }
    println!(
        "RESULT requests={} errors={} shed={shed} rate={rate:.1} signin_rate={signin_rate:.2}",
        totals.0, totals.1
    );
    Ok(())
}

/// One request of `kind`, recorded.
async fn one(ctx: &Ctx, kind: usize) {
    let result = match kind {
        0 => cc(ctx).await,
        1 => refresh(ctx).await,
        2 => userinfo(ctx).await,
        3 => edit(ctx).await,
        _ => signin(ctx).await,
    };
    let (ok, took, error) = match result {
        Ok(a) if a.status == expected(kind) => (true, a.took, None),
        Ok(a) => (
            false,
            a.took,
            Some(format!(
                "{}: {}",
                a.status,
                a.body.chars().take(200).collect::<String>()
            )),
        ),
        Err(e) => (false, Duration::ZERO, Some(format!("{e:#}"))),
    };
    stats::record(&ctx.lat[kind], ok, took);
    if let (Some(e), Ok(mut first)) = (error, ctx.first_errors.lock()) {
        first[kind].get_or_insert(e);
    }
}

fn expected(kind: usize) -> u16 {
    match kind {
        3 => 303,
        _ => 200,
    }
}

fn app_side(ctx: &Ctx) -> Browser {
    Browser::with_client(ctx.client.clone(), &ctx.target.base)
}

async fn cc(ctx: &Ctx) -> anyhow::Result<Answer> {
    let service = ctx.target.service().context("no service")?;
    browser::client_credentials(&app_side(ctx), &service).await
}

async fn refresh(ctx: &Ctx) -> anyhow::Result<Answer> {
    let i = ctx
        .idle
        .lock()
        .ok()
        .and_then(|mut q| q.pop_front())
        .context("every grant is being refreshed")?;
    let token = ctx
        .prepared
        .lock()
        .map(|p| p[i].refresh.clone())
        .map_err(|_| anyhow::anyhow!("lock"))?;
    let result = browser::refresh(&app_side(ctx), &ctx.target.web(), &token).await;
    if let Ok((_, Some(t))) = &result {
        if let Ok(mut p) = ctx.prepared.lock() {
            p[i].refresh = t.refresh.clone();
            p[i].access = t.access.clone();
        }
    }
    if let Ok(mut q) = ctx.idle.lock() {
        q.push_back(i);
    }
    result.map(|(a, _)| a)
}

fn random_prepared(ctx: &Ctx) -> anyhow::Result<(String, String, String)> {
    let p = ctx.prepared.lock().map_err(|_| anyhow::anyhow!("lock"))?;
    let i = rand::Rng::gen_range(&mut rand::thread_rng(), 0..p.len());
    Ok((p[i].access.clone(), p[i].cookies.clone(), p[i].csrf.clone()))
}

async fn userinfo(ctx: &Ctx) -> anyhow::Result<Answer> {
    let (access, _, _) = random_prepared(ctx)?;
    browser::userinfo(&app_side(ctx), &access).await
}

async fn edit(ctx: &Ctx) -> anyhow::Result<Answer> {
    let (_, cookies, csrf) = random_prepared(ctx)?;
    let b = app_side(ctx);
    let nickname = format!(
        "n{}",
        rand::Rng::gen_range(&mut rand::thread_rng(), 0..1_000_000u32)
    );
    b.call(
        b.client()
            .post(b.url("/profile/edit"))
            .header("cookie", cookies)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(browser::encode(&[
                ("csrf", &csrf),
                ("block", "main"),
                ("given_name", "Ada"),
                ("family_name", "Lovelace"),
                ("nickname", &nickname),
            ])),
    )
    .await
}

async fn signin(ctx: &Ctx) -> anyhow::Result<Answer> {
    let pooled = ctx.browsers.lock().ok().and_then(|mut b| b.pop());
    let mut b = match pooled {
        Some(b) => b,
        None => Browser::new(&ctx.target.base)?,
    };
    let n = ctx.target.random_account();
    let started = Instant::now();
    let result = browser::sign_in_flow(
        &mut b,
        &ctx.target.web(),
        &login_of(n),
        &ctx.target.password,
    )
    .await;
    if result.is_ok() {
        if let Ok(mut pool) = ctx.browsers.lock() {
            pool.push(b);
        }
    }
    result.map(|_| Answer {
        status: 200,
        location: None,
        body: String::new(),
        took: started.elapsed(),
    })
}

/// Light requests per second over 16 connections and sign-ins per second over 8
/// browsers, 5 s each, closed loops.
async fn capacity(ctx: &Arc<Ctx>) -> anyhow::Result<(f64, f64)> {
    let mut out = [0.0; 2];
    for (slot, (connections, kinds)) in [(16usize, vec![0usize, 1, 2, 3]), (8, vec![4])]
        .into_iter()
        .enumerate()
    {
        let started = Instant::now();
        let deadline = started + Duration::from_secs(5);
        let mut tasks = Vec::new();
        for c in 0..connections {
            let (ctx, kinds) = (ctx.clone(), kinds.clone());
            tasks.push(tokio::spawn(async move {
                let mut done = 0u64;
                let mut i = c;
                while Instant::now() < deadline {
                    // The mix's shares: edits one turn in ten.
                    let kind = if kinds.len() == 1 {
                        kinds[0]
                    } else if i % 10 == 9 {
                        3
                    } else {
                        kinds[i % 3]
                    };
                    i += 1;
                    one(&ctx, kind).await;
                    done += 1;
                }
                done
            }));
        }
        let mut done = 0;
        for t in tasks {
            done += t.await?;
        }
        out[slot] = done as f64 / started.elapsed().as_secs_f64();
        for l in &ctx.lat {
            let _ = stats::take(l);
        }
    }
    Ok((out[0], out[1]))
}
