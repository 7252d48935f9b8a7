import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { serviceContext } from "../../core/http";
import type { createUsageRecordBatchRoute, createUsageRecordRoute, usageSummaryRoute } from "./routes";
import { createUsageRecord, createUsageRecordBatch, summarizeUsage } from "./service";

export const createUsageRecordHandler: RouteHandler<typeof createUsageRecordRoute, AppEnv> = async (c) =>
  c.json(await createUsageRecord({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const createUsageRecordBatchHandler: RouteHandler<typeof createUsageRecordBatchRoute, AppEnv> = async (
  c,
) =>
  c.json(await createUsageRecordBatch({ ctx: serviceContext(c), records: c.req.valid("json").records }), 200);

export const usageSummaryHandler: RouteHandler<typeof usageSummaryRoute, AppEnv> = async (c) =>
  c.json(await summarizeUsage({ ctx: serviceContext(c), query: c.req.valid("query") }), 200);
