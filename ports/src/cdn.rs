//! CloudFront: Origin Access Controls, distributions, invalidations, policies and functions, in
//! cfm's terms.

use async_trait::async_trait;
use cfm_domain::distribution::{CdnConfig, CdnOrigin, CloudFrontRef, ListedDistribution, LiveDistribution};
use cfm_domain::policy::{PolicyKind, PolicyName, PolicyRecord};
use cfm_domain::values::{CloudFrontId, InvalidationId, InvalidationPath, OacId, OaiId};

use crate::error::PortResult;

/// What came of deleting an OAC or an Origin Access Identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OacDeletion {
    /// It is gone (or never was).
    Deleted,
    /// A distribution still uses it.
    InUse,
}

/// A cache or origin-request policy CloudFront has, found by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundPolicy {
    /// CloudFront's id.
    pub id: String,
    /// Its comment (cfm's says which cfm policy it is).
    pub comment: String,
}

/// What came of deleting a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyDeletion {
    /// It is gone (or never was).
    Deleted,
    /// A distribution's behaviour still uses it.
    InUse,
}

/// What came of deleting a CloudFront Function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionDeletion {
    /// It is gone (or never was).
    Deleted,
    /// A distribution's behaviour is still associated with it.
    InUse,
}

/// A change to a live distribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CdnChange {
    /// Make the settings cfm manages these, keeping everything else CloudFront has.
    Settings(Box<CdnConfig>),
    /// Turn serving on or off.
    Enabled(bool),
    /// Give one origin (by id) these connection settings, keeping everything else; a
    /// distribution without that origin is left as it is.
    Origin(Box<CdnOrigin>),
}

/// What came of a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// CloudFront took it.
    Changed,
    /// It was already so; nothing was sent.
    Unchanged,
    /// The distribution kept changing under every attempt (412 PreconditionFailed).
    Contended,
}

/// What came of deleting a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deletion {
    /// It is gone (or never was).
    Deleted,
    /// It must be disabled and deployed first.
    NotDisabled,
    /// It kept changing under every attempt.
    Contended,
}

/// CloudFront's control plane.
#[async_trait]
pub trait Cdn: Send + Sync {
    /// The OAC called `name`.
    async fn find_oac(&self, name: &str) -> PortResult<Option<OacId>>;
    /// The OAC called `name`, made if there is none (a concurrent maker's one is found).
    async fn ensure_oac(&self, name: &str, description: &str) -> PortResult<OacId>;
    /// Deletes an OAC.
    async fn delete_oac(&self, id: &OacId) -> PortResult<OacDeletion>;
    /// Makes a distribution; the same `caller_reference` finds the one made before.
    async fn create_distribution(
        &self,
        config: &CdnConfig,
        caller_reference: &str,
        tags: &[(String, String)],
    ) -> PortResult<CloudFrontRef>;
    /// The distribution as CloudFront has it now.
    async fn distribution(&self, id: &CloudFrontId) -> PortResult<Option<LiveDistribution>>;
    /// Every distribution of the account, as its list shows them (all pages, 100 a call).
    async fn list_distributions(&self) -> PortResult<Vec<ListedDistribution>>;
    /// Changes a distribution with compare-and-swap on its ETag (re-reading on 412).
    async fn update_distribution(&self, id: &CloudFrontId, change: &CdnChange) -> PortResult<Applied>;
    /// Deletes a distribution with a fresh ETag.
    async fn delete_distribution(&self, id: &CloudFrontId) -> PortResult<Deletion>;
    /// Starts an invalidation; the same `reference` names the same batch.
    async fn create_invalidation(
        &self,
        id: &CloudFrontId,
        paths: &[InvalidationPath],
        reference: &str,
    ) -> PortResult<InvalidationId>;
    /// Whether an invalidation completed.
    async fn invalidation_done(&self, id: &CloudFrontId, invalidation: &InvalidationId) -> PortResult<bool>;
    /// The custom policy of `kind` named `name`.
    async fn find_policy(&self, kind: PolicyKind, name: &PolicyName) -> PortResult<Option<FoundPolicy>>;
    /// Makes the policy `record` describes, with its [`PolicyRecord::cloudfront_comment`]; a
    /// name another policy has is `Rejected`. Returns CloudFront's id.
    async fn create_policy(&self, record: &PolicyRecord) -> PortResult<String>;
    /// Gives policy `id` the settings and name of `record`, with If-Match (re-reading on 412).
    async fn update_policy(&self, id: &str, record: &PolicyRecord) -> PortResult<()>;
    /// Deletes policy `id` of `kind` with a fresh ETag.
    async fn delete_policy(&self, kind: PolicyKind, id: &str) -> PortResult<PolicyDeletion>;
    /// Makes CloudFront Function `name` (runtime `cloudfront-js-2.0`) run `code`: created, or
    /// its development stage updated, then published LIVE (If-Match, re-reading on 412).
    /// Returns its ARN. A repeat with the same code changes nothing visible.
    async fn publish_function(&self, name: &str, comment: &str, code: &str) -> PortResult<String>;
    /// The code function `name` runs LIVE, if it is published.
    async fn live_function(&self, name: &str) -> PortResult<Option<String>>;
    /// Deletes function `name` with a fresh ETag.
    async fn delete_function(&self, name: &str) -> PortResult<FunctionDeletion>;
    /// Makes an Origin Access Identity (the same `reference` finds the one made before).
    async fn ensure_identity(&self, reference: &str, comment: &str) -> PortResult<OaiId>;
    /// Deletes identity `id` with a fresh ETag (one already gone is deleted).
    async fn delete_identity(&self, id: &OaiId) -> PortResult<OacDeletion>;
}
