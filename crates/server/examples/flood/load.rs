//! Closed-loop scenarios (each connection sends its next request when the last one is
//! answered), and start-up time.
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};

use crate::browser::{self, account_id, Browser};
use crate::login::{read_prepared, write_prepared, Prepared};
use crate::stats::{self, mib, RssSampler};
use crate::Target;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Scenario {
    /// client_credentials with the service application.
    Cc,
    /// userinfo with the access tokens of the prepared accounts, at random.
    Userinfo,
    /// refresh_token: each connection rotates its share of the prepared grants in turn.
    Refresh,
    /// The public profile page of random accounts (even numbers have public fields).
    Profile,
    /// The console's profile page, signed in as random prepared accounts.
    Console,
}

#[derive(Args)]
pub struct LoadArgs {
    #[command(flatten)]
    target: Target,
    #[arg(long, value_enum)]
    scenario: Scenario,
    #[arg(long, default_value_t = 16)]
    connections: usize,
    #[arg(long, default_value_t = 10.0)]
    secs: f64,
    /// Where `prepare` left prepared.tsv (userinfo, refresh, console).
    #[arg(long)]
    dir: Option<std::path::PathBuf>,
}

pub async fn load(args: LoadArgs) -> anyhow::Result<()> {
    let target = Arc::new(args.target.clone());
    let prepared = match (&args.dir, args.scenario) {
        (_, Scenario::Cc | Scenario::Profile) => Vec::new(),
        (Some(dir), _) => read_prepared(dir)?,
        (None, _) => bail!("this scenario needs --dir with prepared.tsv"),
    };
    if prepared.is_empty() && !matches!(args.scenario, Scenario::Cc | Scenario::Profile) {
        bail!("no prepared accounts");
    }
    let service = target.service();
    if args.scenario == Scenario::Cc && service.is_none() {
        bail!("client_credentials needs --svc-id and --svc-secret");
    }
    let prepared = Arc::new(Mutex::new(prepared));
    let sampler = RssSampler::start(target.pid);
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.secs);
    let lat = stats::shared();
    let mut tasks = Vec::new();
    for worker in 0..args.connections {
        let (target, prepared, lat, service) = (
            target.clone(),
            prepared.clone(),
            lat.clone(),
            service.clone(),
        );
        let (scenario, connections) = (args.scenario, args.connections);
        tasks.push(tokio::spawn(async move {
            let b = Browser::new(&target.base)?;
            let web = target.web();
            let count = prepared.lock().map(|p| p.len()).unwrap_or(0);
            // This connection's grants (refresh): every connections-th one.
            let mine: Vec<usize> = (worker..count).step_by(connections).collect();
            let mut turn = 0usize;
            let mut first_error: Option<String> = None;
            while Instant::now() < deadline {
                let answer = match scenario {
                    Scenario::Cc => {
                        browser::client_credentials(&b, service.as_ref().context("service")?).await
                    }
                    Scenario::Userinfo => {
                        let access = pick(&prepared, |p| p.access.clone())?;
                        browser::userinfo(&b, &access).await
                    }
                    Scenario::Profile => {
                        let n = loop {
                            let n = target.random_account();
                            if n % 2 == 0 || target.accounts < 2 {
                                break n;
                            }
                        };
                        b.call(
                            b.client()
                                .get(b.url(&format!("/public/profile/{}", account_id(n)))),
                        )
                        .await
                    }
                    Scenario::Console => {
                        let cookies = pick(&prepared, |p| p.cookies.clone())?;
                        b.call(b.client().get(b.url("/profile")).header("cookie", cookies))
                            .await
                    }
                    Scenario::Refresh => {
                        if mine.is_empty() {
                            bail!("fewer prepared grants than connections");
                        }
                        let i = mine[turn % mine.len()];
                        turn += 1;
                        let token = prepared.lock().map_err(|_| anyhow::anyhow!("lock"))?[i]
                            .refresh
                            .clone();
                        let (answer, tokens) = browser::refresh(&b, &web, &token).await?;
                        if let Some(t) = tokens {
                            if let Ok(mut p) = prepared.lock() {
                                p[i].refresh = t.refresh;
                                p[i].access = t.access;
                            }
                        }
                        Ok(answer)
                    }
                };
                match answer {
                    Ok(a) => {
                        let ok = a.status == 200;
                        if !ok && first_error.is_none() {
                            first_error = Some(format!(
                                "{}: {}",
                                a.status,
                                a.body.chars().take(200).collect::<String>()
                            ));
                        }
                        stats::record(&lat, ok, a.took);
                    }
                    Err(e) => {
                        first_error.get_or_insert(format!("{e:#}"));
                        stats::record(&lat, false, Duration::ZERO);
                    }
                }
            }
            Ok::<_, anyhow::Error>(first_error)
        }));
    }
    let mut first_error = None;
    for t in tasks {
        if let Some(e) = t.await?? {
            first_error.get_or_insert(e);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let peak = sampler.stop();
    let mut lat = stats::take(&lat);
    let rate = lat.us.len() as f64 / elapsed;
    let (p50, p99) = lat.percentiles();
    let name = args
        .scenario
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default();
    println!(
        "{name}: {rate:.0} req/s over {elapsed:.1} s, {} connections (p50 {p50:.2} ms, p99 {p99:.2} ms), {} failed{}",
        args.connections,
        lat.errors,
        if target.pid.is_some() { format!(", peak RSS {} MiB", mib(peak)) } else { String::new() }
    );
    if let Some(e) = first_error {
        println!("first failure: {e}");
    }
    if args.scenario == Scenario::Refresh {
        // The grants moved on: keep their current tokens for whatever runs next.
        if let (Some(dir), Ok(p)) = (&args.dir, prepared.lock()) {
            write_prepared(dir, &p)?;
        }
    }
    println!(
        "RESULT scenario={name} rps={rate:.1} p50_ms={p50:.2} p99_ms={p99:.2} errors={} peak_rss_kib={peak}",
        lat.errors
    );
    Ok(())
}

fn pick<T>(prepared: &Mutex<Vec<Prepared>>, f: impl Fn(&Prepared) -> T) -> anyhow::Result<T> {
    let p = prepared.lock().map_err(|_| anyhow::anyhow!("lock"))?;
    let i = rand::Rng::gen_range(&mut rand::thread_rng(), 0..p.len());
    Ok(f(&p[i]))
}

#[derive(Args)]
pub struct StartupArgs {
    /// The `sigil` binary; it is started without arguments (it serves) with this
    /// process's environment.
    #[arg(long)]
    sigil: std::path::PathBuf,
    /// `/healthz` of the listen address in that environment.
    #[arg(long)]
    url: String,
    #[arg(long, default_value_t = 5)]
    runs: usize,
}

/// Starts Sigil `runs` times and measures process start to the first `/healthz` 200;
/// each time it is stopped with SIGTERM and waited for.
pub async fn startup(args: StartupArgs) -> anyhow::Result<()> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(500))
        .build()?;
    let mut times = Vec::new();
    for _ in 0..args.runs {
        let started = Instant::now();
        let mut child = std::process::Command::new(&args.sigil)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .context("starting sigil")?;
        let up = loop {
            if let Ok(r) = client.get(&args.url).send().await {
                if r.status().is_success() {
                    break started.elapsed();
                }
            }
            if let Some(status) = child.try_wait()? {
                bail!("sigil exited before answering: {status}");
            }
            if started.elapsed() > Duration::from_secs(60) {
                bail!("sigil did not answer /healthz within 60 s");
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        };
        times.push(up.as_secs_f64() * 1000.0);
        let pid = child.id();
        let pid = pid.to_string();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()?;
            child.wait()
        })
        .await??;
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let shown: Vec<String> = times.iter().map(|t| format!("{t:.0}")).collect();
    println!(
        "start-up to /healthz 200: median {median:.0} ms (runs: {} ms)",
        shown.join(", ")
    );
    println!("RESULT startup_ms={median:.1} min_ms={:.1}", times[0]);
    Ok(())
}
