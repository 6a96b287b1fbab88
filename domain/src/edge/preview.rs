//! `POST /edge-functions/preview`: a routing and the origins it may name, parsed up front; and
//! how the edge reaches each origin, from its record.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::code::EdgeOrigin;
use super::routing::{Routing, RoutingMode, RoutingRequest};
use crate::distribution::parse_origins;
use crate::origin::{OriginKind, OriginRecord};
use crate::problems::Problems;
use crate::values::OriginId;

/// A preview as a user asks for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PreviewRequest {
    /// The routing, as on a distribution.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routing: Option<RoutingRequest>,
    /// The distribution's origins, which the routing may name.
    #[serde(default)]
    pub origins: Vec<String>,
}

/// A preview that holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The origins.
    pub origins: Vec<OriginId>,
    /// The routing among them.
    pub routing: Routing,
}

impl PreviewRequest {
    /// The preview, or every problem with its field.
    pub fn parse(&self) -> Result<Preview, Problems> {
        let mut p = Problems::new();
        let origins = parse_origins(&mut p, &self.origins);
        let routing = match &self.routing {
            Some(routing) => routing.parse("routing", &mut p).inspect(|r| r.check("routing", &origins, &mut p)),
            None => {
                p.add("routing", "is required");
                None
            }
        };
        match routing {
            Some(routing) => p.into_result(Preview { origins, routing }),
            None => Err(p),
        }
    }
}

impl EdgeOrigin {
    /// How the edge reaches `origin` in `mode`; Lambda@Edge can switch only between buckets.
    pub fn of(origin: &OriginRecord, mode: RoutingMode) -> Result<Self, String> {
        match (&origin.kind, mode) {
            (OriginKind::S3(bucket), _) => Ok(Self {
                id: origin.id.clone(),
                domain_name: bucket.regional_domain(),
                region: Some(bucket.region.as_str().to_owned()),
                index_document: bucket.website.as_ref().map(|w| w.index_document.clone()),
            }),
            (OriginKind::Custom(custom), RoutingMode::CloudFrontFunction) => Ok(Self {
                id: origin.id.clone(),
                domain_name: custom.domain_name.as_str().to_owned(),
                region: None,
                index_document: None,
            }),
            (OriginKind::Custom(_), RoutingMode::LambdaEdge) => Err(format!(
                "origin {} is a custom origin: lambda-edge routes between S3 origins only (use cloudfront-function)",
                origin.id
            )),
        }
    }
}
