//! `GET /fleet`: the fleet at a glance, for the CLI and the console: distributions by status,
//! drifted, busy with a workflow, failed, routed, with alarms and alias records; origins and
//! edge functions by status; certificates issued, expiring soon and expired.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use cfm_domain::certificate::CertificateStatus;
use cfm_domain::distribution::{DistributionRecord, DistributionStatus};
use cfm_domain::edge::EdgeFunctionRecord;
use cfm_domain::origin::OriginRecord;
use cfm_domain::record::Record;
use cfm_domain::vocabulary::Vocabulary;
use serde_json::{Value, json};

use crate::auth::Principal;
use crate::certificates::EXPIRING_SOON_DAYS;
use crate::error::ApiError;
use crate::state::AppState;

/// How many of `records` are in each status.
fn by_status<T: Record>(records: &[T]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for record in records {
        *counts.entry(record.status().as_str().to_owned()).or_default() += 1;
    }
    counts
}

fn distributions(records: &[DistributionRecord]) -> Value {
    let count = |keep: fn(&DistributionRecord) -> bool| records.iter().filter(|r| keep(r)).count();
    json!({
        "total": records.len(),
        "byStatus": by_status(records),
        "drifted": count(|r| !r.drift.is_empty()),
        "busy": count(|r| r.meta.claim.is_held()),
        "failed": count(|r| r.status == DistributionStatus::Failed || r.meta.last_error.is_some()),
        "routed": count(|r| r.spec.routing.is_some()),
        "withAlarms": count(|r| r.spec.alarms.is_some()),
        "withAliasRecords": count(|r| !r.alias_records.is_empty()),
    })
}

/// `GET /fleet`.
pub(crate) async fn fleet(State(state): State<AppState>, _principal: Principal) -> Result<Response, ApiError> {
    let records = state.ports.records();
    let (distributions_, origins, functions) = (
        records.all::<DistributionRecord>().await?,
        records.all::<OriginRecord>().await?,
        records.all::<EdgeFunctionRecord>().await?,
    );
    let now = state.ports.clock.now();
    let issued = state.ports.certificates.list(&[CertificateStatus::Issued]).await?;
    let days: Vec<i64> = issued.iter().filter_map(|c| c.days_left(now)).collect();
    Ok(Json(json!({
        "distributions": distributions(&distributions_),
        "origins": {"total": origins.len(), "byStatus": by_status(&origins)},
        "edgeFunctions": {"total": functions.len(), "byStatus": by_status(&functions)},
        "certificates": {
            "issued": issued.len(),
            "expiringSoon": days.iter().filter(|d| (0..EXPIRING_SOON_DAYS).contains(*d)).count(),
            "expired": days.iter().filter(|d| **d < 0).count(),
        },
    }))
    .into_response())
}
