/** Objects that the fixtures of more than one area start from. */
import type { TestMerchant } from "../harness";

export const createCustomer = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
    email: "sec@example.com",
  });
  return created.body.id;
};

export const createFundingDeposit = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: 1000,
    currency: "EUR",
    method: "sepa",
  });
  return created.body.id;
};
