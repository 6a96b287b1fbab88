//! Origins: S3 buckets cfm creates (with their OAC, CORS and website settings) and custom
//! origins anywhere else; the request, the parsed specs and changes, and the record.

mod cors;
mod custom;
mod record;
mod spec;

pub use cors::{CorsMethod, CorsRule, CorsRuleRequest, Website, WebsiteRequest};
pub use custom::{CustomHeaders, CustomOrigin, CustomPatch, OriginProtocolPolicy, OriginTlsVersion, Secret};
pub use record::{OriginRecord, OriginStatus};
pub use spec::{OriginKind, OriginPatch, OriginRequest, OriginSpec, OriginType, S3Bucket};
