//! Cache and origin-request policies cfm makes and names: the request, the parsed spec, the
//! record, and how a behaviour names a policy (a cfm id, or a managed policy by name).

mod record;
mod reference;
mod selection;
mod settings;

pub use record::{PolicyRecord, PolicyStatus};
pub use reference::{PolicyId, PolicyRef};
pub use selection::{Choice, ParameterName, Selection, SelectionRequest};
pub use settings::{
    CachePolicySettings, OriginRequestPolicySettings, PolicyKind, PolicyName, PolicyRequest, PolicySettings, PolicySpec,
};

#[cfg(test)]
mod tests;
