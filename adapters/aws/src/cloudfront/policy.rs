//! Cache and origin-request policies. cfm's settings map to CloudFront's configs here (the
//! choice names are CloudFront's own spelling); the calls of the two kinds differ only in
//! their names, so one macro writes both.

use aws_sdk_cloudfront::types::{
    CachePolicyConfig, CachePolicyCookiesConfig, CachePolicyHeadersConfig, CachePolicyQueryStringsConfig,
    CachePolicyType, CookieNames, Headers, OriginRequestPolicyConfig, OriginRequestPolicyCookiesConfig,
    OriginRequestPolicyHeadersConfig, OriginRequestPolicyQueryStringsConfig, OriginRequestPolicyType,
    ParametersInCacheKeyAndForwardedToOrigin, QueryStringNames,
};
use cfm_domain::policy::{PolicyName, PolicyRecord, PolicySettings, Selection};
use cfm_ports::cdn::{FoundPolicy, PolicyDeletion};
use cfm_ports::{ErrorKind, PortResult, ServiceError};

use super::{CAS_ATTEMPTS, CloudFrontCdn, etag_of};
use crate::classify::{aws, build_error, classify, error_code, unexpected};

/// One of a policy's lists in the SDK's shape: its `$config` builder with the behaviour (whose
/// names are CloudFront's own) and, when it has names, the `$names` list.
macro_rules! selection {
    ($config:ident, $behavior:ident, $set_names:ident, $names:ident, $selection:expr) => {{
        let selection: &Selection = &$selection;
        let names: Vec<String> = selection.names.iter().map(|n| n.as_str().to_owned()).collect();
        let list = if names.is_empty() {
            None
        } else {
            let quantity = i32::try_from(names.len()).map_err(build_error)?;
            Some($names::builder().quantity(quantity).set_items(Some(names)).build().map_err(build_error)?)
        };
        $config::builder()
            .$behavior(selection.behavior.as_str().into())
            .$set_names(list)
            .build()
            .map_err(build_error)?
    }};
}

fn ttl(seconds: u64) -> PortResult<i64> {
    i64::try_from(seconds).map_err(build_error)
}

/// The cache policy `record` describes.
pub(super) fn cache_config(record: &PolicyRecord) -> PortResult<CachePolicyConfig> {
    let PolicySettings::Cache(cache) = &record.spec.settings else {
        return Err(ServiceError::new(ErrorKind::Failed, format!("{} is not a cache policy", record.id)));
    };
    let key = ParametersInCacheKeyAndForwardedToOrigin::builder()
        .enable_accept_encoding_gzip(cache.gzip)
        .enable_accept_encoding_brotli(cache.brotli)
        .headers_config(selection!(CachePolicyHeadersConfig, header_behavior, set_headers, Headers, cache.headers))
        .cookies_config(selection!(CachePolicyCookiesConfig, cookie_behavior, set_cookies, CookieNames, cache.cookies))
        .query_strings_config(selection!(
            CachePolicyQueryStringsConfig,
            query_string_behavior,
            set_query_strings,
            QueryStringNames,
            cache.query_strings
        ))
        .build()
        .map_err(build_error)?;
    CachePolicyConfig::builder()
        .name(record.spec.name.as_str())
        .comment(record.cloudfront_comment())
        .min_ttl(ttl(cache.min_ttl)?)
        .default_ttl(ttl(cache.default_ttl)?)
        .max_ttl(ttl(cache.max_ttl)?)
        .parameters_in_cache_key_and_forwarded_to_origin(key)
        .build()
        .map_err(build_error)
}

/// The origin-request policy `record` describes.
pub(super) fn origin_request_config(record: &PolicyRecord) -> PortResult<OriginRequestPolicyConfig> {
    let PolicySettings::OriginRequest(origin) = &record.spec.settings else {
        return Err(ServiceError::new(ErrorKind::Failed, format!("{} is not an origin-request policy", record.id)));
    };
    OriginRequestPolicyConfig::builder()
        .name(record.spec.name.as_str())
        .comment(record.cloudfront_comment())
        .headers_config(selection!(
            OriginRequestPolicyHeadersConfig,
            header_behavior,
            set_headers,
            Headers,
            origin.headers
        ))
        .cookies_config(selection!(
            OriginRequestPolicyCookiesConfig,
            cookie_behavior,
            set_cookies,
            CookieNames,
            origin.cookies
        ))
        .query_strings_config(selection!(
            OriginRequestPolicyQueryStringsConfig,
            query_string_behavior,
            set_query_strings,
            QueryStringNames,
            origin.query_strings
        ))
        .build()
        .map_err(build_error)
}

