//! A bulk operation's items, kept by reference beside its record: one small document per
//! chunk of [`CHUNK_SIZE`] items, so neither an execution's input nor its state carries them.

use cfm_domain::bulk::{BulkItem, BulkRecord, CHUNK_SIZE, Versions};
use cfm_domain::values::BulkId;

use crate::error::{PortResult, ServiceError};
use crate::store::Store;

/// The items of bulk operations, in the table.
pub struct BulkItems<'a>(pub &'a dyn Store);

fn corrupt(err: serde_json::Error) -> ServiceError {
    ServiceError::new(crate::ErrorKind::Failed, format!("a stored chunk of bulk items: {err}"))
}

impl BulkItems<'_> {
    /// Stores every item of `id`, chunk by chunk.
    pub async fn save_all(&self, id: &BulkId, items: &[BulkItem]) -> PortResult<()> {
        for (n, chunk) in items.chunks(CHUNK_SIZE).enumerate() {
            self.save(id, n as u32, chunk).await?;
        }
        Ok(())
    }

    /// Stores chunk `n` of `id`.
    pub async fn save(&self, id: &BulkId, n: u32, items: &[BulkItem]) -> PortResult<()> {
        let text = serde_json::to_string(items).map_err(corrupt)?;
        self.0.remember(&BulkRecord::chunk_key(id, n), &text).await
    }

    /// Chunk `n` of `id` (empty if there is none).
    pub async fn chunk(&self, id: &BulkId, n: u32) -> PortResult<Vec<BulkItem>> {
        match self.0.recall(&BulkRecord::chunk_key(id, n)).await? {
            Some(text) => serde_json::from_str(&text).map_err(corrupt),
            None => Ok(Vec::new()),
        }
    }

    /// Every item of `record`, in order.
    pub async fn all(&self, record: &BulkRecord) -> PortResult<Vec<BulkItem>> {
        let mut items = Vec::new();
        for n in 0..record.chunks.len() as u32 {
            items.extend(self.chunk(&record.id, n).await?);
        }
        Ok(items)
    }
}

/// The template versions `action` needs to plan (a rollout's template's; none otherwise).
pub async fn versions_for(store: &dyn Store, action: &cfm_domain::bulk::BulkAction) -> PortResult<Versions> {
    let cfm_domain::bulk::BulkAction::Rollout { template_id, .. } = action else { return Ok(Versions::new()) };
    let versions = store.versions(template_id.as_str()).await?;
    Ok(versions.into_iter().map(|v| (v.version, v.spec)).collect())
}
