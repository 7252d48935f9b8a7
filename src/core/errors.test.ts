import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { errorCatalog } from "./errors";

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return Promise.resolve(entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : []);
    }),
  );
  return nested.flat();
}

describe("error catalog", () => {
  it("every catalog code is produced somewhere in the Worker's code", async () => {
    const files = [...(await sourceFiles("src")), ...(await sourceFiles("functions"))].filter(
      (file) => !file.endsWith(join("core", "error-catalog.ts")),
    );
    const code = (await Promise.all(files.map((file) => readFile(file, "utf8")))).join("\n");
    const unused = Object.keys(errorCatalog).filter((name) => !code.includes(`"${name}"`));
    expect(unused).toEqual([]);
  });
});
