//! Distribution and invalidation calls, with CloudFront's compare-and-swap on ETags.

use aws_sdk_cloudfront::types::{DistributionConfigWithTags, InvalidationBatch, Paths};
use cfm_domain::distribution::{CdnConfig, CloudFrontRef, DeployStatus, ListedDistribution, LiveDistribution};
use cfm_domain::values::{Checked, CloudFrontId, DistributionArn, InvalidationId, InvalidationPath};
use cfm_domain::vocabulary::Vocabulary;
use cfm_ports::cdn::{Applied, CdnChange, Deletion};
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use super::{CAS_ATTEMPTS, CloudFrontCdn, convert, routes};
use crate::classify::{aws, build_error, error_code, unexpected};

/// Distributions read per ListDistributions call.
const LIST_PAGE: i32 = 100;

fn reference(id: &str, arn: &str, domain_name: &str) -> PortResult<CloudFrontRef> {
    Ok(CloudFrontRef {
        cloudfront_id: CloudFrontId::parse(id).map_err(|_| unexpected(&format!("distribution id {id}")))?,
        arn: DistributionArn::parse(arn).map_err(|_| unexpected(&format!("distribution ARN {arn}")))?,
        domain_name: domain_name.to_owned(),
    })
}

impl CloudFrontCdn {
    /// Creates a distribution. A `CallerReference` seen before (a redelivered task) finds the
    /// one made then instead of making a second.
    pub(super) async fn create(
        &self,
        config: &CdnConfig,
        caller_reference: &str,
        tags: &[(String, String)],
    ) -> PortResult<CloudFrontRef> {
        let built = convert::build(config, caller_reference).map_err(build_error)?;
        let with_tags = DistributionConfigWithTags::builder()
            .distribution_config(built)
            .tags(convert::tags(tags).map_err(build_error)?)
            .build();
        match self.client.create_distribution_with_tags().distribution_config_with_tags(with_tags).send().await {
            Ok(out) => {
                let d = out.distribution().ok_or_else(|| unexpected("CreateDistribution returned no distribution"))?;
                reference(d.id(), d.arn(), d.domain_name())
            }
            Err(err) if error_code(&err) == Some("DistributionAlreadyExists") => {
                let domain = config.origins.first().map(|o| o.domain_name.as_str()).unwrap_or_default();
                self.find_by_caller_reference(caller_reference, domain).await?.ok_or_else(|| {
                    ServiceError::new(
                        ErrorKind::Failed,
                        "CloudFront says the distribution exists but it cannot be found",
                    )
                })
            }
            Err(err) => Err(aws("CreateDistribution")(err)),
        }
    }

