//! Distributions: the request shape, parsed drafts and complete specs, their routes (origins,
//! groups, behaviours), the record, invalidation paths, and the CloudFront shape cfm wants with drift against what CloudFront has.

mod alarm;
mod cdn;
mod draft;
mod filter;
mod invalidation;
mod record;
pub(crate) mod request;
mod routed;
mod routing;
mod settings;
mod spec_policies;

pub use alarm::{Alarms, AlarmsRequest, ErrorRateAlarm, Percent};
pub use cdn::{
    CdnBehavior, CdnConfig, CdnOrigin, DISTRIBUTION_TAG, EdgeAssociation, ListedDistribution, LiveDistribution,
    LiveSettings, OriginAccess, Replaced, drifted, route_lines, tags,
};
pub use draft::{DistributionDraft, DistributionSpec, ViewerCertificate};
pub use filter::{DistributionFilter, DistributionSort, FilterRequest};
pub use invalidation::{InvalidationRequest, MAX_INVALIDATION_PATHS, MAX_WILDCARD_PATHS};
pub use record::{CloudFrontRef, DeployStatus, DistributionRecord, DistributionStatus, TemplateRef};
pub use request::DistributionRequest;
pub(crate) use request::parse_hostnames;
pub(crate) use routing::parse_origins;
pub use routing::{
    Behavior, BehaviorRequest, CachePolicyRef, OriginGroup, OriginGroupRequest, OriginRequestPolicy,
    OriginRequestPolicyRef, Target,
};
pub use settings::{
    AllowedMethods, CachePolicy, ERROR_CODES, ErrorPage, ErrorResponse, ErrorResponseRequest, HttpVersion, Logging,
    LoggingRequest, PriceClass, TlsVersion, ViewerProtocolPolicy,
};

#[cfg(test)]
mod tests;
