//! Route 53: public hosted zones (all pages), UPSERTs of validation records, and A/AAAA alias
//! records pointing at a distribution.

use async_trait::async_trait;
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType,
};
use cfm_domain::certificate::ValidationRecord;
use cfm_domain::dns::{ALIAS_TYPES, AliasAction, HostedZone, RecordSet};
use cfm_ports::PortResult;
use cfm_ports::dns::Dns;

use crate::classify::{aws, unexpected};
use crate::config::AwsContext;

/// How long resolvers may cache a validation record.
const VALIDATION_TTL: i64 = 300;
/// The hosted zone every alias to a CloudFront distribution names (fixed by AWS).
const CLOUDFRONT_ZONE: &str = "Z2FDTNDX2KHYQJ";
/// Record sets read per page when looking at one name.
const PAGE: i32 = 20;

/// Route 53.
#[derive(Debug, Clone)]
pub struct Route53 {
    client: aws_sdk_route53::Client,
}

impl Route53 {
    /// A client from the shared configuration.
    pub fn new(aws: &AwsContext) -> Self {
        Self { client: aws.route53() }
    }
}

fn change(record: &ValidationRecord) -> PortResult<Change> {
    let value = ResourceRecord::builder().value(&record.value).build().map_err(|e| unexpected(&e.to_string()))?;
    let set = ResourceRecordSet::builder()
        .name(&record.name)
        .r#type(RrType::from(record.r#type.as_str()))
        .ttl(VALIDATION_TTL)
        .resource_records(value)
        .build()
        .map_err(|e| unexpected(&e.to_string()))?;
    Change::builder()
        .action(ChangeAction::Upsert)
        .resource_record_set(set)
        .build()
        .map_err(|e| unexpected(&e.to_string()))
}

fn alias_change(name: &str, r#type: &str, target: &str, action: ChangeAction) -> PortResult<Change> {
    let alias = AliasTarget::builder()
        .hosted_zone_id(CLOUDFRONT_ZONE)
        .dns_name(target)
        .evaluate_target_health(false)
        .build()
        .map_err(|e| unexpected(&e.to_string()))?;
    let set = ResourceRecordSet::builder()
        .name(name)
        .r#type(RrType::from(r#type))
        .alias_target(alias)
        .build()
        .map_err(|e| unexpected(&e.to_string()))?;
    Change::builder().action(action).resource_record_set(set).build().map_err(|e| unexpected(&e.to_string()))
}

fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

impl Route53 {
    async fn change(&self, zone: &str, comment: &str, changes: Vec<Change>) -> PortResult<()> {
        let batch = ChangeBatch::builder()
            .comment(comment)
            .set_changes(Some(changes))
            .build()
            .map_err(|e| unexpected(&e.to_string()))?;
        self.client
            .change_resource_record_sets()
            .hosted_zone_id(zone)
            .change_batch(batch)
            .send()
            .await
            .map_err(aws("ChangeResourceRecordSets"))?;
        Ok(())
    }
}

#[async_trait]
impl Dns for Route53 {
    async fn public_zones(&self) -> PortResult<Vec<HostedZone>> {
        let mut zones = Vec::new();
        let mut marker = None;
        loop {
            let out =
                self.client.list_hosted_zones().set_marker(marker).send().await.map_err(aws("ListHostedZones"))?;
            let public = out.hosted_zones().iter().filter(|z| !z.config().is_some_and(|c| c.private_zone()));
            zones.extend(public.map(|z| HostedZone {
                id: z.id().trim_start_matches("/hostedzone/").to_owned(),
                name: z.name().to_owned(),
            }));
            marker = out.next_marker().filter(|_| out.is_truncated()).map(str::to_owned);
            if marker.is_none() {
                return Ok(zones);
            }
        }
    }

    async fn upsert(&self, zone: &str, records: &[ValidationRecord]) -> PortResult<()> {
        let changes = records.iter().map(change).collect::<PortResult<Vec<_>>>()?;
        self.change(zone, "cfm: ACM validation records", changes).await
    }

    async fn records_at(&self, zone: &str, name: &str) -> PortResult<Vec<RecordSet>> {
        let mut found = Vec::new();
        let mut start = Some((name.to_owned(), None));
        // Route 53 lists from `name` on in its own order: the sets at `name` come first.
        while let Some((start_name, start_type)) = start.take() {
            let out = self
                .client
                .list_resource_record_sets()
                .hosted_zone_id(zone)
                .start_record_name(start_name)
                .set_start_record_type(start_type)
                .max_items(PAGE)
                .send()
                .await
                .map_err(aws("ListResourceRecordSets"))?;
            let here = out.resource_record_sets().iter().take_while(|set| same_name(set.name(), name));
            found.extend(here.map(|set| RecordSet {
                name: set.name().to_owned(),
                r#type: set.r#type().as_str().to_owned(),
                alias_target: set.alias_target().map(|a| a.dns_name().to_owned()),
            }));
            if out.is_truncated() && out.next_record_name().is_some_and(|next| same_name(next, name)) {
                start = out.next_record_name().map(|next| (next.to_owned(), out.next_record_type().cloned()));
            }
        }
        Ok(found)
    }

    async fn change_aliases(&self, zone: &str, target: &str, changes: &[(String, AliasAction)]) -> PortResult<()> {
        let mut batch = Vec::new();
        for (name, action) in changes {
            match action {
                AliasAction::Upsert => {
                    for r#type in ALIAS_TYPES {
                        batch.push(alias_change(name, r#type, target, ChangeAction::Upsert)?);
                    }
                }
                AliasAction::Delete(types) => {
                    for r#type in types {
                        batch.push(alias_change(name, r#type, target, ChangeAction::Delete)?);
                    }
                }
            }
        }
        self.change(zone, "cfm: aliases of a distribution", batch).await
    }
}
