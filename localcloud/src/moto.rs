//! moto, the local AWS: a pinned install in a project-local venv and a server process on a
//! free loopback port. The server is stopped by PID when [`Moto`] is dropped, and also when
//! this process dies: a watchdog shell holds a pipe from us and kills moto when it closes.

use std::fs::File;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The pinned moto release (see ../shared/reference/local-cloud-moto.md).
pub const MOTO_REQUIREMENT: &str = "moto[server]==5.2.5";
/// Seconds a requested ACM certificate waits before moto issues it.
const ACM_VALIDATION_WAIT: &str = "2";
/// Seconds a CloudFront distribution stays `InProgress`.
const CLOUDFRONT_DEPLOY_SECONDS: u32 = 2;
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running moto server.
#[derive(Debug)]
pub struct Moto {
    watchdog: Child,
    pipe: Option<ChildStdin>,
    port: u16,
    log: PathBuf,
}

/// Creates `<home>/venv` with the pinned moto, once, and returns its Python. Safe to call from
/// parallel processes.
pub fn ensure_installed(home: &Path) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(home).with_context(|| format!("creating {}", home.display()))?;
    let venv = home.join("venv");
    let python = venv.join("bin/python");
    let marker = venv.join(".cfm-installed");
    let lock = File::create(home.join("venv.lock"))?;
    lock.lock().context("locking the venv")?;
    let installed = MOTO_REQUIREMENT.to_owned();
    if marker.exists() && std::fs::read_to_string(&marker)? == installed {
        return Ok(python);
    }
    eprintln!(
        "cfm: installing the local cloud ({MOTO_REQUIREMENT}) into {} — first run only, about a minute",
        venv.display()
    );
    let system_python = std::env::var("CFM_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    run(
        Command::new(&system_python).args(["-m", "venv"]).arg(&venv),
        &format!("{system_python} -m venv (is Python 3 with venv installed?)"),
    )?;
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            MOTO_REQUIREMENT,
        ]),
        "pip install moto (is PyPI reachable?)",
    )?;
    std::fs::write(&marker, installed)?;
    Ok(python)
}

fn run(command: &mut Command, what: &str) -> anyhow::Result<()> {
    let output = command.output().with_context(|| format!("could not run {what}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect();
        bail!("{what} failed ({}):\n{}", output.status, tail.join("\n"));
    }
    Ok(())
}

/// Server logs older than this are removed when another server starts.
const LOG_RETENTION: Duration = Duration::from_secs(24 * 3600);

/// Keeps `.cfm` from filling with logs of servers long gone.
fn prune_logs(home: &Path) {
    let Ok(entries) = std::fs::read_dir(home) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let old =
            entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t.elapsed().is_ok_and(|age| age > LOG_RETENTION));
        if old && name.to_string_lossy().starts_with("moto-") && name.to_string_lossy().ends_with(".log") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A free loopback port.
pub fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Moto {
    /// Installs (if needed) and starts moto, waits until it answers, and switches on real Step
    /// Functions execution, Docker-less Lambda and a short CloudFront deployment.
    pub async fn start(home: &Path) -> anyhow::Result<Self> {
        let python = ensure_installed(home)?;
        let extension = crate::extension::install(home)?;
        let port = free_port()?;
        prune_logs(home);
        let log = home.join(format!("moto-{port}.log"));
        let log_file = File::create(&log)?;
        // The shell starts moto in the background, then blocks reading our pipe; when the pipe
        // closes (we stopped it or this process died), it kills moto by PID and waits for it.
        let watchdog = Command::new("sh")
            .arg("-c")
            .arg(r#""$0" -m cfm_moto -H 127.0.0.1 -p "$1" & m=$!; cat >/dev/null; kill "$m" 2>/dev/null; wait "$m""#)
            .arg(&python)
            .arg(port.to_string())
            .env("PYTHONPATH", extension)
            .env("MOTO_PORT", port.to_string())
            .env("MOTO_ACM_VALIDATION_WAIT", ACM_VALIDATION_WAIT)
            .stdin(Stdio::piped())
            .stdout(log_file.try_clone()?)
            .stderr(log_file)
            .spawn()
            .context("starting moto (python -m cfm_moto)")?;
        let mut moto = Self { pipe: None, watchdog, port, log };
        moto.pipe = moto.watchdog.stdin.take();
        moto.wait_ready().await?;
        moto.configure().await?;
        Ok(moto)
    }

    /// `http://127.0.0.1:<port>`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server log.
    pub fn log(&self) -> &Path {
        &self.log
    }

    async fn wait_ready(&mut self) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let started = Instant::now();
        let url = format!("{}/moto-api/data.json", self.endpoint());
        loop {
            if let Ok(r) = http.get(&url).send().await
                && r.status().is_success()
            {
                return Ok(());
            }
            if let Some(status) = self.watchdog.try_wait()? {
                bail!("moto exited ({status}) before it was ready; see {}", self.log.display());
            }
            if started.elapsed() > READY_TIMEOUT {
                bail!("moto was not ready within {READY_TIMEOUT:?}; see {}", self.log.display());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn configure(&self) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let post =
            |path: &str, body: serde_json::Value| http.post(format!("{}{path}", self.endpoint())).json(&body).send();
        post(
            "/moto-api/config",
            serde_json::json!({"stepfunctions": {"execute_state_machine": true}, "lambda": {"use_docker": false}}),
        )
        .await?
        .error_for_status()
        .context("enabling Step Functions execution in moto")?;
        post(
            "/moto-api/state-manager/set-transition",
            serde_json::json!({"model_name": "cloudfront::distribution", "transition": {"progression": "time", "seconds": CLOUDFRONT_DEPLOY_SECONDS}}),
        )
        .await?
        .error_for_status()
        .context("setting the CloudFront deployment time in moto")?;
        Ok(())
    }

    /// Stops moto and waits for it to exit.
    pub fn stop(&mut self) {
        if let Some(mut pipe) = self.pipe.take() {
            let _ = pipe.flush();
        }
        let _ = self.watchdog.wait();
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}
