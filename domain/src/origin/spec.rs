//! What a user asks of an origin: the request shapes, and the specs they parse into.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::cors::{CorsRule, CorsRuleRequest, Website, WebsiteRequest, parse_cors, parse_website};
use crate::problems::Problems;
use crate::values::{BucketName, Checked, DisplayName, Region};

/// Keeps "present but null" apart from "absent": a present field becomes `Some(..)`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `POST /origins`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OriginRequest {
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
    pub cors: Option<Vec<CorsRuleRequest>>,
    /// Static-website documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<WebsiteRequest>,
}

/// `PUT /origins/{id}`: for `cors` and `website`, absent keeps the current value and `null`
/// removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OriginPatchRequest {
    /// New display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New CORS rules, or `null` to remove them.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cors: Option<Option<Vec<CorsRuleRequest>>>,
    /// New website documents, or `null` to turn website hosting off.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub website: Option<Option<WebsiteRequest>>,
}

/// A new origin that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginSpec {
    /// Display name.
    pub name: DisplayName,
    /// The bucket.
    pub bucket_name: BucketName,
    /// Its region.
    pub region: Region,
    /// CORS rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cors: Option<Vec<CorsRule>>,
    /// Website documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website: Option<Website>,
}

/// A change to an origin that holds (at least one field).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<DisplayName>,
    /// New CORS rules, or `None` inside to remove them.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cors: Option<Option<Vec<CorsRule>>>,
    /// New website documents, or `None` inside to turn website hosting off.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub website: Option<Option<Website>>,
}

impl OriginRequest {
    /// The spec, or every problem with its field.
    pub fn parse(&self) -> Result<OriginSpec, Problems> {
        let mut problems = Problems::new();
        let name = DisplayName::parse_into(&mut problems, "name", &self.name);
        let bucket = BucketName::parse_into(&mut problems, "bucketName", &self.bucket_name);
        let region = Region::parse_into(&mut problems, "region", &self.region);
        let cors = self.cors.as_ref().map(|rules| parse_cors(&mut problems, rules));
        let website = self.website.as_ref().map(|w| parse_website(&mut problems, w));
        match (name, bucket, region) {
            (Some(name), Some(bucket_name), Some(region)) if problems.is_empty() => {
                Ok(OriginSpec { name, bucket_name, region, cors: cors.flatten(), website: website.flatten() })
            }
            _ => Err(problems),
        }
    }
}

impl OriginPatchRequest {
    /// The patch, or every problem with its field; an empty patch is a problem too.
    pub fn parse(&self) -> Result<OriginPatch, Problems> {
        let mut problems = Problems::new();
        problems.check(
            self.name.is_none() && self.cors.is_none() && self.website.is_none(),
            "body",
            "nothing to change: give name, cors or website",
        );
        let name = self.name.as_ref().map(|n| DisplayName::parse_into(&mut problems, "name", n));
        let cors = self.cors.as_ref().map(|c| c.as_ref().map(|rules| parse_cors(&mut problems, rules)));
        let website = self.website.as_ref().map(|w| w.as_ref().map(|w| parse_website(&mut problems, w)));
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(OriginPatch {
            name: name.flatten(),
            cors: cors.map(|c| c.map(|rules| rules.unwrap_or_default())),
            website: website.map(|w| w.flatten()),
        })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> OriginRequest {
        OriginRequest {
            name: "site".into(),
            bucket_name: "cfm-site-1".into(),
            region: "eu-west-1".into(),
            ..Default::default()
        }
    }

    fn fields(problems: Problems) -> Vec<String> {
        problems.list().iter().map(|p| p.field.clone()).collect()
    }

    #[test]
    fn a_valid_request_parses() {
        let spec = request().parse().unwrap();
        assert_eq!(spec.bucket_name.as_str(), "cfm-site-1");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = OriginRequest {
            name: " ".into(),
            bucket_name: "Bad_Name".into(),
            region: "mars-1".into(),
            cors: Some(vec![CorsRuleRequest {
                allowed_origins: vec![],
                allowed_methods: vec!["PATCH".into()],
                allowed_headers: vec![],
                expose_headers: vec![],
                max_age_seconds: Some(-1),
            }]),
            website: Some(WebsiteRequest { index_document: "a/index.html".into(), error_document: None }),
        };
        let fields = fields(bad.parse().unwrap_err());
        for field in [
            "name",
            "bucketName",
            "region",
            "cors[0].allowedOrigins",
            "cors[0].allowedMethods",
            "cors[0].maxAgeSeconds",
            "website.indexDocument",
        ] {
            assert!(fields.iter().any(|f| f == field), "{field} not in {fields:?}");
        }
    }

    #[test]
    fn patches_keep_absent_apart_from_null_and_refuse_empty() {
        let patch: OriginPatchRequest = serde_json::from_str(r#"{"cors": null}"#).unwrap();
        let parsed = patch.parse().unwrap();
        assert_eq!(parsed.cors, Some(None));
        assert_eq!(parsed.website, None);
        assert_eq!(parsed.changed_fields(), ["cors"]);
        let round: OriginPatch = serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
        assert_eq!(round, parsed);
        assert_eq!(fields(OriginPatchRequest::default().parse().unwrap_err()), ["body"]);
    }
}
