//! Error names reported with `SendTaskFailure`. The strings are a contract with the ASL files:
//! `Retry` and `Catch` match them, and the ASL lint checks that every `ErrorEquals` entry is one
//! of [`ErrorName::ALL`] or a `States.*` name.

use std::fmt;

macro_rules! error_names {
    ($($variant:ident => $name:literal, retryable: $retry:literal, $doc:literal;)+) => {
        /// A stable, typed failure name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorName {
            $(#[doc = $doc] $variant,)+
        }

        impl ErrorName {
            /// Every name, for the ASL lint and documentation.
            pub const ALL: &'static [ErrorName] = &[$(ErrorName::$variant,)+];

            /// The string sent to Step Functions and matched by `ErrorEquals`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorName::$variant => $name,)+ }
            }

            /// Whether a later attempt may succeed. The ASL `Retry` blocks list exactly these.
            pub fn is_retryable(self) -> bool {
                match self { $(ErrorName::$variant => $retry,)+ }
            }

            /// Parses a name sent by a worker.
            pub fn parse(name: &str) -> Option<Self> {
                match name { $($name => Some(ErrorName::$variant),)+ _ => None }
            }
        }
    };
}

error_names! {
    Throttled => "cfm.Throttled", retryable: true, "An AWS API said to slow down.";
    Transient => "cfm.Transient", retryable: true, "A network or service fault that may pass.";
    Validation => "cfm.Validation", retryable: false, "The request breaks a rule; retrying cannot help.";
    NotFound => "cfm.NotFound", retryable: false, "A resource the task needs does not exist.";
    Conflict => "cfm.Conflict", retryable: false, "The resource is in a state that forbids the change.";
    BucketAlreadyExists => "cfm.BucketAlreadyExists", retryable: false, "The bucket name belongs to someone else.";
    BucketNotEmpty => "cfm.BucketNotEmpty", retryable: false, "The bucket holds objects and emptying was not requested.";
    OriginInUse => "cfm.OriginInUse", retryable: false, "A distribution still uses the origin.";
    PolicyInUse => "cfm.PolicyInUse", retryable: false, "A distribution's behaviour still uses the policy.";
    FunctionInUse => "cfm.FunctionInUse", retryable: false, "The edge function stayed in use (associated, or its Lambda@Edge replicas not yet gone) past the retire budget.";
    NotOwned => "cfm.NotOwned", retryable: false, "The resource was not made by cfm for this record, so cfm will not change or delete it.";
    WorkflowFailed => "cfm.WorkflowFailed", retryable: false, "A workflow this one started failed; its own record says why.";
    DeploymentTimedOut => "cfm.DeploymentTimedOut", retryable: false, "CloudFront did not reach Deployed within the polling budget.";
    Internal => "cfm.Internal", retryable: false, "A bug or an unexpected answer; see the cause.";
}

impl fmt::Display for ErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_namespaced() {
        for name in ErrorName::ALL {
            assert_eq!(ErrorName::parse(name.as_str()), Some(*name));
            assert!(name.as_str().starts_with("cfm."), "{name}");
        }
        assert_eq!(ErrorName::parse("States.ALL"), None);
    }

    #[test]
    fn only_throttled_and_transient_are_retryable() {
        let retryable: Vec<_> = ErrorName::ALL.iter().filter(|n| n.is_retryable()).collect();
        assert_eq!(retryable, [&ErrorName::Throttled, &ErrorName::Transient]);
    }
}
