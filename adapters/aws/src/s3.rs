//! S3 behind the buckets port: one client per region, buckets tagged for their origin in the
//! CreateBucket call itself.

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CorsConfiguration, CorsRule as S3CorsRule, CreateBucketConfiguration, Delete,
    ErrorDocument, IndexDocument, ObjectIdentifier, PublicAccessBlockConfiguration, Tag, WebsiteConfiguration,
};
use cfm_domain::origin::{CorsRule, Website};
use cfm_domain::values::{OriginId, Region};
use cfm_ports::PortResult;
use cfm_ports::buckets::{BucketCreation, BucketDeletion, BucketOwner, BucketRef, Buckets, Emptying, ORIGIN_TAG};

use crate::classify::{aws, build_error, classify, error_code};
use crate::config::{AwsContext, GLOBAL_REGION};

/// Keys named when objects cannot be deleted.
const KEYS_NAMED: usize = 5;

/// S3, in every region origins use.
#[derive(Debug)]
pub struct S3Buckets {
    aws: AwsContext,
    clients: Mutex<HashMap<String, aws_sdk_s3::Client>>,
}

impl S3Buckets {
    /// S3 over the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { aws: aws.clone(), clients: Mutex::default() }
    }

    fn client(&self, region: &Region) -> aws_sdk_s3::Client {
        let mut clients = self.clients.lock().expect("client cache");
        clients.entry(region.as_str().to_owned()).or_insert_with(|| self.aws.s3(region.as_str())).clone()
    }
}

#[async_trait]
impl Buckets for S3Buckets {
    async fn owner(&self, bucket: &BucketRef) -> PortResult<BucketOwner> {
        let client = self.client(&bucket.region);
        if let Err(err) = client.head_bucket().bucket(bucket.name.as_str()).send().await {
            return match err.raw_response().map(|r| r.status().as_u16()) {
                Some(404) => Ok(BucketOwner::Missing),
                Some(403) => Ok(BucketOwner::Foreign),
                _ => Err(classify("HeadBucket", err)),
            };
        }
        match client.get_bucket_tagging().bucket(bucket.name.as_str()).send().await {
            Ok(tags) => Ok(tags
                .tag_set()
                .iter()
                .find(|t| t.key() == ORIGIN_TAG)
                .map_or(BucketOwner::Foreign, |t| BucketOwner::Origin(t.value().to_owned()))),
            Err(err) if error_code(&err) == Some("NoSuchTagSet") => Ok(BucketOwner::Foreign),
            Err(err) => Err(classify("GetBucketTagging", err)),
        }
    }

