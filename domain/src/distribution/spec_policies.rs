//! What a complete spec asks of the cfm policies it names: which ones, under which fields, and
//! whether any of them would send the viewer's `Host` to an S3 origin.

use super::draft::DistributionSpec;
use super::routing::{CachePolicyRef, OriginRequestPolicyRef, Target};
use crate::policy::{PolicyId, PolicyRef};
use crate::problems::Problems;
use crate::values::OriginId;

impl DistributionSpec {
    /// Every cfm policy the spec names, with the field naming it (the default's first, then
    /// each behaviour's in order).
    pub fn policy_fields(&self) -> Vec<(String, &PolicyId)> {
        let default = [
            ("cachePolicy".to_owned(), self.cache_policy.own()),
            ("originRequestPolicy".to_owned(), self.origin_request_policy.as_ref().and_then(PolicyRef::own)),
        ];
        let behaviors = self.behaviors.iter().enumerate().flat_map(|(i, b)| {
            [
                (format!("behaviors[{i}].cachePolicy"), b.cache_policy.own()),
                (
                    format!("behaviors[{i}].originRequestPolicy"),
                    b.origin_request_policy.as_ref().and_then(PolicyRef::own),
                ),
            ]
        });
        default.into_iter().chain(behaviors).filter_map(|(field, id)| Some((field, id?))).collect()
    }

    /// The cfm policies it uses, each once.
    pub fn policies(&self) -> Vec<PolicyId> {
        let mut ids: Vec<PolicyId> = self.policy_fields().into_iter().map(|(_, id)| id.clone()).collect();
        ids.sort();
        ids.dedup();
        ids
    }

    /// Reports each behaviour (and the default) whose policies would send the viewer's `Host`
    /// header to an S3 origin (`is_s3`), directly or through a group: its OAC signature would
    /// not match and S3 would refuse every request. An origin-request policy may forward it, and
    /// a cache policy too (CloudFront forwards what the cache key holds); `own_forwards_host`
    /// says it of a cfm policy.
    pub fn check_s3_host(
        &self,
        is_s3: impl Fn(&OriginId) -> bool,
        own_forwards_host: impl Fn(&PolicyId) -> bool,
        problems: &mut Problems,
    ) {
        let reaches_s3 = |target: &Target| match target {
            Target::OriginId(id) => is_s3(id),
            Target::OriginGroupId(group) => self
                .origin_groups
                .iter()
                .filter(|g| &g.id == group)
                .any(|g| is_s3(&g.primary_origin_id) || is_s3(&g.secondary_origin_id)),
        };
        let forwards = |cache: &CachePolicyRef, origin: &Option<OriginRequestPolicyRef>| {
            let cache = cache.own().is_some_and(&own_forwards_host);
            let origin = match origin {
                Some(PolicyRef::Managed(managed)) => managed.forwards_host(),
                Some(PolicyRef::Own(id)) => own_forwards_host(id),
                None => false,
            };
            (cache, origin)
        };
        let routes =
            std::iter::once((String::new(), &self.default_target, &self.cache_policy, &self.origin_request_policy))
                .chain(
                    self.behaviors.iter().enumerate().map(|(i, b)| {
                        (format!("behaviors[{i}]."), &b.target, &b.cache_policy, &b.origin_request_policy)
                    }),
                );
        for (at, target, cache, origin) in routes {
            if !reaches_s3(target) {
                continue;
            }
            let (by_cache, by_origin) = forwards(cache, origin);
            problems.check(by_cache, format!("{at}cachePolicy"), "puts the viewer's Host header in the cache key, and so sends it to an S3 origin, whose OAC signature cannot take it");
            problems.check(by_origin, format!("{at}originRequestPolicy"), "forwards the viewer's Host header, which an S3 origin's OAC signature cannot take: use AllViewerExceptHostHeader or CORS-S3Origin");
        }
    }
}
