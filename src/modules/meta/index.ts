import { createRouter } from "../../core/http";
import { errorCodesHandler } from "./handlers";
import { errorCodesRoute } from "./routes";

export const metaRouter = createRouter().openapi(errorCodesRoute, errorCodesHandler);
