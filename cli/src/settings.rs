//! Where the CLI finds things: `.cfm/` (the local cloud's home) and `.cfm/local.json` (written
//! by `cfm local up`, read by every other command). Flags and `CFM_*` variables override it.

use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use cfm_localcloud::StackResources;

/// The local cloud's home: `$CFM_HOME`, else `.cfm` in the current directory.
pub fn home() -> PathBuf {
    std::env::var_os("CFM_HOME").map_or_else(|| PathBuf::from(".cfm"), PathBuf::from)
}

/// What `cfm local up` tells other commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalFile {
    /// The API base URL.
    pub api_url: String,
    /// The local cloud's AWS endpoint.
    pub aws_endpoint: String,
    /// The stack's region.
    pub region: String,
    /// The event bus name.
    pub event_bus_name: String,
    /// An admin bearer token.
    pub token: String,
    /// PID of the `cfm local up` process.
    pub pid: u32,
    /// Every resource of the stack.
    pub stack: StackResources,
}

impl LocalFile {
    fn path() -> PathBuf {
        home().join("local.json")
    }

    /// Writes `.cfm/local.json`, readable by its owner only (it holds an admin token), by an
    /// atomic rename so readers never see half a file.
    pub fn write(&self) -> anyhow::Result<PathBuf> {
        let path = Self::path();
        self.write_at(&path)?;
        Ok(path)
    }

    fn write_at(&self, path: &std::path::Path) -> anyhow::Result<()> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let temp = path.with_extension("json.tmp");
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temp)
            .with_context(|| format!("writing {}", temp.display()))?;
        file.write_all((serde_json::to_string_pretty(self)? + "\n").as_bytes())?;
        std::fs::rename(&temp, path).with_context(|| format!("writing {}", path.display()))
    }

    /// Reads `.cfm/local.json`.
    pub fn read() -> anyhow::Result<Self> {
        let path = Self::path();
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!("no {}: start the local cloud with `cfm local up`, or pass --api-url and --token", path.display())
        })?;
        serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
    }

    /// Removes `.cfm/local.json` (the cloud it describes is gone).
    pub fn remove() {
        let _ = std::fs::remove_file(Self::path());
    }
}

/// How to reach the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// Base URL.
    pub api_url: String,
    /// Bearer token.
    pub token: String,
}

impl Connection {
    /// Flags (which clap also fills from `CFM_API_URL`/`CFM_TOKEN`) win; the rest comes from
    /// `.cfm/local.json`.
    pub fn resolve(api_url: Option<String>, token: Option<String>) -> anyhow::Result<Self> {
        match (api_url, token) {
            (Some(api_url), Some(token)) => Ok(Self { api_url, token }),
            (api_url, token) => {
                let local = LocalFile::read()?;
                Ok(Self { api_url: api_url.unwrap_or(local.api_url), token: token.unwrap_or(local.token) })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn the_local_file_is_readable_by_its_owner_only() {
        let dir = std::env::temp_dir().join(format!("cfm-settings-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("local.json");
        std::fs::write(&path, "{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let stack = cfm_localcloud::StackResources {
            stack: "s".into(),
            table: "s".into(),
            event_bus: "b".into(),
            worker_queues: Vec::new(),
            history_queue: cfm_localcloud::provision::QueuePair {
                family: "History".into(),
                url: "u".into(),
                dlq_url: "d".into(),
            },
            machines: Default::default(),
            edge_role: "arn:aws:iam::123456789012:role/s-edge-function".into(),
            cloudfront_rates: String::new(),
        };
        let file = LocalFile {
            api_url: "http://127.0.0.1:1".into(),
            aws_endpoint: "http://127.0.0.1:2".into(),
            region: "us-east-1".into(),
            event_bus_name: "b".into(),
            token: "secret".into(),
            pid: 1,
            stack,
        };
        file.write_at(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(std::fs::read_to_string(&path).unwrap().contains("secret"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
