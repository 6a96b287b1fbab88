//! Origin Access Controls: one per origin, found by name so a redelivered task finds the one
//! it made.

use aws_sdk_cloudfront::types::{
    OriginAccessControlConfig, OriginAccessControlOriginTypes, OriginAccessControlSigningBehaviors,
    OriginAccessControlSigningProtocols,
};
use cfm_domain::values::{Checked, OacId};
use cfm_ports::cdn::OacDeletion;
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use super::CloudFrontCdn;
use crate::classify::{aws, build_error, classify, error_code, unexpected};

fn oac_id(id: &str) -> PortResult<OacId> {
    OacId::parse(id).map_err(|_| unexpected(&format!("OAC id {id}")))
}

impl CloudFrontCdn {
    pub(super) async fn find_oac_named(&self, name: &str) -> PortResult<Option<OacId>> {
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
                return oac_id(found.id()).map(Some);
            }
            match list.next_marker() {
                Some(next) if list.is_truncated() => marker = Some(next.to_owned()),
                _ => return Ok(None),
            }
        }
    }

    pub(super) async fn ensure_oac_named(&self, name: &str, description: &str) -> PortResult<OacId> {
        if let Some(id) = self.find_oac_named(name).await? {
            return Ok(id);
        }
        let config = OriginAccessControlConfig::builder()
            .name(name)
            .description(description)
            .origin_access_control_origin_type(OriginAccessControlOriginTypes::S3)
            .signing_behavior(OriginAccessControlSigningBehaviors::Always)
            .signing_protocol(OriginAccessControlSigningProtocols::Sigv4)
            .build()
            .map_err(build_error)?;
        match self.client.create_origin_access_control().origin_access_control_config(config).send().await {
            Ok(out) => oac_id(out.origin_access_control().map(|o| o.id()).unwrap_or_default()),
            // Another delivery of this task made it meanwhile (OAC names are unique on AWS).
            Err(err) if error_code(&err) == Some("OriginAccessControlAlreadyExists") => {
                self.find_oac_named(name).await?.ok_or_else(|| {
                    ServiceError::new(ErrorKind::Unavailable, format!("OAC {name} exists but is not listed yet"))
                })
            }
            Err(err) => Err(aws("CreateOriginAccessControl")(err)),
        }
    }

    pub(super) async fn delete_oac_by_id(&self, id: &OacId) -> PortResult<OacDeletion> {
        let etag = match self.client.get_origin_access_control().id(id.as_str()).send().await {
            Ok(out) => out.e_tag().unwrap_or_default().to_owned(),
            Err(err) if error_code(&err) == Some("NoSuchOriginAccessControl") => return Ok(OacDeletion::Deleted),
            Err(err) => return Err(classify("GetOriginAccessControl", err)),
        };
        match self.client.delete_origin_access_control().id(id.as_str()).if_match(etag).send().await {
            Ok(_) => Ok(OacDeletion::Deleted),
            Err(err) if error_code(&err) == Some("NoSuchOriginAccessControl") => Ok(OacDeletion::Deleted),
            Err(err) if error_code(&err) == Some("OriginAccessControlInUse") => Ok(OacDeletion::InUse),
            Err(err) if error_code(&err) == Some("PreconditionFailed") => {
                Err(ServiceError::new(ErrorKind::Unavailable, format!("OAC {id} changed while deleting it")))
            }
            Err(err) => Err(classify("DeleteOriginAccessControl", err)),
        }
    }
}
