//! A distribution's read grants in an origin bucket's policy: a statement per distribution and
//! way of reaching the bucket (its OAC's requests, or its Origin Access Identity; both while a
//! routing change moves from one to the other), merged with what is there. Statements cfm does
//! not own are never touched.

use serde_json::{Value, json};

use crate::values::{BucketName, DistributionArn, DistributionId, OaiId};

/// How a distribution reaches its buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Each origin's OAC signs CloudFront's requests for this distribution.
    Oac,
    /// The distribution's Origin Access Identity (Lambda@Edge routing).
    Identity,
}

/// Who the grant lets read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grantee<'a> {
    /// CloudFront, for requests of this distribution signed by an OAC.
    Distribution(&'a DistributionArn),
    /// The distribution's Origin Access Identity (Lambda@Edge routing).
    Identity(&'a OaiId),
}

impl Grantee<'_> {
    /// The way of reaching the bucket it grants.
    pub fn access(&self) -> Access {
        match self {
            Self::Distribution(_) => Access::Oac,
            Self::Identity(_) => Access::Identity,
        }
    }

    /// The statement's principal, and its condition if any.
    fn principal(&self) -> (Value, Option<Value>) {
        match self {
            Self::Distribution(arn) => (
                json!({"Service": "cloudfront.amazonaws.com"}),
                Some(json!({"StringEquals": {"AWS:SourceArn": arn.as_str()}})),
            ),
            Self::Identity(id) => {
                (json!({"AWS": format!("arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity {id}")}), None)
            }
        }
    }
}

/// A bucket policy cfm cannot read, so it will not edit it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the bucket policy is not JSON: {0}")]
pub struct MalformedPolicy(String);

/// The statement id for a distribution's grant of `access`. Sids allow only letters and digits.
pub fn statement_id(distribution_id: &DistributionId, access: Access) -> String {
    let id: String = distribution_id.as_str().chars().filter(char::is_ascii_alphanumeric).collect();
    match access {
        Access::Oac => format!("cfm{id}"),
        Access::Identity => format!("cfm{id}oai"),
    }
}

/// Whether a statement is one of the distribution's grants (of `only`, or of either access).
fn is_grant(statement: &Value, distribution_id: &DistributionId, only: Option<Access>) -> bool {
    let accesses = match only {
        Some(access) => vec![access],
        None => vec![Access::Oac, Access::Identity],
    };
    accesses.into_iter().any(|a| statement["Sid"] == Value::String(statement_id(distribution_id, a)))
}

fn parse(policy: Option<&str>) -> Result<Value, MalformedPolicy> {
    match policy {
        None => Ok(json!({"Version": "2012-10-17", "Statement": []})),
        Some(text) => {
            let mut value: Value = serde_json::from_str(text).map_err(|e| MalformedPolicy(e.to_string()))?;
            match value.get("Statement") {
                Some(Value::Array(_)) => {}
                Some(single) => value["Statement"] = json!([single.clone()]),
                None => value["Statement"] = json!([]),
            }
            Ok(value)
        }
    }
}

/// Adds (or refreshes) the grant letting distribution `distribution_id` read `bucket` as
/// `grantee`.
pub fn grant(
    policy: Option<&str>,
    bucket: &BucketName,
    distribution_id: &DistributionId,
    grantee: Grantee<'_>,
) -> Result<String, MalformedPolicy> {
    let mut value = parse(policy)?;
    let sid = statement_id(distribution_id, grantee.access());
    let (principal, condition) = grantee.principal();
    let mut statement = json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:GetObject",
        "Resource": format!("arn:aws:s3:::{bucket}/*"),
    });
    if let Some(condition) = condition {
        statement["Condition"] = condition;
    }
    let statements = value["Statement"].as_array_mut().expect("parse makes an array");
    statements.retain(|s| s["Sid"] != Value::String(sid.clone()));
    statements.push(statement);
    Ok(value.to_string())
}

