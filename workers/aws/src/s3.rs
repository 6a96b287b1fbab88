//! The S3 bucket behind an origin.

use aws_sdk_s3::types::{
    BucketLocationConstraint, CorsConfiguration, CorsRule as S3CorsRule, CreateBucketConfiguration, Delete,
    ErrorDocument, IndexDocument, ObjectIdentifier, PublicAccessBlockConfiguration, Tag, WebsiteConfiguration,
};
use cfm_events::ErrorName;
use cfm_events::origin::{CorsRule, Website};

use crate::classify::{TaskError, aws, error_code};
use crate::config::{AwsContext, GLOBAL_REGION};

/// The tag that marks a bucket as made by cfm for one origin. Compensation deletes only buckets
/// carrying its own origin id.
pub const ORIGIN_TAG: &str = "cfm:origin-id";

/// Who a bucket name belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketOwner {
    /// No such bucket.
    Missing,
    /// Made by cfm for this origin id.
    Origin(String),
    /// Exists, but cfm did not make it (or it is someone else's).
    Foreign,
}

/// An origin's bucket in its region.
#[derive(Debug, Clone)]
pub struct OriginBucket {
    client: aws_sdk_s3::Client,
    name: String,
    region: String,
}

fn not_owned(bucket: &str, origin_id: &str) -> TaskError {
    TaskError::new(
        ErrorName::NotOwned,
        format!(
            "bucket '{bucket}' is not tagged {ORIGIN_TAG}={origin_id}; cfm only changes or deletes buckets it made for this origin"
        ),
    )
}

/// Keys named in a failure message about objects that could not be deleted.
const KEYS_NAMED: usize = 5;

fn build_err(e: aws_smithy_types::error::operation::BuildError) -> TaskError {
    TaskError::new(ErrorName::Internal, e.to_string())
}

impl OriginBucket {
    /// The bucket `name` in `region`.
    pub fn new(aws: &AwsContext, name: &str, region: &str) -> Self {
        Self { client: aws.s3(region), name: name.to_owned(), region: region.to_owned() }
    }

    /// The bucket name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bucket's REST domain, as CloudFront uses it for an OAC origin.
    pub fn regional_domain(&self) -> String {
        format!("{}.s3.{}.amazonaws.com", self.name, self.region)
    }

    /// Whether the bucket exists and who made it.
    pub async fn owner(&self) -> Result<BucketOwner, TaskError> {
        match self.client.head_bucket().bucket(&self.name).send().await {
            Ok(_) => {}
            Err(err) => {
                let status = err.raw_response().map(|r| r.status().as_u16());
                return match status {
                    Some(404) => Ok(BucketOwner::Missing),
                    Some(403) => Ok(BucketOwner::Foreign),
                    _ => Err(crate::classify::classify("HeadBucket", err)),
                };
            }
        }
        match self.client.get_bucket_tagging().bucket(&self.name).send().await {
            Ok(tags) => Ok(tags
                .tag_set()
                .iter()
                .find(|t| t.key() == ORIGIN_TAG)
                .map_or(BucketOwner::Foreign, |t| BucketOwner::Origin(t.value().to_owned()))),
            Err(err) if error_code(&err) == Some("NoSuchTagSet") => Ok(BucketOwner::Foreign),
            Err(err) => Err(crate::classify::classify("GetBucketTagging", err)),
        }
    }

