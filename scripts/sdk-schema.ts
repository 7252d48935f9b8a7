/**
 * The SDK's generated files, from the OpenAPI document the app builds (no server, no network):
 * sdk/src/schema.ts (openapi-typescript's types, default settings) and sdk/src/operations.ts (each
 * operationId `resource.verb` with its method and path, from which the SDK builds `client.resource.verb`).
 * `tsx scripts/sdk-schema.ts --write` regenerates them (`npm run generate:sdk`); `--check`
 * regenerates them to a temporary folder and fails when they differ from the committed ones
 * (`npm run check:sdk`, part of `npm run typecheck`).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import openapiTS, { astToString, COMMENT_HEADER } from "openapi-typescript";
import { openApiDocument } from "../src/app";

interface SchemaObject {
  $ref?: string;
  properties?: Record<string, SchemaObject>;
  items?: SchemaObject;
}

interface OperationObject {
  operationId?: string;
  requestBody?: unknown;
  parameters?: { in: string; name: string }[];
  responses?: Record<string, { content?: Record<string, { schema?: SchemaObject }> }>;
}

interface Document {
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, SchemaObject> };
}

// A JSON copy: openapi-typescript reads the document as plain data.
const document: Document = JSON.parse(JSON.stringify(openApiDocument()));

function resolve(schema: SchemaObject | undefined): SchemaObject | undefined {
  const name = schema?.$ref?.replace("#/components/schemas/", "");
  return name === undefined ? schema : document.components.schemas[name];
}

/** A list the SDK can page through: `starting_after`, `has_more` and objects with an `id`. */
function isCursorList(operation: OperationObject): boolean {
  if (!operation.parameters?.some((parameter) => parameter.name === "starting_after")) return false;
  const list = resolve(operation.responses?.["200"]?.content?.["application/json"]?.schema);
  const item = resolve(list?.properties?.data?.items);
  return list?.properties?.has_more !== undefined && item?.properties?.id !== undefined;
}

function operationsSource(): string {
  const resources = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const [resource, verb, ...rest] = (operation.operationId ?? "").split(".");
      if (!resource || !verb || rest.length > 0) {
        throw new Error(`${method.toUpperCase()} ${path}: operationId must be "resource.verb"`);
      }
      const input = operation.requestBody
        ? '"body"'
        : operation.parameters?.some((parameter) => parameter.in === "query")
          ? '"query"'
          : "null";
      const list = method === "get" && isCursorList(operation);
      const json = Object.entries(operation.responses ?? {}).some(
        ([status, response]) =>
          status.startsWith("2") && Object.keys(response.content ?? {}).includes("application/json"),
      );
      const parse = json ? "json" : "text";
      const verbs = resources.get(resource) ?? [];
      verbs.push(
        `    ${verb}: { method: "${method}", path: "${path}", input: ${input}, list: ${list}, parse: "${parse}" },`,
      );
      resources.set(resource, verbs);
    }
  }
  const body = [...resources].map(([resource, verbs]) => `  ${resource}: {\n${verbs.join("\n")}\n  },`);
  return `${COMMENT_HEADER}export const operationTable = {\n${body.join("\n")}\n} as const;\n`;
}

const files = {
  "schema.ts": COMMENT_HEADER + astToString(await openapiTS(JSON.parse(JSON.stringify(document)))),
  "operations.ts": operationsSource(),
};

if (process.argv.includes("--check")) {
  const fresh = mkdtempSync(join(tmpdir(), "magnetpay-sdk-"));
  let stale = false;
  for (const [name, contents] of Object.entries(files)) {
    writeFileSync(join(fresh, name), contents);
    if (readFileSync(join("sdk/src", name), "utf8") === contents) continue;
    spawnSync("diff", ["-u", join("sdk/src", name), join(fresh, name)], { stdio: "inherit" });
    stale = true;
  }
  if (stale) {
    console.error("The SDK's generated files differ from the OpenAPI document: run npm run generate:sdk.");
    process.exit(1);
  }
  console.log("sdk/src/schema.ts and sdk/src/operations.ts match the OpenAPI document.");
} else {
  for (const [name, contents] of Object.entries(files)) writeFileSync(join("sdk/src", name), contents);
  console.log("sdk/src/schema.ts and sdk/src/operations.ts regenerated from the OpenAPI document.");
}
