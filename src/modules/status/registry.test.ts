import { describe, expect, it } from "vitest";
import { idPrefixes } from "../../core/ids";
import { statusObjectKinds } from "../../core/status";
import { statusResolvers } from "./registry";

describe("status registry", () => {
  it("resolves exactly the kinds whose cached documents core/status.ts drops after a change", () => {
    const resolved = statusResolvers.map((resolver) => resolver.prefix).sort();
    expect(resolved).toEqual(statusObjectKinds.map((kind) => idPrefixes[kind]).sort());
  });
});
