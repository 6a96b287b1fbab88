// Validates an OpenAPI document against the official OpenAPI 3.1 schema: node validate.mjs <file>
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const file = process.argv[2];
const document = JSON.parse(readFileSync(file, "utf8"));
const validator = new Validator();
const result = await validator.validate(document);
if (!result.valid) {
  console.error(`${file} is not valid OpenAPI ${validator.version}:`);
  console.error(JSON.stringify(result.errors, null, 2));
  process.exit(1);
}
const operations = Object.values(document.paths).reduce((n, path) => n + Object.keys(path).length, 0);
console.log(`${file}: valid OpenAPI ${validator.version}, ${operations} operations`);
