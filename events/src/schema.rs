//! One JSON Schema per detail-type, published under `events/schemas/`. A test keeps the files in
//! step with the Rust types; `CFM_UPDATE_SCHEMAS=1 cargo test -p cfm-events` rewrites them.

use schemars::schema_for;
use serde_json::Value;

use crate::bulk::{BulkOperationCompleted, BulkOperationFailed};
use crate::certificate::{
    CertificateExpired, CertificateExpiring, CertificateIssued, CertificateValidationFailed,
    CertificateValidationRecordsCreated, CertificateValidationRequired,
};
use crate::distribution::{
    DistributionAlarmChanged, DistributionCreateFailed, DistributionCreated, DistributionDeleteFailed,
    DistributionDeleted, DistributionDeployed, DistributionDnsUpdated, DistributionDriftDetected,
    DistributionRecovered, DistributionStatusChanged, DistributionUpdateFailed, DistributionUpdated,
    InvalidationCompleted, InvalidationFailed,
};
use crate::edge::{
    EdgeFunctionAssociated, EdgeFunctionPublished, EdgeFunctionRetireDeferred, EdgeFunctionRetireFailed,
    EdgeFunctionRetired,
};
use crate::envelope::{EventDetail, EventEnvelope};
use crate::origin::{
    OriginCreateFailed, OriginCreated, OriginDeleteFailed, OriginDeleted, OriginRecovered, OriginUpdateFailed,
    OriginUpdated,
};
use crate::policy::{
    PolicyCreateFailed, PolicyCreated, PolicyDeleteFailed, PolicyDeleted, PolicyRecovered, PolicyUpdateFailed,
    PolicyUpdated,
};
use crate::template::{TemplateApplied, TemplateApplyFailed, TemplateCreated, TemplateDeleted, TemplateUpdated};

fn schema_of<T: EventDetail>() -> (&'static str, Value) {
    let mut schema = serde_json::to_value(schema_for!(EventEnvelope<T>)).expect("schema is JSON");
    schema["title"] = Value::String(T::DETAIL_TYPE.to_owned());
    schema["$id"] = Value::String(format!("https://cfm.dev/events/{}.schema.json", T::DETAIL_TYPE));
    (T::DETAIL_TYPE, schema)
}

/// Every detail-type cfm publishes, with its schema.
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        schema_of::<OriginCreated>(),
        schema_of::<OriginCreateFailed>(),
        schema_of::<OriginUpdated>(),
        schema_of::<OriginUpdateFailed>(),
        schema_of::<OriginDeleted>(),
        schema_of::<OriginDeleteFailed>(),
        schema_of::<OriginRecovered>(),
        schema_of::<DistributionCreated>(),
        schema_of::<DistributionDeployed>(),
        schema_of::<DistributionCreateFailed>(),
        schema_of::<DistributionUpdated>(),
        schema_of::<DistributionUpdateFailed>(),
        schema_of::<DistributionDeleted>(),
        schema_of::<DistributionDeleteFailed>(),
        schema_of::<InvalidationCompleted>(),
        schema_of::<InvalidationFailed>(),
        schema_of::<DistributionRecovered>(),
        schema_of::<DistributionStatusChanged>(),
        schema_of::<DistributionDriftDetected>(),
        schema_of::<DistributionDnsUpdated>(),
        schema_of::<DistributionAlarmChanged>(),
        schema_of::<PolicyCreated>(),
        schema_of::<PolicyCreateFailed>(),
        schema_of::<PolicyUpdated>(),
        schema_of::<PolicyUpdateFailed>(),
        schema_of::<PolicyDeleted>(),
        schema_of::<PolicyDeleteFailed>(),
        schema_of::<PolicyRecovered>(),
        schema_of::<EdgeFunctionPublished>(),
        schema_of::<EdgeFunctionAssociated>(),
        schema_of::<EdgeFunctionRetired>(),
        schema_of::<EdgeFunctionRetireDeferred>(),
        schema_of::<EdgeFunctionRetireFailed>(),
        schema_of::<TemplateCreated>(),
        schema_of::<TemplateUpdated>(),
        schema_of::<TemplateDeleted>(),
        schema_of::<TemplateApplied>(),
        schema_of::<TemplateApplyFailed>(),
        schema_of::<CertificateValidationRequired>(),
        schema_of::<CertificateValidationRecordsCreated>(),
        schema_of::<CertificateIssued>(),
        schema_of::<CertificateValidationFailed>(),
        schema_of::<CertificateExpiring>(),
        schema_of::<CertificateExpired>(),
        schema_of::<BulkOperationCompleted>(),
        schema_of::<BulkOperationFailed>(),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn schema_files_match_the_rust_types() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
        let update = std::env::var_os("CFM_UPDATE_SCHEMAS").is_some();
        let mut expected = BTreeSet::new();
        for (detail_type, schema) in all() {
            let file = format!("{detail_type}.schema.json");
            let path = dir.join(&file);
            let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
            if update {
                std::fs::write(&path, &text).unwrap();
            }
            let on_disk = std::fs::read_to_string(&path)
                .unwrap_or_else(|_| panic!("{file} is missing: run CFM_UPDATE_SCHEMAS=1 cargo test -p cfm-events"));
            assert_eq!(on_disk, text, "{file} is stale: run CFM_UPDATE_SCHEMAS=1 cargo test -p cfm-events");
            expected.insert(file);
        }
        let present: BTreeSet<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert_eq!(present, expected, "schemas/ holds a file no Rust type backs");
    }

    #[test]
    fn an_emitted_event_has_every_required_field_of_its_schema() {
        use cfm_domain::Checked;
        use cfm_domain::values::{OriginId, Timestamp};

        use crate::envelope::{EventOrigin, OutgoingEvent};
        let origin = EventOrigin { execution_arn: Some("arn:e"), correlation_id: "c", actor: "a" };
        let data =
            OriginUpdated { origin_id: OriginId::parse("org-0000000000000001").unwrap(), changed: vec!["name".into()] };
        let event = OutgoingEvent::new(&origin, &data, Timestamp::at(chrono::Utc::now()));
        let (_, schema) = schema_of::<OriginUpdated>();
        for part in ["metadata", "data"] {
            let def = &schema["properties"][part];
            let required = match def.get("$ref").and_then(Value::as_str) {
                Some(r) => schema["$defs"][r.rsplit('/').next().unwrap()]["required"].clone(),
                None => def["required"].clone(),
            };
            for field in required.as_array().unwrap() {
                let field = field.as_str().unwrap();
                assert!(event.detail[part].get(field).is_some(), "{part}.{field} missing");
            }
        }
    }
}
