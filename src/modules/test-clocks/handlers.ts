import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import { deleteClockWithObjects, testClockHooks } from "../../../functions/test-clock-hooks";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as routes from "./routes";
import { advanceTestClock, createTestClock, listTestClocks, retrieveTestClock } from "./service";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createTestClockHandler: Handler<typeof routes.createTestClockRoute> = async (c) =>
  c.json(await createTestClock({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveTestClockHandler: Handler<typeof routes.retrieveTestClockRoute> = async (c) =>
  c.json(await retrieveTestClock({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listTestClocksHandler: Handler<typeof routes.listTestClocksRoute> = async (c) =>
  c.json(
    listResponse(c.req.path, await listTestClocks({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

/** A clock is deleted with its objects (functions/test-clock-hooks.ts); another merchant's is a 404 first. */
export const deleteTestClockHandler: Handler<typeof routes.deleteTestClockRoute> = async (c) => {
  const ctx = serviceContext(c);
  const { id } = c.req.valid("param");
  await retrieveTestClock({ ctx, id });
  return c.json((await deleteClockWithObjects(ctx, id)).deleted, 200);
};

/** The hooks (what each area runs as the clock passes) come from functions/, which owns the background work. */
export const advanceTestClockHandler: Handler<typeof routes.advanceTestClockRoute> = async (c) =>
  c.json(
    await advanceTestClock({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
      hooks: testClockHooks,
    }),
    200,
  );
