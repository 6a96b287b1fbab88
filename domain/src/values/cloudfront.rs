//! Identifiers CloudFront assigns. cfm never makes them up, so their only rule is that they are
//! not empty and have no spaces.

use crate::checked_text;

fn opaque(text: &str, broken: &mut Vec<String>) {
    if text.is_empty() || text.len() > 256 || text.chars().any(char::is_whitespace) {
        broken.push("must be an identifier CloudFront gave".into());
    }
}

checked_text!(
    /// A CloudFront distribution id, e.g. `E2QWRUHAPOMQZL`.
    CloudFrontId, "a CloudFront distribution id", |text, broken| { opaque(text, broken) }
);
checked_text!(
    /// A CloudFront distribution ARN.
    DistributionArn, "a CloudFront distribution ARN", |text, broken| { opaque(text, broken) }
);
checked_text!(
    /// An Origin Access Control id.
    OacId, "an Origin Access Control id", |text, broken| { opaque(text, broken) }
);
checked_text!(
    /// An Origin Access Identity id, e.g. `E2QWRUHAPOMQZL`.
    OaiId, "an Origin Access Identity id", |text, broken| { opaque(text, broken) }
);
checked_text!(
    /// An invalidation id.
    InvalidationId, "an invalidation id", |text, broken| { opaque(text, broken) }
);
