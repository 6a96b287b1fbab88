//! Route 53: public hosted zones (all pages) and UPSERTs of validation records.

use async_trait::async_trait;
use aws_sdk_route53::types::{Change, ChangeAction, ChangeBatch, ResourceRecord, ResourceRecordSet, RrType};
use cfm_domain::certificate::ValidationRecord;
use cfm_domain::dns::HostedZone;
use cfm_ports::PortResult;
use cfm_ports::dns::Dns;

use crate::classify::{aws, unexpected};
use crate::config::AwsContext;

/// How long resolvers may cache a validation record.
const VALIDATION_TTL: i64 = 300;

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
        let batch = ChangeBatch::builder()
            .comment("cfm: ACM validation records")
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
