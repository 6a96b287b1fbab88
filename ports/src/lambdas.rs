//! Lambda in us-east-1, for Lambda@Edge: a function per routing generation, its code published
//! as a numbered version that CloudFront replicates to the edge.

use async_trait::async_trait;

use crate::cdn::FunctionDeletion;
use crate::error::PortResult;

/// Lambda@Edge functions.
#[async_trait]
pub trait EdgeLambdas: Send + Sync {
    /// Makes function `name` (Node.js, with the stack's edge role) run `code` as `index.js`:
    /// created or its code updated, then a numbered version published (one already published
    /// with this code is reused) and waited for until it is active. Returns the version's ARN.
    async fn publish(&self, name: &str, description: &str, code: &str) -> PortResult<String>;
    /// The ARN of the numbered version of function `name` that runs `code`, if one is published.
    async fn version_of(&self, name: &str, code: &str) -> PortResult<Option<String>>;
    /// Deletes function `name` with every version. While CloudFront still has replicas of it
    /// (hours after its last association is removed) it is still in use.
    async fn delete(&self, name: &str) -> PortResult<FunctionDeletion>;
}