    /// The distribution created with `caller_reference`, looking only at those serving
    /// `origin_domain`.
    async fn find_by_caller_reference(
        &self,
        caller_reference: &str,
        origin_domain: &str,
    ) -> PortResult<Option<CloudFrontRef>> {
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
                if config.distribution_config().is_some_and(|c| c.caller_reference() == caller_reference) {
                    return reference(summary.id(), summary.arn(), summary.domain_name()).map(Some);
                }
            }
            match list.next_marker() {
                Some(next) if list.is_truncated() => marker = Some(next.to_owned()),
                _ => return Ok(None),
            }
        }
    }

    /// Every distribution of the account from its list, 100 a call.
    pub(super) async fn list_all(&self) -> PortResult<Vec<ListedDistribution>> {
        let mut listed = Vec::new();
        let mut marker = None;
        loop {
            let out = self
                .client
                .list_distributions()
                .max_items(LIST_PAGE)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws("ListDistributions"))?;
            let Some(list) = out.distribution_list() else { return Ok(listed) };
            for d in list.items() {
                listed.push(ListedDistribution {
                    id: CloudFrontId::parse(d.id()).map_err(|_| unexpected(&format!("distribution id {}", d.id())))?,
                    status: DeployStatus::parse(d.status()).unwrap_or(DeployStatus::InProgress),
                    revision: d.last_modified_time().to_string(),
                });
            }
            match list.next_marker() {
                Some(next) if list.is_truncated() => marker = Some(next.to_owned()),
                _ => return Ok(listed),
            }
        }
    }

    /// The distribution as CloudFront has it; `None` if it does not exist.
    pub(super) async fn live(&self, id: &CloudFrontId) -> PortResult<Option<LiveDistribution>> {
        match self.client.get_distribution().id(id.as_str()).send().await {
            Ok(out) => {
                let d = out.distribution().ok_or_else(|| unexpected("GetDistribution returned no distribution"))?;
                let config = d.distribution_config().ok_or_else(|| unexpected("GetDistribution returned no config"))?;
                Ok(Some(LiveDistribution {
                    status: DeployStatus::parse(d.status()).unwrap_or(DeployStatus::InProgress),
                    caller_reference: config.caller_reference().to_owned(),
                    settings: convert::settings(config),
                }))
            }
            Err(err) if error_code(&err) == Some("NoSuchDistribution") => Ok(None),
            Err(err) => Err(aws("GetDistribution")(err)),
        }
    }

    /// Reads the config and ETag, applies `change`, and updates with `If-Match`; on 412 it
    /// re-reads and re-applies, a bounded number of times.
    pub(super) async fn update(&self, id: &CloudFrontId, change: &CdnChange) -> PortResult<Applied> {
        for _ in 0..CAS_ATTEMPTS {
            let current = self
                .client
                .get_distribution_config()
                .id(id.as_str())
                .send()
                .await
                .map_err(aws("GetDistributionConfig"))?;
            let etag = current.e_tag().unwrap_or_default().to_owned();
            let mut config =
                current.distribution_config().cloned().ok_or_else(|| unexpected("no distribution config"))?;
            let before = config.clone();
            match change {
                CdnChange::Settings(desired) => convert::merge(&mut config, desired).map_err(build_error)?,
                CdnChange::Enabled(enabled) => config.enabled = *enabled,
                CdnChange::Origin(origin) => routes::replace_origin(&mut config, origin).map_err(build_error)?,
            }
            if config == before {
                return Ok(Applied::Unchanged);
            }
            match self
                .client
                .update_distribution()
                .id(id.as_str())
                .if_match(&etag)
                .distribution_config(config)
                .send()
                .await
            {
                Ok(_) => return Ok(Applied::Changed),
                Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                Err(err) => return Err(aws("UpdateDistribution")(err)),
            }
        }
        Ok(Applied::Contended)
    }

    /// Deletes a disabled, deployed distribution with a fresh ETag. A missing one counts as
    /// deleted.
    pub(super) async fn delete(&self, id: &CloudFrontId) -> PortResult<Deletion> {
        for _ in 0..CAS_ATTEMPTS {
            let etag = match self.client.get_distribution_config().id(id.as_str()).send().await {
                Ok(out) => out.e_tag().unwrap_or_default().to_owned(),
                Err(err) if error_code(&err) == Some("NoSuchDistribution") => return Ok(Deletion::Deleted),
                Err(err) => return Err(aws("GetDistributionConfig")(err)),
            };
            match self.client.delete_distribution().id(id.as_str()).if_match(etag).send().await {
                Ok(_) => return Ok(Deletion::Deleted),
                Err(err) if error_code(&err) == Some("NoSuchDistribution") => return Ok(Deletion::Deleted),
                Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                Err(err) if error_code(&err) == Some("DistributionNotDisabled") => return Ok(Deletion::NotDisabled),
                Err(err) => return Err(aws("DeleteDistribution")(err)),
            }
        }
        Ok(Deletion::Contended)
    }

    /// Creates an invalidation; the same `reference` names the same batch.
    pub(super) async fn invalidate(
        &self,
        id: &CloudFrontId,
        paths: &[InvalidationPath],
        reference: &str,
    ) -> PortResult<InvalidationId> {
        let items: Vec<String> = paths.iter().map(|p| p.as_str().to_owned()).collect();
        let paths =
            Paths::builder().quantity(items.len() as i32).set_items(Some(items)).build().map_err(build_error)?;
        let batch =
            InvalidationBatch::builder().paths(paths).caller_reference(reference).build().map_err(build_error)?;
        let out = self
            .client
            .create_invalidation()
            .distribution_id(id.as_str())
            .invalidation_batch(batch)
            .send()
            .await
            .map_err(aws("CreateInvalidation"))?;
        let made = out.invalidation().map(|i| i.id()).unwrap_or_default();
        InvalidationId::parse(made).map_err(|_| unexpected(&format!("invalidation id {made}")))
    }

    /// Whether an invalidation finished (AWS says `Completed`, the local cloud `COMPLETED`).
    pub(super) async fn invalidated(&self, id: &CloudFrontId, invalidation: &InvalidationId) -> PortResult<bool> {
        let out = self
            .client
            .get_invalidation()
            .distribution_id(id.as_str())
            .id(invalidation.as_str())
            .send()
            .await
            .map_err(aws("GetInvalidation"))?;
        Ok(out.invalidation().is_some_and(|i| i.status().eq_ignore_ascii_case("completed")))
    }
}
