//! S3 in memory: who tagged a bucket, its objects (some perhaps locked), its policy.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use cfm_domain::origin::{CorsRule, Website};
use cfm_domain::values::OriginId;

use super::{Faults, guard};
use crate::buckets::{BucketCreation, BucketDeletion, BucketOwner, BucketRef, Buckets, Emptying};
use crate::error::PortResult;

/// A bucket the fake S3 holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FakeBucket {
    /// Its `cfm:origin-id` tag.
    pub tag: Option<String>,
    /// Whether it belongs to another account.
    pub foreign_account: bool,
    /// How many objects it holds.
    pub objects: usize,
    /// How many of them cannot be deleted (object lock).
    pub locked: usize,
    /// Its policy.
    pub policy: Option<String>,
    /// Its CORS rules.
    pub cors: Option<Vec<CorsRule>>,
    /// Its website documents.
    pub website: Option<Website>,
    /// Whether public access is blocked.
    pub public_access_blocked: bool,
}

/// S3.
#[derive(Debug, Default)]
pub struct MemoryBuckets {
    buckets: Mutex<BTreeMap<String, FakeBucket>>,
    /// Failures to inject, by operation (`create`, `empty`, `delete`, `set_policy`, …).
    pub faults: Faults,
}

impl MemoryBuckets {
    /// The bucket called `name`.
    pub fn get(&self, name: &str) -> Option<FakeBucket> {
        guard(&self.buckets).get(name).cloned()
    }

    /// Puts a bucket there (made outside cfm, or arranged by a test).
    pub fn put(&self, name: &str, bucket: FakeBucket) {
        guard(&self.buckets).insert(name.to_owned(), bucket);
    }

    fn with<T>(&self, bucket: &BucketRef, f: impl FnOnce(&mut FakeBucket) -> T) -> PortResult<T> {
        guard(&self.buckets).get_mut(bucket.name.as_str()).map(f).ok_or_else(|| {
            crate::ServiceError::new(crate::ErrorKind::NotFound, format!("NoSuchBucket: {}", bucket.name))
        })
    }
}

#[async_trait]
impl Buckets for MemoryBuckets {
    async fn owner(&self, bucket: &BucketRef) -> PortResult<BucketOwner> {
        self.faults.check("owner")?;
        Ok(match guard(&self.buckets).get(bucket.name.as_str()) {
            None => BucketOwner::Missing,
            Some(b) if b.foreign_account => BucketOwner::Foreign,
            Some(b) => b.tag.clone().map_or(BucketOwner::Foreign, BucketOwner::Origin),
        })
    }

    async fn create(&self, bucket: &BucketRef, origin: &OriginId) -> PortResult<BucketCreation> {
        self.faults.check("create")?;
        let mut buckets = guard(&self.buckets);
        match buckets.get(bucket.name.as_str()) {
            Some(b) if b.foreign_account => Ok(BucketCreation::TakenElsewhere),
            Some(_) => Ok(BucketCreation::Exists),
            None => {
                let made = FakeBucket { tag: Some(origin.as_str().to_owned()), ..Default::default() };
                buckets.insert(bucket.name.as_str().to_owned(), made);
                Ok(BucketCreation::Exists)
            }
        }
    }

    async fn block_public_access(&self, bucket: &BucketRef) -> PortResult<()> {
        self.faults.check("block_public_access")?;
        self.with(bucket, |b| b.public_access_blocked = true)
    }

    async fn set_cors(&self, bucket: &BucketRef, rules: Option<&[CorsRule]>) -> PortResult<()> {
        self.faults.check("set_cors")?;
        self.with(bucket, |b| b.cors = rules.map(<[CorsRule]>::to_vec))
    }

    async fn set_website(&self, bucket: &BucketRef, website: Option<&Website>) -> PortResult<()> {
        self.faults.check("set_website")?;
        self.with(bucket, |b| b.website = website.cloned())
    }

    async fn empty(&self, bucket: &BucketRef) -> PortResult<Emptying> {
        self.faults.check("empty")?;
        self.with(bucket, |b| {
            if b.locked > 0 {
                return Emptying::Stuck {
                    count: b.locked,
                    examples: vec!["locked.txt (AccessDenied: object lock)".into()],
                };
            }
            let deleted = b.objects;
            b.objects = 0;
            Emptying::Emptied(deleted)
        })
    }

    async fn delete(&self, bucket: &BucketRef) -> PortResult<BucketDeletion> {
        self.faults.check("delete")?;
        let mut buckets = guard(&self.buckets);
        match buckets.get(bucket.name.as_str()) {
            None => Ok(BucketDeletion::Deleted),
            Some(b) if b.objects > 0 => Ok(BucketDeletion::NotEmpty),
            Some(_) => {
                buckets.remove(bucket.name.as_str());
                Ok(BucketDeletion::Deleted)
            }
        }
    }

    async fn policy(&self, bucket: &BucketRef) -> PortResult<Option<String>> {
        self.faults.check("policy")?;
        self.with(bucket, |b| b.policy.clone())
    }

    async fn set_policy(&self, bucket: &BucketRef, policy: Option<&str>) -> PortResult<()> {
        self.faults.check("set_policy")?;
        self.with(bucket, |b| b.policy = policy.map(str::to_owned))
    }
}