/// Removes the distribution's grants (of `only`, or all of them). `None` means nothing is
/// left: delete the policy.
pub fn revoke(
    policy: Option<&str>,
    distribution_id: &DistributionId,
    only: Option<Access>,
) -> Result<Option<String>, MalformedPolicy> {
    let Some(text) = policy else { return Ok(None) };
    let mut value = parse(Some(text))?;
    let statements = value["Statement"].as_array_mut().expect("parse makes an array");
    statements.retain(|s| !is_grant(s, distribution_id, only));
    Ok((!statements.is_empty()).then(|| value.to_string()))
}

/// Whether the policy holds a grant of the distribution's (of `only`, or of either access).
pub fn has_grant(policy: &str, distribution_id: &DistributionId, only: Option<Access>) -> bool {
    parse(Some(policy))
        .is_ok_and(|v| v["Statement"].as_array().is_some_and(|s| s.iter().any(|s| is_grant(s, distribution_id, only))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checked;

    fn ids() -> (BucketName, DistributionId, DistributionId, DistributionArn, DistributionArn) {
        (
            BucketName::parse("b-bucket").unwrap(),
            DistributionId::parse("dist-0000000000000001").unwrap(),
            DistributionId::parse("dist-0000000000000002").unwrap(),
            DistributionArn::parse("arn:aws:cloudfront::1:distribution/E1").unwrap(),
            DistributionArn::parse("arn:2").unwrap(),
        )
    }

    const OTHER: &str = r#"{"Version":"2012-10-17","Statement":{"Sid":"TheirOwn","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}}"#;

    #[test]
    fn grant_merges_and_is_idempotent() {
        let (b, d1, _, arn1, _) = ids();
        let once = grant(Some(OTHER), &b, &d1, Grantee::Distribution(&arn1)).unwrap();
        let twice = grant(Some(&once), &b, &d1, Grantee::Distribution(&arn1)).unwrap();
        assert_eq!(once, twice);
        let value: Value = serde_json::from_str(&twice).unwrap();
        assert_eq!(value["Statement"].as_array().unwrap().len(), 2);
        assert!(twice.contains("TheirOwn") && has_grant(&twice, &d1, None));
        assert!(grant(Some("not json"), &b, &d1, Grantee::Distribution(&arn1)).is_err());
    }

    #[test]
    fn an_identity_is_granted_by_its_canonical_principal_without_a_condition() {
        let (b, d1, _, _, _) = ids();
        let oai = OaiId::parse("E2QWRUHAPOMQZL").unwrap();
        let granted: Value = serde_json::from_str(&grant(None, &b, &d1, Grantee::Identity(&oai)).unwrap()).unwrap();
        let statement = &granted["Statement"][0];
        assert_eq!(
            statement["Principal"]["AWS"],
            "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"
        );
        assert!(statement.get("Condition").is_none());
        assert_eq!(revoke(Some(&granted.to_string()), &d1, None).unwrap(), None);
    }

    #[test]
    fn both_ways_stand_side_by_side_and_go_one_at_a_time() {
        let (b, d1, _, arn1, _) = ids();
        let oai = OaiId::parse("E2QWRUHAPOMQZL").unwrap();
        let oac = grant(None, &b, &d1, Grantee::Distribution(&arn1)).unwrap();
        let both = grant(Some(&oac), &b, &d1, Grantee::Identity(&oai)).unwrap();
        assert!(has_grant(&both, &d1, Some(Access::Oac)) && has_grant(&both, &d1, Some(Access::Identity)));
        let left = revoke(Some(&both), &d1, Some(Access::Oac)).unwrap().unwrap();
        assert!(!has_grant(&left, &d1, Some(Access::Oac)) && has_grant(&left, &d1, Some(Access::Identity)));
    }

    #[test]
    fn revoke_keeps_other_statements_and_empties_to_none() {
        let (b, d1, d2, arn1, arn2) = ids();
        let both = grant(Some(OTHER), &b, &d1, Grantee::Distribution(&arn1)).unwrap();
        let left = revoke(Some(&both), &d1, None).unwrap().unwrap();
        assert!(left.contains("TheirOwn") && !has_grant(&left, &d1, None));
        let alone = grant(None, &b, &d2, Grantee::Distribution(&arn2)).unwrap();
        assert_eq!(revoke(Some(&alone), &d2, None).unwrap(), None);
        assert_eq!(revoke(None, &d2, None).unwrap(), None);
    }
}
