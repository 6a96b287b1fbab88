//! What a user asks of an origin: the request shape, and the specs and changes it parses into.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use std::collections::BTreeMap;

use super::cors::{CorsRule, CorsRuleRequest, Website, WebsiteRequest, parse_cors, parse_website};
use super::custom::{CustomOrigin, CustomPatch, Secret};
use crate::problems::Problems;
use crate::values::{BucketName, Checked, DisplayName, Region};
use crate::vocabulary;
use crate::vocabulary::Vocabulary;

/// Keeps "present but null" apart from "absent": a present field becomes `Some(..)`.
pub(crate) fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

vocabulary!(
    /// What kind of server an origin is.
    OriginType {
        /// An S3 bucket cfm creates, read through its own Origin Access Control (the default).
        S3 => "s3",
        /// Any HTTP(S) server reached by DNS name.
        Custom => "custom",
    }
);

/// `POST /origins` and `PUT /origins/{id}`: every field optional. A create of an S3 origin needs
/// `name`, `bucketName` and `region`; of a custom origin, `name` and `domainName`. On a change,
/// absent keeps the current value and, for `cors` and `website`, `null` removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct OriginRequest {
    /// `s3` (default) or `custom`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub origin_type: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// S3: the bucket to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bucket_name: Option<String>,
    /// S3: the AWS region for the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// S3: CORS rules for the bucket (`null` removes them).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cors: Option<Option<Vec<CorsRuleRequest>>>,
    /// S3: static-website documents (`null` turns website hosting off).
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub website: Option<Option<WebsiteRequest>>,
    /// Custom: the origin's DNS name, e.g. `api.example.com` (not an IP address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
    /// Custom: a path put before every request, e.g. `/production`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin_path: Option<String>,
    /// Custom: HTTP port, 80, 443 or 1024-65535 (default 80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_port: Option<i64>,
    /// Custom: HTTPS port, 80, 443 or 1024-65535 (default 443).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub https_port: Option<i64>,
    /// Custom: `http-only`, `match-viewer` or `https-only` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_policy: Option<String>,
    /// Custom: `TLSv1`, `TLSv1.1` or `TLSv1.2` (default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_tls_version: Option<String>,
    /// Custom: 1-180 seconds (default 30; above 60 needs a CloudFront quota increase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_timeout_seconds: Option<i64>,
    /// Custom: 1-180 seconds (default 5; above 60 needs a CloudFront quota increase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_timeout_seconds: Option<i64>,
    /// Custom: up to 10 headers added to origin requests; their values are write-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<BTreeMap<String, Secret>>,
}

/// An S3 origin's bucket and its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct S3Bucket {
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

impl S3Bucket {
    /// The bucket's regional REST domain, as CloudFront uses it for an OAC origin.
    pub fn regional_domain(&self) -> String {
        format!("{}.s3.{}.amazonaws.com", self.bucket_name, self.region)
    }
}

/// What an origin is: a bucket cfm made, or a server somewhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum OriginKind {
    /// An S3 bucket with its own OAC.
    S3(S3Bucket),
    /// A custom origin.
    Custom(CustomOrigin),
}

impl OriginKind {
    /// The bucket, for an S3 origin.
    pub fn bucket(&self) -> Option<&S3Bucket> {
        match self {
            Self::S3(bucket) => Some(bucket),
            Self::Custom(_) => None,
        }
    }

    /// Its type.
    pub fn origin_type(&self) -> OriginType {
        match self {
            Self::S3(_) => OriginType::S3,
            Self::Custom(_) => OriginType::Custom,
        }
    }

    /// The same with secrets hidden, for workflow inputs, reads and events.
    pub fn redacted(&self) -> Self {
        match self {
            Self::S3(bucket) => Self::S3(bucket.clone()),
            Self::Custom(custom) => Self::Custom(custom.redacted()),
        }
    }
}

/// A new origin that holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginSpec {
    /// Display name.
    pub name: DisplayName,
    /// The bucket or server.
    #[serde(flatten)]
    pub kind: OriginKind,
}

