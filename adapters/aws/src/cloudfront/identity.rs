//! Origin Access Identities: one per Lambda@Edge distribution, made by caller reference so a
//! redelivered task finds the one it made (CloudFront answers the same identity for the same
//! reference and comment).

use aws_sdk_cloudfront::types::CloudFrontOriginAccessIdentityConfig;
use cfm_domain::values::{Checked, OaiId};
use cfm_ports::cdn::OacDeletion;
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use super::CloudFrontCdn;
use crate::classify::{aws, build_error, classify, error_code, unexpected};

impl CloudFrontCdn {
    pub(super) async fn ensure_identity_for(&self, reference: &str, comment: &str) -> PortResult<OaiId> {
        let config = CloudFrontOriginAccessIdentityConfig::builder()
            .caller_reference(reference)
            .comment(comment)
            .build()
            .map_err(build_error)?;
        let out = self
            .client
            .create_cloud_front_origin_access_identity()
            .cloud_front_origin_access_identity_config(config)
            .send()
            .await
            .map_err(aws("CreateCloudFrontOriginAccessIdentity"))?;
        let id = out.cloud_front_origin_access_identity().map(|i| i.id()).unwrap_or_default();
        OaiId::parse(id).map_err(|_| unexpected(&format!("Origin Access Identity id {id}")))
    }

    pub(super) async fn delete_identity_by_id(&self, id: &OaiId) -> PortResult<OacDeletion> {
        let etag = match self.client.get_cloud_front_origin_access_identity().id(id.as_str()).send().await {
            Ok(out) => out.e_tag().unwrap_or_default().to_owned(),
            Err(err) if error_code(&err) == Some("NoSuchCloudFrontOriginAccessIdentity") => {
                return Ok(OacDeletion::Deleted);
            }
            Err(err) => return Err(classify("GetCloudFrontOriginAccessIdentity", err)),
        };
        match self.client.delete_cloud_front_origin_access_identity().id(id.as_str()).if_match(etag).send().await {
            Ok(_) => Ok(OacDeletion::Deleted),
            Err(err) if error_code(&err) == Some("NoSuchCloudFrontOriginAccessIdentity") => Ok(OacDeletion::Deleted),
            Err(err) if error_code(&err) == Some("CloudFrontOriginAccessIdentityInUse") => Ok(OacDeletion::InUse),
            Err(err) if error_code(&err) == Some("PreconditionFailed") => Err(ServiceError::new(
                ErrorKind::Unavailable,
                format!("Origin Access Identity {id} changed while deleting it"),
            )),
            Err(err) => Err(classify("DeleteCloudFrontOriginAccessIdentity", err)),
        }
    }
}
