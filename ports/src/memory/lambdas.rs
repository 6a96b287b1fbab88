//! Lambda in memory: functions with their published versions, and replicas that linger.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;

use super::{Faults, guard};
use crate::cdn::FunctionDeletion;
use crate::error::PortResult;
use crate::lambdas::EdgeLambdas;

#[derive(Debug, Default)]
struct LambdaState {
    /// Function name → the code of each version, in order (version N is `versions[N - 1]`).
    functions: BTreeMap<String, Vec<String>>,
    /// Deletions still to refuse, by function name (replicas CloudFront has not removed yet).
    lingering: BTreeMap<String, usize>,
}

/// Lambda@Edge functions.
#[derive(Debug, Default)]
pub struct MemoryLambdas {
    state: Mutex<LambdaState>,
    /// Failures to inject (`publish`, `delete`).
    pub faults: Faults,
}

impl MemoryLambdas {
    /// Every function with the code of each of its versions.
    pub fn functions(&self) -> BTreeMap<String, Vec<String>> {
        guard(&self.state).functions.clone()
    }

    /// Makes the next `times` deletions of function `name` find it still replicated.
    pub fn linger(&self, name: &str, times: usize) {
        guard(&self.state).lingering.insert(name.to_owned(), times);
    }
}

fn version_arn(name: &str, version: usize) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:{name}:{version}")
}

#[async_trait]
impl EdgeLambdas for MemoryLambdas {
    async fn publish(&self, name: &str, _description: &str, code: &str) -> PortResult<String> {
        self.faults.check("publish")?;
        let mut state = guard(&self.state);
        let versions = state.functions.entry(name.to_owned()).or_default();
        let version = match versions.iter().position(|v| v == code) {
            Some(index) => index + 1,
            None => {
                versions.push(code.to_owned());
                versions.len()
            }
        };
        Ok(version_arn(name, version))
    }

    async fn version_of(&self, name: &str, code: &str) -> PortResult<Option<String>> {
        let state = guard(&self.state);
        let versions = state.functions.get(name).map(Vec::as_slice).unwrap_or_default();
        Ok(versions.iter().position(|v| v == code).map(|index| version_arn(name, index + 1)))
    }

    async fn delete(&self, name: &str) -> PortResult<FunctionDeletion> {
        self.faults.check("delete")?;
        let mut state = guard(&self.state);
        if let Some(left) = state.lingering.get_mut(name).filter(|left| **left > 0) {
            *left -= 1;
            return Ok(FunctionDeletion::InUse);
        }
        state.functions.remove(name);
        Ok(FunctionDeletion::Deleted)
    }
}
