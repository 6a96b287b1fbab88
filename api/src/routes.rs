//! Every route with its OpenAPI operation (see [`crate::openapi`]).

use axum::Router;
use cfm_domain::bulk::{BulkInvalidationRequest, BulkRecord, BulkUpdateRequest, RolloutRequest};
use cfm_domain::certificate::CertificateRequest;
use cfm_domain::distribution::{DistributionRecord, DistributionRequest, InvalidationRequest};
use cfm_domain::edge::{EdgeFunctionRecord, PreviewRequest};
use cfm_domain::origin::{OriginRecord, OriginRequest};
use cfm_domain::policy::PolicyRequest;
use cfm_domain::template::{ApplyTemplateRequest, TemplateRecord, TemplateRequest};
use cfm_domain::values::{BulkId, DistributionId, EdgeFunctionId, OriginId, TemplateId};
use serde_json::{Value, json};

use crate::openapi::{Op, Routes, file, read, start};
use crate::policies::{Cache, OriginRequest as OriginRequestKind};
use crate::state::AppState;
use crate::{bulk, certificates, console, distributions, edge, executions, history, origins, policies, templates};

const PAGE: &[(&str, &str)] = &[("limit", "page size, 1–100 (default 50)"), ("nextToken", "from the previous page")];

const DISTRIBUTIONS: &[(&str, &str)] = &[
    ("status", "only those in this status"),
    ("drifted", "true: only those changed outside cfm; false: only those not"),
    ("templateId", "only those made from this template"),
    ("originId", "only those serving from this origin"),
    ("tag", "key=value: only those with this tag"),
    ("sort", "name, status, createdAt or updatedAt; - first for descending (default: newest first)"),
    PAGE[0],
    PAGE[1],
];
const DRY_RUN: &[(&str, &str)] = &[("dryRun", "true: answer the plan (200) for each distribution and start nothing")];
const BULK_ITEMS: &[(&str, &str)] =
    &[("result", "only PENDING, RUNNING, SUCCEEDED, FAILED or SKIPPED ones"), ("nextToken", "from the previous page")];
const EDGE_FUNCTIONS: &[(&str, &str)] = &[("distributionId", "only this distribution's"), PAGE[0], PAGE[1]];
const EXECUTIONS: &[(&str, &str)] = &[
    ("workflow", "only this workflow's"),
    ("status", "RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED"),
    ("resourceId", "only those about this resource"),
    PAGE[0],
    PAGE[1],
];

const METRICS: &[(&str, &str)] = &[
    ("period", "seconds per point, a multiple of 60 (default 300)"),
    ("from", "RFC 3339 (default: to minus 3 hours)"),
    ("to", "RFC 3339 (default: now)"),
];

/// A resource's history route.
fn history_of(id: &'static str, tag: &'static str) -> Op {
    read(id, tag, "Its events, newest first (kept after it is deleted)").query(PAGE)
}

fn policy(kind: &str) -> Value {
    match kind {
        "cache" => json!({"name": "api-short", "defaultTtl": 60, "queryStrings": {"behavior": "all"}}),
        _ => json!({"name": "pass-auth", "headers": {"behavior": "whitelist", "names": ["X-Api-Key"]}}),
    }
}

