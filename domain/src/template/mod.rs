//! Distribution templates: partial specs with metadata, in immutable versions.

mod record;
mod request;

pub use record::{TemplateRecord, TemplateStatus, TemplateVersion, applied_spec};
pub use request::{ApplyTemplate, ApplyTemplateRequest, SslRequest, TemplateCategory, TemplateChange, TemplateRequest};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::Problems;

    fn fields(r: Result<TemplateChange, Problems>) -> Vec<String> {
        r.err().map(|p| p.list().iter().map(|p| p.field.clone()).collect()).unwrap_or_default()
    }

    fn request(json: serde_json::Value) -> TemplateRequest {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn the_ssl_shortcut_maps_to_the_right_spec_fields() {
        let change = request(serde_json::json!({"name": "t", "ssl": {
            "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x", "customDomains": ["cdn.example.com"]}}))
        .parse_create()
        .unwrap();
        let spec = change.spec.unwrap();
        assert_eq!(spec.certificate_arn.unwrap().as_str(), "arn:aws:acm:us-east-1:123456789012:certificate/x");
        assert_eq!(spec.aliases.unwrap()[0].as_str(), "cdn.example.com");
        assert_eq!(spec.viewer_protocol_policy.unwrap().as_str(), "redirect-to-https");
        assert_eq!(spec.minimum_protocol_version.unwrap().as_str(), "TLSv1.2_2021");
    }

    #[test]
    fn problems_are_reported_under_their_parts() {
        let r = request(serde_json::json!({"category": "Games", "spec": {"priceClass": "cheap"}}));
        assert_eq!(fields(r.parse_create()), ["name", "category", "spec.priceClass"]);
        let ssl = request(
            serde_json::json!({"name": "t", "ssl": {"certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/x", "customDomains": ["Bad Domain"]}}),
        );
        let found = fields(ssl.parse_create());
        assert!(
            found.contains(&"ssl.customDomains[0]".to_owned()) && found.contains(&"spec.certificateArn".to_owned()),
            "{found:?}"
        );
        assert_eq!(fields(TemplateRequest::default().parse_update()), ["body"]);
    }

    #[test]
    fn applying_merges_version_overrides_and_name() {
        let version = request(serde_json::json!({"name": "t", "spec": {"originId": "org-0123456789abcdef", "comment": "v1", "priceClass": "PriceClass_200"}}))
            .parse_create()
            .unwrap()
            .spec
            .unwrap();
        let apply: ApplyTemplateRequest =
            serde_json::from_value(serde_json::json!({"name": "d", "overrides": {"comment": "mine"}})).unwrap();
        assert_eq!(apply.parse(1).unwrap().version, 1, "the latest unless one is named");
        let named: ApplyTemplateRequest =
            serde_json::from_value(serde_json::json!({"name": "d", "version": 3})).unwrap();
        assert_eq!(named.parse(2).unwrap_err().list()[0].field, "version");
        let apply = apply.parse(1).unwrap();
        let spec = applied_spec(&version, &apply.overrides, &apply.name).unwrap();
        assert_eq!(
            (spec.name.as_str(), spec.comment.unwrap().as_str(), spec.price_class.as_str()),
            ("d", "mine", "PriceClass_200")
        );
        let incomplete = applied_spec(&Default::default(), &Default::default(), &apply.name).unwrap_err();
        assert_eq!(incomplete.list()[0].field, "originId");
    }
}
