import { Hono } from "hono";
import { findFunction, runScheduledFunctions } from "../../../functions";
import { runFunction } from "../../core/background-functions";
import type { AppEnv } from "../../core/context";
import { ApiError } from "../../core/errors";
import { claimSignature, functionUrl, verifyQStashSignature } from "../../core/jobs";
import { validationError } from "../../core/validation";

/**
 * QStash calls background functions here. The signature is checked on the raw body against
 * the URL QStash was given, before the body is parsed or anything else happens.
 */
export const functionTriggersRouter = new Hono<AppEnv>()
  .post("/internal/functions/:name", async (c) => {
    const services = c.get("services");
    const name = c.req.param("name");
    const body = await c.req.text();
    const signature = c.req.header("upstash-signature");
    const url = functionUrl(services.config.PUBLIC_URL, name);
    if (!signature || !(await verifyQStashSignature(services.config, { signature, body, url }))) {
      throw new ApiError("signature_invalid");
    }
    if (!(await claimSignature(services, signature))) {
      throw new ApiError("signature_invalid", { message: "This signed request was already used." });
    }
    const fn = findFunction(name);
    if (!fn) throw new ApiError("function_unknown", { param: "name" });
    let json: unknown = {};
    if (body.trim() !== "") {
      try {
        json = JSON.parse(body);
      } catch {
        throw new ApiError("json_invalid");
      }
    }
    const payload = fn.payload.safeParse(json);
    if (!payload.success) throw validationError(payload.error, json);
    const outcome = await runFunction(services, fn, payload.data, "qstash", services.clock.now());
    // A failed run answers 500 so that QStash retries it with its backoff.
    return c.json({ function: name, ...outcome }, outcome.status === "failed" ? 500 : 200);
  })
  /**
   * Development only (404 in production): runs a cron's functions as the Cron Trigger would, at
   * `time` (ms since 1970). Local stand-in for workerd's /cdn-cgi/handler/scheduled, which answers
   * "exception" when the Worker has static assets (miniflare bug, workers-sdk #9882, fixed only in
   * releases that need Node 22).
   */
  .get("/internal/dev/scheduled", async (c) => {
    const services = c.get("services");
    if (services.config.APP_ENV !== "development") throw new ApiError("route_not_found");
    const cron = c.req.query("cron") ?? "";
    const time = Number(c.req.query("time") ?? services.clock.now().getTime());
    if (!Number.isSafeInteger(time) || Math.abs(time) > 8.64e15) {
      throw new ApiError("parameter_invalid", { param: "time" });
    }
    const outcomes = await runScheduledFunctions(services, cron, new Date(time));
    return c.json({ cron, outcomes }, 200);
  })
  /**
   * Development only (404 in production): runs one function with the JSON body as its payload, on
   * the request's clock (X-Test-Clock-Offset-Seconds), in the schedule slot of `time` (ms since 1970).
   * For tests that must move time without running a whole cron's functions for every merchant.
   */
  .post("/internal/dev/functions/:name", async (c) => {
    const services = c.get("services");
    if (services.config.APP_ENV !== "development") throw new ApiError("route_not_found");
    const fn = findFunction(c.req.param("name"));
    if (!fn) throw new ApiError("function_unknown", { param: "name" });
    const time = Number(c.req.query("time") ?? services.clock.now().getTime());
    if (!Number.isSafeInteger(time) || Math.abs(time) > 8.64e15) {
      throw new ApiError("parameter_invalid", { param: "time" });
    }
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      throw new ApiError("json_invalid");
    }
    const payload = fn.payload.safeParse(json);
    if (!payload.success) throw validationError(payload.error, json);
    const outcome = await runFunction(services, fn, payload.data, "manual", new Date(time));
    return c.json({ function: fn.name, ...outcome }, 200);
  });
