/**
 * Writes the OpenAPI document to a file, built from the app itself with no server, no database and
 * no network: `tsx scripts/openapi.ts .local/openapi/openapi.json`, which the Redocly lint
 * (package.json `lint:openapi`) reads. The SDK's types come from scripts/sdk-schema.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { openApiDocument } from "../src/app";

const out = process.argv[2] ?? ".local/openapi/openapi.json";
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`OpenAPI document written to ${out}`);
