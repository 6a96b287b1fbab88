//! Routing viewers to origins at the edge: the ISO country table, routing (presets, maps, the
//! default origin) parsed against a distribution's origins, and the edge function generated
//! from it.

mod code;
mod countries;
mod preview;
mod record;
mod routing;

pub use code::{
    COUNTRY_HEADER, CodeError, EdgeCode, EdgeOrigin, FUNCTION_LIMIT_BYTES, LAMBDA_EDGE_LIMIT_BYTES, generate,
};
pub use countries::{Continent, continent_of, countries};
pub use preview::{Preview, PreviewRequest};
pub use record::{
    EdgeBinding, EdgeFunctionRecord, EdgeFunctionStatus, VIEWER_COUNTRY_POLICY_NAME, viewer_country_policy,
    viewer_country_policy_id,
};
pub use routing::{Preset, PresetRegion, Routing, RoutingMode, RoutingRequest};

/// A stand-in for the edge in JavaScript (`runtime.mjs`): runs a generated function in Node as
/// CloudFront would. The `node:test` suite and `cfm demo` use it.
pub const RUNTIME_JS: &str = include_str!("runtime.mjs");

#[cfg(test)]
mod tests;
