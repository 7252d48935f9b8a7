/**
 * Writes the OpenAPI document to a file, built from the app itself with no server, no database and
 * no network: `tsx scripts/openapi.ts contract/generated/openapi.json`. The Redocly lint and the
 * generated-client check (package.json `lint:openapi`, `check:client`) read it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { openApiDocument } from "../src/app";

const out = process.argv[2] ?? "contract/generated/openapi.json";
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`OpenAPI document written to ${out}`);
