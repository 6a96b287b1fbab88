//! CloudFront: Origin Access Controls (one per origin), distributions and invalidations.
//! [`convert`] turns a spec into a `DistributionConfig` without any network.

pub mod convert;
mod distribution;

pub use distribution::{Created, Live};

use aws_sdk_cloudfront::types::{
    OriginAccessControlConfig, OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors,
    OriginAccessControlSigningProtocols,
};
use cfm_events::ErrorName;

use crate::classify::{TaskError, aws, error_code};
use crate::config::AwsContext;

/// CloudFront operations cfm performs.
#[derive(Debug, Clone)]
pub struct CloudFront {
    pub(crate) client: aws_sdk_cloudfront::Client,
}

/// The OAC name for an origin: deterministic, so a redelivered task finds the one it made.
pub fn oac_name(origin_id: &str) -> String {
    format!("cfm-{origin_id}")
}

impl CloudFront {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.cloudfront() }
    }

    /// The id of the OAC called `name`, if there is one.
    pub async fn find_oac(&self, name: &str) -> Result<Option<String>, TaskError> {
        let mut marker = None;
        loop {
            let page = self
                .client
                .list_origin_access_controls()
                .set_marker(marker)
                .send()
                .await
                .map_err(aws("ListOriginAccessControls"))?;
            let Some(list) = page.origin_access_control_list() else { return Ok(None) };
            if let Some(found) = list.items().iter().find(|o| o.name() == name) {
                return Ok(Some(found.id().to_owned()));
            }
            match list.next_marker() {
                Some(next) if list.is_truncated() => marker = Some(next.to_owned()),
                _ => return Ok(None),
            }
        }
    }

    /// Creates the S3 OAC for `origin_id` unless it exists; returns its id.
    pub async fn ensure_oac(&self, origin_id: &str, bucket: &str) -> Result<String, TaskError> {
        let name = oac_name(origin_id);
        if let Some(id) = self.find_oac(&name).await? {
            return Ok(id);
        }
        let config = OriginAccessControlConfig::builder()
            .name(&name)
            .description(format!("cfm origin {origin_id} (bucket {bucket})"))
            .origin_access_control_origin_type(OriginAccessControlOriginTypes::S3)
            .signing_behavior(OriginAccessControlSigningBehaviors::Always)
            .signing_protocol(OriginAccessControlSigningProtocols::Sigv4)
            .build()
            .map_err(|e| TaskError::new(ErrorName::Internal, e.to_string()))?;
        let created = self.client.create_origin_access_control().origin_access_control_config(config).send().await;
        match created {
            Ok(out) => out
                .origin_access_control()
                .map(|o| o.id().to_owned())
                .ok_or_else(|| TaskError::new(ErrorName::Internal, "CreateOriginAccessControl returned no id")),
            // Another delivery of this task made it meanwhile (OAC names are unique on AWS).
            Err(err) if error_code(&err) == Some("OriginAccessControlAlreadyExists") => {
                self.find_oac(&name).await?.ok_or_else(|| {
                    TaskError::new(ErrorName::Transient, format!("OAC {name} exists but is not listed yet"))
                })
            }
            Err(err) => Err(aws("CreateOriginAccessControl")(err)),
        }
    }

    /// Deletes an OAC with a fresh ETag; a missing one counts as deleted.
    pub async fn delete_oac(&self, id: &str) -> Result<(), TaskError> {
        let etag = match self.client.get_origin_access_control().id(id).send().await {
            Ok(out) => out.e_tag().unwrap_or_default().to_owned(),
            Err(err) if error_code(&err) == Some("NoSuchOriginAccessControl") => return Ok(()),
            Err(err) => return Err(crate::classify::classify("GetOriginAccessControl", err)),
        };
        match self.client.delete_origin_access_control().id(id).if_match(etag).send().await {
            Ok(_) => Ok(()),
            Err(err) if error_code(&err) == Some("NoSuchOriginAccessControl") => Ok(()),
            Err(err) if error_code(&err) == Some("OriginAccessControlInUse") => {
                Err(TaskError::new(ErrorName::Conflict, format!("OAC {id} is still used by a distribution")))
            }
            Err(err) if error_code(&err) == Some("PreconditionFailed") => {
                Err(TaskError::new(ErrorName::Transient, format!("OAC {id} changed while deleting it")))
            }
            Err(err) => Err(crate::classify::classify("DeleteOriginAccessControl", err)),
        }
    }
}
