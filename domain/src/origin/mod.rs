//! S3 origins: the requests, their parsed specs, CORS and website settings, and the record.

mod cors;
mod record;
mod spec;

pub use cors::{CorsMethod, CorsRule, CorsRuleRequest, Website, WebsiteRequest};
pub use record::{OriginRecord, OriginStatus, OriginTarget};
pub use spec::{OriginPatch, OriginPatchRequest, OriginRequest, OriginSpec};