/// Every route, and the document describing them.
pub(crate) fn all() -> (Router<AppState>, Value) {
    let origin = json!({"name": "Europe assets", "bucketName": "acme-assets-eu", "region": "eu-west-1"});
    let distribution = json!({"name": "shop", "origins": ["org-5f2a9c0d1e3b4a67", "org-0b1c2d3e4f506172"],
        "behaviors": [{"pathPattern": "/api/*", "originId": "org-0b1c2d3e4f506172", "cachePolicy": "CachingDisabled"}],
        "defaultOriginId": "org-5f2a9c0d1e3b4a67"});
    let routing = json!({"preset": "apac-americas", "regions": {"apac": "org-5f2a9c0d1e3b4a67", "americas": "org-0b1c2d3e4f506172"},
        "defaultOriginId": "org-0b1c2d3e4f506172"});
    Routes::new()
        .get("/origins", origins::list, read("listOrigins", "origins", "Origins, newest first").query(PAGE))
        .post(
            "/origins",
            origins::create,
            start("createOrigin", "origins", "Create an S3 origin (bucket and OAC) or a custom one")
                .body::<OriginRequest>(origin),
        )
        .get("/origins/{id}", origins::get, read("getOrigin", "origins", "An origin (header values never shown)"))
        .put(
            "/origins/{id}",
            origins::update,
            start("updateOrigin", "origins", "Change an origin's settings")
                .body::<OriginRequest>(json!({"name": "Europe assets (v2)"})),
        )
        .delete(
            "/origins/{id}",
            origins::delete,
            start("deleteOrigin", "origins", "Delete an origin no distribution uses")
                .query(&[("emptyBucket", "true to delete the bucket's objects too")]),
        )
        .get(
            "/origins/{id}/history",
            history::history::<OriginRecord, OriginId>,
            history_of("originHistory", "origins"),
        )
        .get(
            "/distributions",
            distributions::list,
            read("listDistributions", "distributions", "Distributions, newest first").query(DISTRIBUTIONS),
        )
        .get(
            "/fleet",
            crate::fleet::fleet,
            read("fleet", "distributions", "The fleet at a glance").answers(
                "{distributions: {total, byStatus, drifted, busy, failed, routed, withAlarms, withAliasRecords}, origins: {total, byStatus}, edgeFunctions: {total, byStatus}, certificates: {issued, expiringSoon, expired}}",
            ),
        )
        .post(
            "/distributions",
            distributions::create,
            start("createDistribution", "distributions", "Create a distribution over one or more origins")
                .body::<DistributionRequest>(distribution),
        )
        .get("/distributions/{id}", distributions::get, read("getDistribution", "distributions", "A distribution"))
        .put(
            "/distributions/{id}",
            distributions::update,
            start("updateDistribution", "distributions", "Change a distribution (`routing: null` removes routing)")
                .body::<DistributionRequest>(json!({"routing": routing})),
        )
        .delete(
            "/distributions/{id}",
            distributions::delete,
            start("deleteDistribution", "distributions", "Disable and delete a distribution"),
        )
        .get(
            "/distributions/{id}/status",
            distributions::status,
            read("distributionStatus", "distributions", "CloudFront's live status and drift"),
        )
        .post(
            "/distributions/{id}/replicate-edge-function",
            distributions::replicate,
            start(
                "replicateEdgeFunction",
                "distributions",
                "Publish a routed distribution's edge function again from its routing and its origins as they are now, and retire the last",
            ),
        )
        .post(
            "/distributions/{id}/invalidate",
            distributions::invalidate,
            start("invalidateDistribution", "distributions", "Invalidate paths")
                .body::<InvalidationRequest>(json!({"paths": ["/index.html", "/assets/*"]})),
        )
        .get(
            "/distributions/{id}/metrics",
            crate::metrics::metrics,
            read("distributionMetrics", "distributions", "CloudFront's CloudWatch metrics over a window, in one GetMetricData request")
                .query(METRICS)
                .answers("{distributionId, cloudfrontId, period, from, to, summary, metrics: {requests, bytesDownloaded, bytesUploaded, errorRate4xx, errorRate5xx, totalErrorRate, cacheHitRate}}"),
        )
        .get(
            "/distributions/{id}/history",
            history::history::<DistributionRecord, DistributionId>,
            history_of("distributionHistory", "distributions"),
        )
        .get(
            "/cache-policies",
            policies::list::<Cache>,
            read("listCachePolicies", "policies", "cfm's cache policies").query(PAGE),
        )
        .post(
            "/cache-policies",
            policies::create::<Cache>,
            start("createCachePolicy", "policies", "Create a cache policy").body::<PolicyRequest>(policy("cache")),
        )
        .get("/cache-policies/{id}", policies::get::<Cache>, read("getCachePolicy", "policies", "A cache policy"))
        .put(
            "/cache-policies/{id}",
            policies::update::<Cache>,
            start("updateCachePolicy", "policies", "Change a cache policy in place")
                .body::<PolicyRequest>(policy("cache")),
        )
        .delete(
            "/cache-policies/{id}",
            policies::delete::<Cache>,
            start("deleteCachePolicy", "policies", "Delete a cache policy no behaviour uses"),
        )
        .get("/cache-policies/{id}/history", policies::history::<Cache>, history_of("cachePolicyHistory", "policies"))
        .get(
            "/origin-request-policies",
            policies::list::<OriginRequestKind>,
            read("listOriginRequestPolicies", "policies", "cfm's origin-request policies").query(PAGE),
        )
        .post(
            "/origin-request-policies",
            policies::create::<OriginRequestKind>,
            start("createOriginRequestPolicy", "policies", "Create an origin-request policy")
                .body::<PolicyRequest>(policy("origin-request")),
        )
        .get(
            "/origin-request-policies/{id}",
            policies::get::<OriginRequestKind>,
            read("getOriginRequestPolicy", "policies", "An origin-request policy"),
        )
        .put(
            "/origin-request-policies/{id}",
            policies::update::<OriginRequestKind>,
            start("updateOriginRequestPolicy", "policies", "Change an origin-request policy in place")
                .body::<PolicyRequest>(policy("origin-request")),
        )
        .delete(
            "/origin-request-policies/{id}",
            policies::delete::<OriginRequestKind>,
            start("deleteOriginRequestPolicy", "policies", "Delete an origin-request policy no behaviour uses"),
        )
        .get(
            "/origin-request-policies/{id}/history",
            policies::history::<OriginRequestKind>,
            history_of("originRequestPolicyHistory", "policies"),
        )
        .get(
            "/edge-functions",
            edge::list,
            read("listEdgeFunctions", "edge", "The functions routed distributions run").query(EDGE_FUNCTIONS),
        )
        .post(
            "/edge-functions/preview",
            edge::preview,
            read(
                "previewEdgeFunction",
                "edge",
                "The function a routing generates and where each country goes; creates nothing",
            )
            .body::<PreviewRequest>(
                json!({"origins": ["org-5f2a9c0d1e3b4a67", "org-0b1c2d3e4f506172"], "routing": routing}),
            )
            .answers("{code, sizeBytes, limitBytes, mode, table, access}"),
        )
        .get(
            "/edge-functions/{id}",
            edge::get,
            read("getEdgeFunction", "edge", "An edge function, and whether CloudFront runs it"),
        )
        .get(
            "/edge-functions/{id}/history",
            history::history::<EdgeFunctionRecord, EdgeFunctionId>,
            history_of("edgeFunctionHistory", "edge"),
        )
        .get("/templates", templates::list, read("listTemplates", "templates", "Templates").query(PAGE))
        .post(
            "/templates",
            templates::create,
            read("createTemplate", "templates", "Create a template (version 1)")
                .body::<TemplateRequest>(json!({"name": "site", "spec": {"priceClass": "PriceClass_100"}}))
                .admin()
                .creates("the template"),
        )
        .get(
            "/templates/{id}",
            templates::get,
            read("getTemplate", "templates", "A template at a version").query(&[("version", "default: the latest")]),
        )
        .put(
            "/templates/{id}",
            templates::update,
            read("updateTemplate", "templates", "Add a version")
                .body::<TemplateRequest>(json!({"spec": {"priceClass": "PriceClass_All"}}))
                .admin()
                .answers("the template"),
        )
        .delete(
            "/templates/{id}",
            templates::delete,
            read("deleteTemplate", "templates", "Mark a template deleted (its versions stay)")
                .admin()
                .answers("the template"),
        )
        .post(
            "/templates/{id}/rollout",
            bulk::rollout,
            start("rolloutTemplate", "bulk", "Move the template's distributions (or some) to a version")
                .query(DRY_RUN)
                .body::<RolloutRequest>(json!({"version": 3, "selector": {"tags": {"team": "web"}}})),
        )
        .post(
            "/bulk/invalidations",
            bulk::invalidate,
            start("bulkInvalidate", "bulk", "Invalidate paths on many distributions")
                .query(DRY_RUN)
                .body::<BulkInvalidationRequest>(json!({"selector": {"tags": {"team": "web"}}, "paths": ["/index.html"]})),
        )
        .post(
            "/bulk/updates",
            bulk::update,
            start("bulkUpdate", "bulk", "Apply one change to many distributions")
                .query(DRY_RUN)
                .body::<BulkUpdateRequest>(json!({"selector": {"status": "DEPLOYED"}, "patch": {"priceClass": "PriceClass_All"}})),
        )
        .get("/bulk", bulk::list, read("listBulkOperations", "bulk", "Bulk operations, newest first").query(PAGE))
        .get("/bulk/{id}", bulk::get, read("getBulkOperation", "bulk", "A bulk operation and its counts"))
        .get(
            "/bulk/{id}/items",
            bulk::items,
            read("bulkItems", "bulk", "A bulk operation's items, 100 a page, with their results").query(BULK_ITEMS),
        )
        .get(
            "/bulk/{id}/history",
            history::history::<BulkRecord, BulkId>,
            history_of("bulkHistory", "bulk"),
        )
        .post(
            "/bulk/{id}/cancel",
            bulk::cancel,
            read("cancelBulkOperation", "bulk", "Start nothing more; what runs finishes, the rest is skipped")
                .admin()
                .answers("{bulkId, status, executionId}"),
        )
        .post(
            "/bulk/{id}/retry",
            bulk::retry,
            start("retryBulkOperation", "bulk", "Run the failed items of an operation that is over again").query(DRY_RUN),
        )
        .get("/templates/{id}/versions", templates::versions, read("templateVersions", "templates", "Every version"))
        .post(
            "/templates/{id}/apply",
            templates::apply,
            start("applyTemplate", "templates", "Create a distribution from a template version")
                .body::<ApplyTemplateRequest>(
                    json!({"name": "shop-eu", "overrides": {"originId": "org-5f2a9c0d1e3b4a67"}}),
                ),
        )
        .get(
            "/templates/{id}/history",
            history::history::<TemplateRecord, TemplateId>,
            history_of("templateHistory", "templates"),
        )
        .get(
            "/certificates",
            certificates::list,
            read("listCertificates", "certificates", "ACM certificates (us-east-1)")
                .query(&[("status", "only those in this status")]),
        )
        .post(
            "/certificates",
            certificates::request,
            start("requestCertificate", "certificates", "Request a DNS-validated certificate")
                .body::<CertificateRequest>(json!({"domainName": "www.example.com"})),
        )
        .get(
            "/certificates/{arn}",
            certificates::get,
            read("getCertificate", "certificates", "A certificate (ARN percent-encoded)"),
        )
        .get(
            "/certificates/{arn}/history",
            history::certificate_history,
            history_of("certificateHistory", "certificates"),
        )
        .get(
            "/executions",
            executions::list,
            read("listExecutions", "executions", "This stack's executions, newest first").query(EXECUTIONS),
        )
        .get("/executions/{id}", executions::get, read("getExecution", "executions", "How an execution stands"))
        .get(
            "/executions/{id}/steps",
            executions::steps,
            read("executionSteps", "executions", "Every state it went through, from its history"),
        )
        .get(
            "/workflows/{name}",
            console::workflow,
            read("getWorkflow", "executions", "A workflow's state machine definition (ASL), as the console draws it"),
        )
        .get("/console", console::page, file("console", "The web console (sign in with #token=…)", "text/html"))
        .get("/console/console.js", console::script, file("consoleScript", "The console's script", "text/javascript"))
        .get("/console/console.css", console::style, file("consoleStyle", "The console's style", "text/css"))
        .finish()
}
