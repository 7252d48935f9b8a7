// Copies the API reference's browser bundle from the @scalar/api-reference npm package into the
// Worker's static assets (public/, wrangler.toml [assets]), so /docs needs no CDN. Runs on
// `npm install` / `npm ci` (postinstall) and before `wrangler deploy` (predeploy). The copy is
// not committed (.gitignore); public/docs/init.js is.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "node_modules/@scalar/api-reference/dist/browser/standalone.js");
if (!existsSync(source)) {
  // A production install without devDependencies: nothing to copy, and nothing serves /docs here.
  console.warn(`docs-assets: ${source} is missing; /docs has no script.`);
  process.exit(0);
}
const target = join(root, "public/docs/scalar-standalone.js");
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`docs-assets: copied ${source} to ${target}`);
