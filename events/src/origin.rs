//! S3 origins: the request shapes that travel from the API through executions to workers, and the
//! events the origin workflows publish. Validation lives in `cfm-core`.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::envelope::EventDetail;

/// What a user asks for when creating an origin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct OriginSpec {
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// The S3 bucket to create.
    #[serde(default)]
    pub bucket_name: String,
    /// The AWS region for the bucket.
    #[serde(default)]
    pub region: String,
    /// CORS rules for the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Vec<CorsRule>>,
    /// Static-website documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Website>,
}

/// One S3 CORS rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct CorsRule {
    /// Origins allowed to make cross-origin requests (`*` or scheme://host[:port]).
    pub allowed_origins: Vec<String>,
    /// HTTP methods: GET, PUT, POST, DELETE, HEAD.
    pub allowed_methods: Vec<String>,
    /// Request headers allowed in a preflight.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_headers: Vec<String>,
    /// Response headers exposed to the browser.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    /// Preflight cache time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<i32>,
}

/// S3 static-website documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct Website {
    /// Suffix served for directory requests, e.g. `index.html`.
    pub index_document: String,
    /// Key served on errors, e.g. `error.html`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_document: Option<String>,
}

/// A partial change to an origin. For `cors` and `website`, an absent field keeps the current
/// value and `null` removes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[serde(deny_unknown_fields)]
pub struct OriginPatch {
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New CORS rules, or `null` to remove them.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cors: Option<Option<Vec<CorsRule>>>,
    /// New website documents, or `null` to turn website hosting off.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub website: Option<Option<Website>>,
}

impl OriginPatch {
    /// The fields this patch changes, for events and history.
    pub fn changed_fields(&self) -> Vec<String> {
        [("name", self.name.is_some()), ("cors", self.cors.is_some()), ("website", self.website.is_some())]
            .into_iter()
            .filter(|(_, changed)| *changed)
            .map(|(field, _)| field.to_owned())
            .collect()
    }
}

/// Keeps "present but null" apart from "absent": a present field becomes `Some(..)`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Option::<String>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Who asked and how to correlate what follows. Part of every execution input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RequestContext {
    /// The authenticated caller.
    pub actor: String,
    /// Ties the request's events together.
    pub correlation_id: String,
}

/// Input of the `create-origin` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOriginInput {
    /// The origin id the API assigned.
    pub origin_id: String,
    /// What to create.
    pub spec: OriginSpec,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of the `update-origin` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOriginInput {
    /// The origin to change.
    pub origin_id: String,
    /// What to change.
    pub patch: OriginPatch,
    /// Who asked.
    pub request: RequestContext,
}

/// Input of the `delete-origin` execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteOriginInput {
    /// The origin to delete.
    pub origin_id: String,
    /// Delete the bucket's objects first; otherwise a non-empty bucket fails the workflow.
    #[serde(default)]
    pub empty_bucket: bool,
    /// Who asked.
    pub request: RequestContext,
}

/// The `{Error, Cause}` a `Catch` puts at `$.failure`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaughtFailure {
    /// The error name.
    #[serde(rename = "Error")]
    pub error: String,
    /// The cause text (absent or `null` when the task gave none).
    #[serde(rename = "Cause", default, deserialize_with = "null_as_empty")]
    pub cause: String,
}

macro_rules! origin_event {
    ($ty:ident, $detail_type:literal) => {
        impl EventDetail for $ty {
            const DETAIL_TYPE: &'static str = $detail_type;
            const RESOURCE_TYPE: &'static str = "origin";
            fn resource_id(&self) -> &str {
                &self.origin_id
            }
        }
    };
}

/// An origin's bucket and OAC exist and it is ready for distributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginCreated {
    /// The origin id.
    pub origin_id: String,
    /// Display name.
    pub name: String,
    /// The bucket.
    pub bucket_name: String,
    /// The bucket's region.
    pub region: String,
    /// The CloudFront Origin Access Control id.
    pub oac_id: String,
}
origin_event!(OriginCreated, "OriginCreated");

/// Creating an origin failed; everything it had made was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginCreateFailed {
    /// The origin id.
    pub origin_id: String,
    /// The bucket it tried to create.
    pub bucket_name: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
origin_event!(OriginCreateFailed, "OriginCreateFailed");

/// An origin's settings changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginUpdated {
    /// The origin id.
    pub origin_id: String,
    /// The fields that changed: `name`, `cors`, `website`.
    pub changed: Vec<String>,
}
origin_event!(OriginUpdated, "OriginUpdated");

/// Updating an origin failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginUpdateFailed {
    /// The origin id.
    pub origin_id: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
origin_event!(OriginUpdateFailed, "OriginUpdateFailed");

/// An origin, its bucket and its OAC are gone. Its history stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginDeleted {
    /// The origin id.
    pub origin_id: String,
    /// The deleted bucket.
    pub bucket_name: String,
    /// Whether objects were deleted first.
    pub bucket_emptied: bool,
}
origin_event!(OriginDeleted, "OriginDeleted");

/// Deleting an origin failed; the origin is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginDeleteFailed {
    /// The origin id.
    pub origin_id: String,
    /// The error name.
    pub error: String,
    /// Why.
    pub cause: String,
}
origin_event!(OriginDeleteFailed, "OriginDeleteFailed");

/// The reconciler found an origin left busy by an execution that is no longer running
/// (aborted, timed out) and settled it from its bucket's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginRecovered {
    /// The origin id.
    pub origin_id: String,
    /// The execution that had left it busy.
    pub execution_arn: String,
    /// How that execution ended: `ABORTED`, `TIMED_OUT`, `FAILED`, `SUCCEEDED` or `MISSING`.
    pub execution_status: String,
    /// The status it was left in.
    pub previous: String,
    /// The status it was settled to.
    pub current: String,
}
origin_event!(OriginRecovered, "OriginRecovered");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_keeps_absent_apart_from_null() {
        let patch: OriginPatch = serde_json::from_str(r#"{"cors": null}"#).unwrap();
        assert_eq!(patch.cors, Some(None));
        assert_eq!(patch.website, None);
        assert_eq!(patch.changed_fields(), ["cors"]);
        let round: OriginPatch = serde_json::from_value(serde_json::to_value(&patch).unwrap()).unwrap();
        assert_eq!(round, patch);
    }
}