    /// Creates the bucket in its region, tagged for `origin_id` in the same call (so the tag
    /// never lags the bucket). Creating it again for the same origin is fine; a bucket that
    /// already exists without this origin's tag is never adopted, even one this account owns
    /// (us-east-1 answers 200 to re-creating your own bucket, so the tag is what decides).
    pub async fn create(&self, origin_id: &str) -> Result<(), TaskError> {
        let tag = Tag::builder().key(ORIGIN_TAG).value(origin_id).build().map_err(build_err)?;
        let mut config = CreateBucketConfiguration::builder().tags(tag);
        if self.region != GLOBAL_REGION {
            config = config.location_constraint(BucketLocationConstraint::from(self.region.as_str()));
        }
        match self.client.create_bucket().bucket(&self.name).create_bucket_configuration(config.build()).send().await {
            Ok(_) => {}
            Err(err) if err.as_service_error().is_some_and(|e| e.is_bucket_already_owned_by_you()) => {}
            Err(err) if err.as_service_error().is_some_and(|e| e.is_bucket_already_exists()) => {
                return Err(TaskError::new(
                    ErrorName::BucketAlreadyExists,
                    format!("bucket '{}' belongs to another AWS account", self.name),
                ));
            }
            Err(err) => return Err(crate::classify::classify("CreateBucket", err)),
        }
        match self.owner().await? {
            BucketOwner::Origin(owner) if owner == origin_id => Ok(()),
            _ => Err(not_owned(&self.name, origin_id)),
        }
    }

    /// Fails unless the bucket carries `origin_id`'s tag: cfm changes and deletes only what it
    /// made for that origin. A missing bucket is fine (there is nothing to touch).
    pub async fn require_owner(&self, origin_id: &str) -> Result<bool, TaskError> {
        match self.owner().await? {
            BucketOwner::Missing => Ok(false),
            BucketOwner::Origin(owner) if owner == origin_id => Ok(true),
            _ => Err(not_owned(&self.name, origin_id)),
        }
    }

    /// Blocks every kind of public access: CloudFront reads through the OAC.
    pub async fn block_public_access(&self) -> Result<(), TaskError> {
        let config = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.client
            .put_public_access_block()
            .bucket(&self.name)
            .public_access_block_configuration(config)
            .send()
            .await
            .map_err(aws("PutPublicAccessBlock"))?;
        Ok(())
    }

    /// Sets the CORS rules, or removes them.
    pub async fn set_cors(&self, rules: Option<&[CorsRule]>) -> Result<(), TaskError> {
        let Some(rules) = rules else {
            return match self.client.delete_bucket_cors().bucket(&self.name).send().await {
                Ok(_) => Ok(()),
                Err(err) if error_code(&err) == Some("NoSuchCORSConfiguration") => Ok(()),
                Err(err) => Err(crate::classify::classify("DeleteBucketCors", err)),
            };
        };
        let mut config = CorsConfiguration::builder();
        for rule in rules {
            config = config.cors_rules(
                S3CorsRule::builder()
                    .set_allowed_origins(Some(rule.allowed_origins.clone()))
                    .set_allowed_methods(Some(rule.allowed_methods.clone()))
                    .set_allowed_headers(Some(rule.allowed_headers.clone()).filter(|h| !h.is_empty()))
                    .set_expose_headers(Some(rule.expose_headers.clone()).filter(|h| !h.is_empty()))
                    .set_max_age_seconds(rule.max_age_seconds)
                    .build()
                    .map_err(build_err)?,
            );
        }
        self.client
            .put_bucket_cors()
            .bucket(&self.name)
            .cors_configuration(config.build().map_err(build_err)?)
            .send()
            .await
            .map_err(aws("PutBucketCors"))?;
        Ok(())
    }

    /// Sets the website documents, or turns website hosting off. The bucket policy is never
    /// touched: public access stays blocked and CloudFront serves the content.
    pub async fn set_website(&self, website: Option<&Website>) -> Result<(), TaskError> {
        let Some(website) = website else {
            self.client.delete_bucket_website().bucket(&self.name).send().await.map_err(aws("DeleteBucketWebsite"))?;
            return Ok(());
        };
        let mut config = WebsiteConfiguration::builder()
            .index_document(IndexDocument::builder().suffix(&website.index_document).build().map_err(build_err)?);
        if let Some(key) = &website.error_document {
            config = config.error_document(ErrorDocument::builder().key(key).build().map_err(build_err)?);
        }
        self.client
            .put_bucket_website()
            .bucket(&self.name)
            .website_configuration(config.build())
            .send()
            .await
            .map_err(aws("PutBucketWebsite"))?;
        Ok(())
    }

