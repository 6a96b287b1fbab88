//! What cfm keeps for a distribution outside CloudFront: Route 53 alias records (A and AAAA)
//! pointing its aliases at it, and a CloudWatch alarm on its 5xx error rate. Both follow the
//! record's spec, so one task serves create, update and delete (a deleting distribution wants
//! neither), and a redelivery finds them as wanted and changes nothing.
//!
//! Only cfm's own are changed: an alias record is cfm's when it aliases this distribution's
//! domain name; a CNAME or a record pointing elsewhere is left alone. The alarm's name is
//! derived from the distribution's id.

use std::collections::BTreeMap;

use cfm_domain::distribution::{DistributionRecord, DistributionStatus, ErrorRateAlarm};
use cfm_domain::dns::{AliasAction, alias_change, zone_for};
use cfm_domain::record::Claimed;
use cfm_domain::values::Hostname;
use cfm_events::RequestContext;
use cfm_events::distribution::{AliasLeftAlone, DistributionAlarmChanged, DistributionDnsUpdated, DistributionInput};
use cfm_runtime::TaskOutput;

use crate::cx::Cx;
use crate::error::{TaskError, TaskResult};

/// Brings the alias records and the alarm in line with the record's spec (none for a
/// distribution being deleted) and announces what changed.
pub async fn sync(cx: &Cx<'_>, input: DistributionInput) -> TaskResult<TaskOutput> {
    let record: DistributionRecord = cx.claimed(input.distribution_id.as_str()).await?;
    let keep = record.status != DistributionStatus::Deleting;
    apply(cx, &record, keep, &input.request, "sync").await
}

/// Removes the alias records and the alarm cfm made for `record` (compensation of a create).
pub(crate) async fn release(
    cx: &Cx<'_>,
    record: &DistributionRecord,
    request: &RequestContext,
) -> TaskResult<TaskOutput> {
    apply(cx, record, false, request, "release").await
}

async fn apply(
    cx: &Cx<'_>,
    record: &DistributionRecord,
    keep: bool,
    request: &RequestContext,
    which: &str,
) -> TaskResult<TaskOutput> {
    let mut output = TaskOutput::none();
    if let Some(dns) = aliases(cx, record, keep).await? {
        output = output.with_event(cx.event_for(request, &dns, which));
    }
    if let Some(alarm) = alarm(cx, record, keep).await? {
        output = output.with_event(cx.event_for(request, &alarm, which));
    }
    Ok(output)
}

/// Upserts the aliases the spec wants and removes the ones cfm kept before and no longer
/// wants, one change per zone; records which it keeps now.
async fn aliases(cx: &Cx<'_>, record: &DistributionRecord, keep: bool) -> TaskResult<Option<DistributionDnsUpdated>> {
    let Some(cloudfront) = &record.cloudfront else { return Ok(None) };
    let wanted: &[Hostname] = if keep && record.spec.create_alias_records { &record.spec.aliases } else { &[] };
    let mut names: Vec<&Hostname> = wanted.iter().chain(&record.alias_records).collect();
    names.sort();
    names.dedup();
    if names.is_empty() {
        return Ok(None);
    }
    let zones = cx.ports.dns.public_zones().await?;
    let domain = &cloudfront.domain_name;
    let (mut kept, mut upserted, mut left_alone) = (Vec::new(), Vec::new(), Vec::new());
    let mut changes: BTreeMap<&str, Vec<(String, AliasAction)>> = BTreeMap::new();
    for name in names {
        let want = wanted.contains(name);
        let Some(zone) = zone_for(name.as_str(), &zones) else {
            if want {
                left_alone
                    .push(AliasLeftAlone { name: name.to_string(), reason: "no public hosted zone holds it".into() });
            }
            continue;
        };
        let existing = cx.ports.dns.records_at(&zone.id, name.as_str()).await?;
        match alias_change(name.as_str(), want, &existing, domain) {
            Err(reason) if want => left_alone.push(AliasLeftAlone { name: name.to_string(), reason }),
            Err(_) => {}
            Ok(action) => {
                if want && (action.is_some() || !record.alias_records.contains(name)) {
                    upserted.push(name.to_string());
                }
                if want {
                    kept.push(name.clone());
                }
                if let Some(action) = action {
                    changes.entry(zone.id.as_str()).or_default().push((name.to_string(), action));
                }
            }
        }
    }
    for (zone, changes) in &changes {
        cx.ports.dns.change_aliases(zone, domain, changes).await?;
    }
    let left: Vec<&str> = left_alone.iter().map(|l| l.name.as_str()).collect();
    let removed: Vec<String> = record
        .alias_records
        .iter()
        .filter(|n| !kept.contains(n) && !left.contains(&n.as_str()))
        .map(ToString::to_string)
        .collect();
    if kept != record.alias_records {
        let execution = cx.execution().as_str();
        cx.records()
            .update::<DistributionRecord, TaskError>(record.id.as_str(), cx.now(), |r| {
                if r.is_mine(execution) {
                    r.alias_records = kept.clone();
                }
                Ok(())
            })
            .await?;
    }
    let changed = !(upserted.is_empty() && removed.is_empty() && left_alone.is_empty());
    Ok(changed.then(|| DistributionDnsUpdated {
        distribution_id: record.id.clone(),
        domain_name: domain.clone(),
        upserted,
        removed,
        left_alone,
    }))
}

/// Puts the alarm the spec asks for (when CloudWatch has another threshold or none) or
/// deletes the one it no longer asks for.
async fn alarm(cx: &Cx<'_>, record: &DistributionRecord, keep: bool) -> TaskResult<Option<DistributionAlarmChanged>> {
    let Some(cloudfront_id) = record.cloudfront_id() else { return Ok(None) };
    let alarm_name = ErrorRateAlarm::name_for(&record.id);
    let wanted = record
        .spec
        .alarms
        .as_ref()
        .filter(|_| keep)
        .map(|a| ErrorRateAlarm { distribution: record.id.clone(), threshold: a.error_rate_5xx_percent });
    let live = cx.ports.metrics.alarm_threshold(&alarm_name).await?;
    let changed = |error_rate_5xx_percent| {
        Some(DistributionAlarmChanged {
            distribution_id: record.id.clone(),
            alarm_name: alarm_name.clone(),
            error_rate_5xx_percent,
        })
    };
    Ok(match (wanted, live) {
        (Some(alarm), live) if live != Some(alarm.threshold.value()) => {
            cx.ports.metrics.put_alarm(&alarm, cloudfront_id.as_str()).await?;
            changed(Some(alarm.threshold.value()))
        }
        (None, Some(_)) => {
            cx.ports.metrics.delete_alarm(&alarm_name).await?;
            changed(None)
        }
        _ => None,
    })
}
