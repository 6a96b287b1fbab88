//! CloudFront Functions: published by name (create, or update the development stage, then
//! publish LIVE), read back LIVE, deleted; and the associations cfm keeps on a behaviour: its
//! CloudFront Function on viewer request, or its Lambda@Edge version on origin request (its
//! functions are named `cfm-…`; a function made outside cfm stays associated).

use aws_sdk_cloudfront::error::BuildError;
use aws_sdk_cloudfront::primitives::Blob;
use aws_sdk_cloudfront::types::{
    EventType, FunctionAssociation, FunctionAssociations, FunctionConfig, FunctionRuntime, FunctionStage,
    LambdaFunctionAssociation, LambdaFunctionAssociations,
};
use cfm_domain::distribution::EdgeAssociation;
use cfm_domain::edge::RoutingMode;
use cfm_ports::cdn::FunctionDeletion;
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use super::{CAS_ATTEMPTS, CloudFrontCdn, etag_of};
use crate::classify::{aws, build_error, classify, error_code, unexpected};

/// The prefix of the functions cfm names.
pub(crate) const CFM_FUNCTION_PREFIX: &str = "cfm-";

fn contended(name: &str) -> ServiceError {
    ServiceError::new(ErrorKind::Unavailable, format!("function {name} kept changing"))
}

impl CloudFrontCdn {
    /// The development stage's ETag, or `None` if there is no such function.
    async fn development_etag(&self, name: &str) -> PortResult<Option<String>> {
        match self.client.describe_function().name(name).stage(FunctionStage::Development).send().await {
            Ok(out) => etag_of(out.e_tag()).map(Some),
            Err(err) if error_code(&err) == Some("NoSuchFunctionExists") => Ok(None),
            Err(err) => Err(classify("DescribeFunction", err)),
        }
    }

    pub(super) async fn publish_function_named(&self, name: &str, comment: &str, code: &str) -> PortResult<String> {
        let config = FunctionConfig::builder()
            .comment(comment)
            .runtime(FunctionRuntime::CloudfrontJs20)
            .build()
            .map_err(build_error)?;
        let code = Blob::new(code.as_bytes());
        for _ in 0..CAS_ATTEMPTS {
            let etag = match self.development_etag(name).await? {
                None => {
                    let made = self
                        .client
                        .create_function()
                        .name(name)
                        .function_config(config.clone())
                        .function_code(code.clone());
                    match made.send().await {
                        Ok(out) => etag_of(out.e_tag())?,
                        // Another delivery made it meanwhile: update that one.
                        Err(err) if error_code(&err) == Some("FunctionAlreadyExists") => continue,
                        Err(err) => return Err(classify("CreateFunction", err)),
                    }
                }
                Some(etag) => {
                    let update = self.client.update_function().name(name).if_match(etag);
                    match update.function_config(config.clone()).function_code(code.clone()).send().await {
                        Ok(out) => etag_of(out.e_tag())?,
                        Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                        Err(err) => return Err(classify("UpdateFunction", err)),
                    }
                }
            };
            match self.client.publish_function().name(name).if_match(etag).send().await {
                Ok(out) => {
                    let metadata = out.function_summary().and_then(|s| s.function_metadata());
                    return metadata
                        .map(|m| m.function_arn().to_owned())
                        .ok_or_else(|| unexpected("a published function without an ARN"));
                }
                Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                Err(err) => return Err(classify("PublishFunction", err)),
            }
        }
        Err(contended(name))
    }

    pub(super) async fn live_function_code(&self, name: &str) -> PortResult<Option<String>> {
        match self.client.get_function().name(name).stage(FunctionStage::Live).send().await {
            Ok(out) => Ok(out.function_code().map(|c| String::from_utf8_lossy(c.as_ref()).into_owned())),
            Err(err) if error_code(&err) == Some("NoSuchFunctionExists") => Ok(None),
            Err(err) => Err(aws("GetFunction")(err)),
        }
    }

    pub(super) async fn delete_function_named(&self, name: &str) -> PortResult<FunctionDeletion> {
        for _ in 0..CAS_ATTEMPTS {
            let Some(etag) = self.development_etag(name).await? else { return Ok(FunctionDeletion::Deleted) };
            match self.client.delete_function().name(name).if_match(etag).send().await {
                Ok(_) => return Ok(FunctionDeletion::Deleted),
                Err(err) if error_code(&err) == Some("NoSuchFunctionExists") => return Ok(FunctionDeletion::Deleted),
                Err(err) if error_code(&err) == Some("FunctionInUse") => return Ok(FunctionDeletion::InUse),
                Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                Err(err) => return Err(classify("DeleteFunction", err)),
            }
        }
        Err(contended(name))
    }
}

/// Whether an association runs a function cfm named.
fn is_cfm(association: &FunctionAssociation) -> bool {
    let name = association.function_arn().rsplit('/').next().unwrap_or_default();
    name.starts_with(CFM_FUNCTION_PREFIX)
}

/// The ARN of cfm's viewer-request CloudFront Function and of its origin-request Lambda@Edge
/// version, as `edge` runs one or the other.
pub(crate) fn edge_arns(edge: Option<&EdgeAssociation>) -> (Option<&str>, Option<&str>) {
    match edge {
        Some(e) if e.mode == RoutingMode::LambdaEdge => (None, Some(e.arn.as_str())),
        Some(e) => (Some(e.arn.as_str()), None),
        None => (None, None),
    }
}

/// Whether a Lambda@Edge association runs a version of a function cfm named
/// (`arn:aws:lambda:us-east-1:…:function:cfm-…:N`).
fn is_cfm_lambda(association: &LambdaFunctionAssociation) -> bool {
    association.lambda_function_arn().split(':').nth(6).is_some_and(|name| name.starts_with(CFM_FUNCTION_PREFIX))
}

