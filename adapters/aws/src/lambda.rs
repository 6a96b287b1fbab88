//! Lambda (us-east-1) behind the Lambda@Edge port: a function per routing generation, made or
//! its code updated, then a numbered version published and waited for. Versions are found by
//! their code's SHA-256, so a redelivered task reuses the version it published.

use std::io::Write;
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, LastUpdateStatus, Runtime, State};
use base64::Engine;
use cfm_ports::cdn::FunctionDeletion;
use cfm_ports::lambdas::EdgeLambdas;
use cfm_ports::{ErrorKind, PortResult, ServiceError};
use sha2::{Digest, Sha256};

use crate::classify::{aws, classify, error_code, error_message, unexpected};
use crate::config::AwsContext;

/// Origin-request functions may run up to 30 s; routing takes milliseconds.
const TIMEOUT_SECONDS: i32 = 5;
const MEMORY_MB: i32 = 128;
/// How long a new version may take to become active before the task tries again.
const READY_POLLS: u32 = 30;

/// Lambda in us-east-1, where Lambda@Edge functions live.
#[derive(Debug, Clone)]
pub struct LambdaEdge {
    client: aws_sdk_lambda::Client,
    /// The execution role `edgelambda.amazonaws.com` can assume.
    role: String,
}

impl LambdaEdge {
    /// A client from the shared configuration, creating functions with `role`.
    pub fn new(aws: &AwsContext, role: &str) -> Self {
        Self { client: aws.lambda(), role: role.to_owned() }
    }
}

/// The package: `code` as `index.js`, stored, with a fixed time so the same code is the same
/// package (and the same SHA-256).
fn package(code: &str) -> PortResult<Vec<u8>> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let written = writer
        .start_file("index.js", options)
        .map_err(|e| e.to_string())
        .and_then(|()| writer.write_all(code.as_bytes()).map_err(|e| e.to_string()));
    written.map_err(|e| unexpected(&format!("zipping the function: {e}")))?;
    let cursor = writer.finish().map_err(|e| unexpected(&format!("zipping the function: {e}")))?;
    Ok(cursor.into_inner())
}

/// Lambda's `CodeSha256`: the package's SHA-256 in base64.
fn code_sha(package: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(package))
}

fn not_ready(name: &str) -> ServiceError {
    ServiceError::new(ErrorKind::Unavailable, format!("Lambda function {name} is not ready yet"))
}

impl LambdaEdge {
    /// Creates the function, or gives it this code; returns once no update is in progress.
    async fn put_code(&self, name: &str, description: &str, package: &[u8], sha: &str) -> PortResult<()> {
        match self.client.get_function().function_name(name).send().await {
            Ok(out) if out.configuration().and_then(|c| c.code_sha256()) == Some(sha) => {}
            Ok(_) => {
                self.client
                    .update_function_code()
                    .function_name(name)
                    .zip_file(Blob::new(package))
                    .send()
                    .await
                    .map_err(aws("UpdateFunctionCode"))?;
            }
            Err(err) if error_code(&err) == Some("ResourceNotFoundException") => {
                let created = self
                    .client
                    .create_function()
                    .function_name(name)
                    .description(description)
                    .runtime(Runtime::Nodejs20x)
                    .handler("index.handler")
                    .role(&self.role)
                    .timeout(TIMEOUT_SECONDS)
                    .memory_size(MEMORY_MB)
                    .code(FunctionCode::builder().zip_file(Blob::new(package)).build())
                    .send()
                    .await;
                match created {
                    Ok(_) => {}
                    // Another delivery of this task made it meanwhile: the next attempt updates it.
                    Err(err) if error_code(&err) == Some("ResourceConflictException") => return Err(not_ready(name)),
                    Err(err) => return Err(classify("CreateFunction", err)),
                }
            }
            Err(err) => return Err(classify("GetFunction", err)),
        }
        self.ready(name, None).await
    }

    /// Waits until the function (or one version of it) is active with no update in progress.
    async fn ready(&self, name: &str, version: Option<&str>) -> PortResult<()> {
        for _ in 0..READY_POLLS {
            let out = self
                .client
                .get_function_configuration()
                .function_name(name)
                .set_qualifier(version.map(str::to_owned))
                .send()
                .await
                .map_err(aws("GetFunctionConfiguration"))?;
            let active = out.state().is_none_or(|s| s == &State::Active);
            let settled = out.last_update_status().is_none_or(|s| s != &LastUpdateStatus::InProgress);
            if active && settled {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        Err(not_ready(name))
    }

    /// The ARN of a numbered version of `name` with code `sha`, if one is published.
    async fn version_with(&self, name: &str, sha: &str) -> PortResult<Option<String>> {
        let mut marker = None;
        loop {
            let out = self
                .client
                .list_versions_by_function()
                .function_name(name)
                .set_marker(marker)
                .send()
                .await
                .map_err(aws("ListVersionsByFunction"))?;
            let found = out
                .versions()
                .iter()
                .find(|v| v.version() != Some("$LATEST") && v.code_sha256() == Some(sha))
                .and_then(|v| v.function_arn().map(str::to_owned));
            if found.is_some() {
                return Ok(found);
            }
            match out.next_marker() {
                Some(next) => marker = Some(next.to_owned()),
                None => return Ok(None),
            }
        }
    }
}

#[async_trait]
impl EdgeLambdas for LambdaEdge {
    async fn publish(&self, name: &str, description: &str, code: &str) -> PortResult<String> {
        let package = package(code)?;
        let sha = code_sha(&package);
        self.put_code(name, description, &package, &sha).await?;
        if let Some(arn) = self.version_with(name, &sha).await? {
            return Ok(arn);
        }
        let published = self
            .client
            .publish_version()
            .function_name(name)
            .code_sha256(&sha)
            .description(description)
            .send()
            .await
            .map_err(aws("PublishVersion"))?;
        let (arn, version) = published
            .function_arn()
            .zip(published.version())
            .ok_or_else(|| unexpected("a published version without its ARN"))?;
        self.ready(name, Some(version)).await?;
        Ok(arn.to_owned())
    }

    async fn version_of(&self, name: &str, code: &str) -> PortResult<Option<String>> {
        match self.version_with(name, &code_sha(&package(code)?)).await {
            Err(err) if err.kind == ErrorKind::NotFound => Ok(None),
            found => found,
        }
    }

    async fn delete(&self, name: &str) -> PortResult<FunctionDeletion> {
        // Never with a qualifier: the function goes with every version.
        match self.client.delete_function().function_name(name).send().await {
            Ok(_) => Ok(FunctionDeletion::Deleted),
            Err(err) if error_code(&err) == Some("ResourceNotFoundException") => Ok(FunctionDeletion::Deleted),
            // CloudFront still has replicas ("… because it is a replicated function"): not yet.
            Err(err)
                if error_code(&err) == Some("InvalidParameterValueException")
                    && error_message(&err).is_some_and(|m| m.contains("replicated function")) =>
            {
                Ok(FunctionDeletion::InUse)
            }
            Err(err) => Err(classify("DeleteFunction", err)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_code_is_the_same_package() {
        let (one, two) = (package("exports.handler = 1;").unwrap(), package("exports.handler = 1;").unwrap());
        assert_eq!(code_sha(&one), code_sha(&two));
        assert_ne!(code_sha(&one), code_sha(&package("exports.handler = 2;").unwrap()));
        assert_eq!(&one[..4], b"PK\x03\x04", "a zip");
    }
}
