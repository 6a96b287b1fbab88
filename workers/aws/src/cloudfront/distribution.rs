//! Distribution and invalidation calls, with CloudFront's compare-and-swap on ETags.

use aws_sdk_cloudfront::types::{DistributionConfig, DistributionConfigWithTags, InvalidationBatch, Paths};
use cfm_events::ErrorName;

use super::CloudFront;
use crate::classify::{TaskError, aws, error_code};

/// Re-read-and-apply attempts when CloudFront answers 412 PreconditionFailed.
const CAS_ATTEMPTS: usize = 5;

/// A distribution CloudFront accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// CloudFront's id.
    pub id: String,
    /// Its ARN.
    pub arn: String,
    /// `dxxxx.cloudfront.net`.
    pub domain_name: String,
}

/// A distribution as CloudFront has it now.
#[derive(Debug, Clone)]
pub struct Live {
    /// `InProgress` or `Deployed`.
    pub status: String,
    /// Its configuration.
    pub config: DistributionConfig,
    /// The ETag for the next change.
    pub etag: String,
}

fn internal(e: impl std::fmt::Display) -> TaskError {
    TaskError::new(ErrorName::Internal, e.to_string())
}

fn stale(id: &str) -> TaskError {
    TaskError::new(
        ErrorName::Transient,
        format!("distribution {id} kept changing (412 PreconditionFailed); will retry"),
    )
}

impl CloudFront {
    /// Creates a distribution. Its `CallerReference` comes from the execution, so a redelivered
    /// task finds the one it already made instead of making a second.
    pub async fn create_distribution(
        &self,
        config: DistributionConfig,
        tags: aws_sdk_cloudfront::types::Tags,
        origin_domain: &str,
    ) -> Result<Created, TaskError> {
        let reference = config.caller_reference.clone();
        let with_tags = DistributionConfigWithTags::builder().distribution_config(config).tags(tags).build();
        match self.client.create_distribution_with_tags().distribution_config_with_tags(with_tags).send().await {
            Ok(out) => {
                let d = out.distribution().ok_or_else(|| internal("CreateDistribution returned no distribution"))?;
                Ok(Created { id: d.id().to_owned(), arn: d.arn().to_owned(), domain_name: d.domain_name().to_owned() })
            }
            Err(err) if error_code(&err) == Some("DistributionAlreadyExists") => {
                self.find_by_caller_reference(&reference, origin_domain).await?.ok_or_else(|| {
                    TaskError::new(
                        ErrorName::Conflict,
                        "CloudFront says the distribution exists but it cannot be found",
                    )
                })
            }
            Err(err) => Err(aws("CreateDistribution")(err)),
        }
    }

    /// The distribution created with `reference`, looking only at those serving `origin_domain`.
    pub async fn find_by_caller_reference(
        &self,
        reference: &str,
        origin_domain: &str,
    ) -> Result<Option<Created>, TaskError> {
        let mut marker = None;
        loop {
            let page =
                self.client.list_distributions().set_marker(marker).send().await.map_err(aws("ListDistributions"))?;
            let Some(list) = page.distribution_list() else { return Ok(None) };
            for summary in list.items() {
                let serves =
                    summary.origins().is_some_and(|o| o.items().iter().any(|o| o.domain_name() == origin_domain));
                if !serves {
                    continue;
                }
                let config = self
                    .client
                    .get_distribution_config()
                    .id(summary.id())
                    .send()
                    .await
                    .map_err(aws("GetDistributionConfig"))?;
                if config.distribution_config().is_some_and(|c| c.caller_reference() == reference) {
                    return Ok(Some(Created {
                        id: summary.id().to_owned(),
                        arn: summary.arn().to_owned(),
                        domain_name: summary.domain_name().to_owned(),
                    }));
                }
            }
            match list.next_marker() {
                Some(next) if list.is_truncated() => marker = Some(next.to_owned()),
                _ => return Ok(None),
            }
        }
    }