/// The four calls of one kind of policy, as methods of [`CloudFrontCdn`].
macro_rules! policy_calls {
    (
        $kind:literal, find: $find:ident, create: $create:ident, update: $update:ident, delete: $delete:ident,
        config: $config:path, custom: $custom:expr,
        list: ($list:ident, $list_of:ident, $item:ident, $item_config:ident),
        calls: ($create_call:ident, $get_call:ident, $update_call:ident, $delete_call:ident, $set_config:ident, $created:ident),
        codes: ($missing:literal, $in_use:literal, $exists:literal),
    ) => {
        impl CloudFrontCdn {
            pub(super) async fn $find(&self, name: &PolicyName) -> PortResult<Option<FoundPolicy>> {
                let mut marker = None;
                loop {
                    let page =
                        self.client.$list().r#type($custom).set_marker(marker).send().await.map_err(aws(concat!(
                            "List ",
                            $kind,
                            " policies"
                        )))?;
                    let Some(list) = page.$list_of() else { return Ok(None) };
                    let found = list.items().iter().filter_map(|s| s.$item()).find_map(|p| {
                        let config = p.$item_config()?;
                        (config.name() == name.as_str()).then(|| FoundPolicy {
                            id: p.id().to_owned(),
                            comment: config.comment().unwrap_or_default().to_owned(),
                        })
                    });
                    match (found, list.next_marker()) {
                        (Some(found), _) => return Ok(Some(found)),
                        (None, Some(next)) => marker = Some(next.to_owned()),
                        (None, None) => return Ok(None),
                    }
                }
            }

            pub(super) async fn $create(&self, record: &PolicyRecord) -> PortResult<String> {
                match self.client.$create_call().$set_config($config(record)?).send().await {
                    Ok(out) => out
                        .$created()
                        .map(|p| p.id().to_owned())
                        .filter(|id| !id.is_empty())
                        .ok_or_else(|| unexpected(concat!("a created ", $kind, " policy without an id"))),
                    Err(err) if error_code(&err) == Some($exists) => Err(ServiceError::new(
                        ErrorKind::Rejected,
                        format!("a {} policy named '{}' exists already", $kind, record.spec.name),
                    )),
                    Err(err) => Err(classify(concat!("Create ", $kind, " policy"), err)),
                }
            }

            pub(super) async fn $update(&self, id: &str, record: &PolicyRecord) -> PortResult<()> {
                let config = $config(record)?;
                for _ in 0..CAS_ATTEMPTS {
                    let current =
                        self.client.$get_call().id(id).send().await.map_err(aws(concat!("Get ", $kind, " policy")))?;
                    let etag = etag_of(current.e_tag())?;
                    match self.client.$update_call().id(id).if_match(etag).$set_config(config.clone()).send().await {
                        Ok(_) => return Ok(()),
                        Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                        Err(err) if error_code(&err) == Some($exists) => {
                            return Err(ServiceError::new(
                                ErrorKind::Rejected,
                                format!("another {} policy is named '{}'", $kind, record.spec.name),
                            ));
                        }
                        Err(err) => return Err(classify(concat!("Update ", $kind, " policy"), err)),
                    }
                }
                Err(ServiceError::new(ErrorKind::Unavailable, format!("{} policy {id} kept changing", $kind)))
            }

            pub(super) async fn $delete(&self, id: &str) -> PortResult<PolicyDeletion> {
                for _ in 0..CAS_ATTEMPTS {
                    let etag = match self.client.$get_call().id(id).send().await {
                        Ok(out) => etag_of(out.e_tag())?,
                        Err(err) if error_code(&err) == Some($missing) => return Ok(PolicyDeletion::Deleted),
                        Err(err) => return Err(classify(concat!("Get ", $kind, " policy"), err)),
                    };
                    match self.client.$delete_call().id(id).if_match(etag).send().await {
                        Ok(_) => return Ok(PolicyDeletion::Deleted),
                        Err(err) if error_code(&err) == Some($missing) => return Ok(PolicyDeletion::Deleted),
                        Err(err) if error_code(&err) == Some($in_use) => return Ok(PolicyDeletion::InUse),
                        Err(err) if error_code(&err) == Some("PreconditionFailed") => continue,
                        Err(err) => return Err(classify(concat!("Delete ", $kind, " policy"), err)),
                    }
                }
                Err(ServiceError::new(ErrorKind::Unavailable, format!("{} policy {id} kept changing", $kind)))
            }
        }
    };
}

