import { describe, expect, it } from "vitest";
import { query } from "../../test/db";
import { nodeServices } from "../../test/node-services";
import { paymentMethods } from "../modules/payment-methods/tables";
import { tenantRow } from "./tenancy";

/** The plan PostgreSQL makes for a drizzle query, as EXPLAIN's JSON tree flattened to its node types. */
async function planNodes(built: { sql: string; params: unknown[] }): Promise<string[]> {
  const [row] = await query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
    `explain (format json) ${built.sql}`,
    built.params,
  );
  const nodes: string[] = [];
  const walk = (node: PlanNode) => {
    nodes.push(node["Node Type"] + (node["One-Time Filter"] ? ` (${node["One-Time Filter"]})` : ""));
    for (const child of node.Plans ?? []) walk(child);
  };
  if (row) walk(row["QUERY PLAN"][0].Plan);
  return nodes;
}

interface PlanNode {
  "Node Type": string;
  "One-Time Filter"?: string;
  Plans?: PlanNode[];
}

describe("tenantRow", () => {
  const { db } = nodeServices();
  const tenant = { merchantId: "mer_plan", environment: "sandbox" as const };

  it("reads no table for a left-out optional reference (null)", async () => {
    const none = db
      .select()
      .from(paymentMethods)
      .where(tenantRow(paymentMethods, tenant, null))
      .limit(1);
    expect(await planNodes(none.toSQL())).toEqual(["Limit", "Result (false)"]);
  });

  it("looks an id up within the tenant's scope", async () => {
    const one = db
      .select()
      .from(paymentMethods)
      .where(tenantRow(paymentMethods, tenant, "pm_x"))
      .limit(1);
    const nodes = await planNodes(one.toSQL());
    expect(nodes[0]).toBe("Limit");
    expect(nodes[1]).toMatch(/Scan/);
    expect(one.toSQL().params).toEqual(["pm_x", "mer_plan", "sandbox", 1]);
  });
});