/// A behaviour's Lambda@Edge associations with cfm's origin-request version as `ours` says:
/// the live ones kept, except an origin-request one cfm made (or any, when cfm sets its own).
pub(crate) fn lambda_associations(
    live: Option<&LambdaFunctionAssociations>,
    ours: Option<&str>,
) -> Result<Option<LambdaFunctionAssociations>, BuildError> {
    let origin = |a: &LambdaFunctionAssociation| a.event_type() == &EventType::OriginRequest;
    let kept = live
        .map(|l| l.items())
        .unwrap_or_default()
        .iter()
        .filter(|a| !(origin(a) && (ours.is_some() || is_cfm_lambda(a))));
    let mut items: Vec<LambdaFunctionAssociation> = kept.cloned().collect();
    if let Some(arn) = ours {
        let ours = LambdaFunctionAssociation::builder()
            .lambda_function_arn(arn)
            .event_type(EventType::OriginRequest)
            .include_body(false)
            .build()?;
        items.push(ours);
    }
    if items.is_empty() && live.is_none() {
        return Ok(None);
    }
    LambdaFunctionAssociations::builder()
        .quantity(items.len() as i32)
        .set_items(Some(items).filter(|i| !i.is_empty()))
        .build()
        .map(Some)
}

/// A behaviour's function associations with cfm's viewer-request function as `ours` says: the
/// live ones kept, except a viewer-request one cfm made (or any viewer-request one when cfm
/// sets its own: CloudFront allows one per event type).
pub(crate) fn associations(
    live: Option<&FunctionAssociations>,
    ours: Option<&str>,
) -> Result<Option<FunctionAssociations>, BuildError> {
    let viewer = |a: &FunctionAssociation| a.event_type() == &EventType::ViewerRequest;
    let kept =
        live.map(|l| l.items()).unwrap_or_default().iter().filter(|a| !(viewer(a) && (ours.is_some() || is_cfm(a))));
    let mut items: Vec<FunctionAssociation> = kept.cloned().collect();
    if let Some(arn) = ours {
        items.push(FunctionAssociation::builder().function_arn(arn).event_type(EventType::ViewerRequest).build()?);
    }
    if items.is_empty() && live.is_none() {
        return Ok(None);
    }
    let quantity = items.len() as i32;
    FunctionAssociations::builder()
        .quantity(quantity)
        .set_items(Some(items).filter(|i| !i.is_empty()))
        .build()
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn association(arn: &str, event: EventType) -> FunctionAssociation {
        FunctionAssociation::builder().function_arn(arn).event_type(event).build().unwrap()
    }

    fn arns(associations: Option<FunctionAssociations>) -> Vec<String> {
        associations.map(|a| a.items().iter().map(|i| i.function_arn().to_owned()).collect()).unwrap_or_default()
    }

    #[test]
    fn cfm_sets_its_viewer_request_function_and_keeps_the_rest() {
        let theirs = "arn:aws:cloudfront::1:function/headers";
        let old = "arn:aws:cloudfront::1:function/cfm-dist-1";
        let live = FunctionAssociations::builder()
            .quantity(2)
            .items(association(old, EventType::ViewerRequest))
            .items(association(theirs, EventType::ViewerResponse))
            .build()
            .unwrap();
        let new = "arn:aws:cloudfront::1:function/cfm-dist-2";
        assert_eq!(arns(associations(Some(&live), Some(new)).unwrap()), [theirs, new]);
        assert_eq!(arns(associations(Some(&live), None).unwrap()), [theirs], "routing removed: cfm's goes");
        let foreign = FunctionAssociations::builder()
            .quantity(1)
            .items(association("arn:aws:cloudfront::1:function/rewrite", EventType::ViewerRequest))
            .build()
            .unwrap();
        assert_eq!(arns(associations(Some(&foreign), None).unwrap()), ["arn:aws:cloudfront::1:function/rewrite"]);
        assert!(associations(None, None).unwrap().is_none(), "nothing to say, nothing said");
        let cleared = associations(Some(&live), None).unwrap().unwrap();
        assert_eq!(cleared.quantity(), 1);
    }

    #[test]
    fn cfm_sets_its_origin_request_version_and_keeps_the_rest() {
        let lambda = |arn: &str, event: EventType| {
            LambdaFunctionAssociation::builder().lambda_function_arn(arn).event_type(event).build().unwrap()
        };
        let old = "arn:aws:lambda:us-east-1:1:function:cfm-dist-1:1";
        let theirs = "arn:aws:lambda:us-east-1:1:function:auth:3";
        let live = LambdaFunctionAssociations::builder()
            .quantity(2)
            .items(lambda(old, EventType::OriginRequest))
            .items(lambda(theirs, EventType::ViewerRequest))
            .build()
            .unwrap();
        let arns = |a: Option<LambdaFunctionAssociations>| -> Vec<String> {
            a.map(|a| a.items().iter().map(|i| i.lambda_function_arn().to_owned()).collect()).unwrap_or_default()
        };
        let new = "arn:aws:lambda:us-east-1:1:function:cfm-dist-2:1";
        assert_eq!(arns(lambda_associations(Some(&live), Some(new)).unwrap()), [theirs, new]);
        assert_eq!(arns(lambda_associations(Some(&live), None).unwrap()), [theirs], "routing removed: cfm's goes");
        assert!(lambda_associations(None, None).unwrap().is_none());
        let edge = EdgeAssociation { mode: RoutingMode::LambdaEdge, arn: new.into() };
        assert_eq!(edge_arns(Some(&edge)), (None, Some(new)));
    }
}
