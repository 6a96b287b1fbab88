//! The stored state of an edge function: one per routing a distribution had, named from the
//! distribution and its generation, kept (retired) after it is deleted so its history reads.

use serde::{Deserialize, Serialize};

use super::code::EdgeCode;
use super::routing::{Routing, RoutingMode};
use crate::claim::{Busy, Claim};
use crate::policy::{PolicyId, PolicyKind, PolicyRequest, PolicySpec};
use crate::record::{Claimed, RecordMeta, stored_record};
use crate::values::{DistributionId, EdgeFunctionId, Timestamp};
use crate::vocabulary;

/// The name of the origin-request policy cfm gives routed behaviours: it passes
/// `CloudFront-Viewer-Country` (and not `Host`, which S3 origins refuse).
pub const VIEWER_COUNTRY_POLICY_NAME: &str = "cfm-viewer-country";

/// The cfm id of that policy (the same in every stack).
pub fn viewer_country_policy_id() -> PolicyId {
    PolicyId::reserved(PolicyKind::OriginRequest, VIEWER_COUNTRY_POLICY_NAME)
}

/// That policy's spec.
pub fn viewer_country_policy() -> PolicySpec {
    let request = PolicyRequest {
        name: Some(VIEWER_COUNTRY_POLICY_NAME.into()),
        comment: Some("made by cfm for routing at the edge".into()),
        headers: Some(crate::policy::SelectionRequest {
            behavior: Some("whitelist".into()),
            names: vec!["CloudFront-Viewer-Country".into()],
        }),
        ..Default::default()
    };
    request.parse(PolicyKind::OriginRequest).expect("cfm's own policy holds")
}

/// The edge function a distribution runs: what its default behaviour is associated with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct EdgeBinding {
    /// The function's record.
    pub id: EdgeFunctionId,
    /// CloudFront's ARN of it (LIVE), or the Lambda@Edge version's.
    pub arn: String,
    /// Which routing of the distribution it runs.
    pub generation: u32,
    /// Where it runs: on viewer request as a CloudFront Function, or on origin request as a
    /// Lambda@Edge version.
    #[serde(default = "RoutingMode::default_mode")]
    pub mode: RoutingMode,
}

vocabulary!(
    /// Where an edge function is in its life.
    EdgeFunctionStatus {
        /// Being generated and published.
        Publishing => "PUBLISHING",
        /// Published LIVE and routing its distribution.
        Active => "ACTIVE",
        /// Its distribution let go of it; `retire-edge-function` deletes it once CloudFront does.
        Retiring => "RETIRING",
        /// Deleted: its distribution no longer runs it (the record stays for its history).
        Retired => "RETIRED",
        /// Still in use when retiring gave up (or its retirement ended unfinished): delete it
        /// by hand, or let a later retirement try again.
        RetireFailed => "RETIRE_FAILED",
    }
);

/// An edge function as cfm stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EdgeFunctionRecord {
    /// `edge-…`.
    pub id: EdgeFunctionId,
    /// The distribution it routes.
    pub distribution_id: DistributionId,
    /// Which routing of the distribution it runs (1 for the first).
    pub generation: u32,
    /// Its name in CloudFront: `cfm-<distribution>-<generation>`.
    pub name: String,
    /// Where it runs.
    pub mode: RoutingMode,
    /// The routing it runs.
    pub routing: Routing,
    /// The generated code.
    pub code: String,
    /// Its size in bytes.
    pub size_bytes: usize,
    /// CloudFront's ARN, once published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// Lifecycle status.
    pub status: EdgeFunctionStatus,
    /// Attempts to delete it that found it still in use.
    #[serde(default)]
    pub retire_attempts: u32,
    /// Bookkeeping.
    #[serde(flatten)]
    pub meta: RecordMeta,
}

stored_record!(EdgeFunctionRecord, "EDGE_FUNCTION", "edge function", EdgeFunctionStatus);

impl EdgeFunctionRecord {
    /// The id of `distribution`'s function for routing `generation`.
    pub fn id_for(distribution: &DistributionId, generation: u32) -> EdgeFunctionId {
        EdgeFunctionId::generate(Some(&format!("{distribution}/{generation}")))
    }

    /// A new record in `Publishing` for `generation` of `distribution`'s routing, with its code.
    pub fn publishing(
        distribution: &DistributionId,
        generation: u32,
        routing: &Routing,
        code: &EdgeCode,
        claim: Claim,
        now: Timestamp,
    ) -> Self {
        let suffix = distribution.as_str().trim_start_matches("dist-");
        Self {
            id: Self::id_for(distribution, generation),
            distribution_id: distribution.clone(),
            generation,
            name: format!("cfm-{suffix}-{generation}"),
            mode: routing.mode,
            routing: routing.clone(),
            code: code.code.clone(),
            size_bytes: code.size_bytes,
            arn: None,
            status: EdgeFunctionStatus::Publishing,
            retire_attempts: 0,
            meta: RecordMeta::new(claim.execution.name(), "cfm", now).claimed(claim),
        }
    }

    /// Hands it to the retirement `claim` names, from whatever state it is in but retired (a
    /// publish that ended unfinished leaves its claim with the execution letting go of it,
    /// `releasing`). `Ok(false)`: nothing to retire. Refused while another execution holds it.
    pub fn retire_by(&mut self, claim: Claim, releasing: &str) -> Result<bool, Busy> {
        if self.status == EdgeFunctionStatus::Retired {
            return Ok(false);
        }
        self.meta.claim.release(releasing);
        let allowed = [EdgeFunctionStatus::Publishing, EdgeFunctionStatus::Active, EdgeFunctionStatus::RetireFailed];
        self.claim_for(claim, &allowed, EdgeFunctionStatus::Retiring)?;
        Ok(true)
    }

    /// The comment CloudFront shows on it.
    pub fn comment(&self) -> String {
        format!("cfm routing for {} (generation {})", self.distribution_id, self.generation)
    }
}
