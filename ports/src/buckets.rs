//! The S3 buckets behind origins.

use async_trait::async_trait;
use cfm_domain::origin::{CorsRule, OriginRecord, S3Bucket, Website};
use cfm_domain::values::{BucketName, OriginId, Region};

use crate::error::PortResult;

/// The tag that marks a bucket as made by cfm for one origin.
pub const ORIGIN_TAG: &str = "cfm:origin-id";

/// A bucket in its region.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BucketRef {
    /// Its name.
    pub name: BucketName,
    /// Its region.
    pub region: Region,
}

impl BucketRef {
    /// `name` in `region`.
    pub fn new(name: &BucketName, region: &Region) -> Self {
        Self { name: name.clone(), region: region.clone() }
    }

    /// The bucket of an S3 origin.
    pub fn of(bucket: &S3Bucket) -> Self {
        Self::new(&bucket.bucket_name, &bucket.region)
    }

    /// The bucket behind a stored origin; a custom origin has none.
    pub fn of_origin(origin: &OriginRecord) -> Option<Self> {
        origin.kind.bucket().map(Self::of)
    }
}

/// Who a bucket name belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketOwner {
    /// No such bucket.
    Missing,
    /// Made by cfm for this origin (its `cfm:origin-id` tag).
    Origin(String),
    /// Exists, but cfm did not make it (or it is another account's).
    Foreign,
}

impl BucketOwner {
    /// Whether it is `origin`'s.
    pub fn is(&self, origin: &OriginId) -> bool {
        matches!(self, Self::Origin(id) if id == origin.as_str())
    }
}

/// What came of creating a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketCreation {
    /// It exists now (made by this call, or by this account before: check its owner).
    Exists,
    /// The name belongs to another AWS account.
    TakenElsewhere,
}

/// What came of emptying a bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Emptying {
    /// Every object version and delete marker is gone; this many were deleted.
    Emptied(usize),
    /// Some objects cannot be deleted (object lock, legal hold, permissions).
    Stuck {
        /// How many.
        count: usize,
        /// A few of them, as `key (code: message)`.
        examples: Vec<String>,
    },
}

/// What came of deleting a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketDeletion {
    /// It is gone (or never was).
    Deleted,
    /// It still holds objects.
    NotEmpty,
}

/// S3.
#[async_trait]
pub trait Buckets: Send + Sync {
    /// Whether the bucket exists and who made it.
    async fn owner(&self, bucket: &BucketRef) -> PortResult<BucketOwner>;
    /// Creates the bucket tagged for `origin` in the same call.
    async fn create(&self, bucket: &BucketRef, origin: &OriginId) -> PortResult<BucketCreation>;
    /// Blocks every kind of public access: CloudFront reads through the OAC.
    async fn block_public_access(&self, bucket: &BucketRef) -> PortResult<()>;
    /// Sets the CORS rules, or removes them.
    async fn set_cors(&self, bucket: &BucketRef, rules: Option<&[CorsRule]>) -> PortResult<()>;
    /// Sets the website documents, or turns website hosting off.
    async fn set_website(&self, bucket: &BucketRef, website: Option<&Website>) -> PortResult<()>;
    /// Deletes every object version and delete marker.
    async fn empty(&self, bucket: &BucketRef) -> PortResult<Emptying>;
    /// Deletes the bucket.
    async fn delete(&self, bucket: &BucketRef) -> PortResult<BucketDeletion>;
    /// The bucket policy, if there is one.
    async fn policy(&self, bucket: &BucketRef) -> PortResult<Option<String>>;
    /// Replaces the bucket policy, or deletes it when `None`.
    async fn set_policy(&self, bucket: &BucketRef, policy: Option<&str>) -> PortResult<()>;
}
