//! CloudFront behind the CDN port: Origin Access Controls ([`oac`]) and Identities
//! ([`identity`]), distributions and
//! invalidations ([`distribution`]), cache and origin-request policies ([`policy`]), CloudFront
//! Functions ([`function`]); [`convert`] maps cfm's shape to CloudFront's without any
//! network.

mod convert;
mod distribution;
mod function;
mod identity;
mod oac;
mod policy;
mod routes;

use async_trait::async_trait;
use cfm_domain::distribution::{CdnConfig, CloudFrontRef, ListedDistribution, LiveDistribution};
use cfm_domain::policy::{PolicyKind, PolicyName, PolicyRecord};
use cfm_domain::values::{CloudFrontId, InvalidationId, InvalidationPath, OacId, OaiId};
use cfm_ports::PortResult;
use cfm_ports::cdn::{Applied, Cdn, CdnChange, Deletion, FoundPolicy, FunctionDeletion, OacDeletion, PolicyDeletion};

use crate::config::AwsContext;

/// Re-read-and-apply attempts when CloudFront answers 412 PreconditionFailed.
const CAS_ATTEMPTS: usize = 5;

/// An answer's ETag, which the next If-Match needs.
fn etag_of(etag: Option<&str>) -> PortResult<String> {
    etag.filter(|e| !e.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| crate::classify::unexpected("an answer without an ETag"))
}

/// CloudFront (us-east-1).
#[derive(Debug, Clone)]
pub struct CloudFrontCdn {
    client: aws_sdk_cloudfront::Client,
}

impl CloudFrontCdn {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.cloudfront() }
    }
}

#[async_trait]
impl Cdn for CloudFrontCdn {
    async fn find_oac(&self, name: &str) -> PortResult<Option<OacId>> {
        self.find_oac_named(name).await
    }

    async fn ensure_oac(&self, name: &str, description: &str) -> PortResult<OacId> {
        self.ensure_oac_named(name, description).await
    }

    async fn delete_oac(&self, id: &OacId) -> PortResult<OacDeletion> {
        self.delete_oac_by_id(id).await
    }

    async fn list_distributions(&self) -> PortResult<Vec<ListedDistribution>> {
        self.list_all().await
    }

    async fn create_distribution(
        &self,
        config: &CdnConfig,
        caller_reference: &str,
        tags: &[(String, String)],
    ) -> PortResult<CloudFrontRef> {
        self.create(config, caller_reference, tags).await
    }

    async fn distribution(&self, id: &CloudFrontId) -> PortResult<Option<LiveDistribution>> {
        self.live(id).await
    }

    async fn update_distribution(&self, id: &CloudFrontId, change: &CdnChange) -> PortResult<Applied> {
        self.update(id, change).await
    }

    async fn delete_distribution(&self, id: &CloudFrontId) -> PortResult<Deletion> {
        self.delete(id).await
    }

    async fn create_invalidation(
        &self,
        id: &CloudFrontId,
        paths: &[InvalidationPath],
        reference: &str,
    ) -> PortResult<InvalidationId> {
        self.invalidate(id, paths, reference).await
    }

    async fn invalidation_done(&self, id: &CloudFrontId, invalidation: &InvalidationId) -> PortResult<bool> {
        self.invalidated(id, invalidation).await
    }

    async fn find_policy(&self, kind: PolicyKind, name: &PolicyName) -> PortResult<Option<FoundPolicy>> {
        match kind {
            PolicyKind::Cache => self.find_cache_policy(name).await,
            PolicyKind::OriginRequest => self.find_origin_request_policy(name).await,
        }
    }

    async fn create_policy(&self, record: &PolicyRecord) -> PortResult<String> {
        match record.kind() {
            PolicyKind::Cache => self.create_cache_policy(record).await,
            PolicyKind::OriginRequest => self.create_origin_request_policy(record).await,
        }
    }

    async fn update_policy(&self, id: &str, record: &PolicyRecord) -> PortResult<()> {
        match record.kind() {
            PolicyKind::Cache => self.update_cache_policy(id, record).await,
            PolicyKind::OriginRequest => self.update_origin_request_policy(id, record).await,
        }
    }

    async fn delete_policy(&self, kind: PolicyKind, id: &str) -> PortResult<PolicyDeletion> {
        match kind {
            PolicyKind::Cache => self.delete_cache_policy(id).await,
            PolicyKind::OriginRequest => self.delete_origin_request_policy(id).await,
        }
    }

    async fn publish_function(&self, name: &str, comment: &str, code: &str) -> PortResult<String> {
        self.publish_function_named(name, comment, code).await
    }

    async fn live_function(&self, name: &str) -> PortResult<Option<String>> {
        self.live_function_code(name).await
    }

    async fn delete_function(&self, name: &str) -> PortResult<FunctionDeletion> {
        self.delete_function_named(name).await
    }

    async fn ensure_identity(&self, reference: &str, comment: &str) -> PortResult<OaiId> {
        self.ensure_identity_for(reference, comment).await
    }

    async fn delete_identity(&self, id: &OaiId) -> PortResult<OacDeletion> {
        self.delete_identity_by_id(id).await
    }
}
