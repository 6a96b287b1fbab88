//! Checks a distribution spec against other resources: its origin is active with an OAC, its
//! certificate is issued in us-east-1 and covers every alias. The API runs them up front for a
//! fast 4xx; the workflow runs them again before touching CloudFront.

use cfm_core::ids::account_of;
use cfm_core::origin_record::{OriginRecord, OriginStatus};
use cfm_events::ErrorName;
use cfm_events::distribution::DistributionSpec;

use crate::acm::{Acm, covers};
use crate::classify::TaskError;
use crate::cloudfront::convert::OriginTarget;
use crate::config::AwsContext;
use crate::s3::OriginBucket;
use crate::store::Store;

fn invalid(cause: impl Into<String>) -> TaskError {
    TaskError::new(ErrorName::Validation, cause)
}

/// The origin a spec names, which must be active with its OAC. A missing origin is a
/// validation error; one not ready is a conflict.
pub async fn origin_target(
    aws: &AwsContext,
    store: &Store,
    origin_id: &str,
) -> Result<(OriginRecord, OriginTarget), TaskError> {
    let origin: OriginRecord =
        store.get(origin_id).await?.ok_or_else(|| invalid(format!("origin {origin_id} does not exist")))?;
    let oac_id = match (&origin.status, &origin.oac_id) {
        (OriginStatus::Active, Some(oac)) => oac.clone(),
        _ => {
            return Err(TaskError::new(
                ErrorName::Conflict,
                format!("origin {origin_id} is {:?}, not ready", origin.status),
            ));
        }
    };
    let domain_name = OriginBucket::new(aws, &origin.bucket_name, &origin.region).regional_domain();
    let target = OriginTarget { origin_id: origin.id.clone(), domain_name, oac_id };
    Ok((origin, target))
}

/// The certificate belongs to `account` (CloudFront uses only its own account's certificates),
/// exists in us-east-1, is issued, and covers every alias.
pub async fn check_certificate(acm: &Acm, spec: &DistributionSpec, account: Option<&str>) -> Result<(), TaskError> {
    let Some(arn) = &spec.certificate_arn else { return Ok(()) };
    if let (Some(ours), Some(theirs)) = (account, account_of(arn))
        && ours != theirs
    {
        return Err(invalid(format!(
            "certificate {arn} belongs to account {theirs}; CloudFront can only use certificates of this account ({ours})"
        )));
    }
    let certificate =
        acm.certificate(arn).await?.ok_or_else(|| invalid(format!("certificate {arn} does not exist in us-east-1")))?;
    if certificate.status != "ISSUED" {
        return Err(invalid(format!("certificate {arn} is {}, not ISSUED", certificate.status)));
    }
    let uncovered: Vec<&str> = spec
        .aliases
        .iter()
        .flatten()
        .filter(|alias| !certificate.domains.iter().any(|d| covers(d, alias)))
        .map(String::as_str)
        .collect();
    if !uncovered.is_empty() {
        return Err(invalid(format!("certificate {arn} does not cover {}", uncovered.join(", "))));
    }
    Ok(())
}
