//! ARNs cfm reads parts of.

use crate::checked_text;
use crate::problems::excerpt;

fn parts(arn: &str) -> Vec<&str> {
    arn.splitn(6, ':').collect()
}

fn is_account(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

checked_text!(
    /// A 12-digit AWS account id.
    AccountId, "an AWS account id", |text, broken| {
        if !is_account(text) {
            broken.push("must be 12 digits".into());
        }
    }
);

checked_text!(
    /// An ACM certificate in us-east-1, the only region CloudFront takes certificates from.
    CertificateArn, "an ACM certificate ARN", |text, broken| {
        let p = parts(text);
        let shaped = p.len() == 6
            && p[0] == "arn"
            && p[2] == "acm"
            && is_account(p[4])
            && p[5].strip_prefix("certificate/").is_some_and(|id| !id.is_empty() && !id.contains('/'));
        if !shaped {
            broken.push("must be an ACM certificate ARN (arn:aws:acm:us-east-1:<account>:certificate/<id>)".into());
        } else if p[3] != "us-east-1" {
            broken.push(format!("is in {}; CloudFront only uses certificates in us-east-1", excerpt(p[3])));
        }
    }
);

impl CertificateArn {
    /// The account the certificate belongs to.
    pub fn account(&self) -> &str {
        parts(&self.0)[4]
    }
}

checked_text!(
    /// A Step Functions execution: `arn:aws:states:<region>:<account>:execution:<machine>:<name>`.
    ExecutionArn, "a Step Functions execution ARN", |text, broken| {
        let p: Vec<&str> = text.split(':').collect();
        let shaped = p.len() == 8 && p[0] == "arn" && p[2] == "states" && is_account(p[4]) && p[5] == "execution";
        if !shaped || p[6].is_empty() || p[7].is_empty() {
            broken.push("must be a Step Functions execution ARN".into());
        }
    }
);

impl ExecutionArn {
    /// The execution `name` of state machine `machine_arn`
    /// (`arn:aws:states:<region>:<account>:stateMachine:<machine>`).
    pub fn of(machine_arn: &str, name: &str) -> Self {
        Self(format!("{}:{name}", machine_arn.replacen(":stateMachine:", ":execution:", 1)))
    }

    /// The account it runs in.
    pub fn account(&self) -> &str {
        self.0.split(':').nth(4).unwrap_or_default()
    }

    /// The execution's name.
    pub fn name(&self) -> &str {
        self.0.rsplit(':').next().unwrap_or_default()
    }

    /// Whether it is an execution of the state machine `machine_arn`.
    pub fn belongs_to(&self, machine_arn: &str) -> bool {
        self.0
            .strip_prefix(&machine_arn.replacen(":stateMachine:", ":execution:", 1))
            .is_some_and(|rest| rest.starts_with(':'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Checked;

    #[test]
    fn certificates_must_be_acm_in_us_east_1() {
        let arn = CertificateArn::parse("arn:aws:acm:us-east-1:123456789012:certificate/abc").unwrap();
        assert_eq!(arn.account(), "123456789012");
        let wrong_region = CertificateArn::parse("arn:aws:acm:eu-west-1:123456789012:certificate/abc").unwrap_err();
        assert!(wrong_region[0].contains("eu-west-1"));
        assert!(CertificateArn::parse("arn:aws:iam::123456789012:role/x").is_err());
    }

    #[test]
    fn executions_name_their_machine_and_account() {
        let machine = "arn:aws:states:us-east-1:123456789012:stateMachine:s-create-origin";
        let execution = ExecutionArn::of(machine, "create-origin.org-1.x");
        assert!(ExecutionArn::parse(execution.as_str()).is_ok());
        assert_eq!(execution.account(), "123456789012");
        assert_eq!(execution.name(), "create-origin.org-1.x");
        assert!(execution.belongs_to(machine));
        assert!(!execution.belongs_to("arn:aws:states:us-east-1:123456789012:stateMachine:s-create"));
    }
}
