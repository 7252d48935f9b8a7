import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createProductRoute,
  listProductsRoute,
  retrieveProductRoute,
  updateProductRoute,
} from "./routes";
import { createProduct, listProducts, retrieveProduct, updateProduct } from "./service";

export const createProductHandler: RouteHandler<typeof createProductRoute, AppEnv> = async (c) =>
  c.json(await createProduct({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveProductHandler: RouteHandler<typeof retrieveProductRoute, AppEnv> = async (c) =>
  c.json(await retrieveProduct({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateProductHandler: RouteHandler<typeof updateProductRoute, AppEnv> = async (c) =>
  c.json(
    await updateProduct({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const listProductsHandler: RouteHandler<typeof listProductsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listProducts({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