impl OriginSpec {
    /// The same with secrets hidden, for the workflow input.
    pub fn redacted(&self) -> Self {
        Self { name: self.name.clone(), kind: self.kind.redacted() }
    }
}

/// A change to an origin that holds (at least one field). Which fields apply depends on the
/// origin's type, checked against the record with [`OriginPatch::check_for`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OriginPatch {
    /// New name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<DisplayName>,
    /// S3: new CORS rules, or `None` inside to remove them.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cors: Option<Option<Vec<CorsRule>>>,
    /// S3: new website documents, or `None` inside to turn website hosting off.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub website: Option<Option<Website>>,
    /// Custom: new connection settings.
    #[serde(default, skip_serializing_if = "CustomPatch::is_empty")]
    pub custom: CustomPatch,
}

impl OriginRequest {
    /// The origin's type, `s3` when not given.
    fn parse_type(&self, p: &mut Problems) -> Option<OriginType> {
        match &self.origin_type {
            None => Some(OriginType::S3),
            Some(text) => OriginType::parse_into(p, "type", text),
        }
    }

    /// Reports each field set that belongs to the other type of origin.
    fn check_fields_of(&self, p: &mut Problems, kind: OriginType) {
        let s3 = [
            ("bucketName", self.bucket_name.is_some()),
            ("region", self.region.is_some()),
            ("cors", self.cors.is_some()),
            ("website", self.website.is_some()),
        ];
        let (foreign, what) = match kind {
            OriginType::S3 => (self.custom_fields().to_vec(), "only for custom origins"),
            OriginType::Custom => (s3.to_vec(), "only for S3 origins"),
        };
        for (field, _) in foreign.into_iter().filter(|(_, set)| *set) {
            p.add(field, what);
        }
    }

    /// A new origin's spec, or every problem with its field.
    pub fn parse(&self) -> Result<OriginSpec, Problems> {
        let mut p = Problems::new();
        let kind = self.parse_type(&mut p);
        p.check(self.name.is_none(), "name", "is required");
        let name = self.name.as_ref().and_then(|n| DisplayName::parse_into(&mut p, "name", n));
        let kind = match kind {
            Some(OriginType::S3) => {
                self.check_fields_of(&mut p, OriginType::S3);
                self.parse_bucket(&mut p).map(OriginKind::S3)
            }
            Some(OriginType::Custom) => {
                self.check_fields_of(&mut p, OriginType::Custom);
                self.parse_custom(&mut p).map(OriginKind::Custom)
            }
            None => None,
        };
        match (name, kind) {
            (Some(name), Some(kind)) if p.is_empty() => Ok(OriginSpec { name, kind }),
            _ => Err(p),
        }
    }

    fn parse_bucket(&self, p: &mut Problems) -> Option<S3Bucket> {
        let required = "is required for an S3 origin";
        p.check(self.bucket_name.is_none(), "bucketName", required);
        p.check(self.region.is_none(), "region", format!("{required} (e.g. us-east-1, eu-west-1)"));
        let bucket = self.bucket_name.as_ref().and_then(|b| BucketName::parse_into(p, "bucketName", b));
        let region = self.region.as_ref().and_then(|r| Region::parse_into(p, "region", r));
        let cors = self.cors.clone().flatten().and_then(|rules| parse_cors(p, &rules));
        let website = self.website.clone().flatten().and_then(|w| parse_website(p, &w));
        Some(S3Bucket { bucket_name: bucket?, region: region?, cors, website })
    }

    /// A change, or every problem with its field; an empty change is a problem too, and so are
    /// the type, bucket and region, which never change.
    pub fn parse_patch(&self) -> Result<OriginPatch, Problems> {
        let mut p = Problems::new();
        p.check(self == &Self::default(), "body", "nothing to change: give name, cors, website or custom settings");
        for (field, set) in [
            ("type", self.origin_type.is_some()),
            ("bucketName", self.bucket_name.is_some()),
            ("region", self.region.is_some()),
        ] {
            p.check(set, field, "cannot change; create a new origin instead");
        }
        let name = self.name.as_ref().and_then(|n| DisplayName::parse_into(&mut p, "name", n));
        let cors = self.cors.as_ref().map(|c| c.as_ref().map(|rules| parse_cors(&mut p, rules).unwrap_or_default()));
        let website = self.website.as_ref().map(|w| w.as_ref().and_then(|w| parse_website(&mut p, w)));
        let custom = self.parse_custom_patch(&mut p);
        p.into_result(OriginPatch { name, cors, website, custom })
    }
}

