//! What routing at the edge asks of a spec: every origin it names is one of the spec's, the
//! default behaviour targets an origin (the function picks one per viewer), and that behaviour
//! gets cfm's origin-request policy that passes `CloudFront-Viewer-Country` to the function, in
//! place of any it had.

use super::draft::DistributionDraft;
use super::routing::{OriginRequestPolicyRef, Target};
use crate::edge::{Routing, viewer_country_policy_id};
use crate::policy::PolicyRef;
use crate::problems::Problems;
use crate::values::OriginId;

/// The spec's routing and its default behaviour's origin-request policy, from `draft`.
pub(crate) fn routed(
    draft: &DistributionDraft,
    origins: &[OriginId],
    default_target: &Target,
    p: &mut Problems,
) -> (Option<Routing>, Option<OriginRequestPolicyRef>) {
    let routing = draft.routing.clone().flatten();
    let viewer = PolicyRef::Own(viewer_country_policy_id());
    let Some(routing) = routing else {
        // Routing removed: so is the policy it brought.
        return (None, draft.origin_request_policy.clone().filter(|g| g != &viewer));
    };
    routing.check("routing", origins, p);
    p.check(
        matches!(default_target, Target::OriginGroupId(_)),
        "defaultOriginGroupId",
        "routing picks the default behaviour's origin per viewer: the default must target an origin",
    );
    // The policy it replaces, if any, was the stored spec's: a request setting both is refused
    // when it is parsed (`DistributionRequest`).
    (Some(routing), Some(viewer))
}
