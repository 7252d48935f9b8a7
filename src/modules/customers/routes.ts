import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createCustomerBody,
  customerIdParams,
  customerSchema,
  deletedCustomerSchema,
  listCustomersQuery,
  updateCustomerBody,
} from "./schemas";

const tags = ["Customers"];

export const createCustomerRoute = createRoute({
  method: "post",
  path: "/customers",
  operationId: "customers.create",
  tags,
  summary: "Create a customer",
  security: authSecurity,
  request: { body: jsonBody(createCustomerBody) },
  responses: { 200: jsonContent(customerSchema, "The new customer."), ...writeErrors },
});

export const retrieveCustomerRoute = createRoute({
  method: "get",
  path: "/customers/{id}",
  operationId: "customers.retrieve",
  tags,
  summary: "Retrieve a customer",
  security: authSecurity,
  request: { params: customerIdParams },
  responses: { 200: jsonContent(customerSchema, "The customer."), ...commonErrors },
});

export const updateCustomerRoute = createRoute({
  method: "patch",
  path: "/customers/{id}",
  operationId: "customers.update",
  tags,
  summary: "Update a customer",
  description: "Fields left out stay as they are; null clears a field.",
  security: authSecurity,
  request: { params: customerIdParams, body: jsonBody(updateCustomerBody) },
  responses: { 200: jsonContent(customerSchema, "The updated customer."), ...writeErrors },
});

export const deleteCustomerRoute = createRoute({
  method: "delete",
  path: "/customers/{id}",
  operationId: "customers.delete",
  tags,
  summary: "Delete a customer",
  description: "Soft delete: the customer disappears from the API; its history stays for audit.",
  security: authSecurity,
  request: { params: customerIdParams },
  responses: { 200: jsonContent(deletedCustomerSchema, "The deleted customer."), ...writeErrors },
});

export const listCustomersRoute = createRoute({
  method: "get",
  path: "/customers",
  operationId: "customers.list",
  tags,
  summary: "List customers",
  security: authSecurity,
  request: { query: listCustomersQuery },
  responses: {
    200: jsonContent(listSchema(customerSchema, "CustomerList"), "Newest first."),
    ...commonErrors,
  },
});