    async fn create(&self, bucket: &BucketRef, origin: &OriginId) -> PortResult<BucketCreation> {
        let tag = Tag::builder().key(ORIGIN_TAG).value(origin.as_str()).build().map_err(build_error)?;
        let mut config = CreateBucketConfiguration::builder().tags(tag);
        if bucket.region.as_str() != GLOBAL_REGION {
            config = config.location_constraint(BucketLocationConstraint::from(bucket.region.as_str()));
        }
        let request = self.client(&bucket.region).create_bucket().bucket(bucket.name.as_str());
        match request.create_bucket_configuration(config.build()).send().await {
            Ok(_) => Ok(BucketCreation::Exists),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_bucket_already_owned_by_you()) => {
                Ok(BucketCreation::Exists)
            }
            Err(err) if err.as_service_error().is_some_and(|e| e.is_bucket_already_exists()) => {
                Ok(BucketCreation::TakenElsewhere)
            }
            Err(err) => Err(classify("CreateBucket", err)),
        }
    }

    async fn block_public_access(&self, bucket: &BucketRef) -> PortResult<()> {
        let config = PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        self.client(&bucket.region)
            .put_public_access_block()
            .bucket(bucket.name.as_str())
            .public_access_block_configuration(config)
            .send()
            .await
            .map_err(aws("PutPublicAccessBlock"))?;
        Ok(())
    }

    async fn set_cors(&self, bucket: &BucketRef, rules: Option<&[CorsRule]>) -> PortResult<()> {
        let client = self.client(&bucket.region);
        let Some(rules) = rules else {
            return match client.delete_bucket_cors().bucket(bucket.name.as_str()).send().await {
                Ok(_) => Ok(()),
                Err(err) if error_code(&err) == Some("NoSuchCORSConfiguration") => Ok(()),
                Err(err) => Err(classify("DeleteBucketCors", err)),
            };
        };
        let mut config = CorsConfiguration::builder();
        for rule in rules {
            config = config.cors_rules(
                S3CorsRule::builder()
                    .set_allowed_origins(Some(rule.allowed_origins.clone()))
                    .set_allowed_methods(Some(rule.allowed_methods.iter().map(|m| m.as_str().to_owned()).collect()))
                    .set_allowed_headers(Some(rule.allowed_headers.clone()).filter(|h| !h.is_empty()))
                    .set_expose_headers(Some(rule.expose_headers.clone()).filter(|h| !h.is_empty()))
                    .set_max_age_seconds(rule.max_age_seconds)
                    .build()
                    .map_err(build_error)?,
            );
        }
        client
            .put_bucket_cors()
            .bucket(bucket.name.as_str())
            .cors_configuration(config.build().map_err(build_error)?)
            .send()
            .await
            .map_err(aws("PutBucketCors"))?;
        Ok(())
    }

    async fn set_website(&self, bucket: &BucketRef, website: Option<&Website>) -> PortResult<()> {
        let client = self.client(&bucket.region);
        let Some(website) = website else {
            client
                .delete_bucket_website()
                .bucket(bucket.name.as_str())
                .send()
                .await
                .map_err(aws("DeleteBucketWebsite"))?;
            return Ok(());
        };
        let index = IndexDocument::builder().suffix(&website.index_document).build().map_err(build_error)?;
        let mut config = WebsiteConfiguration::builder().index_document(index);
        if let Some(key) = &website.error_document {
            config = config.error_document(ErrorDocument::builder().key(key).build().map_err(build_error)?);
        }
        client
            .put_bucket_website()
            .bucket(bucket.name.as_str())
            .website_configuration(config.build())
            .send()
            .await
            .map_err(aws("PutBucketWebsite"))?;
        Ok(())
    }

    async fn empty(&self, bucket: &BucketRef) -> PortResult<Emptying> {
        let client = self.client(&bucket.region);
        let mut deleted = 0;
        loop {
            let page = client
                .list_object_versions()
                .bucket(bucket.name.as_str())
                .send()
                .await
                .map_err(aws("ListObjectVersions"))?;
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page.delete_markers().iter().map(|m| (m.key(), m.version_id()));
            let mut ids = Vec::new();
            for (key, version) in versions.chain(markers) {
                let Some(key) = key else { continue };
                let id = ObjectIdentifier::builder().key(key).set_version_id(version.map(str::to_owned));
                ids.push(id.build().map_err(build_error)?);
            }
            if ids.is_empty() {
                return Ok(Emptying::Emptied(deleted));
            }
            let count = ids.len();
            let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(build_error)?;
            let out = client
                .delete_objects()
                .bucket(bucket.name.as_str())
                .delete(delete)
                .send()
                .await
                .map_err(aws("DeleteObjects"))?;
            // A quiet delete reports only the keys it could not delete (object lock, legal
            // hold, permissions). Listing again would find them again: stop with their names.
            if !out.errors().is_empty() {
                let examples = out
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
                return Ok(Emptying::Stuck { count: out.errors().len(), examples });
            }
            deleted += count;
        }
    }

    async fn delete(&self, bucket: &BucketRef) -> PortResult<BucketDeletion> {
        match self.client(&bucket.region).delete_bucket().bucket(bucket.name.as_str()).send().await {
            Ok(_) => Ok(BucketDeletion::Deleted),
            Err(err) if error_code(&err) == Some("NoSuchBucket") => Ok(BucketDeletion::Deleted),
            Err(err) if error_code(&err) == Some("BucketNotEmpty") => Ok(BucketDeletion::NotEmpty),
            Err(err) => Err(classify("DeleteBucket", err)),
        }
    }

    async fn policy(&self, bucket: &BucketRef) -> PortResult<Option<String>> {
        match self.client(&bucket.region).get_bucket_policy().bucket(bucket.name.as_str()).send().await {
            Ok(out) => Ok(out.policy().map(str::to_owned)),
            Err(err) if error_code(&err) == Some("NoSuchBucketPolicy") => Ok(None),
            Err(err) => Err(classify("GetBucketPolicy", err)),
        }
    }

    async fn set_policy(&self, bucket: &BucketRef, policy: Option<&str>) -> PortResult<()> {
        let client = self.client(&bucket.region);
        match policy {
            Some(policy) => {
                let request = client.put_bucket_policy().bucket(bucket.name.as_str()).policy(policy);
                request.send().await.map_err(aws("PutBucketPolicy"))?;
            }
            None => {
                client
                    .delete_bucket_policy()
                    .bucket(bucket.name.as_str())
                    .send()
                    .await
                    .map_err(aws("DeleteBucketPolicy"))?;
            }
        }
        Ok(())
    }
}
