//! What routing at the edge asks of a spec: every origin it names is one of the spec's, the
//! default behaviour targets an origin (the function picks one per viewer), and that behaviour
//! gets cfm's origin-request policy that passes `CloudFront-Viewer-Country` to the function, in
//! place of any it had.

use super::draft::DistributionDraft;
use super::routing::{OriginRequestPolicyRef, Target};
use crate::edge::{Routing, RoutingMode, viewer_country_policy_id};
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

/// A Lambda@Edge distribution reaches its buckets through its Origin Access Identity, the
/// others through each origin's OAC: the way is chosen when it is created, so a change may
/// neither bring `lambda-edge` routing nor take it away.
pub(crate) fn check_mode_kept(before: Option<&Routing>, after: Option<&Routing>, p: &mut Problems) {
    let lambda = |r: Option<&Routing>| r.is_some_and(|r| r.mode == RoutingMode::LambdaEdge);
    match (lambda(before), lambda(after)) {
        (true, false) => p.add(
            "routing",
            "this distribution routes with lambda-edge, chosen when it was created: change its map or preset, or make a new distribution",
        ),
        (false, true) => p.add(
            "routing.mode",
            "lambda-edge is chosen when a distribution is created (its buckets are then reached through an Origin Access Identity): use cloudfront-function here, or make a new distribution",
        ),
        _ => {}
    }
}