    /// The distribution's status, configuration and ETag; `None` if it does not exist.
    pub async fn live(&self, id: &str) -> Result<Option<Live>, TaskError> {
        match self.client.get_distribution().id(id).send().await {
            Ok(out) => {
                let d = out.distribution().ok_or_else(|| internal("GetDistribution returned no distribution"))?;
                let config =
                    d.distribution_config().cloned().ok_or_else(|| internal("GetDistribution returned no config"))?;
                Ok(Some(Live {
                    status: d.status().to_owned(),
                    config,
                    etag: out.e_tag().unwrap_or_default().to_owned(),
                }))
            }
            Err(err) if error_code(&err) == Some("NoSuchDistribution") => Ok(None),
            Err(err) => Err(aws("GetDistribution")(err)),
        }
    }

    /// Reads the config and ETag, applies `change`, and updates with `If-Match`; on 412 it
    /// re-reads and re-applies, a bounded number of times. Returns false if `change` made no
    /// difference (nothing was sent).
    pub async fn update_distribution(
        &self,
        id: &str,
        mut change: impl FnMut(&mut DistributionConfig),
    ) -> Result<bool, TaskError> {
        for _ in 0..CAS_ATTEMPTS {
            let current =
                self.client.get_distribution_config().id(id).send().await.map_err(aws("GetDistributionConfig"))?;
            let etag = current.e_tag().unwrap_or_default().to_owned();
            let mut config =
                current.distribution_config().cloned().ok_or_else(|| internal("no distribution config"))?;
            let before = config.clone();
            change(&mut config);
            if config == before {
                return Ok(false);
            }
            match self.client.update_distribution().id(id).if_match(&etag).distribution_config(config).send().await {
                Ok(_) => return Ok(true),
                Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                Err(err) => return Err(aws("UpdateDistribution")(err)),
            }
        }
        Err(stale(id))
    }

    /// Deletes a disabled, deployed distribution with a fresh ETag. A missing one counts as
    /// deleted; one not yet disabled or deployed is retryable.
    pub async fn delete_distribution(&self, id: &str) -> Result<(), TaskError> {
        for _ in 0..CAS_ATTEMPTS {
            let etag = match self.client.get_distribution_config().id(id).send().await {
                Ok(out) => out.e_tag().unwrap_or_default().to_owned(),
                Err(err) if error_code(&err) == Some("NoSuchDistribution") => return Ok(()),
                Err(err) => return Err(aws("GetDistributionConfig")(err)),
            };
            match self.client.delete_distribution().id(id).if_match(etag).send().await {
                Ok(_) => return Ok(()),
                Err(err) if error_code(&err) == Some("NoSuchDistribution") => return Ok(()),
                Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                Err(err) if error_code(&err) == Some("DistributionNotDisabled") => {
                    return Err(TaskError::new(
                        ErrorName::Transient,
                        format!("distribution {id} is not disabled and deployed yet"),
                    ));
                }
                Err(err) => return Err(aws("DeleteDistribution")(err)),
            }
        }
        Err(stale(id))
    }

    /// Creates an invalidation; the same `reference` names the same batch.
    pub async fn create_invalidation(&self, id: &str, paths: &[String], reference: &str) -> Result<String, TaskError> {
        let paths =
            Paths::builder().quantity(paths.len() as i32).set_items(Some(paths.to_vec())).build().map_err(internal)?;
        let batch = InvalidationBatch::builder().paths(paths).caller_reference(reference).build().map_err(internal)?;
        let out = self
            .client
            .create_invalidation()
            .distribution_id(id)
            .invalidation_batch(batch)
            .send()
            .await
            .map_err(aws("CreateInvalidation"))?;
        Ok(out.invalidation().map(|i| i.id().to_owned()).unwrap_or_default())
    }

    /// Whether an invalidation finished (AWS says `Completed`, the local cloud `COMPLETED`).
    pub async fn invalidation_completed(&self, id: &str, invalidation: &str) -> Result<bool, TaskError> {
        let out = self
            .client
            .get_invalidation()
            .distribution_id(id)
            .id(invalidation)
            .send()
            .await
            .map_err(aws("GetInvalidation"))?;
        Ok(out.invalidation().is_some_and(|i| i.status().eq_ignore_ascii_case("completed")))
    }
}
