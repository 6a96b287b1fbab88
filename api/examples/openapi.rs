//! Writes the API's OpenAPI document: `cargo run -p cfm-api --example openapi -- <file>`
//! (`cargo xtask test` does, then validates it).

fn main() {
    let path = std::env::args().nth(1).expect("usage: openapi <file>");
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir).expect("creating the document's directory");
    }
    let document = serde_json::to_string_pretty(&cfm_api::openapi()).expect("JSON");
    std::fs::write(&path, document).expect("writing the document");
    println!("wrote the OpenAPI document to {path}");
}