    /// Deletes every object version and delete marker. Returns how many were deleted.
    pub async fn empty(&self) -> Result<usize, TaskError> {
        let mut deleted = 0;
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(&self.name)
                .send()
                .await
                .map_err(aws("ListObjectVersions"))?;
            let mut ids = Vec::new();
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page.delete_markers().iter().map(|m| (m.key(), m.version_id()));
            for (key, version) in versions.chain(markers) {
                let Some(key) = key else { continue };
                ids.push(
                    ObjectIdentifier::builder()
                        .key(key)
                        .set_version_id(version.map(str::to_owned))
                        .build()
                        .map_err(build_err)?,
                );
            }
            if ids.is_empty() {
                return Ok(deleted);
            }
            let count = ids.len();
            let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(build_err)?;
            let out = self
                .client
                .delete_objects()
                .bucket(&self.name)
                .delete(delete)
                .send()
                .await
                .map_err(aws("DeleteObjects"))?;
            // A quiet delete reports only the keys it could not delete (object lock, legal
            // hold, permissions). Listing again would find them again: stop with their names.
            if !out.errors().is_empty() {
                let named: Vec<String> = out
                    .errors()
                    .iter()
                    .take(KEYS_NAMED)
                    .map(|e| {
                        format!(
                            "{} ({}: {})",
                            e.key().unwrap_or("?"),
                            e.code().unwrap_or("?"),
                            e.message().unwrap_or_default()
                        )
                    })
                    .collect();
                return Err(TaskError::new(
                    ErrorName::BucketNotEmpty,
                    format!(
                        "bucket '{}': {} objects could not be deleted, e.g. {}; remove the lock or hold and delete again",
                        self.name,
                        out.errors().len(),
                        named.join(", ")
                    ),
                ));
            }
            deleted += count;
        }
    }

    /// Deletes the bucket; a missing bucket counts as deleted.
    pub async fn delete(&self) -> Result<(), TaskError> {
        match self.client.delete_bucket().bucket(&self.name).send().await {
            Ok(_) => Ok(()),
            Err(err) if error_code(&err) == Some("NoSuchBucket") => Ok(()),
            Err(err) if error_code(&err) == Some("BucketNotEmpty") => Err(TaskError::new(
                ErrorName::BucketNotEmpty,
                format!(
                    "bucket '{}' is not empty; delete again with emptyBucket=true to remove its objects",
                    self.name
                ),
            )),
            Err(err) => Err(crate::classify::classify("DeleteBucket", err)),
        }
    }

    /// The bucket policy, if there is one.
    pub async fn policy(&self) -> Result<Option<String>, TaskError> {
        match self.client.get_bucket_policy().bucket(&self.name).send().await {
            Ok(out) => Ok(out.policy().map(str::to_owned)),
            Err(err) if error_code(&err) == Some("NoSuchBucketPolicy") => Ok(None),
            Err(err) => Err(crate::classify::classify("GetBucketPolicy", err)),
        }
    }

    /// Replaces the bucket policy, or deletes it when `None`.
    pub async fn set_policy(&self, policy: Option<&str>) -> Result<(), TaskError> {
        match policy {
            Some(policy) => {
                self.client
                    .put_bucket_policy()
                    .bucket(&self.name)
                    .policy(policy)
                    .send()
                    .await
                    .map_err(aws("PutBucketPolicy"))?;
            }
            None => {
                self.client
                    .delete_bucket_policy()
                    .bucket(&self.name)
                    .send()
                    .await
                    .map_err(aws("DeleteBucketPolicy"))?;
            }
        }
        Ok(())
    }
}