policy_calls!(
    "cache", find: find_cache_policy, create: create_cache_policy, update: update_cache_policy,
    delete: delete_cache_policy,
    config: cache_config, custom: CachePolicyType::Custom,
    list: (list_cache_policies, cache_policy_list, cache_policy, cache_policy_config),
    calls: (create_cache_policy, get_cache_policy_config, update_cache_policy, delete_cache_policy,
        cache_policy_config, cache_policy),
    codes: ("NoSuchCachePolicy", "CachePolicyInUse", "CachePolicyAlreadyExists"),
);

policy_calls!(
    "origin-request", find: find_origin_request_policy, create: create_origin_request_policy,
    update: update_origin_request_policy, delete: delete_origin_request_policy,
    config: origin_request_config, custom: OriginRequestPolicyType::Custom,
    list: (list_origin_request_policies, origin_request_policy_list, origin_request_policy,
        origin_request_policy_config),
    calls: (create_origin_request_policy, get_origin_request_policy_config, update_origin_request_policy,
        delete_origin_request_policy, origin_request_policy_config, origin_request_policy),
    codes: ("NoSuchOriginRequestPolicy", "OriginRequestPolicyInUse", "OriginRequestPolicyAlreadyExists"),
);

#[cfg(test)]
mod tests {
    use cfm_domain::fixtures::policy;
    use serde_json::json;

    use super::*;

    #[test]
    fn a_cache_policy_maps_to_cloudfronts_config() {
        let record = policy(
            "cp-00000000000000a1",
            "CP1",
            json!({"name": "api", "comment": "short", "minTtl": 0, "defaultTtl": 60, "maxTtl": 600, "brotli": false,
                   "headers": {"behavior": "whitelist", "names": ["Authorization"]},
                   "queryStrings": {"behavior": "allExcept", "names": ["utm", "ref"]}}),
        );
        let config = cache_config(&record).unwrap();
        assert_eq!((config.name(), config.comment()), ("api", Some("cfm cp-00000000000000a1: short")));
        assert_eq!((config.min_ttl(), config.default_ttl(), config.max_ttl()), (0, Some(60), Some(600)));
        let key = config.parameters_in_cache_key_and_forwarded_to_origin().unwrap();
        assert!(key.enable_accept_encoding_gzip() && !key.enable_accept_encoding_brotli().unwrap_or(true));
        let headers = key.headers_config().unwrap();
        assert_eq!(headers.header_behavior().as_str(), "whitelist");
        assert_eq!(headers.headers().unwrap().items(), ["Authorization"]);
        let cookies = key.cookies_config().unwrap();
        assert_eq!((cookies.cookie_behavior().as_str(), cookies.cookies().is_none()), ("none", true));
        let query = key.query_strings_config().unwrap();
        assert_eq!(query.query_strings().unwrap().quantity(), 2);
        assert!(origin_request_config(&record).is_err(), "a cache policy is not an origin-request policy");
    }

    #[test]
    fn an_origin_request_policy_maps_to_cloudfronts_config() {
        let record = policy(
            "orp-00000000000000b2",
            "ORP1",
            json!({"name": "country", "headers": {"behavior": "allViewerAndWhitelistCloudFront",
                   "names": ["CloudFront-Viewer-Country"]}, "cookies": {"behavior": "all"}}),
        );
        let config = origin_request_config(&record).unwrap();
        assert_eq!(config.comment(), Some("cfm orp-00000000000000b2"));
        let headers = config.headers_config().unwrap();
        assert_eq!(headers.header_behavior().as_str(), "allViewerAndWhitelistCloudFront");
        assert_eq!(headers.headers().unwrap().items(), ["CloudFront-Viewer-Country"]);
        assert_eq!(config.cookies_config().unwrap().cookie_behavior().as_str(), "all");
    }
}