impl OriginPatch {
    /// Reports the fields that do not apply to an origin of `kind`.
    pub fn check_for(&self, kind: OriginType) -> Result<(), Problems> {
        let mut p = Problems::new();
        match kind {
            OriginType::S3 => {
                for field in self.custom.set_fields() {
                    p.add(field, "only for custom origins");
                }
            }
            OriginType::Custom => {
                p.check(self.cors.is_some(), "cors", "only for S3 origins");
                p.check(self.website.is_some(), "website", "only for S3 origins");
            }
        }
        p.into_result(())
    }

    /// The same change with secrets hidden, for the workflow input.
    pub fn redacted(&self) -> Self {
        Self { custom: self.custom.redacted(), ..self.clone() }
    }

    /// The fields this patch changes, for events and history.
    pub fn changed_fields(&self) -> Vec<String> {
        let mut fields: Vec<String> =
            [("name", self.name.is_some()), ("cors", self.cors.is_some()), ("website", self.website.is_some())]
                .into_iter()
                .filter(|(_, changed)| *changed)
                .map(|(field, _)| field.to_owned())
                .collect();
        fields.extend(self.custom.set_fields());
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> OriginRequest {
        OriginRequest {
            name: Some("site".into()),
            bucket_name: Some("cfm-site-1".into()),
            region: Some("eu-west-1".into()),
            ..Default::default()
        }
    }

    fn fields(problems: Problems) -> Vec<String> {
        problems.list().iter().map(|p| p.field.clone()).collect()
    }

    #[test]
    fn a_valid_request_parses() {
        let spec = request().parse().unwrap();
        assert_eq!(spec.kind.bucket().unwrap().bucket_name.as_str(), "cfm-site-1");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let bad = OriginRequest {
            name: Some(" ".into()),
            bucket_name: Some("Bad_Name".into()),
            region: Some("mars-1".into()),
            cors: Some(Some(vec![CorsRuleRequest {
                allowed_origins: vec![],
                allowed_methods: vec!["PATCH".into()],
                allowed_headers: vec![],
                expose_headers: vec![],
                max_age_seconds: Some(-1),
            }])),
            website: Some(Some(WebsiteRequest { index_document: "a/index.html".into(), error_document: None })),
            ..Default::default()
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
    fn fields_of_the_other_type_are_refused() {
        let custom = OriginRequest {
            origin_type: Some("custom".into()),
            name: Some("api".into()),
            domain_name: Some("api.example.com".into()),
            bucket_name: Some("b-bucket".into()),
            ..Default::default()
        };
        assert_eq!(fields(custom.parse().unwrap_err()), ["bucketName"]);
        let s3 = OriginRequest { http_port: Some(8080), ..request() };
        assert_eq!(fields(s3.parse().unwrap_err()), ["httpPort"]);
        let spec = OriginRequest { bucket_name: None, ..custom }.parse().unwrap();
        assert_eq!(spec.kind.origin_type(), OriginType::Custom);
        assert_eq!(serde_json::to_value(&spec).unwrap()["type"], "custom");
    }

    #[test]
    fn patches_keep_absent_apart_from_null_and_refuse_empty() {
        let patch: OriginRequest = serde_json::from_str(r#"{"cors": null}"#).unwrap();
        let parsed = patch.parse_patch().unwrap();
        assert_eq!(parsed.cors, Some(None));
        assert_eq!(parsed.website, None);
        assert_eq!(parsed.changed_fields(), ["cors"]);
        let round: OriginPatch = serde_json::from_value(serde_json::to_value(&parsed).unwrap()).unwrap();
        assert_eq!(round, parsed);
        assert_eq!(fields(OriginRequest::default().parse_patch().unwrap_err()), ["body"]);
        assert!(parsed.check_for(OriginType::Custom).is_err(), "cors is only for S3 origins");
    }
}
