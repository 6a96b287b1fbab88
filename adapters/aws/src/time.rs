//! AWS's timestamps as cfm's.

use aws_smithy_types::DateTime;
use cfm_domain::values::Timestamp;

/// The time, if chrono can hold it.
pub(crate) fn timestamp(t: &DateTime) -> Option<Timestamp> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos()).map(Timestamp::at)
}

/// The time, or the epoch for one chrono cannot hold (AWS never sends such).
pub(crate) fn instant(t: &DateTime) -> Timestamp {
    timestamp(t).unwrap_or_else(|| Timestamp::at(chrono::DateTime::UNIX_EPOCH))
}
